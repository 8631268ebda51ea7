import path from 'node:path';
import type { AuditStore } from './AuditStore';
import { FileAuditStore } from './FileAuditStore';
import { PgAuditStore } from './PgAuditStore';
import { fromRoot, REPOSITORY_ROOT } from '../repositoryRoot';

/** The default log lives under the repository's `var/` (never committed). */
export const DEFAULT_AUDIT_LOG_FILE = fromRoot('var', 'access-log.jsonl');

type Env = Record<string, string | undefined>;

/**
 * The access log store the environment asks for: PostgreSQL when `DATABASE_URL` is set (table
 * `AUDIT_LOG_TABLE`, default `access_log`), otherwise the JSON Lines file at `AUDIT_LOG_FILE`, default
 * `var/access-log.jsonl`. Nothing is opened until the first append or check.
 */
export function createAuditStore(env: Env = process.env): AuditStore {
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl) {
    return new PgAuditStore({ connectionString: databaseUrl, ...(env.AUDIT_LOG_TABLE ? { table: env.AUDIT_LOG_TABLE } : {}) });
  }
  return new FileAuditStore(auditLogFile(env));
}

/**
 * One line for start-up logs, saying where disclosures are recorded: "PostgreSQL at db:5432/patientgraph"
 * or "file var/access-log.jsonl". Never the user, password or query parameters of DATABASE_URL (which may
 * carry `password=`): only host, port and database.
 */
export function describeAuditStore(env: Env = process.env): string {
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl) {
    const table = env.AUDIT_LOG_TABLE ? `, table ${env.AUDIT_LOG_TABLE}` : '';
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      // Keyword/value form (host=… password=…): not parsed, and therefore not printed.
      return `PostgreSQL (DATABASE_URL)${table}`;
    }
    const host = url.hostname || 'local socket';
    const port = url.port || '5432';
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `PostgreSQL at ${host}:${port}/${database}${table}`;
  }
  const file = auditLogFile(env);
  const relative = path.relative(REPOSITORY_ROOT, file);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  return `file ${shown}`;
}

function auditLogFile(env: Env): string {
  const configured = env.AUDIT_LOG_FILE?.trim();
  return configured ? path.resolve(configured) : DEFAULT_AUDIT_LOG_FILE;
}
