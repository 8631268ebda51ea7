import { createPopulationRegisterAdapter } from '../../adapters/population-register/client';
import { AdapterKit } from '../../adapters/kit';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { populationRegisterSimulator } from '.';

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
