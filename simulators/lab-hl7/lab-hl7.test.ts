import { Hl7Client } from '@medplum/hl7';
import { Hl7Message } from '@medplum/core';
import { createLabHl7Adapter } from '../../adapters/lab-hl7/client';
import { AdapterKit, SourceError } from '../../adapters/kit';
import { CODE_SYSTEM } from '../../adapters/model';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { checkZ01Message } from '../../test/hl7/validateHl7v25';
import { MessageStore } from '../kit/messageStore';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex, type Person } from '../population';
import { labHl7Simulator } from '.';
import { labResultsFor, servedMunicipalities } from './results';

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
      expect(answer.getSegment('QAK')?.toString()).toBe('QAK|T1|OK|Z01^Laboratoriesvar for pasient^HL70471');
      expect(checkZ01Message(answer.toString())).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('refuses a partner it has no agreement with (MSA AR): SOURCE_UNAVAILABLE by its codes', async () => {
    const error = await failure(adapter({ sendingFacility: 'STRANGER' }).read([ingrid.nin]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toBe('lab-haukeland answered a HL7 fault (AR), subcode 207, error code PARTNER');
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

/**
 * Every kind of answer the laboratory gives, through the HL7 v2.5 structure check and the Z01 profile's rules
 * (test/hl7/validateHl7v25.ts): results, nothing found, each refusal, an internal error, and the canned answers
 * of the fault modes that still send HL7 (`fail`, `invalid`). `garbage` is meant not to parse; `hang` and
 * `down` send nothing.
 */
describe('lab-hl7 simulator: every answer is valid HL7 v2.5 of the Z01 profile', () => {
  const setup = { instance: config, orgs, population, observe: () => undefined, messages: new MessageStore(), answerDelayMs: () => 0, changed: async () => undefined, kept: <T>(_name: string, make: () => T) => make() };
  const handle = labHl7Simulator.createMllpHandler!(setup);
  const served = servedMunicipalities(orgs, config.id);
  // Someone with results whose name needs more than ASCII (æ, ø, å): their answer must name its character set.
  const nordic = population.population.persons.find((p) => served.has(p.municipality) && labResultsFor(p).length > 0 && /[^\x20-\x7e]/.test(`${p.familyName}${p.givenName}`)) as Person;
  const QPD = (nin: string) => `QPD|Z01^Laboratoriesvar for pasient^HL70471|T1|${nin}^^^NO-FNR`;
  const query = (parts: { facility?: string; type?: string; version?: string; segments?: string[] } = {}) =>
    [`MSH|^~\\&|PATIENT-GRAPH|${parts.facility ?? 'PATIENT-GRAPH'}|LIS|HUS-MBF|20261130120000+0000||${parts.type ?? 'QBP^Q11^QBP_Q11'}|C1|P|${parts.version ?? '2.5'}||||||UNICODE UTF-8`, ...(parts.segments ?? [QPD(ingrid.nin), 'RCP|I||R'])].join('\r');
  const field = (answer: string, segment: string, n: number) => answer.split('\r').find((s) => s.startsWith(`${segment}|`))?.split('|')[n] ?? null;

  it('has a patient with æøå in the name among the laboratory’s', () => {
    expect(nordic).toBeDefined();
  });

  it.each([
    // what, query, MSA-1, QAK-2 (null: a general ACK), ERR-3's code (null: no ERR)
    ['results', query(), 'AA', 'OK', null],
    ['results for a name with æøå', () => query({ segments: [QPD(nordic.nin), 'RCP|I||R'] }), 'AA', 'OK', null],
    ['nobody the laboratory serves', query({ segments: [QPD(kjell.nin), 'RCP|I||R'] }), 'AA', 'NF', null],
    ['an identity number nobody has', query({ segments: [QPD('15857210029'), 'RCP|I||R'] }), 'AA', 'NF', null],
    ['a partner without an agreement', query({ facility: 'STRANGER' }), 'AR', 'AR', '207'],
    ['a partner without an agreement, and no query', query({ facility: 'STRANGER', segments: [] }), 'AR', null, '207'],
    ['another message type', query({ type: 'ADT^A01^ADT_A01', segments: ['EVN|A01|20261130120000', 'PID|1||03864013065^^^NO-FNR||Solheim^Ingrid', 'PV1|1|O'] }), 'AR', null, '200'],
    ['another query event', query({ type: 'QBP^Q13^QBP_Q13' }), 'AR', null, '201'],
    ['another HL7 version', query({ version: '2.4' }), 'AR', 'AR', '203'],
    ['a query without QPD', query({ segments: ['RCP|I||R'] }), 'AE', null, '100'],
    ['a query without RCP', query({ segments: [QPD(ingrid.nin)] }), 'AE', 'AE', '100'],
    ['another query name', query({ segments: ['QPD|Z99^Annen spørring^HL70471|T1|03864013065^^^NO-FNR', 'RCP|I||R'] }), 'AE', 'AE', '103'],
    ['a query without a query tag', query({ segments: ['QPD|Z01^Laboratoriesvar for pasient^HL70471||03864013065^^^NO-FNR', 'RCP|I||R'] }), 'AE', 'AE', '101'],
    ['a query without an identity number', query({ segments: ['QPD|Z01^Laboratoriesvar for pasient^HL70471|T1', 'RCP|I||R'] }), 'AE', 'AE', '101'],
    ['an identity number that is not eleven digits', query({ segments: [QPD('0386401306X'), 'RCP|I||R'] }), 'AE', 'AE', '102'],
  ] as const)('answers %s as valid HL7 v2.5', (_what, text, ack, status, code) => {
    const answer = handle(typeof text === 'function' ? text() : text) ?? '';
    expect(checkZ01Message(answer)).toEqual([]);
    expect(field(answer, 'MSA', 1)).toBe(ack);
    expect(field(answer, 'MSA', 2)).toBe('C1');
    expect(field(answer, 'QAK', 2)).toBe(status);
    expect(field(answer, 'ERR', 3)?.split('^')[0] ?? null).toBe(code);
    if (status !== null) expect(field(answer, 'QPD', 2)).toBe(field(answer, 'QAK', 1));
  });

  it('answers its own internal error as an application reject (AR, 207) that still acknowledges the query', () => {
    const broken = { ...setup, population: { ...population, byNin: { get: () => { throw new Error('the database is down'); } } as unknown as Map<string, Person> } };
    const answer = labHl7Simulator.createMllpHandler!(broken)(query()) ?? '';
    expect(checkZ01Message(answer)).toEqual([]);
    expect([field(answer, 'MSA', 1), field(answer, 'QAK', 2), field(answer, 'ERR', 3)]).toEqual(['AR', 'AR', '207^Application internal error^HL70357']);
  });

  it.each([
    ['fail', labHl7Simulator.failure.body],
    ['invalid', labHl7Simulator.invalid.body],
  ])('sends a valid HL7 v2.5 message in mode %s', (_mode, body) => {
    expect(checkZ01Message(body.replaceAll('$CONTROL_ID', 'C1'))).toEqual([]);
  });

  it('takes its codes, texts, units and reference intervals from the code list, coding system 99NLK, no flag within the interval', () => {
    const answer = handle(query()) ?? '';
    const expected = labResultsFor(population.byNin.get(ingrid.nin)!);
    const obx = answer.split('\r').filter((s) => s.startsWith('OBX|')).map((s) => s.split('|'));
    expect(obx.map((f) => [f[3], f[6], f[7], f[8]])).toEqual(expected.map((e) => [`${e.code}^${e.text}^99NLK`, `${e.unit}^^UCUM`, `${e.low}-${e.high}`, e.flag === 'N' ? '' : e.flag]));
  });
});
