import { readFileSync } from 'node:fs';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { GlobalIdCodec, globalIds } from '../../lib/globalId';
import { devSecrets } from '../../lib/secrets';
import { demoPatient } from '../../simulators/population';
import { TestSystem, type GraphQLResponse, type Reader } from './harness';

/**
 * Global ids end to end: `Patient.id` keyed on nothing personal and the same on every read, and `node(id:)` read as
 * `patient(nin:)` reads the number inside the id: the same refusals for the same readers, the same access-log records;
 * a forged id refused with INVALID_ID.
 */
let system: TestSystem;
/** Apollo Gateway and both Hive Gateway planners, over the same subgraphs and access log. */
let engines: Record<string, string>;

beforeAll(async () => {
  ({ system, engines } = await TestSystem.startWithEngines({ sourceTimeoutMs: 5000 }));
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const ingrid = demoPatient('homeCare');
const pseudonym = (nin: string) => patientPseudonym(nin, Buffer.from(devSecrets().auditPseudonymKey, 'base64url'));

/** The same selection of a patient, by number and by id. */
const SELECTION = 'name { text } careRecord { services { type } medications { id name } } gpRecord { office } hospitalRecords { diagnoses { id } }';
const BY_NIN = `query($nin: String!) { patient(nin: $nin) { id ${SELECTION} } }`;
const BY_ID = `query($id: ID!) { patient: node(id: $id) { id __typename ... on Patient { ${SELECTION} } } }`;

const errorsOf = (r: GraphQLResponse) =>
  (r.body.errors ?? []).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.code, rule: e.extensions?.rule, reason: e.extensions?.reason })).sort((a, b) => String(a.path).localeCompare(String(b.path)));

function fileRecords(): AccessRecord[] {
  return readFileSync(system.system.auditLogFile as string, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AccessRecord);
}

/** Reads by number, then by id, as `reader`; the two answers and the access-log records each added. */
async function bothWays(reader: Reader, id: string) {
  const before = fileRecords().length;
  const byNin = await system.query<any>(BY_NIN, { nin: ingrid.nin }, reader);
  const middle = fileRecords().length;
  const byId = await system.query<any>(BY_ID, { id }, reader);
  const records = fileRecords();
  return { byNin, byId, ninRecords: records.slice(before, middle), idRecords: records.slice(middle) };
}

/** What a record says, without what differs between two requests. */
const comparable = ({ id: _id, time: _time, requestId: _requestId, ...rest }: AccessRecord) => rest;

let ingridId: string;

describe('Patient.id', () => {
  it('is the same on every read, whatever the path and reader, and holds nothing of the number', async () => {
    const first = await system.query<any>('query($nin: String!) { patient(nin: $nin) { id } }', { nin: ingrid.nin }, 'gp');
    const second = await system.query<any>('query($nins: [String!]!) { patients(nins: $nins) { id } }', { nins: [ingrid.nin] }, 'home-care-nurse');
    const own = await system.query<any>('{ me { id } }', {}, 'citizen-ingrid');
    ingridId = first.body.data.patient.id;
    expect([second.body.data.patients[0].id, own.body.data.me.id]).toEqual([ingridId, ingridId]);
    expect(ingridId).toMatch(/^[A-Za-z]{40,}$/);
    expect(ingridId).not.toContain(ingrid.nin);
    // Another patient, another id; the id decodes (with the server's key only) to the number it was made from.
    const other = await system.query<any>('query($nin: String!) { patient(nin: $nin) { id } }', { nin: demoPatient('nursingHome').nin }, 'gp');
    expect(other.body.data.patient.id).not.toBe(ingridId);
    expect(globalIds().decode(ingridId)).toEqual({ type: 'Patient', key: [ingrid.nin] });
  });

  it('items of the record have stable ids too, and node does not fetch them', async () => {
    const q = 'query($nin: String!) { patient(nin: $nin) { careRecord { medications { id } administrations(last: 2) { id } } hospitalRecords { diagnoses { id } medications { id } } } }';
    const [a, b] = [await system.query<any>(q, { nin: ingrid.nin }, 'gp'), await system.query<any>(q, { nin: ingrid.nin }, 'gp')];
    expect(a.body.errors).toBeUndefined();
    expect(b.body.data).toEqual(a.body.data);
    const care = a.body.data.patient.careRecord;
    const ids = [...care.medications, ...care.administrations, ...a.body.data.patient.hospitalRecords.flatMap((h: any) => [...h.diagnoses, ...h.medications])].map((x: any) => x.id);
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    const r = await system.query<any>('query($id: ID!) { node(id: $id) { id } }', { id: care.medications[0].id }, 'gp');
    expect([r.body.data?.node, r.body.errors?.[0]?.extensions?.code, r.body.errors?.[0]?.extensions?.reason]).toEqual([null, 'INVALID_ID', 'NOT_FETCHABLE']);
  });
});

describe('node(id:)', () => {
  it('gives a reader with access the same patient as patient(nin:), logged alike', async () => {
    const { byNin, byId, ninRecords, idRecords } = await bothWays('gp', ingridId);
    expect(byNin.body.errors).toBeUndefined();
    expect(byId.body.errors).toBeUndefined();
    expect(byId.body.data.patient).toEqual({ ...byNin.body.data.patient, __typename: 'Patient' });
    expect(byId.body.data.patient.name.text).toBe('Ingrid Solheim');
    // One record each, for the same patient (by pseudonym), reader, purpose, ground, fields and refusals.
    expect(ninRecords).toHaveLength(1);
    expect(idRecords).toHaveLength(1);
    expect(idRecords.map(comparable)).toEqual(ninRecords.map(comparable));
    expect(idRecords[0]).toEqual(expect.objectContaining({ patient: pseudonym(ingrid.nin), basis: ['GP_LIST:923456783'], purpose: 'TREAT' }));
    expect(idRecords[0]?.fields).toEqual(expect.arrayContaining(['Patient.id', 'Patient.name', 'Patient.careRecord', 'CareMedication.id']));
  });

  it('refuses a reader whose rules refuse, with the same errors as patient(nin:), and logs the refusal alike', async () => {
    // Trondheim's nursing-home doctor has no care relationship with a Bergen home-care patient.
    const { byNin, byId, ninRecords, idRecords } = await bothWays('nursing-home-doctor', ingridId);
    expect(errorsOf(byNin).map((e) => e.path)).toEqual(['patient.careRecord', 'patient.gpRecord', 'patient.hospitalRecords']);
    expect(errorsOf(byId)).toEqual(errorsOf(byNin));
    expect(errorsOf(byId)[0]).toEqual(expect.objectContaining({ code: 'FORBIDDEN', rule: 'clinicalData', reason: 'NO_RELATIONSHIP' }));
    expect(byId.body.data.patient).toEqual({ ...byNin.body.data.patient, __typename: 'Patient' });
    expect(idRecords.map(comparable)).toEqual(ninRecords.map(comparable));
    expect(idRecords[0]?.denied).toEqual(['Patient.careRecord', 'Patient.gpRecord', 'Patient.hospitalRecords']);
  });

  it('refuses by role before planning, as patient(nin:) does: a researcher, a citizen', async () => {
    for (const persona of ['researcher', 'citizen-ingrid']) {
      const byNin = await system.query<any>(BY_NIN, { nin: ingrid.nin }, persona);
      const byId = await system.query<any>(BY_ID, { id: ingridId }, persona);
      expect([persona, byId.status, byId.body.errors?.[0]?.extensions?.code, byId.body.errors?.[0]?.extensions?.reason]).toEqual([persona, 403, 'FORBIDDEN', 'ROLE']);
      expect([persona, byNin.status]).toEqual([persona, 403]);
      expect(String(byId.body.errors?.[0]?.extensions?.rule)).toContain('patientLookup');
      expect(byId.body.data ?? null).toBeNull();
    }
  });

  it('gives a practitioner by id: the public register entry', async () => {
    const r = await system.query<any>('query($nin: String!) { patient(nin: $nin) { generalPractitioner { gp { id hprNumber name { text } } office { id } } } }', { nin: ingrid.nin }, 'gp');
    const gp = r.body.data.patient.generalPractitioner.gp;
    expect(r.body.data.patient.generalPractitioner.office.id).toMatch(/^[A-Za-z]+$/);
    const byId = await system.query<any>('query($id: ID!) { node(id: $id) { id ... on Practitioner { hprNumber name { text } } } }', { id: gp.id }, 'gp');
    expect([byId.body.data, byId.body.errors]).toEqual([{ node: gp }, undefined]);
  });

  it('answers and logs alike on every engine (Apollo Gateway, Hive Gateway with either planner)', async () => {
    const token = await system.token('nursing-home-doctor');
    for (const [name, url] of Object.entries(engines)) {
      const before = fileRecords().length;
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: BY_ID, variables: { id: ingridId } }) });
      const body = (await response.json()) as GraphQLResponse<any>['body'];
      const r = { status: response.status, body };
      expect([name, r.body.data?.patient?.name, errorsOf(r).map((e) => `${e.path}:${e.rule}:${e.reason}`)]).toEqual([
        name,
        { text: 'Ingrid Solheim' },
        ['patient.careRecord:clinicalData:NO_RELATIONSHIP', 'patient.gpRecord:clinicalData:NO_RELATIONSHIP', 'patient.hospitalRecords:clinicalData:NO_RELATIONSHIP'],
      ]);
      const added = fileRecords().slice(before);
      expect([name, added.map((x) => [x.patient, x.denied])]).toEqual([name, [[pseudonym(ingrid.nin), ['Patient.careRecord', 'Patient.gpRecord', 'Patient.hospitalRecords']]]]);
    }
  });

  it('refuses a forged id with INVALID_ID: altered, made with another key, or junk; nothing read, nothing logged', async () => {
    const letter = ingridId[10] === 'a' ? 'b' : 'a';
    const forged = [
      `${ingridId.slice(0, 10)}${letter}${ingridId.slice(11)}`,
      new GlobalIdCodec(Buffer.alloc(32, 1)).encode('Patient', [ingrid.nin]),
      Buffer.from(`Patient:${ingrid.nin}`).toString('base64url'),
      ingrid.nin,
    ];
    const before = fileRecords().length;
    for (const id of forged) {
      const r = await system.query<any>(BY_ID, { id }, 'gp');
      expect([id, r.status, r.body.data?.patient ?? null, errorsOf(r)]).toEqual([id, 200, null, [{ path: 'patient', code: 'INVALID_ID', rule: undefined, reason: 'UNREADABLE' }]]);
      // Nothing of what was sent comes back.
      expect(JSON.stringify(r.body)).not.toContain(ingrid.nin);
    }
    expect(fileRecords().length).toBe(before);
  });
});
