import { createRepresentationRegisterAdapter } from '../../adapters/representation-register/client';
import { AdapterKit } from '../../adapters/kit';
import { sourceFailure } from '../../adapters/kit/testing';
import { loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { simulators } from '../registry';
import { representationRegisterSimulator, SEARCH_PATH } from '.';

const logger = createLogger('test');
const orgs = loadOrganisations();
const population = getPopulationIndex();
const API_KEY = 'test-key';
const instance: InstanceConfig = { id: 'representation-register-test', system: 'representation-register', baseUrl: 'http://127.0.0.1:0', timeoutMs: 2000, options: { apiKey: API_KEY } };

describe('representation register simulator', () => {
  let sim: SimulatedInstance;
  beforeAll(async () => {
    sim = new SimulatedInstance(representationRegisterSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(0);
  });
  afterAll(() => sim.close());
  afterEach(() => sim.setBehaviour({ mode: 'normal' }));

  const adapter = () => createRepresentationRegisterAdapter({ ...instance, baseUrl: sim.url }, { apiKey: API_KEY }, new AdapterKit(logger));
  const search = (body: unknown, token = API_KEY) =>
    fetch(`${sim.url}${SEARCH_PATH}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('is a system of its own, found beside its adapter, configured as the registries\' representation register', () => {
    expect(simulators().get('representation-register')).toBe(representationRegisterSimulator);
    const id = orgs.registries.representation ?? '';
    expect(loadSources().instances[id]?.system).toBe('representation-register');
  });

  it("answers Ingrid Solheim's grants in the register's words: to her daughter to read and send messages, and an ended one", async () => {
    const ingrid = demoPatient('homeCare');
    const kari = demoPatient('representative');
    const response = await search({ fullmaktsgivere: [ingrid.nin, demoPatient('nursingHome').nin] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { fullmakter: Record<string, unknown>[] };
    expect(body.fullmakter).toHaveLength(2);
    expect(body.fullmakter[1]).toEqual({
      id: ingrid.powersOfAttorney?.[1]?.id,
      fullmaktsgiver: ingrid.nin,
      fullmektig: kari.nin,
      omraader: ['INNSYN', 'MELDINGER'],
      gyldigFraOgMed: ingrid.powersOfAttorney?.[1]?.from,
      gyldigTilOgMed: null,
    });
    expect(body.fullmakter[0]?.omraader).toEqual(['INNSYN', 'MELDINGER', 'SPERRING']);
    expect(typeof body.fullmakter[0]?.gyldigTilOgMed).toBe('string');
  });

  it('is read by the adapter into RepresentationModel: grants by granter, null for a person who gave none', async () => {
    const ingrid = demoPatient('homeCare');
    const read = await adapter().read([ingrid.nin, demoPatient('teen').nin]);
    expect(read.get(ingrid.nin)?.grants.map((g) => [g.representativeNin === demoPatient('representative').nin, g.scopes, g.to === null])).toEqual([
      [false, ['READ', 'MESSAGE', 'BLOCK'], false],
      [true, ['READ', 'MESSAGE'], true],
    ]);
    expect(read.get(demoPatient('teen').nin)).toBeNull();
  });

  it('refuses a request without the token, a body that is not a list of numbers, or too many at once', async () => {
    expect((await search({ fullmaktsgivere: [] }, 'wrong')).status).toBe(401);
    expect((await search({ fullmaktsgivere: '03864013065' })).status).toBe(400);
    expect((await search({ fullmaktsgivere: Array.from({ length: 101 }, () => '03864013065') })).status).toBe(400);
    // An identity number in the URL is refused before the app sees it (the kit's guard).
    const inUrl = await fetch(`${sim.url}${SEARCH_PATH}?fullmaktsgiver=03864013065`, { method: 'POST', headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(inUrl.status).toBe(400);
  });

  it('reports its fault modes to the adapter as the matching source errors', async () => {
    const nin = demoPatient('homeCare').nin;
    await sim.setBehaviour({ mode: 'fail' });
    expect((await sourceFailure(adapter().read([nin]))).code).toBe('SOURCE_UNAVAILABLE');
    await sim.setBehaviour({ mode: 'invalid' });
    expect((await sourceFailure(adapter().read([nin]))).code).toBe('SOURCE_BAD_RESPONSE');
    await sim.setBehaviour({ mode: 'garbage' });
    expect((await sourceFailure(adapter().read([nin]))).code).toBe('SOURCE_BAD_RESPONSE');
  });
});
