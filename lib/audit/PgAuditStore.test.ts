import net from 'node:net';
import { Client } from 'pg';
import { createTestDatabase, freePort, type TestDatabase } from '../../test/testDatabase';
import { AuditUnavailableError } from './AuditStore';
import { PgAuditStore, type PgAuditStoreOptions } from './PgAuditStore';
import { minutesAfterStart, testRecord } from './testRecord';

// A real PostgreSQL, in a database of this file's own, dropped afterwards (test/testDatabase.ts).
let database: TestDatabase | undefined;
let databaseUrl = '';
let DATABASE = '';
const stores: PgAuditStore[] = [];
const servers: net.Server[] = [];

function storeOn(options: Partial<PgAuditStoreOptions> = {}): PgAuditStore {
  const store = new PgAuditStore({ connectionString: databaseUrl, ...options });
  stores.push(store);
  return store;
}

async function admin<T>(name: string | null, work: (client: Client) => Promise<T>): Promise<T> {
  if (!database || name === null) throw new Error('no test database');
  return database.query(work);
}

beforeAll(async () => {
  database = await createTestDatabase('audit_test');
  databaseUrl = database.url;
  DATABASE = database.name;
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const server of servers) server.close();
  await database?.drop();
});

describe('PgAuditStore', () => {
  it('keeps every one of 300 concurrent appends', async () => {
    const store = storeOn({ table: 'concurrent_log' });
    const records = Array.from({ length: 300 }, (_, i) => testRecord({ patient: 'p-concurrent', time: minutesAfterStart(i) }));

    await Promise.all(records.map((record) => store.append([record])));

    const count = await admin(DATABASE, (client) => client.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM concurrent_log'));
    expect(count.rows[0]).toEqual({ n: '300', ids: '300' });
    const read = await store.readForPatient('p-concurrent', 1000);
    expect(new Set(read.map((record) => record.id))).toEqual(new Set(records.map((record) => record.id)));
  });

  it('filters by patient and answers newest first, at most `limit`, with records as they were written', async () => {
    const store = storeOn();
    const a = [3, 1, 5, 2, 4].map((minute) => testRecord({ patient: 'p-a', time: minutesAfterStart(minute) }));
    for (const record of a) await store.append([record]);
    const emergency = testRecord({
      patient: 'p-b',
      time: minutesAfterStart(7),
      purpose: 'ETREAT',
      emergencyReason: 'Bevisstløs pasient, "akutt"',
      basis: ['EMERGENCY'],
      denied: ['Patient.gpRecord'],
    });
    const citizen = testRecord({ patient: 'p-b', time: minutesAfterStart(6), accessor: { kind: 'CITIZEN' }, purpose: 'PATRQT', basis: ['OWN_RECORD'] });
    await store.append([citizen, emergency]);

    const newestA = await store.readForPatient('p-a', 3);
    expect(newestA.map((record) => record.time)).toEqual([5, 4, 3].map(minutesAfterStart));
    expect(newestA.every((record) => record.patient === 'p-a')).toBe(true);
    expect(await store.readForPatient('p-b', 10)).toEqual([emergency, citizen]);
    expect(await store.readForPatient('p-nobody', 10)).toEqual([]);
  });

  it('writes all records of an append or none, and names no value when it fails', async () => {
    const store = storeOn();
    const good = testRecord({ patient: 'p-all-or-nothing' });
    const bad = testRecord({ patient: 'p-all-or-nothing', id: 'not-a-uuid-secret-value' });

    const failure = await store.append([good, bad]).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AuditUnavailableError);
    expect(failure).toMatchObject({ code: '22P02' }); // invalid_text_representation
    expect((failure as Error).message).not.toMatch(/secret-value|p-all-or-nothing/);
    expect(await store.readForPatient('p-all-or-nothing', 10)).toEqual([]);
  });

  it('refuses updates and deletes in the database: the table is append-only', async () => {
    const store = storeOn({ table: 'append_only_log' });
    await store.append([testRecord({ patient: 'p-tamper' })]);

    for (const statement of ["UPDATE append_only_log SET patient = 'someone-else'", 'DELETE FROM append_only_log', 'TRUNCATE append_only_log']) {
      await expect(admin(DATABASE, (client) => client.query(statement))).rejects.toThrow('append-only');
    }
    expect(await store.readForPatient('p-tamper', 10)).toHaveLength(1);
  });

  it('fails an append that the database holds up, instead of hanging, and recovers', async () => {
    const store = storeOn({ table: 'locked_log', statementTimeoutMs: 300 });
    expect(await store.check()).toBe(true); // creates the table
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE locked_log IN ACCESS EXCLUSIVE MODE');

      await expect(store.append([testRecord()])).rejects.toMatchObject({ name: 'AuditUnavailableError', code: '57014' }); // query_canceled

      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    await store.append([testRecord({ patient: 'p-after-lock' })]);
    expect(await store.readForPatient('p-after-lock', 10)).toHaveLength(1);
  });

  it('rejects with AuditUnavailableError, and check() says false, when nothing listens on the port', async () => {
    const store = new PgAuditStore({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/test` });
    stores.push(store);

    await expect(store.append([testRecord()])).rejects.toMatchObject({ name: 'AuditUnavailableError', code: 'ECONNREFUSED' });
    await expect(store.readForPatient('pseudonym-a', 10)).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await store.check()).toBe(false);
  }, 15_000);

  it('gives up on a server that accepts the connection but never answers', async () => {
    const silent = net.createServer(() => undefined); // holds every connection open, says nothing
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const store = new PgAuditStore({ connectionString: `postgres://postgres@127.0.0.1:${port}/test`, connectionTimeoutMs: 500 });
    stores.push(store);

    await expect(store.append([testRecord()])).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await store.check()).toBe(false);
    silent.close();
  }, 15_000);

  it('creates the schema safely when two processes start at once', async () => {
    for (let round = 0; round < 5; round++) {
      const table = `race_log_${round}`;
      const [one, two] = [storeOn({ table }), storeOn({ table })];
      const records = [testRecord({ patient: 'p-race', time: minutesAfterStart(1) }), testRecord({ patient: 'p-race', time: minutesAfterStart(2) })];

      await Promise.all([one.append([records[0]!]), two.append([records[1]!])]);

      expect(await one.readForPatient('p-race', 10)).toEqual([records[1], records[0]]);
      expect(await two.check()).toBe(true);
    }
  });

  it('takes a schema-qualified table name and refuses one that is not a plain identifier', async () => {
    await admin(DATABASE, (client) => client.query('CREATE SCHEMA IF NOT EXISTS audit'));
    const store = storeOn({ table: 'audit.access_log' });
    await store.append([testRecord({ patient: 'p-schema' })]);
    const where = await admin(DATABASE, (client) => client.query<{ present: boolean }>("SELECT to_regclass('audit.access_log') IS NOT NULL AS present"));
    expect(where.rows[0]?.present).toBe(true);

    expect(() => new PgAuditStore({ connectionString: databaseUrl, table: 'access_log; DROP TABLE x' })).toThrow('audit table name');
  });

  it('refuses appends after close', async () => {
    const store = new PgAuditStore({ connectionString: databaseUrl });
    await store.close();
    await expect(store.append([testRecord()])).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await store.check()).toBe(false);
  });
});
