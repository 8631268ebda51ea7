import { randomUUID } from 'node:crypto';
import { createHospitalFhirAdapter } from '../../adapters/hospital-fhir/client';
import type { BlockRequest } from '../../adapters/contracts';
import { testKit } from '../../adapters/kit/testing';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { hospitalFhirSimulator } from '.';

/**
 * The blocks a patient sets and lifts herself (issue 16), driven by the real adapter over HTTP against the hospital
 * simulator: a Consent created once per key, seen in the next read as a block she set, refused for a document of
 * another patient, lifted (status inactive) and gone from the next read; a block the hospital registered is not
 * hers to lift.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const config = instancesOf(loadSources()).find((i) => i.id === 'hospital-haukeland') as InstanceConfig;
const sim = new SimulatedInstance(hospitalFhirSimulator, { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0, answerDelayMs: 50 }, createLogger('test'));
const ingrid = demoPatient('homeCare');
const hilde = demoPatient('blockedDocument');

function adapter() {
  const reachable = { ...config, baseUrl: sim.url, timeoutMs: 3000 };
  const options = { clientId: String(config.options.clientId), clientSecret: String(config.options.clientSecret), subscriptionKey: String(config.options.subscriptionKey) };
  return createHospitalFhirAdapter(reachable, options, testKit());
}

const block = (over: Partial<BlockRequest> = {}): BlockRequest => ({ patientNin: ingrid.nin, key: randomUUID(), deniedPersons: ['5636150'], deniedOrganisations: [], documentIds: [], ...over });

beforeAll(async () => {
  await sim.start(0);
});
afterAll(async () => {
  await sim.close();
});

describe('blocks the patient sets herself, at the hospital', () => {
  it('are created once per key, read back as hers, and lifted', async () => {
    const fhir = adapter();
    const request = block();
    const set = await fhir.setBlock(request);
    expect(set).toEqual({ ok: true, id: expect.any(String), created: true });
    expect(await fhir.setBlock(request)).toEqual({ ok: true, id: set.ok ? set.id : '', created: false });
    const read = (await fhir.readAccess([ingrid.nin])).get(ingrid.nin);
    const mine = read?.blocks.filter((b) => b.setByPatient);
    expect(mine).toEqual([expect.objectContaining({ id: set.ok ? set.id : '', deniedPersons: ['5636150'], documentIds: null, since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })]);
    expect(await fhir.liftBlock(set.ok ? set.id : '')).toEqual({ ok: true, id: set.ok ? set.id : '', created: false });
    expect((await fhir.readAccess([ingrid.nin])).get(ingrid.nin)?.blocks.filter((b) => b.setByPatient)).toEqual([]);
  });

  it('refuse a document that is not the patient’s, and a block the hospital registered itself', async () => {
    const fhir = adapter();
    const hildes = population.byNin.get(hilde.nin)?.hospitalRecords[0]?.documents[0]?.id as string;
    const foreign = await fhir.setBlock(block({ deniedPersons: [], documentIds: [hildes] }));
    expect(foreign).toEqual({ ok: false, status: 422, code: 'not-found', text: "The document is not in the patient's record here." });
    const registered = (await fhir.readAccess([hilde.nin])).get(hilde.nin)?.blocks.find((b) => !b.setByPatient);
    expect(registered).toBeDefined();
    expect(await fhir.liftBlock(registered?.id ?? '')).toEqual(expect.objectContaining({ ok: false, status: 403, code: 'forbidden' }));
  });
});
