import type { AccessRecord } from './AccessRecord';

/**
 * Where the access log is kept. The gateway appends the records of a request before the answer leaves and
 * discloses nothing when the append fails (AUDIT_UNAVAILABLE), so `append` resolving is the promise that the
 * disclosure is on record. Append-only: there is no update or delete.
 */
export interface AuditStore {
  /**
   * Resolves only when every record is durably stored (file: written and fsync'ed; PostgreSQL: committed).
   * Rejects with AuditUnavailableError otherwise; then none of them may count as written (all-or-nothing:
   * PostgreSQL, one statement in one transaction; file, one write of all lines, rolled back on failure).
   */
  append(records: readonly AccessRecord[]): Promise<void>;
  /** The patient's records (by pseudonym), newest first, at most `limit`. Rejects with AuditUnavailableError. */
  readForPatient(patient: string, limit: number): Promise<AccessRecord[]>;
  /** A cheap check for health endpoints: can the store be written right now? Never rejects. */
  check(): Promise<boolean>;
  /** Waits for appends in flight, then releases the file or the connections. Later appends reject. */
  close(): Promise<void>;
}

/**
 * The access log cannot be written (or read). The message says what failed and the system's error code
 * (`ENOSPC`, `ECONNREFUSED`, SQLSTATE `57014`…), never record contents: no pseudonym, field name or reason.
 * The underlying error is deliberately not kept as `cause`, because loggers print causes and database
 * errors quote the offending value (`invalid input syntax for type uuid: "…"`).
 */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
  /** The system's error code, when there is one; safe to log. */
  readonly code: string | undefined;

  constructor(reason: string, code?: string) {
    super(code ? `access log unavailable: ${reason} (${code})` : `access log unavailable: ${reason}`);
    this.code = code;
  }
}

/**
 * The error code of a Node.js or node-postgres error, and nothing else of it. Errors without a code (pg's
 * own timeouts) are told apart by a fixed vocabulary, so no free text of the error is ever passed on.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code)) return code;
  // Node's happy-eyeballs connect rejects with an AggregateError of one error per address.
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  const message = error instanceof Error ? error.message.toLowerCase() : '';
  if (message.includes('timeout') || message.includes('timed out')) return 'TIMEOUT';
  if (message.includes('terminated')) return 'CONNECTION_TERMINATED';
  return undefined;
}
