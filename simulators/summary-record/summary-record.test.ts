import { createSummaryRecordAdapter } from '../../adapters/summary-record/client';
import { SourceError } from '../../adapters/kit';
import { testKit } from '../../adapters/kit/testing';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { withCheckDigits } from '../../lib/nin';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { createSummaryRecordSimulator, MAX_BATCH, SUMMARIES_PATH, TICKET_TTL_MS, TICKETS_PATH } from '.';
import { kjPatientId } from './projection';

const API_KEY = 'test-kj-key';
const TREAT = { purposeOfUse: 'TREAT' } as const;
const config: InstanceConfig = {
  id: 'summary-record',
  system: 'summary-record',
  baseUrl: 'http://127.0.0.1:0',
  timeoutMs: 2000,
  options: { apiKey: API_KEY },
};
const population = getPopulationIndex();
let clock = Date.now();
const sim = new SimulatedInstance(
  createSummaryRecordSimulator({ now: () => clock }),
  { instance: config, orgs: loadOrganisations(), population },
  { mode: 'normal', latencyMs: 0 },
  createLogger('test'),
);

const critical = demoPatient('criticalInfo');
const homeCare = demoPatient('homeCare');
/** A valid identity number that nobody in the population holds. */
const stranger = (() => {
  for (let i = 100; i < 999; i += 1) {
    const nin = withCheckDigits(`010160${i}`);
    if (nin && !population.byNin.has(nin)) return nin;
  }
  throw new Error('no free number');
})();

function adapter() {
  return createSummaryRecordAdapter({ ...config, baseUrl: sim.url }, { apiKey: API_KEY }, testKit());
}

function post(path: string, body: unknown, headers: Record<string, string> = { 'X-Api-Key': API_KEY, 'X-KJ-Purpose': 'TREAT' }) {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const routes = () => ({ tickets: sim.stats.byRoute[`POST ${TICKETS_PATH}`] ?? 0, summaries: sim.stats.byRoute[`POST ${SUMMARIES_PATH}`] ?? 0 });

beforeAll(async () => {
  await sim.start(0);
});
beforeEach(async () => {
  await sim.setBehaviour({ mode: 'normal' });
  sim.resetStats();
});
afterAll(async () => {
  await sim.close();
});

describe('summary record simulator with its adapter, over HTTP', () => {
  it('reads several patients with one tickets call and one summaries call, mapping the demo patient', async () => {
    const result = await adapter().read([critical.nin, homeCare.nin, stranger], TREAT);
    expect(routes()).toEqual({ tickets: 1, summaries: 1 });
    expect(sim.stats.ninInUrl).toBe(0);
    expect(result.get(stranger)).toBeNull();
    const summary = result.get(critical.nin);
    // The demo patient's truth: NSAID and contrast allergies and a mechanical valve.
    const truth = critical.summaryRecord.criticalInfo;
    expect(summary?.criticalInformation.map((c) => [c.type, c.text, c.severity, c.verified])).toEqual(
      truth.map((c) => [c.type, c.text, c.severity?.toUpperCase() ?? null, c.verified]),
    );
    expect(summary?.criticalInformation.map((c) => c.type)).toEqual(expect.arrayContaining(['ALLERGY', 'IMPLANT']));
    expect(summary?.criticalInformation[0]).toMatchObject({
      atc: truth[0]?.atc,
      reaction: truth[0]?.reaction,
      recorded: truth[0]?.recorded,
      recordedByHpr: truth[0]?.recordedBy,
    });
    const dispensed = summary?.dispensations.map((d) => d.dispensed) ?? [];
    expect(dispensed).toHaveLength(critical.summaryRecord.dispensations.length);
    expect([...dispensed].sort().reverse()).toEqual(dispensed);
    expect(summary?.dispensations[0]?.dose?.text).toMatch(/daglig$/);
    expect(result.get(homeCare.nin)?.criticalInformation[0]).toMatchObject({ type: 'ALLERGY', text: homeCare.summaryRecord.criticalInfo[0]?.text });
  });

  it("marks the dispensations Ida Haugland, 14, kept from her parents (skjermetForForesatte), and the adapter maps them keptFromParents", async () => {
    const teen = demoPatient('teen');
    const child = demoPatient('child');
    const result = await adapter().read([teen.nin, child.nin], TREAT);
    const hers = result.get(teen.nin)?.dispensations ?? [];
    expect(hers.length).toBe(teen.summaryRecord.dispensations.length);
    expect(hers.length).toBeGreaterThan(0);
    expect(hers.every((d) => d.atc === 'G03AA07' && d.keptFromParents === true)).toBe(true);
    const his = result.get(child.nin)?.dispensations ?? [];
    expect(his.length).toBeGreaterThan(0);
    expect(his.some((d) => 'keptFromParents' in d)).toBe(false);
  });

  it('a repeated read reuses the tickets: only the summaries call', async () => {
    const summaryRecord = adapter();
    await summaryRecord.read([critical.nin, homeCare.nin], TREAT);
    const again = await summaryRecord.read([critical.nin, homeCare.nin], TREAT);
    expect(routes()).toEqual({ tickets: 1, summaries: 2 });
    expect(again.get(critical.nin)?.criticalInformation).toHaveLength(critical.summaryRecord.criticalInfo.length);
  });

  it('counts the purpose each request reached the record under, and keeps each purpose to its own tickets', async () => {
    const summaryRecord = adapter();
    await summaryRecord.read([critical.nin], TREAT);
    await summaryRecord.read([critical.nin], { purposeOfUse: 'PATRQT' });
    expect(sim.stats.observed).toEqual({ 'purpose:TREAT': 2, 'purpose:PATRQT': 2 });
    expect(routes()).toEqual({ tickets: 2, summaries: 2 });
    sim.resetStats();
    expect(sim.stats.observed).toBeUndefined();
  });

  it('refuses, without a call, to read without a purpose of use', async () => {
    const error = await adapter().read([critical.nin]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(sim.stats.requests).toBe(0);
  });

  it('renews tickets the record has expired and retries once', async () => {
    const summaryRecord = adapter();
    await summaryRecord.read([critical.nin], TREAT);
    clock += TICKET_TTL_MS + 1000; // the record's clock moves on; the adapter still holds its ticket
    const result = await summaryRecord.read([critical.nin], TREAT);
    expect(routes()).toEqual({ tickets: 2, summaries: 3 });
    expect(result.get(critical.nin)?.criticalInformation).toHaveLength(critical.summaryRecord.criticalInfo.length);
  });

  it('reports fail, invalid and garbage modes as source errors', async () => {
    const code = async () => {
      const error = await adapter().read([critical.nin], TREAT).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      return (error as SourceError).code;
    };
    await sim.setBehaviour({ mode: 'fail' });
    expect(await code()).toBe('SOURCE_UNAVAILABLE');
    await sim.setBehaviour({ mode: 'invalid' });
    expect(await code()).toBe('SOURCE_BAD_RESPONSE');
    await sim.setBehaviour({ mode: 'garbage' });
    expect(await code()).toBe('SOURCE_BAD_RESPONSE');
  });
});

describe('summary record simulator protocol', () => {
  it('answers tickets by patient index, never echoing the number, with no-cache headers', async () => {
    const response = await post(TICKETS_PATH, { patients: [stranger, critical.nin] });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache, private');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const text = await response.text();
    expect(text).not.toContain(critical.nin);
    expect(text).not.toContain(stranger);
    const body = JSON.parse(text) as { tickets: { patientIndex: number; ticket?: string; error?: string; expiresAt?: string }[] };
    expect(body.tickets[0]).toEqual({ patientIndex: 0, error: 'PATIENT_NOT_FOUND' });
    expect(body.tickets[1]?.patientIndex).toBe(1);
    expect(body.tickets[1]?.ticket).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Date.parse(body.tickets[1]?.expiresAt ?? '') - clock).toBe(TICKET_TTL_MS);
  });

  it('answers each ticket with its own patient, and unknown or expired tickets with their error', async () => {
    const issued = (await (await post(TICKETS_PATH, { patients: [critical.nin, homeCare.nin] })).json()) as { tickets: { ticket: string }[] };
    const [a, b] = issued.tickets.map((t) => t.ticket) as [string, string];
    const first = (await (await post(SUMMARIES_PATH, { tickets: [b, 'not-a-ticket', a] })).json()) as { summaries: Record<string, unknown>[] };
    expect(first.summaries.map((s) => s.ticket)).toEqual([b, 'not-a-ticket', a]);
    expect(first.summaries[1]).toEqual({ ticket: 'not-a-ticket', error: 'TICKET_UNKNOWN' });
    expect((first.summaries[0]?.dispensedMedications as unknown[]).length).toBe(homeCare.summaryRecord.dispensations.length);
    // Egil Rønning's NSAID and contrast allergies as AllergyIntolerance, his heart valve as a Device, each of his.
    const egil = first.summaries[2] as { patient: { reference: string }; allergies: { resourceType: string; patient: unknown }[]; implants: { resourceType: string; patient: unknown }[] };
    expect(egil.allergies.map((r) => r.resourceType)).toEqual(['AllergyIntolerance', 'AllergyIntolerance']);
    expect(egil.implants.map((r) => r.resourceType)).toEqual(['Device']);
    expect([...egil.allergies, ...egil.implants].every((r) => JSON.stringify(r.patient) === JSON.stringify(egil.patient))).toBe(true);
    expect(egil.patient).toEqual({ reference: `Patient/${kjPatientId(critical.nin)}` });
    expect((first.summaries[0] as { patient: unknown }).patient).not.toEqual(egil.patient);
    expect(JSON.stringify(first)).not.toContain(critical.nin);
    clock += TICKET_TTL_MS;
    const later = (await (await post(SUMMARIES_PATH, { tickets: [a] })).json()) as { summaries: Record<string, unknown>[] };
    expect(later.summaries).toEqual([{ ticket: a, error: 'TICKET_EXPIRED' }]);
  });

  it('binds a ticket to the purpose it was issued under: another purpose finds no such ticket', async () => {
    const issued = (await (await post(TICKETS_PATH, { patients: [critical.nin] })).json()) as { tickets: { ticket: string }[] };
    const ticket = issued.tickets[0]?.ticket as string;
    const under = async (purpose: string) =>
      ((await (await post(SUMMARIES_PATH, { tickets: [ticket] }, { 'X-Api-Key': API_KEY, 'X-KJ-Purpose': purpose })).json()) as { summaries: Record<string, unknown>[] })
        .summaries[0];
    expect(await under('ETREAT')).toEqual({ ticket, error: 'TICKET_UNKNOWN' });
    expect(await under('PATRQT')).toEqual({ ticket, error: 'TICKET_UNKNOWN' });
    expect((await under('TREAT'))?.allergies).toHaveLength(critical.summaryRecord.criticalInfo.filter((c) => c.type === 'ALLERGY').length);
    expect(sim.stats.observed).toEqual({ 'purpose:TREAT': 2, 'purpose:ETREAT': 1, 'purpose:PATRQT': 1 });
  });

  it('takes a citizen reading their own record (PATRQT) as a purpose, and no purpose it does not know', async () => {
    const body = { patients: [critical.nin] };
    expect((await post(TICKETS_PATH, body, { 'X-Api-Key': API_KEY, 'X-KJ-Purpose': 'PATRQT' })).status).toBe(200);
    const research = await post(TICKETS_PATH, body, { 'X-Api-Key': API_KEY, 'X-KJ-Purpose': 'HRESCH' });
    expect(research.status).toBe(400);
    expect(await research.json()).toMatchObject({ error: 'PURPOSE_INVALID' });
    // Only purposes the record took are counted.
    expect(sim.stats.observed).toEqual({ 'purpose:PATRQT': 1 });
  });

  it('refuses calls without the API key (401) or purpose of use (400)', async () => {
    const body = { patients: [critical.nin] };
    const noKey = await post(TICKETS_PATH, body, { 'X-KJ-Purpose': 'TREAT' });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('cache-control')).toBe('no-cache, private');
    expect(await noKey.json()).toMatchObject({ error: 'UNAUTHORIZED' });
    expect((await post(TICKETS_PATH, body, { 'X-Api-Key': 'wrong', 'X-KJ-Purpose': 'TREAT' })).status).toBe(401);
    expect((await post(SUMMARIES_PATH, { tickets: ['x'] }, { 'X-KJ-Purpose': 'TREAT' })).status).toBe(401);
    const noPurpose = await post(TICKETS_PATH, body, { 'X-Api-Key': API_KEY });
    expect(noPurpose.status).toBe(400);
    expect(await noPurpose.json()).toMatchObject({ error: 'PURPOSE_MISSING' });
    expect((await post(TICKETS_PATH, body, { 'X-Api-Key': API_KEY, 'X-KJ-Purpose': 'CURIOSITY' })).status).toBe(400);
  });

  it('refuses malformed requests with 400 in its own error format', async () => {
    const tooMany = Array.from({ length: MAX_BATCH + 1 }, () => critical.nin);
    for (const body of [{}, { patients: critical.nin }, { patients: [] }, { patients: [123] }, { patients: ['12345'] }, { patients: tooMany }]) {
      const response = await post(TICKETS_PATH, body);
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'INVALID_REQUEST' });
      expect(text).not.toContain(critical.nin);
    }
    expect((await post(SUMMARIES_PATH, { tickets: 'abc' })).status).toBe(400);
    const broken = await post(SUMMARIES_PATH, '{"tickets": [');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'INVALID_REQUEST' });
  });

  it('refuses an identity number in the URL, in its own error format', async () => {
    const response = await fetch(`${sim.url}${TICKETS_PATH}?patient=${critical.nin}`, { method: 'POST', headers: { 'X-Api-Key': API_KEY, 'X-KJ-Purpose': 'TREAT' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'INVALID_REQUEST', message: expect.any(String) });
    expect(sim.stats.ninInUrl).toBe(1);
  });
});
