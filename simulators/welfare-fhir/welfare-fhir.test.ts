import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { welfareFhir } from '../../adapters/welfare-fhir';
import { AdapterKit, SourceError } from '../../adapters/kit';
import type { WelfareAdapter } from '../../adapters/contracts';
import type { WelfareRecordModel } from '../../adapters/model';
import { instancesOf, loadOrganisations, loadSources, municipalityInstances, type InstanceConfig } from '../../lib/config';
import { SIGNATURE_HEADER, verifyChangeNotice } from '../../lib/invalidation';
import { createLogger } from '../../lib/logger';
import { noticeSettings } from '../kit/changeNotices';
import { startControlServer } from '../kit/control';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { addDays } from '../population/random';
import { worldToday } from '../population/clock';
import { welfareWorld } from '../population/welfare';
import { welfareFhirSimulator } from '.';

const logger = createLogger('test');
const orgs = loadOrganisations();
const configured = instancesOf(loadSources()).find((i) => i.id === 'welfare-hub') as InstanceConfig;
const population = getPopulationIndex();
const HOME_CARE = demoPatient('homeCare').nin;
const municipalityName = (number: string) => orgs.municipalities.find((m) => m.number === number)?.name ?? '';
const served = new Set(orgs.municipalities.filter((m) => municipalityInstances(m, 'WELFARE_TECHNOLOGY').includes('welfare-hub')).map((m) => m.number));
const worldOf = (nin: string) => {
  const person = population.byNin.get(nin);
  if (!person) throw new Error('unknown person');
  return welfareWorld(person, { municipalityName: municipalityName(person.municipality) });
};
/** Residents of the served municipalities the hub holds something for. */
const held = population.population.persons.filter((p) => served.has(p.municipality) && worldOf(p.nin).devices.length > 0).map((p) => p.nin);

let sim: SimulatedInstance;
beforeAll(async () => {
  sim = new SimulatedInstance(welfareFhirSimulator, { instance: configured, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
  await sim.start(0);
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await sim.setBehaviour({ mode: 'normal', latencyMs: 0 });
  sim.resetStats();
  sim.resetKept();
});

function adapterFor(options: Record<string, unknown> = {}, timeoutMs = 5000): WelfareAdapter {
  const instance: InstanceConfig = { ...configured, baseUrl: sim.url, timeoutMs };
  return welfareFhir.create(instance, welfareFhir.manifest.options.parse({ ...configured.options, ...options }), new AdapterKit(logger)) as WelfareAdapter;
}

describe('welfare-fhir simulator: OAuth2', () => {
  it('issues a token for the configured client and refuses wrong credentials with invalid_client', async () => {
    const form = (secret: string) => new URLSearchParams({ grant_type: 'client_credentials', client_id: String(configured.options.clientId), client_secret: secret }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const good = await fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers, body: form(String(configured.options.clientSecret)) });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
    const basic = Buffer.from(`${String(configured.options.clientId)}:${String(configured.options.clientSecret)}`).toString('base64');
    const viaBasic = await fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers: { ...headers, authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' });
    expect(viaBasic.status).toBe(200);
    const bad = await fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers, body: form('wrong') });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a FHIR search without a valid bearer token with a 401 OperationOutcome', async () => {
    const answer = await fetch(`${sim.url}/fhir/Observation/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer nope' },
      body: `patient:identifier=${encodeURIComponent(`urn:oid:2.16.578.1.12.4.1.4.1|${HOME_CARE}`)}`,
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect(await answer.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });
});

describe('welfare-fhir simulator read through the adapter', () => {
  it('gives the demo patient home follow-up with an out-of-range measurement and an alarm this week', async () => {
    const record = (await adapterFor().read([HOME_CARE])).get(HOME_CARE) as WelfareRecordModel;
    expect(record).toBeTruthy();
    const world = worldOf(HOME_CARE);
    expect(world.followUp).toBe('HEART_FAILURE');
    expect(record.measurements).toHaveLength(world.measurements.length);
    expect(record.measurements[0]).toEqual({
      id: world.measurements[0]?.id,
      time: world.measurements[0]?.time,
      kind: world.measurements[0]?.kind,
      code: expect.objectContaining({ code: world.measurements[0]?.code.code }),
      value: world.measurements[0]?.value,
      unit: expect.any(String),
      deviceId: world.measurements[0]?.deviceId,
    });
    const weekAgo = `${addDays(worldToday(), -7)}T00:00:00Z`;
    const outOfRange = record.measurements.filter((m) => {
      const t = record.thresholds.find((x) => x.kind === m.kind);
      return m.time >= weekAgo && t && ((t.high !== null && m.value > t.high) || (t.low !== null && m.value < t.low));
    });
    expect(outOfRange.length).toBeGreaterThan(0);
    expect(record.thresholds).toEqual(expect.arrayContaining([{ kind: 'BODY_WEIGHT', low: null, high: expect.any(Number), unit: 'kg' }, { kind: 'SYSTOLIC_BLOOD_PRESSURE', low: 90, high: 160, unit: 'mm[Hg]' }]));
    const alarm = record.events.find((e) => e.kind === 'ALARM' && e.time >= weekAgo);
    expect(alarm).toMatchObject({ handled: true, handledBy: 'Bergen legevakt, trygghetsalarmsentralen', medication: null });
    const safety = record.devices.find((d) => d.kind === 'SAFETY_ALARM');
    expect(safety).toMatchObject({ id: world.devices.find((d) => d.kind === 'SAFETY_ALARM')?.id, location: expect.stringMatching(/, 5015 Bergen$/), responseCentre: 'Bergen legevakt, trygghetsalarmsentralen', until: null });
    expect(record.devices.map((d) => d.kind)).toEqual(expect.arrayContaining(['BLOOD_PRESSURE_MONITOR', 'SCALE', 'TABLET', 'FALL_SENSOR']));
  });

  it('keeps the location of a strictly confidential person (the graph masks it, not the hub)', async () => {
    const strict = held.find((nin) => population.byNin.get(nin)?.addressProtection.startsWith('STRICTLY_CONFIDENTIAL'));
    expect(strict).toBeDefined();
    const record = (await adapterFor().read([strict as string])).get(strict as string);
    expect(record?.devices.some((d) => d.location !== null)).toBe(true);
  });

  it('reads a batch in one token request and three searches per page, pages, never an identity number in a URL', async () => {
    const batch = held.slice(0, 40);
    const adapter = adapterFor({ pageSize: 50 });
    const together = await adapter.read(batch);
    const routes = sim.stats.byRoute;
    expect(routes['POST /oauth2/token']).toBe(1);
    expect(routes['POST /fhir/Observation/_search']).toBe(1);
    expect(routes['POST /fhir/Communication/_search']).toBe(1);
    expect(routes['POST /fhir/DeviceUseStatement/_search']).toBe(1);
    expect(Object.entries(routes).filter(([route]) => route.startsWith('GET /fhir')).map(([, n]) => n)[0]).toBeGreaterThan(0);
    expect(sim.stats.ninInUrl).toBe(0);
    expect([...together.values()].filter((r) => r !== null)).toHaveLength(batch.length);
    for (const nin of batch.slice(0, 4)) {
      const alone = await adapterFor({ pageSize: 1000 }).read([nin]);
      expect(alone.get(nin)).toEqual(together.get(nin));
    }
  });

  it('answers null for someone the hub holds nothing for', async () => {
    const nobody = population.population.persons.find((p) => served.has(p.municipality) && worldOf(p.nin).devices.length === 0)?.nin as string;
    expect((await adapterFor().read([nobody])).get(nobody)).toBeNull();
  });

  it.each([
    ['fail', 'SOURCE_UNAVAILABLE'],
    ['invalid', 'SOURCE_BAD_RESPONSE'],
    ['garbage', 'SOURCE_BAD_RESPONSE'],
  ] as const)('reports mode %s as %s', async (mode, code) => {
    await sim.setBehaviour({ mode });
    const error = await adapterFor().read([HOME_CARE]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe(code);
  });

  it('refuses wrong credentials as SOURCE_UNAVAILABLE', async () => {
    const error = await adapterFor({ clientSecret: 'wrong' }).read([HOME_CARE]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as SourceError).code).toBe('SOURCE_UNAVAILABLE');
  });
});

describe('welfare-fhir pushed events', () => {
  it('keeps a pushed alarm, sends a signed webhook the adapter reads, and drops it on reset', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const control = await startControlServer(new Map([[sim.id, sim]]), new Map([[sim.id, { mode: 'normal', latencyMs: 0 }]]), 0, logger, population);
    const before = { ...noticeSettings };
    try {
      const settings = await fetch(`${control.url}/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventsUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`, invalidationUrl: null }),
      });
      expect(settings.status).toBe(200);
      const pushed = await fetch(`${control.url}/instances/welfare-hub/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ patient: HOME_CARE, kind: 'ALARM', text: 'Trygghetsalarm utløst' }),
      });
      const answer = (await pushed.json()) as { eventId: string; delivered: boolean; status?: number };
      expect(answer).toEqual({ eventId: expect.stringMatching(/^push-/), delivered: true, status: 204 });
      expect(received).toHaveLength(1);
      const { body, signature } = received[0] as { body: string; signature: string };
      expect(verifyChangeNotice(String(configured.invalidationSecret), body, signature)).toBeDefined();
      expect(verifyChangeNotice('another secret', body, signature)).toBeUndefined();
      expect(JSON.parse(body)).toMatchObject({ source: 'welfare-hub', resource: { resourceType: 'Communication', id: answer.eventId } });

      const adapter = adapterFor();
      const read = adapter.readPushedEvent?.(body);
      expect(read).toEqual({
        patientNin: HOME_CARE,
        event: {
          id: answer.eventId,
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          kind: 'ALARM',
          text: 'Trygghetsalarm utløst',
          deviceId: worldOf(HOME_CARE).devices.find((d) => d.kind === 'SAFETY_ALARM')?.id,
          handled: false,
          handledBy: null,
          medication: null,
        },
      });
      expect(() => adapter.readPushedEvent?.(JSON.stringify({ source: 'another-hub', resource: JSON.parse(body).resource }))).toThrow(/source/);
      expect((await adapter.read([HOME_CARE])).get(HOME_CARE)?.events.some((e) => e.id === answer.eventId)).toBe(true);

      const unknownPatient = await fetch(`${control.url}/instances/welfare-hub/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ patient: '15057210012', kind: 'FALL' }),
      });
      expect(unknownPatient.status).toBe(404);
      const malformed = await fetch(`${control.url}/instances/welfare-hub/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patient: HOME_CARE, kind: 'FIRE' }) });
      expect(malformed.status).toBe(400);

      await fetch(`${control.url}/reset`, { method: 'POST' });
      expect((await adapterFor().read([HOME_CARE])).get(HOME_CARE)?.events.some((e) => e.id === answer.eventId)).toBe(false);
    } finally {
      Object.assign(noticeSettings, before);
      await control.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
