import { createCareJsonAdapter } from '../../adapters/care-json/client';
import { AdapterKit, SourceError } from '../../adapters/kit';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { instantOf } from '../population/clock';
import { careJsonSimulator } from '.';

const logger = createLogger('test');
const population = getPopulationIndex();
const config: InstanceConfig = { id: 'care-bergen', system: 'care-json', baseUrl: 'http://127.0.0.1', timeoutMs: 2000, options: { apiKey: 'sim-key', pageSize: 2 } };
const sim = new SimulatedInstance(careJsonSimulator, { instance: config, orgs: loadOrganisations(), population }, { mode: 'normal', latencyMs: 0 }, logger);

const home = demoPatient('homeCare');
const deceased = demoPatient('deceased');
const otherBergen = population.population.persons.find((p) => p.careRecord?.municipality === '4601' && !p.demo)!;
const askoy = demoPatient('askoyHomeCare');
const noCare = demoPatient('dNumber');

let instance: InstanceConfig;
const adapter = (pageSize = 2) => createCareJsonAdapter(instance, { apiKey: 'sim-key', pageSize }, new AdapterKit(logger));
const search = (query: string, body: unknown, headers: Record<string, string> = { 'X-Api-Key': 'sim-key' }) =>
  fetch(`${sim.url}/api/v2/tjenestemottakere/sok${query}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  await sim.start(0);
  instance = { ...config, baseUrl: sim.url };
});
afterEach(async () => {
  await sim.setBehaviour({ mode: 'normal' });
  sim.resetStats();
});
afterAll(() => sim.close());

describe('care-json simulator with the care-json adapter', () => {
  it('serves the records of its own municipality over real HTTP, paging two at a time', async () => {
    const result = await adapter().read([home.nin, deceased.nin, otherBergen.nin, askoy.nin, noCare.nin]);
    expect(sim.stats.byRoute['POST /api/v2/tjenestemottakere/sok']).toBe(2);
    expect(sim.stats.ninInUrl).toBe(0);
    // Askøy has its own instance; the D-number holder receives no care.
    expect(result.get(askoy.nin)).toBeNull();
    expect(result.get(noCare.nin)).toBeNull();
    expect(result.get(otherBergen.nin)).not.toBeNull();

    const record = result.get(home.nin)!;
    const truth = home.careRecord!;
    expect(record.services.map((s) => [s.id, s.type, s.start, s.end])).toEqual(truth.services.map((s) => [s.id, s.type, s.start, s.end]));
    // Through local time and back: the instants are the population's own, newest first.
    expect(record.visits.map((v) => v.time)).toEqual(truth.visits.map((v) => v.time).sort().reverse());
    expect(record.administrations).toHaveLength(truth.administrations.length);
    expect(record.medications.map((m) => [m.atc, m.status])).toEqual(truth.medications.map((m) => [m.atc, m.status === 'active' ? 'ACTIVE' : 'STOPPED']));
    expect(record.functionalAssessment?.date).toBe(truth.functionalScores?.date);
    expect(result.get(deceased.nin)?.services.every((s) => s.end === deceased.deceasedDate)).toBe(true);
  });

  it('exports the care team with names and the units\' HER-ids, and the planned visits dated ahead of today', async () => {
    const record = (await adapter().read([home.nin])).get(home.nin)!;
    expect(record.careTeam?.map((m) => [m.role, m.hprNumber, m.service, m.herId, m.start, m.end])).toEqual(
      home.careRecord!.careTeam.map((m) => [m.role, m.hprNumber, m.unit, m.unit === 'Koordinerende enhet' ? '81320' : '81302', m.start, m.end]),
    );
    // Line Knutsen (persona home-care-nurse) is her primary contact now.
    expect(record.careTeam?.find((m) => m.role === 'PRIMARY_CONTACT' && m.end === null)?.name).toEqual({ given: 'Line', middle: null, family: 'Knutsen' });
    expect(record.plannedVisits?.map((v) => v.time)).toEqual(home.careRecord!.plannedVisits.map((v) => instantOf(v.at)).sort());
    expect(record.plannedVisits?.every((v) => Date.parse(v.time) > Date.now() && v.service === 'Hjemmesykepleien sone sør')).toBe(true);
  });

  it("exports the individual plan: the coordinator and participants by name, the next meeting and a running consent's end dated ahead of today", async () => {
    const jonas = demoPatient('individualPlan');
    const truth = jonas.careRecord!.individualPlan!;
    const plan = (await adapter().read([jonas.nin, home.nin])).get(jonas.nin)?.individualPlan;
    expect(plan?.goals.map((g) => [g.id, g.text])).toEqual(truth.goals.map((g) => [g.id, g.text]));
    expect(plan?.measures.map((m) => [m.id, m.status, m.responsible.orgNumber])).toEqual(truth.measures.map((m) => [m.id, m.status.toUpperCase(), m.responsible.orgNumber]));
    expect(plan?.coordinator).toMatchObject({ hprNumber: truth.coordinator.hprNumber, service: 'Koordinerende enhet', herId: '81320', orgNumber: '964338531' });
    expect(plan?.nextMeeting?.time).toBe(instantOf(truth.nextMeeting!.at));
    expect(Date.parse(plan?.nextMeeting?.time ?? '') > Date.now()).toBe(true);
    const nav = plan?.participants.find((p) => p.sector === 'NAV');
    expect(nav).toMatchObject({ service: 'NAV Bergenhus', orgNumber: '991500014', name: { given: 'Marte', family: 'Haugland' }, consent: { from: truth.participants.find((p) => p.sector === 'NAV')?.consent?.from } });
    expect((nav?.consent?.to ?? '') > new Date().toISOString().slice(0, 10)).toBe(true);
    // Ingrid Solheim's plan names no one outside health care.
    const ingrid = (await adapter().read([home.nin])).get(home.nin)?.individualPlan;
    expect(ingrid?.participants.map((p) => [p.sector, p.consent])).toEqual([
      ['HEALTH_AND_CARE', null],
      ['HEALTH_AND_CARE', null],
      ['FAMILY', null],
    ]);
  });

  it('refuses a request without the right X-Api-Key', async () => {
    for (const headers of [{}, { 'X-Api-Key': 'wrong' }] as Record<string, string>[]) {
      const response = await search('', { fodselsnumre: [home.nin] }, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ feilkode: 'UAUTORISERT', melding: expect.any(String) });
    }
  });

  it('refuses malformed searches and paging with 400 in its own error format', async () => {
    const cases: [string, unknown][] = [
      ['', { numre: [home.nin] }],
      ['', { fodselsnumre: [] }],
      ['', { fodselsnumre: ['123'] }],
      ['?offset=-1&limit=2', { fodselsnumre: [home.nin] }],
      ['?offset=0&limit=0', { fodselsnumre: [home.nin] }],
      ['?offset=0&limit=abc', { fodselsnumre: [home.nin] }],
    ];
    for (const [query, body] of cases) {
      const response = await search(query, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toHaveProperty('feilkode');
    }
    const notJson = await fetch(`${sim.url}/api/v2/tjenestemottakere/sok`, { method: 'POST', headers: { 'X-Api-Key': 'sim-key', 'Content-Type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toHaveProperty('feilkode', 'UGYLDIG_FORESPORSEL');
  });

  it('caps the page size at 100 and defaults it to 25', async () => {
    const capped = (await (await search('?offset=0&limit=500', { fodselsnumre: [home.nin] })).json()) as { limit: number; totaltAntall: number };
    expect(capped).toMatchObject({ limit: 100, totaltAntall: 1 });
    const defaulted = (await (await search('', { fodselsnumre: [home.nin] })).json()) as { limit: number; offset: number };
    expect(defaulted).toMatchObject({ limit: 25, offset: 0 });
  });

  it('writes local dates and times, and "" for what is missing', async () => {
    const page = (await (await search('?offset=0&limit=5', { fodselsnumre: [home.nin] })).json()) as { treff: { vedtak: Record<string, unknown>[]; besok: { tidspunkt: string }[] }[] };
    const recipient = page.treff[0]!;
    expect(recipient.vedtak[0]).toMatchObject({ fraDato: '23.12.2024', tilDato: '', tjenestekode: '15', tjenestetype: 'Helsetjenester i hjemmet' });
    expect(recipient.besok[0]?.tidspunkt).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
  });

  it.each([
    ['fail', 'SOURCE_UNAVAILABLE'],
    ['invalid', 'SOURCE_BAD_RESPONSE'],
    ['garbage', 'SOURCE_BAD_RESPONSE'],
  ] as const)('mode %s reaches the adapter as %s', async (mode, code) => {
    await sim.setBehaviour({ mode });
    const error = await adapter().read([home.nin]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe(code);
  });
});
