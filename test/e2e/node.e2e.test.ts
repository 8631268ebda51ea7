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

/**
 * The items that held their source system's own id in `id` until issue 19 (and the two that had none): each selected
 * with its global id and its `sourceId`.
 */
const ITEM_TYPES = [
  'CareService', 'CareVisit', 'WelfareTechnologyDevice', 'IndividualPlan', 'PlanGoal', 'PlanMeasure',
  'Consultation', 'Prescription', 'Referral', 'ReferralAssessment',
  'Encounter', 'ClinicalDocument', 'LabResult',
  'CriticalInformation', 'DispensedMedication',
  'UpcomingItem',
] as const;
const ITEM = '__typename id sourceId';
const ITEMS = `query($nin: String!) { patient(nin: $nin) {
  careRecord { services { ${ITEM} } visits(last: 5) { ${ITEM} } welfareTechnology { ${ITEM} } }
  individualPlan { ${ITEM} goals { ${ITEM} } measures { ${ITEM} goalId } }
  gpRecord { consultations(last: 5) { ${ITEM} } prescriptions { ${ITEM} } referrals { ${ITEM} assessment { ${ITEM} } } }
  hospitalRecords { encounters { ${ITEM} } documents { ${ITEM} } labResults { ${ITEM} } }
  summaryRecord { criticalInformation { ${ITEM} } dispensedMedications { ${ITEM} } }
  upcoming { ${ITEM} referralId }
} }`;

type Item = { __typename: string; id: string; sourceId: string };

/** Every object of an answer that has a `sourceId`, depth first. */
function itemsOf(value: unknown): Item[] {
  if (Array.isArray(value)) return value.flatMap(itemsOf);
  if (!value || typeof value !== 'object') return [];
  const here = 'sourceId' in value && '__typename' in value ? [value as Item] : [];
  return [...here, ...Object.values(value).flatMap(itemsOf)];
}

describe('ids of the items of a record', () => {
  // Ingrid Solheim (home care, a plan, GP, hospital, summary record) and Egil (a referral the hospital answered).
  const patients = [ingrid, demoPatient('criticalInfo')];

  it('are opaque global ids, the source system\'s own id in sourceId: stable across reads, one per item, on every engine', async () => {
    const first = await Promise.all(patients.map((p) => system.query<any>(ITEMS, { nin: p.nin })));
    const again = await Promise.all(patients.map((p) => system.query<any>(ITEMS, { nin: p.nin })));
    for (const r of first) expect(r.body.errors).toBeUndefined();
    expect(again.map((r) => r.body.data)).toEqual(first.map((r) => r.body.data));
    const items = first.flatMap((r) => itemsOf(r.body.data));
    // Every type, not only some: each item type is read here at least once.
    expect([...new Set(items.map((i) => i.__typename))].sort()).toEqual([...ITEM_TYPES].sort());
    for (const item of items) {
      // Letters only: no digit at all (so no run of a number), and nothing of the source's id in it.
      expect([item.__typename, item.id]).toEqual([item.__typename, expect.stringMatching(/^[A-Za-z]{60,}$/)]);
      expect([item.__typename, item.sourceId.length > 0, item.id === item.sourceId, item.id.includes(item.sourceId)]).toEqual([item.__typename, true, false, false]);
      // Made (with the server's key only) from the patient, the source as named in the answer and the source's id.
      const decoded = globalIds().decode(item.id);
      expect([item.__typename, decoded?.type, decoded?.key.at(-1)]).toEqual([item.__typename, item.__typename, item.sourceId]);
    }
    const ids = items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    // A measure names its goal by the care system's id (PlanGoal.sourceId).
    const plan = first[0]?.body.data.patient.individualPlan;
    for (const m of plan.measures) if (m.goalId !== null) expect(plan.goals.map((g: any) => g.sourceId)).toContain(m.goalId);
    // An upcoming referral names the GP's referral by its sourceId; the referral key (sourceId) reached the hospital.
    const egil = first[1]?.body.data.patient;
    const waiting = egil.upcoming.filter((u: any) => u.referralId);
    expect(waiting.length).toBeGreaterThan(0);
    for (const u of waiting) expect(egil.gpRecord.referrals.map((r: any) => r.sourceId)).toContain(u.referralId);

    // The same answers, ids included, from Hive Gateway with either planner (the Referral key crosses gp and hospital).
    const token = await system.token('emergency-physician');
    for (const [name, url] of Object.entries(engines)) {
      for (const [i, p] of patients.entries()) {
        const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: ITEMS, variables: { nin: p.nin } }) });
        const body = (await response.json()) as GraphQLResponse<any>['body'];
        expect([name, body.errors, body.data]).toEqual([name, undefined, first[i]?.body.data]);
      }
    }
  });

  it('are not fetched by node: INVALID_ID with reason NOT_FETCHABLE, for every type, and nothing logged', async () => {
    const items = itemsOf((await system.query<any>(ITEMS, { nin: demoPatient('criticalInfo').nin })).body.data).concat(itemsOf((await system.query<any>(ITEMS, { nin: ingrid.nin })).body.data));
    const one = ITEM_TYPES.map((type) => items.find((i) => i.__typename === type) as Item);
    const before = fileRecords().length;
    for (const item of one) {
      const r = await system.query<any>('query($id: ID!) { node(id: $id) { id } }', { id: item.id }, 'gp');
      expect([item.__typename, r.body.data?.node ?? null, errorsOf(r)]).toEqual([item.__typename, null, [{ path: 'node', code: 'INVALID_ID', rule: undefined, reason: 'NOT_FETCHABLE' }]]);
    }
    expect(fileRecords().length).toBe(before);
  });

  it("of a strictly confidential patient read from outside carry the source as the answer names it (its sector), never the instance", async () => {
    const silje = demoPatient('strictlyConfidential');
    const q = `query($nin: String!) { patient(nin: $nin) {
      gpRecord { provenance { sourceId } consultations(last: 5) { ${ITEM} } prescriptions { ${ITEM} } referrals { ${ITEM} } }
      hospitalRecords { provenance { sourceId } encounters { ${ITEM} } documents { ${ITEM} } labResults { ${ITEM} } }
      upcoming { ${ITEM} provenance { sourceId } }
    } }`;
    const read = async (reader: Reader) => {
      const r = await system.query<any>(q, { nin: silje.nin }, reader);
      const p = r.body.data.patient;
      const named = (list: Item[], sourceId: string) => list.map((i) => ({ ...i, named: sourceId }));
      return [
        ...(p.gpRecord ? named(itemsOf([p.gpRecord.consultations, p.gpRecord.prescriptions, p.gpRecord.referrals]), p.gpRecord.provenance.sourceId) : []),
        ...(p.hospitalRecords ?? []).flatMap((h: any) => named(itemsOf([h.encounters, h.documents, h.labResults]), h.provenance.sourceId)),
        ...(p.upcoming ?? []).map((u: any) => ({ ...u, named: u.provenance.sourceId })),
      ] as (Item & { named: string })[];
    };
    const outside = await read('emergency-physician');
    expect(outside.length).toBeGreaterThan(0);
    for (const item of outside) {
      const key = globalIds().decode(item.id)?.key ?? [];
      // The answer names the sector (`gp`, `hospital`), and so does the id: nothing more than the reader was told.
      expect([item.__typename, item.named, key[1]]).toEqual([item.__typename, expect.stringMatching(/^(gp|hospital|municipal-care)$/), item.named]);
    }
    // Her own GP office is told its own name, and its items' ids are made from it: the ids differ between the two readers.
    const inside = await read('gp-midtbyen');
    const insideGp = inside.filter((i) => i.__typename === 'Consultation');
    expect(insideGp.length).toBeGreaterThan(0);
    for (const item of insideGp) expect(globalIds().decode(item.id)?.key[1]).toBe(item.named);
    expect(insideGp.map((i) => i.named)).not.toContain('gp');
    const outsideIds = new Set(outside.map((i) => i.id));
    for (const item of insideGp) expect(outsideIds.has(item.id)).toBe(false);
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
