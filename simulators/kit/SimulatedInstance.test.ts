import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { listen } from '../../lib/httpServer';
import { SIGNATURE_HEADER, verifyChangeNotice } from '../../lib/invalidation';
import { getPopulationIndex } from '../population';
import { startControlServer } from './control';
import type { SimulatorDefinition } from './definition';
import { SimulatedInstance } from './SimulatedInstance';

const NIN = '03864013065';

/** A protocol app that answers 200 to anything, so that only the kit's wrapper decides. */
const echoSimulator: SimulatorDefinition = {
  system: 'hospital-fhir',
  createApp: () => {
    const app = express();
    app.use((_req, res) => {
      res.type('text/plain').send('ok');
    });
    return app;
  },
  failure: { status: 500, contentType: 'text/plain', body: 'failed' },
  invalid: { status: 200, contentType: 'text/plain', body: 'invalid' },
};

/** A protocol app that observes the `label` query parameter of every request. */
const observingSimulator: SimulatorDefinition = {
  ...echoSimulator,
  createApp: ({ observe }) => {
    const app = express();
    app.use((req, res) => {
      observe(String(req.query.label));
      res.type('text/plain').send('ok');
    });
    return app;
  },
};

/** A real pino logger whose lines are kept in memory. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  // No time, pid or host name: the lines hold only what the instance logged, so a digit run in them is its doing.
  return { logger: pino({ level: 'debug', timestamp: false, base: null }, stream), lines };
}

describe('simulated instance', () => {
  const { logger, lines } = capturingLogger();
  const instance: InstanceConfig = { id: 'sim-kit-test', system: 'hospital-fhir', baseUrl: 'http://127.0.0.1:0', timeoutMs: 2000, options: {} };
  let sim: SimulatedInstance;
  let control: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const context = { instance, orgs: loadOrganisations(), population: getPopulationIndex() };
    sim = new SimulatedInstance(echoSimulator, context, { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(0);
    control = await startControlServer(new Map([[sim.id, sim]]), new Map([[sim.id, sim.behaviour]]), 0, logger);
  });
  afterAll(async () => {
    await control.close();
    await sim.close();
  });
  afterEach(() => {
    sim.resetStats();
    lines.length = 0;
  });

  it('refuses an identity number in a URL without recording it in the stats, the control API or the logs', async () => {
    const urls = [`/fhir/Patient/${NIN}`, `/fhir/Patient?identifier=${NIN}`, `/fhir/Patient/%20${NIN}`, `/fhir/x/${NIN}23843227368`];
    for (const url of urls) expect([url, (await fetch(`${sim.url}${url}`)).status]).toEqual([url, 400]);
    // A system that names no refusal format of its own gets plain text (the FHIR simulator names an OperationOutcome).
    const plain = await fetch(`${sim.url}${urls[0]}`);
    expect([plain.status, plain.headers.get('content-type'), await plain.text()]).toEqual([400, 'text/plain; charset=utf-8', 'identity numbers must not be sent in URLs']);
    urls.push(urls[0] as string);

    expect(sim.stats.ninInUrl).toBe(urls.length);
    expect(sim.stats.byRoute).toEqual({ '<refused: identity number in URL>': urls.length });
    const served = await (await fetch(`${control.url}/instances/${sim.id}`)).text();
    expect(served).not.toMatch(/\d{6,}/);
    expect(served).toContain('<refused: identity number in URL>');
    const logged = lines.join('');
    expect(logged).toContain('refused a request with an identity number in its URL');
    expect(logged).not.toContain(NIN);
    expect(logged).not.toMatch(/\d{6,}/);
  });

  it('folds every run of six or more digits in the routes it records', async () => {
    for (const url of ['/fhir/Encounter/12345678901', '/fhir/Encounter/1234567', '/api/v2/page/12', '/api/order-9876543/lines']) {
      expect((await fetch(`${sim.url}${url}`)).status).toBe(200);
    }
    expect(sim.stats.byRoute).toEqual({
      'GET /fhir/Encounter/:id': 2,
      'GET /api/v2/page/12': 1,
      'GET /api/order-:id/lines': 1,
    });
    expect(sim.stats.ninInUrl).toBe(0);
  });

  it("counts what the app observes, folds digit runs, serves the counts on the control API and resets them", async () => {
    const observing = new SimulatedInstance(observingSimulator, { instance: { ...instance, id: 'sim-kit-observing' }, orgs: loadOrganisations(), population: getPopulationIndex() }, { mode: 'normal', latencyMs: 0 }, logger);
    await observing.start(0);
    const own = await startControlServer(new Map([[observing.id, observing]]), new Map([[observing.id, observing.behaviour]]), 0, logger);
    try {
      expect(observing.stats.observed).toBeUndefined();
      for (const label of ['purpose:TREAT', 'purpose:TREAT', 'purpose:ETREAT', 'ticket:1234567']) {
        expect((await fetch(`${observing.url}/x?label=${encodeURIComponent(label)}`)).status).toBe(200);
      }
      const expected = { 'purpose:TREAT': 2, 'purpose:ETREAT': 1, 'ticket::id': 1 };
      expect(observing.stats.observed).toEqual(expected);
      const served = (await (await fetch(`${own.url}/instances`)).json()) as { id: string; stats: { observed?: Record<string, number> } }[];
      expect(served.find((i) => i.id === observing.id)?.stats.observed).toEqual(expected);
      const reset = (await (await fetch(`${own.url}/reset`, { method: 'POST' })).json()) as { stats: { observed?: unknown } }[];
      expect(reset[0]?.stats.observed).toBeUndefined();
      expect(observing.stats.observed).toBeUndefined();
    } finally {
      await own.close();
      await observing.close();
    }
  });
});

describe('change notices from a simulated instance', () => {
  const { logger } = capturingLogger();
  const secret = 'a-test-secret-of-enough-length';
  const instance: InstanceConfig = { id: 'sim-change-test', system: 'population-register', baseUrl: 'http://127.0.0.1:0', timeoutMs: 2000, options: {}, invalidationSecret: secret };
  const population = getPopulationIndex();
  const person = population.population.persons[7]!;

  it('changes a name, sends a notice signed with the instance secret to the configured URL, and /reset undoes the name', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const receiver = express();
    receiver.post('/cache/invalidate', express.text({ type: 'application/json' }), (req, res) => {
      received.push({ body: req.body as string, signature: req.get(SIGNATURE_HEADER) });
      res.json({ ok: true });
    });
    const listening = await listen(receiver, 0);
    const sim = new SimulatedInstance(echoSimulator, { instance, orgs: loadOrganisations(), population }, { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(0);
    const control = await startControlServer(new Map([[sim.id, sim]]), new Map([[sim.id, sim.behaviour]]), 0, logger, population);
    const post = (route: string, body: unknown, method = 'POST') =>
      fetch(`${control.url}${route}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const family = person.familyName;
    try {
      // Without a URL the change is made, and the answer says the notice was not delivered.
      expect((await post(`/instances/${sim.id}/changes`, { patients: [person.nin] })).status).toBe(502);
      expect((await post('/settings', { invalidationUrl: `${listening.url}/cache/invalidate` }, 'PUT')).status).toBe(200);
      const answer = await post(`/instances/${sim.id}/changes`, { patients: [person.nin], set: { familyName: 'Endresen' } });
      expect(await answer.json()).toEqual({ changed: 1, notice: { delivered: true, status: 200 } });
      expect(person.familyName).toBe('Endresen');
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!.body)).toEqual({ source: sim.id, patients: [person.nin] });
      // Signed with a fresh nonce, which the receivers take once.
      expect(verifyChangeNotice(secret, received[0]!.body, received[0]!.signature)).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(verifyChangeNotice('another-secret-of-enough-length', received[0]!.body, received[0]!.signature)).toBeUndefined();

      expect((await post(`/instances/${sim.id}/changes`, { patients: ['123'] })).status).toBe(400);
      expect((await post(`/instances/${sim.id}/changes`, { patients: ['00000000000'] })).status).toBe(404);
      await post('/reset', {});
      expect(person.familyName).toBe(family);
    } finally {
      person.familyName = family;
      await control.close();
      await sim.close();
      await listening.close();
    }
  });
});
