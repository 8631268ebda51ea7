import { createPopulationRegisterAdapter } from '../../adapters/population-register/client';
import { AdapterKit } from '../../adapters/kit';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex, type Person } from '../population';
import { createPopulationRegisterSimulator, EXTRACT_DEFAULTS, populationRegisterSimulator } from '.';

const logger = createLogger('test');
const orgs = loadOrganisations();
const population = getPopulationIndex();
const API_KEY = 'test-key';
const instance: InstanceConfig = { id: 'population-register-test', system: 'population-register', baseUrl: 'http://127.0.0.1:0', timeoutMs: 2000, options: { apiKey: API_KEY } };

describe('population register simulator: parental responsibility (foreldreansvar)', () => {
  let sim: SimulatedInstance;
  beforeAll(async () => {
    sim = new SimulatedInstance(populationRegisterSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(0);
  });
  afterAll(() => sim.close());

  const bulk = async (numbers: string[]) => {
    const response = await fetch(`${sim.url}/folkeregisteret/api/v1/personer/bulkoppslag`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ foedselsnumre: numbers }),
    });
    return ((await response.json()) as { dokumenter: { foedselsEllerDNummer: string; foreldreansvar?: unknown[] }[] }).dokumenter;
  };

  it("answers each holder on the child's document, and the children on the holder's, as the register writes them", async () => {
    const parent = demoPatient('parent');
    const child = demoPatient('child');
    const teen = demoPatient('teen');
    const docs = await bulk([child.nin, parent.nin, demoPatient('homeCare').nin]);
    const of = (nin: string) => docs.find((d) => d.foedselsEllerDNummer === nin);
    expect(of(child.nin)?.foreldreansvar).toEqual([{ ansvar: 'mor', ansvarlig: parent.nin, ansvarssubjekt: child.nin, gyldigFraOgMed: `${child.birthDate}T00:00`, erGjeldende: true }]);
    expect(of(parent.nin)?.foreldreansvar?.map((e) => (e as { ansvarssubjekt: string }).ansvarssubjekt).sort()).toEqual([child.nin, teen.nin].sort());
    expect(of(demoPatient('homeCare').nin)?.foreldreansvar).toBeUndefined();
  });

  it('writes joint responsibility as one element per holder, and the adapter maps it to parentalResponsibility', async () => {
    const joint = population.population.persons.find((p) => p.parentalResponsibility?.length === 2);
    const docs = await bulk([joint?.nin ?? '']);
    expect(docs[0]?.foreldreansvar?.map((e) => (e as { ansvar: string }).ansvar)).toEqual(['felles', 'felles']);

    const adapter = createPopulationRegisterAdapter({ ...instance, baseUrl: sim.url }, { apiKey: API_KEY }, new AdapterKit(logger));
    const teen = demoPatient('teen');
    const read = await adapter.read([teen.nin, joint?.nin ?? '', demoPatient('parent').nin]);
    expect(read.get(teen.nin)?.parentalResponsibility).toEqual([demoPatient('parent').nin]);
    expect(read.get(joint?.nin ?? '')?.parentalResponsibility).toEqual(joint?.parentalResponsibility?.map((h) => h.nin));
    expect(read.get(demoPatient('parent').nin)?.parentalResponsibility).toBeUndefined();
  });
});

describe('population register simulator: the custom extract (tilpasset uttrekk)', () => {
  const ORDER = '/folkeregisteret/api/v1/uttrekk/tilpasset';
  const persons = population.population.persons;
  const strictlyConfidential = (p: Person) => p.addressProtection === 'STRICTLY_CONFIDENTIAL' || p.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD';
  let sim: SimulatedInstance;
  beforeAll(async () => {
    sim = new SimulatedInstance(populationRegisterSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(0);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.setBehaviour({ mode: 'normal', latencyMs: 0 }));

  const call = async (server: SimulatedInstance, method: 'GET' | 'POST', path: string, body?: string, token = API_KEY) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const order = async (criteria: unknown, server = sim) => call(server, 'POST', ORDER, JSON.stringify(criteria));
  const batch = (jobbId: string, n: number | string, server = sim) => call(server, 'GET', `/folkeregisteret/api/v1/uttrekk/${jobbId}/batch/${n}`);
  /** Every batch of a job, to the end marker. */
  const batches = async (criteria: unknown, server = sim): Promise<string[][]> => {
    const ordered = await order(criteria, server);
    expect(ordered.status).toBe(200);
    const out: string[][] = [];
    for (let n = 0; n < 100; n += 1) {
      const answer = await batch(String(ordered.body.jobbId), n, server);
      expect(answer.status).toBe(200);
      if (!answer.body.foedselsEllerDNummer) {
        expect(answer.body).toEqual({});
        return out;
      }
      out.push(answer.body.foedselsEllerDNummer as string[]);
    }
    throw new Error('no end marker');
  };

  it("lists a municipality's residents in batches of 100, to the end marker {}, leaving out the dead and the strictly confidential", async () => {
    const residents = persons.filter((p) => p.municipality === '4601' && !p.deceasedDate && !strictlyConfidential(p)).map((p) => p.nin);
    expect(residents.length).toBeGreaterThan(2 * EXTRACT_DEFAULTS.batchSize);
    const got = await batches({ personstatustyper: ['bosatt'], kommunenummer: { bostedskommunenummer: '4601' } });
    expect(got.map((b) => b.length)).toEqual([100, 100, residents.length - 200]);
    expect(got.flat()).toEqual(residents);
    expect(got.flat()).not.toContain(demoPatient('deceased').nin);
    // The strictly confidential persons of the municipality exist, and are not listed (the extract would place them).
    const hidden = persons.filter((p) => p.municipality === '4601' && strictlyConfidential(p)).map((p) => p.nin);
    expect(hidden.length).toBeGreaterThan(0);
    for (const nin of hidden) expect(got.flat()).not.toContain(nin);
    expect(sim.stats.ninInUrl).toBe(0);
  });

  it('lists every resident of the register without a municipality, the strictly confidential ones (abroad too) included', async () => {
    const got = (await batches({ personstatustyper: ['bosatt'] })).flat();
    expect(got).toEqual(persons.filter((p) => !p.deceasedDate).map((p) => p.nin));
    expect(got).toContain(demoPatient('strictlyConfidential').nin);
    expect(persons.some((p) => p.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD' && got.includes(p.nin))).toBe(true);
    expect(got).not.toContain(demoPatient('deceased').nin);
  });

  it('takes the dead (doed) when asked for them, years of birth and sex', async () => {
    expect((await batches({ personstatustyper: ['doed'] })).flat()).toEqual(persons.filter((p) => p.deceasedDate).map((p) => p.nin));
    expect((await batches({ personstatustyper: ['utflyttet'] })).flat()).toEqual([]);
    const got = (await batches({ personstatustyper: ['bosatt'], kommunenummer: { bostedskommunenummer: '5001' }, foedselsaarFraOgMed: '1950', foedselsaarTilOgMed: '1959', kjoenn: 'kvinne' })).flat();
    const expected = persons.filter((p) => p.municipality === '5001' && !p.deceasedDate && !strictlyConfidential(p) && p.birthDate >= '1950' && p.birthDate < '1960' && p.sex === 'female');
    expect(expected.length).toBeGreaterThan(0);
    expect(got).toEqual(expected.map((p) => p.nin));
  });

  it("refuses criteria it does not take with 400 and the register's feilmelding", async () => {
    for (const criteria of [
      {},
      { personstatustyper: [] },
      { personstatustyper: ['levende'] },
      { personstatustyper: ['bosatt'], kommunenummer: { bostedskommunenummer: '460' } },
      { personstatustyper: ['bosatt'], kommunenummer: { bostedskommunenummer: 4601 } },
      { personstatustyper: ['bosatt'], kommunenummer: ['4601'] },
      { personstatustyper: ['bosatt'], kommune: '4601' },
      { personstatustyper: ['bosatt'], foedselsaarFraOgMed: 1950 },
      ['bosatt'],
    ]) {
      const answer = await order(criteria);
      expect([criteria, answer.status]).toEqual([criteria, 400]);
      expect(answer.body).toEqual({ feilmelding: expect.stringMatching(/^Ugyldige kriterier for tilpasset uttrekk: /) });
    }
    expect(await call(sim, 'POST', ORDER, '{"personstatustyper": [')).toEqual({ status: 400, body: { feilmelding: 'Ugyldig JSON' } });
    const { body } = await order({ personstatustyper: ['bosatt'] });
    expect((await batch(String(body.jobbId), 'x')).status).toBe(400);
  });

  it('answers 404 for a job it does not know, and forgets its jobs on reset', async () => {
    expect(await batch('00000000-0000-4000-8000-000000000000', 0)).toEqual({ status: 404, body: { feilmelding: expect.any(String) } });
    const { body } = await order({ personstatustyper: ['bosatt'] });
    expect((await batch(String(body.jobbId), 0)).status).toBe(200);
    sim.resetKept();
    expect((await batch(String(body.jobbId), 0)).status).toBe(404);
  });

  it('answers 404 for a batch not ready yet, as the register does while a job runs', async () => {
    const slow = new SimulatedInstance(createPopulationRegisterSimulator({ batchSize: 200, readyAfterMs: 300 }), { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await slow.start(0);
    try {
      const { body } = await order({ personstatustyper: ['bosatt'] }, slow);
      const jobbId = String(body.jobbId);
      expect((await batch(jobbId, 0, slow)).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await batch(jobbId, 0, slow)).body.foedselsEllerDNummer).toHaveLength(200);
      // Batch 1 is ready 300 ms after batch 0.
      expect((await batch(jobbId, 1, slow)).status).toBe(404);
    } finally {
      await slow.close();
    }
  });

  it('requires the bearer token on both routes', async () => {
    const { body } = await order({ personstatustyper: ['bosatt'] });
    expect((await call(sim, 'POST', ORDER, JSON.stringify({ personstatustyper: ['bosatt'] }), 'wrong')).status).toBe(401);
    expect((await call(sim, 'GET', `/folkeregisteret/api/v1/uttrekk/${String(body.jobbId)}/batch/0`, undefined, 'wrong')).status).toBe(401);
  });

  it("puts both routes through the kit's fault modes", async () => {
    const { body } = await order({ personstatustyper: ['bosatt'] });
    const jobbId = String(body.jobbId);
    await sim.setBehaviour({ mode: 'fail' });
    expect(await order({ personstatustyper: ['bosatt'] })).toEqual({ status: 500, body: { feilmelding: 'Intern feil i Folkeregisteret' } });
    expect((await batch(jobbId, 0)).status).toBe(500);
    await sim.setBehaviour({ mode: 'invalid' });
    expect((await batch(jobbId, 0)).body).toEqual({ dokumenter: [{ foedselsEllerDNummer: 12345, navn: 'ukjent' }] });
    await sim.setBehaviour({ mode: 'normal' });
    expect((await batch(jobbId, 0)).status).toBe(200);
  });
});
