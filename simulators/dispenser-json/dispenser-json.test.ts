import { createDispenserJsonAdapter } from '../../adapters/dispenser-json/client';
import { AdapterKit } from '../../adapters/kit';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { osloLocalToUtc, utcToOsloLocal } from '../../lib/osloTime';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { worldToday } from '../population/clock';
import { dispenserRecordOf } from '../population/dispenser';
import { addDays } from '../population/random';
import { dispenserJsonSimulator, PAGE_SIZE, SEARCH_PATH } from '.';

const logger = createLogger('test');
const population = getPopulationIndex();
const config: InstanceConfig = { id: 'dispenser-dosevakt', system: 'dispenser-json', baseUrl: 'http://127.0.0.1', timeoutMs: 5000, options: { apiKey: 'sim-key' } };
const sim = new SimulatedInstance(dispenserJsonSimulator, { instance: config, orgs: loadOrganisations(), population }, { mode: 'normal', latencyMs: 0 }, logger);

const persons = population.population.persons;
const hasDispenser = (p: (typeof persons)[number]) => p.careRecord?.welfareTechnology.some((w) => w.type === 'MEDICATION_DISPENSER') ?? false;
const home = demoPatient('homeCare');
const noDispenser = persons.find((p) => p.municipality === '4601' && p.careRecord && !hasDispenser(p))!;
const askoy = persons.filter((p) => p.municipality === '4627' && hasDispenser(p));
const served = persons.filter((p) => ['4601', '5001'].includes(p.municipality) && hasDispenser(p));

let instance: InstanceConfig;
const adapter = () => createDispenserJsonAdapter(instance, { apiKey: 'sim-key' }, new AdapterKit(logger));
const search = (body: unknown, headers: Record<string, string> = { 'X-Api-Key': 'sim-key' }) =>
  fetch(`${sim.url}${SEARCH_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  await sim.start(0);
  instance = { ...config, baseUrl: sim.url };
});
afterEach(async () => {
  await sim.setBehaviour({ mode: 'normal' });
  sim.resetStats();
});
afterAll(() => sim.close());

describe('dispenser-json simulator with the dispenser-json adapter', () => {
  it("shows the demo patient's three missed evening doses of metoprolol in the last seven days", async () => {
    const record = (await adapter().read([home.nin])).get(home.nin)!;
    expect(record.devices).toEqual([
      expect.objectContaining({ kind: 'MEDICATION_DISPENSER', name: 'Dosevakt Hjem 2', manufacturer: 'Dosevakt AS', since: '2025-04-15', until: null, location: 'Nygårdsgaten 56, 5015 BERGEN', responseCentre: 'Hjemmesykepleien sone sør' }),
    ]);
    // Her care list's code for metoprolol.
    expect(home.careRecord!.medications.find((m) => m.name === 'Metoprolol' && m.status === 'active')?.atc).toBe('C07AB02');
    const weekStart = osloLocalToUtc(`${addDays(worldToday(), -6)}T00:00`);
    const missed = record.events.filter((e) => e.kind === 'DOSE_MISSED' && e.medication?.atc === 'C07AB02' && (e.medication.scheduled ?? '') >= weekStart);
    expect(missed).toHaveLength(3);
    for (const event of missed) {
      expect(utcToOsloLocal(event.medication!.scheduled!).slice(11, 16)).toBe('20:00');
      expect(event.text).toBe('Dose kl. 20:00 ikke tatt ut: Metoprolol');
      expect(event.deviceId).toBe(record.devices[0]!.id);
      expect(event.medication?.name).toBe('Metoprolol');
    }
    expect(missed.map((e) => utcToOsloLocal(e.medication!.scheduled!).slice(0, 10))).toEqual([2, 4, 6].map((d) => addDays(worldToday(), -d)));
    // Only the exceptions are events, and they lead up to now.
    expect(record.events.every((e) => ['DOSE_MISSED', 'DOSE_LATE', 'DISPENSER_FAULT'].includes(e.kind))).toBe(true);
    expect(record.events.every((e) => Date.parse(e.time) <= Date.now() && e.time >= osloLocalToUtc(`${addDays(worldToday(), -13)}T00:00`))).toBe(true);
    expect(record.measurements).toEqual([]);
    expect(record.thresholds).toEqual([]);
  });

  it('answers a patient without a dispenser, and one the population does not know, absent', async () => {
    const unknown = '15857210001';
    const result = await adapter().read([noDispenser.nin, home.nin]);
    expect(result.get(noDispenser.nin)).toBeNull();
    expect(result.get(home.nin)).not.toBeNull();
    const body = (await (await search({ personnummer: [noDispenser.nin, unknown] })).json()) as { pasienter: unknown[] };
    expect(body.pasienter).toEqual([]);
  });

  it('does not serve Askøy, whose services do not use the platform', async () => {
    expect(askoy.length).toBeGreaterThan(0);
    const result = await adapter().read(askoy.map((p) => p.nin));
    expect([...result.values()].every((v) => v === null)).toBe(true);
  });

  it('pages 20 patients at a time, the numbers in the body only, each served patient once', async () => {
    expect(served.length).toBeGreaterThan(PAGE_SIZE);
    const nins = [...served, ...askoy, noDispenser].map((p) => p.nin);
    const result = await adapter().read(nins);
    expect(sim.stats.byRoute[`POST ${SEARCH_PATH}`]).toBe(Math.ceil(served.length / PAGE_SIZE));
    expect(sim.stats.ninInUrl).toBe(0);
    expect(served.every((p) => result.get(p.nin)?.devices[0]?.kind === 'MEDICATION_DISPENSER')).toBe(true);
    expect(result.get(noDispenser.nin)).toBeNull();
    // The same patient read alone is the same record.
    const alone = (await adapter().read([served[0]!.nin])).get(served[0]!.nin);
    expect(alone).toEqual(result.get(served[0]!.nin));
  });

  it("refuses a wrong API key, a page token of another search and a malformed body, in the vendor's error format", async () => {
    const refused = await search({ personnummer: [home.nin] }, { 'X-Api-Key': 'wrong' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ feil: { kode: 'UGYLDIG_API_NOKKEL', melding: expect.any(String) } });
    expect((await search({ personnummer: [home.nin] }, {})).status).toBe(401);

    const first = (await (await search({ personnummer: served.map((p) => p.nin) })).json()) as { nesteSideToken: string };
    expect(typeof first.nesteSideToken).toBe('string');
    expect(first.nesteSideToken).not.toMatch(/\d{11}/);
    const foreign = await search({ personnummer: [home.nin], sideToken: first.nesteSideToken });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as { feil: { kode: string } }).feil.kode).toBe('UGYLDIG_SIDETOKEN');

    const malformed = await search({ personnummer: ['123'] });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { feil: { kode: string } }).feil.kode).toBe('UGYLDIG_FORESPORSEL');
  });

  it("reports the kit's fault modes through the adapter by their codes", async () => {
    await sim.setBehaviour({ mode: 'fail' });
    const failed = await adapter().read([home.nin]).catch((e: unknown) => e as { code: string; message: string });
    expect(failed).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    expect((failed as { message: string }).message).toContain('TJENESTE_UTILGJENGELIG');
    await sim.setBehaviour({ mode: 'invalid' });
    await expect(adapter().read([home.nin])).rejects.toMatchObject({ code: 'SOURCE_BAD_RESPONSE' });
    await sim.setBehaviour({ mode: 'garbage' });
    await expect(adapter().read([home.nin])).rejects.toMatchObject({ code: 'SOURCE_BAD_RESPONSE' });
  });
});

describe('the dispenser world', () => {
  it("keeps a dose's outcome as the window moves on a day", () => {
    const person = served.find((p) => !p.demo)!;
    const now = new Date();
    const later = new Date(now.getTime() + 86_400_000);
    const byId = (r: ReturnType<typeof dispenserRecordOf>) => new Map(r!.doses.map((d) => [d.id, [d.outcome, d.takenAt, d.scheduled]]));
    const today = byId(dispenserRecordOf(person, now));
    const tomorrow = byId(dispenserRecordOf(person, later));
    const shared = [...today.keys()].filter((id) => tomorrow.has(id));
    expect(shared.length).toBeGreaterThan(today.size / 2);
    for (const id of shared) expect(tomorrow.get(id)).toEqual(today.get(id));
  });

  it('holds the Norwegian dose times for the schedule, most doses taken on time', () => {
    const all = served.flatMap((p) => dispenserRecordOf(p)!.doses);
    expect([...new Set(all.map((d) => utcToOsloLocal(d.scheduled).slice(11, 16)))].every((t) => ['08:00', '12:00', '14:00', '16:00', '20:00'].includes(t))).toBe(true);
    expect(all.filter((d) => d.outcome === 'TAKEN').length / all.length).toBeGreaterThan(0.8);
    expect(all.some((d) => d.outcome === 'LATE')).toBe(true);
    expect(all.some((d) => d.outcome === 'MISSED')).toBe(true);
  });
});
