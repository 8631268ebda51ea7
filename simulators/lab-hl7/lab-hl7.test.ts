import { Hl7Client } from '@medplum/hl7';
import { Hl7Message } from '@medplum/core';
import { createLabHl7Adapter } from '../../adapters/lab-hl7/client';
import { AdapterKit, SourceError } from '../../adapters/kit';
import { CODE_SYSTEM } from '../../adapters/model';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { labHl7Simulator } from '.';
import { labResultsFor } from './results';

const logger = createLogger('test');
const population = getPopulationIndex();
const options = { sendingFacility: 'PATIENT-GRAPH', receivingApplication: 'LIS', receivingFacility: 'HUS-MBF', connections: 4 };
const config: InstanceConfig = { id: 'lab-haukeland', system: 'lab-hl7', baseUrl: 'mllp://127.0.0.1', timeoutMs: 2000, options };
// Haukeland's laboratory, as organisations.json connects it (`laboratoryInstance`), serves Bergen and Askøy.
const orgs = loadOrganisations();
orgs.hospitals = orgs.hospitals.map((h) => (h.name.startsWith('Haukeland') ? { ...h, laboratoryInstance: config.id } : h));
const sim = new SimulatedInstance(labHl7Simulator, { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);

const ingrid = demoPatient('homeCare'); // Bergen: Haukeland's laboratory
const kjell = demoPatient('nursingHome'); // Trondheim: not this laboratory's area
let instance: InstanceConfig;
const adapter = (overrides: Partial<typeof options> = {}) => createLabHl7Adapter(instance, { ...options, ...overrides }, new AdapterKit(logger));

async function failure(read: Promise<unknown>): Promise<SourceError> {
  try {
    await read;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('the read succeeded');
}

beforeAll(async () => {
  await sim.start(0);
  instance = { ...config, baseUrl: sim.url };
});
afterEach(async () => {
  await sim.setBehaviour({ mode: 'normal' });
  sim.resetStats();
});
afterAll(() => sim.close());

describe('lab-hl7 simulator with the lab-hl7 adapter, HL7 v2.5 over MLLP', () => {
  it('answers QBP^Q11 with RSP^K11: NLK codes and UCUM units, one query per patient on one connection', async () => {
    const expected = labResultsFor(population.byNin.get(ingrid.nin)!);
    expect(expected.length).toBeGreaterThan(0);
    const result = await adapter().read([ingrid.nin, kjell.nin]);
    expect(sim.stats.byRoute['MLLP QBP^Q11']).toBe(2);
    expect(result.get(kjell.nin)).toBeNull();
    const results = result.get(ingrid.nin)?.results ?? [];
    expect(results.map((r) => [r.code.system, r.code.code, r.code.display, r.value, r.unit, r.referenceLow, r.referenceHigh])).toEqual(
      expected.map((e) => [CODE_SYSTEM.nlk, e.code, e.text, e.value, e.unit, e.low, e.high]),
    );
    expect(results.every((r) => r.orderedByHpr === ingrid.gp?.hprNumber && /Z$/.test(r.time))).toBe(true);
  });

  it('is a real MLLP endpoint: a plain HL7 client gets an RSP^K11 acknowledging its query', async () => {
    const { port } = new URL(sim.url);
    const client = new Hl7Client({ host: '127.0.0.1', port: Number(port) });
    try {
      const answer = await client.sendAndWait(
        Hl7Message.parse(`MSH|^~\\&|PATIENT-GRAPH|PATIENT-GRAPH|LIS|HUS-MBF|20261130120000+0000||QBP^Q11^QBP_Q11|C1|P|2.5\rQPD|Z01^Laboratoriesvar for pasient^HL70471|T1|${ingrid.nin}^^^NO-FNR\rRCP|I||R`),
      );
      expect(answer.getSegment('MSH')?.getField(9).toString()).toBe('RSP^K11^RSP_K11');
      expect(answer.getSegment('MSA')?.toString()).toBe('MSA|AA|C1');
      expect(answer.getSegment('QAK')?.toString()).toBe('QAK|T1|OK');
    } finally {
      await client.close();
    }
  });

  it('refuses a partner it has no agreement with (MSA AR): SOURCE_UNAVAILABLE by its codes', async () => {
    const error = await failure(adapter({ sendingFacility: 'STRANGER' }).read([ingrid.nin]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toBe('lab-haukeland answered a HL7 fault (AR), error code PARTNER');
  });

  it.each([
    ['fail', 'SOURCE_UNAVAILABLE'],
    ['garbage', 'SOURCE_BAD_RESPONSE'],
    ['invalid', 'SOURCE_BAD_RESPONSE'],
    ['down', 'SOURCE_UNAVAILABLE'],
  ] as const)('in mode %s the read fails with %s', async (mode, code) => {
    await sim.setBehaviour({ mode });
    expect((await failure(adapter().read([ingrid.nin]))).code).toBe(code);
  });

  it('times out a laboratory that does not answer', async () => {
    await sim.setBehaviour({ mode: 'hang' });
    instance = { ...instance, timeoutMs: 300 };
    try {
      expect((await failure(adapter().read([ingrid.nin]))).code).toBe('SOURCE_TIMEOUT');
    } finally {
      instance = { ...config, baseUrl: sim.url };
    }
  });
});
