import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Client } from 'pg';
import { AuditUnavailableError, errorCode } from './AuditStore';
import { PgAuditStore, type PgAuditStoreOptions } from './PgAuditStore';
import { minutesAfterStart, testRecord } from './testRecord';

// A real PostgreSQL, in a database of this file's own, dropped afterwards. Not reachable is a failure, not a
// skip: a skipped test would let the PostgreSQL store break unnoticed.
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = `audit_test_${randomBytes(6).toString('hex')}`;
let databaseUrl = '';
const stores: PgAuditStore[] = [];
const servers: net.Server[] = [];

function storeOn(options: Partial<PgAuditStoreOptions> = {}): PgAuditStore {
  const store = new PgAuditStore({ connectionString: databaseUrl, ...options });
  stores.push(store);
  return store;
}

/** The admin URL without its password, for messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(TEST_DATABASE_URL, unparsed)';
  }
}

async function admin<T>(database: string | null, work: (client: Client) => Promise<T>): Promise<T> {
  const url = new URL(ADMIN_URL);
  if (database) url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A port on which nothing listens: bound, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  try {
    await admin(null, (client) => client.query(`CREATE DATABASE ${DATABASE}`));
  } catch (error) {
    throw new Error(
      `PostgreSQL must answer at ${shown(ADMIN_URL)} for the audit store tests (${errorCode(error) ?? 'no connection'}). ` +
        'On this project’s machines it runs on 127.0.0.1:5432; start it with ' +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, ' +
        'or set TEST_DATABASE_URL to a role that may CREATE DATABASE.',
    );
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  databaseUrl = url.toString();
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const server of servers) server.close();
  if (!databaseUrl) return;
  await admin(null, async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [DATABASE]);
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  });
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
