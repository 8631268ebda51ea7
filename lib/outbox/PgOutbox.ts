import { Pool } from 'pg';
import { OutboxUnavailableError, type Outbox, type OutboxChanges, type OutboxEntry } from './Outbox';

/**
 * The outbox in PostgreSQL, for deployments with several messaging replicas (they share one table): an entry
 * is committed before `add` resolves; the idempotency key is a unique column, so two replicas that take the
 * same key at once store one entry; due entries are claimed with `FOR UPDATE SKIP LOCKED`, so two workers never
 * attempt one entry at the same time. Error messages carry SQLSTATE codes only, never a value.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

interface Row {
  id: string;
  key: string;
  conversation_ref: string;
  patient: string;
  instance: string;
  created_at: Date;
  status: OutboxEntry['status'];
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  receipt: OutboxEntry['receipt'];
  delivered_at: Date | null;
  sealed: string;
}

const entryOf = (r: Row): OutboxEntry => ({
  id: r.id,
  key: r.key,
  conversationRef: r.conversation_ref,
  patient: r.patient,
  instance: r.instance,
  createdAt: r.created_at.toISOString(),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at.toISOString(),
  lastError: r.last_error,
  receipt: r.receipt,
  deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
  sealed: r.sealed,
});

const COLUMNS: Record<keyof OutboxChanges, string> = {
  status: 'status',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  lastError: 'last_error',
  receipt: 'receipt',
  deliveredAt: 'delivered_at',
};

export class PgOutbox implements Outbox {
  readonly description: string;
  private readonly pool: Pool;
  private readonly table: string;
  private schema: Promise<void> | null = null;

  constructor(connectionString: string, table = 'messaging_outbox') {
    if (!IDENTIFIER.test(table)) throw new Error('outbox table name must be lower-case letters, digits and _');
    this.table = `"${table}"`;
    this.description = `PostgreSQL table ${table}`;
    this.pool = new Pool({ connectionString, max: 4, connectionTimeoutMillis: 2000, statement_timeout: 5000 });
    this.pool.on('error', () => undefined);
  }

  private ensure(): Promise<void> {
    this.schema ??= this.pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
          id uuid PRIMARY KEY, key text NOT NULL UNIQUE, conversation_ref text NOT NULL, patient text NOT NULL,
          instance text NOT NULL, created_at timestamptz NOT NULL, status text NOT NULL, attempts integer NOT NULL,
          next_attempt_at timestamptz NOT NULL, last_error text, receipt jsonb, delivered_at timestamptz, sealed text NOT NULL);
         CREATE INDEX IF NOT EXISTS ${this.table.slice(0, -1)}_due" ON ${this.table} (status, next_attempt_at);
         CREATE INDEX IF NOT EXISTS ${this.table.slice(0, -1)}_patient" ON ${this.table} (patient, created_at);`,
      )
      .then(() => undefined)
      .catch((error: unknown) => {
        this.schema = null;
        throw error;
      });
    return this.schema;
  }

  private async query<T>(text: string, values: unknown[]): Promise<T[]> {
    try {
      await this.ensure();
      return (await this.pool.query(text, values)).rows as T[];
    } catch (error) {
      throw new OutboxUnavailableError('the outbox table could not be used', (error as { code?: string }).code);
    }
  }

  async add(entry: OutboxEntry): Promise<{ entry: OutboxEntry; created: boolean }> {
    const inserted = await this.query<Row>(
      `INSERT INTO ${this.table} (id, key, conversation_ref, patient, instance, created_at, status, attempts, next_attempt_at, last_error, receipt, delivered_at, sealed)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (key) DO NOTHING RETURNING *`,
      [entry.id, entry.key, entry.conversationRef, entry.patient, entry.instance, entry.createdAt, entry.status, entry.attempts, entry.nextAttemptAt, entry.lastError, entry.receipt, entry.deliveredAt, entry.sealed],
    );
    if (inserted[0]) return { entry: entryOf(inserted[0]), created: true };
    const [existing] = await this.query<Row>(`SELECT * FROM ${this.table} WHERE key = $1`, [entry.key]);
    if (!existing) throw new OutboxUnavailableError('the outbox entry of this key vanished');
    return { entry: entryOf(existing), created: false };
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    const [row] = await this.query<Row>(`SELECT * FROM ${this.table} WHERE id = $1`, [id]);
    return row ? entryOf(row) : undefined;
  }

  async byKey(key: string): Promise<OutboxEntry | undefined> {
    const [row] = await this.query<Row>(`SELECT * FROM ${this.table} WHERE key = $1`, [key]);
    return row ? entryOf(row) : undefined;
  }

  async byPatient(patient: string): Promise<OutboxEntry[]> {
    return (await this.query<Row>(`SELECT * FROM ${this.table} WHERE patient = $1 ORDER BY created_at`, [patient])).map(entryOf);
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const rows = await this.query<Row>(
      `UPDATE ${this.table} SET next_attempt_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000)
       WHERE id IN (SELECT id FROM ${this.table} WHERE status = 'QUEUED' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now.toISOString(), limit, leaseMs],
    );
    return rows.map(entryOf);
  }

  async update(id: string, changes: OutboxChanges): Promise<void> {
    const keys = Object.keys(changes) as (keyof OutboxChanges)[];
    if (keys.length === 0) return;
    const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 2}`).join(', ');
    await this.query(`UPDATE ${this.table} SET ${sets} WHERE id = $1`, [id, ...keys.map((k) => changes[k] ?? null)]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
