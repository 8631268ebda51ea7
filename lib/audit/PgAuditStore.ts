import { createHash } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from '../logger';
import type { AccessRecord } from './AccessRecord';
import { AuditUnavailableError, errorCode, type AuditStore } from './AuditStore';

export interface PgAuditStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** The table, optionally schema-qualified (`audit.access_log`); lower-case letters, digits and `_`. Default `access_log`. */
  table?: string;
  /** Most connections at once. Default 4: an append is one short statement, and the database has other users. */
  max?: number;
  /** Limit on getting a connection, including the wait for a free one in the pool. Default 2000 ms. */
  connectionTimeoutMs?: number;
  /** Limit on one statement, enforced by the server (and, one second later, by the client). Default 5000 ms. */
  statementTimeoutMs?: number;
  /** Where to report connection errors of idle clients (error codes only). */
  logger?: Pick<Logger, 'warn'>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * The access log in PostgreSQL, for deployments with more than one gateway process (they share one table).
 *
 * Every wait is bounded: a database that is down or hung fails the append within seconds (connection and
 * statement timeouts), so the gateway answers AUDIT_UNAVAILABLE instead of holding the request open. Error
 * messages and log lines carry SQLSTATE or errno codes only, never a value: PostgreSQL quotes offending values
 * in its messages, and a value here is a pseudonym, a reader's HPR number or an emergency reason.
 *
 * The table is created at first use. An existing table is used as it is, so a DBA may create it beforehand
 * and give the gateway's role INSERT and SELECT only.
 */
export class PgAuditStore implements AuditStore {
  /** The quoted, possibly schema-qualified table name. */
  readonly table: string;
  private readonly indexName: string;
  private readonly triggerName: string;
  private readonly functionName: string;
  private readonly pool: Pool;
  private schema: Promise<void> | null = null;
  private closed = false;

  constructor(options: PgAuditStoreOptions) {
    const parts = (options.table ?? 'access_log').split('.');
    if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
      throw new Error(`audit table name must be [schema.]name of lower-case letters, digits and _ (at most 40 each), got ${JSON.stringify(options.table)}`);
    }
    const base = parts[parts.length - 1] as string;
    const schemaPrefix = parts.length === 2 ? `"${parts[0]}".` : '';
    this.table = `${schemaPrefix}"${base}"`;
    this.indexName = `"${base}_patient_time"`;
    this.triggerName = `${base}_append_only`;
    this.functionName = `${schemaPrefix}"${base}_append_only"`;
    const statementTimeout = options.statementTimeoutMs ?? 5000;
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.max ?? 4,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000,
      statement_timeout: statementTimeout,
      // The server cannot enforce statement_timeout if it or the network is gone; the client then gives up.
      query_timeout: statementTimeout + 1000,
      // Never leave a transaction holding locks when this process stalls between statements.
      idle_in_transaction_session_timeout: statementTimeout * 2,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'patient-graph-audit',
    });
    // An idle client that loses its connection emits 'error' on the pool; unhandled, it would end the process.
    this.pool.on('error', (error) => options.logger?.warn({ code: errorCode(error) }, 'audit store: idle PostgreSQL connection failed'));
  }

  async append(records: readonly AccessRecord[]): Promise<void> {
    if (this.closed) throw new AuditUnavailableError('the PostgreSQL access log store is closed');
    if (records.length === 0) return;
    await this.ensureSchema();
    try {
      // One statement, so one transaction: all records are committed, or none. The records travel as one
      // JSON parameter, so the statement has the same shape (and no parameter limit) for any batch size.
      await this.pool.query(
        `INSERT INTO ${this.table} (id, time, request_id, accessor, patient, purpose, emergency_reason, basis, fields, denied)
         SELECT r.id, r.time, r."requestId", r.accessor, r.patient, r.purpose, r."emergencyReason", r.basis, r.fields, r.denied
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, time timestamptz, "requestId" text, accessor jsonb, patient text,
           purpose text, "emergencyReason" text, basis text[], fields text[], denied text[])`,
        [JSON.stringify(records)],
      );
    } catch (error) {
      throw new AuditUnavailableError('could not append to the access log in PostgreSQL', errorCode(error));
    }
  }

  async readForPatient(patient: string, limit: number): Promise<AccessRecord[]> {
    const max = Math.floor(limit);
    if (!(max > 0)) return [];
    await this.ensureSchema();
    try {
      const { rows } = await this.pool.query<Row>(
        `SELECT id, time, request_id, accessor, patient, purpose, emergency_reason, basis, fields, denied
         FROM ${this.table} WHERE patient = $1 ORDER BY time DESC, seq DESC LIMIT $2`,
        [patient, max],
      );
      return rows.map(toRecord);
    } catch (error) {
      throw new AuditUnavailableError('could not read the access log from PostgreSQL', errorCode(error));
    }
  }

  /** Writable right now: reachable, table in place, not a read-only standby, and this role may insert. */
  async check(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.ensureSchema();
      const { rows } = await this.pool.query<{ writable: boolean }>(
        `SELECT NOT pg_is_in_recovery() AND has_table_privilege($1, 'INSERT') AS writable`,
        [this.table],
      );
      return rows[0]?.writable === true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // pool.end waits for checked-out clients, so appends in flight finish first.
    await this.pool.end();
  }

  /** Creates the table once per store; a failure is not remembered, so the next call tries again. */
  private ensureSchema(): Promise<void> {
    this.schema ??= this.createSchema().catch((error: unknown) => {
      this.schema = null;
      throw new AuditUnavailableError('could not prepare the access log table in PostgreSQL', errorCode(error));
    });
    return this.schema;
  }

  private async createSchema(): Promise<void> {
    const existing = await this.pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [this.table]);
    if (existing.rows[0]?.present) return;
    let client: PoolClient | undefined;
    let failed = false;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      // Two processes starting at once would both run CREATE TABLE IF NOT EXISTS, and one of them can fail
      // on the catalog's unique index. A transaction-scoped advisory lock, keyed by the table, serialises them;
      // the second then finds everything in place.
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(this.table)]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           seq bigint GENERATED ALWAYS AS IDENTITY,
           id uuid PRIMARY KEY,
           time timestamptz NOT NULL,
           request_id text NOT NULL,
           accessor jsonb NOT NULL,
           patient text NOT NULL,
           purpose text NOT NULL,
           emergency_reason text,
           basis text[] NOT NULL,
           fields text[] NOT NULL,
           denied text[] NOT NULL
         )`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS ${this.indexName} ON ${this.table} (patient, time DESC, seq DESC)`);
      // Append-only in the database too, not only in this code: updates, deletes and truncation are refused.
      // Deleting records past their retention period is a DBA's task: ALTER TABLE … DISABLE TRIGGER first.
      await client.query(
        `CREATE OR REPLACE FUNCTION ${this.functionName}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'the access log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`,
      );
      const trigger = await client.query('SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname = $2', [this.table, this.triggerName]);
      if (trigger.rowCount === 0) {
        await client.query(
          `CREATE TRIGGER "${this.triggerName}" BEFORE UPDATE OR DELETE OR TRUNCATE ON ${this.table}
           FOR EACH STATEMENT EXECUTE FUNCTION ${this.functionName}()`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      failed = true;
      await client?.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A client that failed mid-transaction (timeout, lost connection) is discarded rather than reused.
      client?.release(failed);
    }
  }
}

interface Row {
  id: string;
  time: Date;
  request_id: string;
  accessor: AccessRecord['accessor'];
  patient: string;
  purpose: AccessRecord['purpose'];
  emergency_reason: string | null;
  basis: string[];
  fields: string[];
  denied: string[];
}

function toRecord(row: Row): AccessRecord {
  return {
    id: row.id,
    // timestamptz keeps microseconds; records are written with millisecond ISO times, so this round-trips.
    time: row.time.toISOString(),
    requestId: row.request_id,
    accessor: row.accessor,
    patient: row.patient,
    purpose: row.purpose,
    emergencyReason: row.emergency_reason,
    basis: row.basis,
    fields: row.fields,
    denied: row.denied,
  };
}

/** A 64-bit advisory lock key for the table, the same in every process. */
function lockKey(table: string): string {
  return createHash('sha256').update(`patient-graph access log schema ${table}`).digest().readBigInt64BE(0).toString();
}
