import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Client } from 'pg';

/**
 * A real PostgreSQL database of a test file's own, created at the start and dropped at the end. Not
 * reachable is a failure with what to do, never a skip: a skipped test would let the PostgreSQL paths break
 * unnoticed. TEST_DATABASE_URL names the server and a role that may CREATE DATABASE.
 */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs work on a connection to this database (or to the admin database with `admin: true`). */
  query<T>(work: (client: Client) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

async function connect<T>(database: string | null, work: (client: Client) => Promise<T>): Promise<T> {
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

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  try {
    await connect(null, (client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'no connection';
    throw new Error(
      `PostgreSQL must answer at ${shown(ADMIN_URL)} (${code}). On this project's machines it runs on 127.0.0.1:5432; ` +
        'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set TEST_DATABASE_URL ' +
        'to a role that may CREATE DATABASE.',
    );
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    query: (work) => connect(name, work),
    drop: () =>
      connect(null, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      }),
  };
}

/** A port on which nothing listens: bound, then released. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
