import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { containsNin } from '../../adapters/kit';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { devSecrets } from '../../lib/secrets';
import { demoPatient } from '../../simulators/population';
import { createTestDatabase, freePort, type TestDatabase } from '../testDatabase';
import { TestSystem } from './harness';

/**
 * The access log, end to end: every disclosure recorded before the answer leaves, shown to the patient
 * with emergency access marked, complete under concurrent load, and nothing disclosed when it cannot be
 * written, with the default file store and with PostgreSQL.
 */
const ingrid = demoPatient('homeCare');
const pseudonym = (nin: string) => patientPseudonym(nin, Buffer.from(devSecrets().auditPseudonymKey, 'base64url'));
const ACCESS_LOG = `{ me { accessLog(last: 500) { time purpose emergency emergencyReason dataTypes fields requestId
  accessor { kind organisation orgNumber practitioner { hprNumber name { text } } } } } }`;

function fileRecords(file: string): AccessRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AccessRecord);
}

describe('the access log in its default file', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ sourceTimeoutMs: 5000 });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('shows the patient who read her record, emergency access marked, and logs her reading of it', async () => {
    const summary = 'query($nin: String!) { patient(nin: $nin) { name { text } careRecord { services { type } } medications { atc } } }';
    for (const persona of ['gp', 'home-care-nurse', 'hospital-doctor', 'emergency-physician']) {
      expect((await system.query(summary, { nin: ingrid.nin }, persona)).body.errors).toBeUndefined();
    }
    const first = await system.query<any>(ACCESS_LOG, {}, 'citizen-ingrid');
    expect(first.body.errors).toBeUndefined();
    const entries = first.body.data.me.accessLog as any[];
    expect(entries.map((e) => [e.accessor.practitioner?.name.text, e.accessor.organisation, e.purpose, e.emergency])).toEqual([
      ['Anders Rasmussen', 'St. Olavs hospital', 'ETREAT', true],
      ['Martin Aasen', 'Haukeland universitetssjukehus', 'TREAT', false],
      ['Line Knutsen', 'Bergen kommune', 'TREAT', false],
      ['Siri Kristoffersen', 'Nordnes legekontor', 'TREAT', false],
    ]);
    expect(entries[0].emergencyReason).toMatch(/akuttmottaket/);
    expect(entries[3].fields).toEqual(expect.arrayContaining(['Patient.name', 'Patient.careRecord', 'CareService.type', 'Patient.medications']));
    expect(entries[3].dataTypes).toEqual(expect.arrayContaining(['CareRecord', 'MedicationListItem', 'Patient']));

    // Reading the log is itself a disclosure: it is there the next time, as the patient's own access.
    const second = await system.query<any>(ACCESS_LOG, {}, 'citizen-ingrid');
    expect(second.body.data.me.accessLog[0]).toEqual(
      expect.objectContaining({ purpose: 'PATRQT', emergency: false, accessor: { kind: 'PATIENT', organisation: null, orgNumber: null, practitioner: null } }),
    );
    expect(second.body.data.me.accessLog[0].fields).toEqual(expect.arrayContaining(['Patient.accessLog', 'AccessLogEntry.purpose']));
  });

  it('records which relationship granted each disclosure, and keeps no identity number or name', async () => {
    const records = fileRecords(system.system.auditLogFile as string).filter((r) => r.patient === pseudonym(ingrid.nin));
    const basisOf = (hpr: string) => records.find((r) => r.accessor.kind === 'PERSONNEL' && r.accessor.hprNumber === hpr)?.basis;
    expect(basisOf('9217889')).toEqual(['GP_LIST:923456783']);
    expect(basisOf('9757146')).toEqual(['MUNICIPAL_SERVICE:964338531']);
    expect(basisOf('5636150')).toEqual(['HOSPITAL_EPISODE:983974724']);
    expect(basisOf('9894367')).toEqual(['EMERGENCY']);
    const text = readFileSync(system.system.auditLogFile as string, 'utf8');
    expect(containsNin(text)).toBe(false);
    for (const name of ['Ingrid', 'Solheim', 'Kristoffersen', 'Penicillin']) expect(text).not.toContain(name);
  });

  it('records a refused reader too, with what was refused', async () => {
    const hilde = demoPatient('blockedDocument');
    await system.query('query($nin: String!) { patient(nin: $nin) { name { text } medications { atc } } }', { nin: hilde.nin }, 'blocked-practitioner');
    const record = fileRecords(system.system.auditLogFile as string).find((r) => r.patient === pseudonym(hilde.nin) && r.accessor.kind === 'PERSONNEL' && r.accessor.hprNumber === '9429915');
    expect(record).toEqual(expect.objectContaining({ basis: ['HEALTH_PERSONNEL'], fields: ['HumanName.text', 'Patient.name'], denied: ['Patient.medications'] }));
    // The same reader with the HPR number written with leading zeros is logged in the one normal form, so an
    // audit by HPR number finds every read.
    const before = fileRecords(system.system.auditLogFile as string).length;
    await system.query('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: hilde.nin }, { persona: 'blocked-practitioner', options: { hprNumber: '009429915' } });
    const zeros = fileRecords(system.system.auditLogFile as string).slice(before);
    expect(zeros.map((r) => (r.accessor.kind === 'PERSONNEL' ? r.accessor.hprNumber : null))).toEqual(['9429915']);
  });

  it('logs every way of naming a patient: variable defaults, a number coerced to a list, and a bare __typename', async () => {
    const file = system.system.auditLogFile as string;
    const ingridRecords = () => fileRecords(file).filter((r) => r.patient === pseudonym(ingrid.nin)).length;
    const variants: [string, Record<string, unknown>][] = [
      ['query($nin: String = "' + ingrid.nin + '") { patient(nin: $nin) { name { text } } }', {}],
      ['{ patients(nins: "' + ingrid.nin + '") { name { text } } }', {}],
      ['query($n: [String!]!) { patients(nins: $n) { careRecord { services { type } } } }', { n: ingrid.nin }],
      ['query($a: String = "' + ingrid.nin + '") { patients(nins: [$a]) { name { text } } }', {}],
      ['query($nin: String!) { patient(nin: $nin) { __typename } }', { nin: ingrid.nin }],
      ['query($nin: String!) { first: patient(nin: $nin) { name { text } } ...rest }  fragment rest on Query { again: patient(nin: $nin) { birthDate } }', { nin: ingrid.nin }],
    ];
    for (const [query, variables] of variants) {
      const before = ingridRecords();
      const r = await system.query(query, variables, 'gp');
      expect([query, r.status, r.body.errors]).toEqual([query, 200, undefined]);
      expect([query, ingridRecords() - before]).toEqual([query, 1]);
    }
    const last = fileRecords(file).filter((r) => r.patient === pseudonym(ingrid.nin)).at(-2);
    expect(last?.fields).toEqual(['Patient']);
  });

  it('loses no record under concurrent load: N requests, N records', async () => {
    const before = fileRecords(system.system.auditLogFile as string).length;
    const n = 60;
    const responses = await Promise.all(
      Array.from({ length: n }, () => system.query('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: ingrid.nin }, 'gp')),
    );
    expect(responses.every((r) => r.status === 200 && !r.body.errors)).toBe(true);
    const added = fileRecords(system.system.auditLogFile as string).slice(before);
    expect(added).toHaveLength(n);
    expect(new Set(added.map((r) => r.requestId)).size).toBe(n);
  });

  it('discloses nothing while the log cannot be written, and logs again once it can', async () => {
    const file = system.system.auditLogFile as string;
    const dir = path.dirname(file);
    const aside = `${dir}.aside`;
    renameSync(dir, aside);
    writeFileSync(dir, 'not a directory');
    try {
      const refused = await system.query('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: ingrid.nin }, 'gp');
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ data: null, errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }) })] });
      expect(JSON.stringify(refused.body)).not.toContain('Ingrid');
      // Nothing about a patient: nothing to record, and the answer goes out.
      expect((await system.query('{ __typename }', {}, 'gp')).status).toBe(200);
    } finally {
      rmSync(dir);
      renameSync(aside, dir);
    }
    mkdirSync(dir, { recursive: true });
    const again = await system.query<any>('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: ingrid.nin }, 'gp');
    expect(again.body.data.patient.name.text).toBe('Ingrid Solheim');
  });
});

describe('the access log in PostgreSQL', () => {
  let database: TestDatabase;
  let system: TestSystem;
  beforeAll(async () => {
    database = await createTestDatabase('access_log_e2e');
    system = await TestSystem.start({ sourceTimeoutMs: 5000, env: { DATABASE_URL: database.url } });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await database?.drop();
  });

  it('writes every disclosure as a row before answering, and shows them to the patient', async () => {
    const n = 25;
    await Promise.all(Array.from({ length: n }, () => system.query('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: ingrid.nin }, 'emergency-physician')));
    const rows = await database.query((client) => client.query<{ n: string }>('SELECT count(*) AS n FROM access_log WHERE patient = $1', [pseudonym(ingrid.nin)]));
    expect(rows.rows[0]?.n).toBe(String(n));
    const log = await system.query<any>(ACCESS_LOG, {}, 'citizen-ingrid');
    expect(log.body.data.me.accessLog).toHaveLength(n);
    expect(log.body.data.me.accessLog.every((e: any) => e.emergency && e.accessor.organisation === 'St. Olavs hospital')).toBe(true);
  });
});

describe('the access log store down', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none` } });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('answers AUDIT_UNAVAILABLE with no data, to personnel and to the patient asking for her log', async () => {
    const read = await system.query('query($nin: String!) { patient(nin: $nin) { name { text } summaryRecord { criticalInformation { text } } } }', { nin: ingrid.nin }, 'gp');
    expect(read.status).toBe(503);
    expect(read.body.data).toBeNull();
    expect(read.body.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    // The patient's own log cannot be read, nor her reading of it recorded: nothing at all is disclosed.
    const own = await system.query<any>(ACCESS_LOG, {}, 'citizen-ingrid');
    expect([own.status, own.body.data]).toEqual([503, null]);
    expect(own.body.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
  });

  it('is not ready, and says why, while it cannot write the log: a load balancer sends readers elsewhere', async () => {
    const ready = await fetch(new URL('/health/ready', system.system.gatewayUrl));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unready', accessLog: 'unavailable' });
    const health = await fetch(new URL('/health', system.system.gatewayUrl));
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual(expect.objectContaining({ status: 'down', gateway: 'up', accessLog: { available: false } }));
  });
});
