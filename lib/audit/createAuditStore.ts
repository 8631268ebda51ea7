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

/**
 * The store the messaging subgraph writes its actions to (a message sent is logged like a read): with
 * PostgreSQL the same table (any number of writers); with files a file of its own beside the gateway's
 * (`access-log.actions.jsonl`), as a file has one writer.
 */
export function createActionStore(env: Env = process.env): AuditStore {
  if (env.DATABASE_URL?.trim()) return createAuditStore(env);
  return new FileAuditStore(actionsLogFile(env));
}

/** The access log as the patient reads it: every store that holds records of her (the gateway's and the actions'). */
export function createAuditReader(env: Env = process.env): AuditStore {
  if (env.DATABASE_URL?.trim()) return createAuditStore(env);
  const stores = [new FileAuditStore(auditLogFile(env)), new FileAuditStore(actionsLogFile(env))];
  return {
    append: () => Promise.reject(new Error('the access log reader does not write')),
    readForPatient: async (patient, limit) => {
      const all = (await Promise.all(stores.map((s) => s.readForPatient(patient, limit)))).flat();
      return all.sort((a, b) => b.time.localeCompare(a.time)).slice(0, Math.max(0, Math.floor(limit)));
    },
    check: async () => (await Promise.all(stores.map((s) => s.check()))).every(Boolean),
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}

export function actionsLogFile(env: Env = process.env): string {
  const configured = env.AUDIT_ACTIONS_FILE?.trim();
  if (configured) return path.resolve(configured);
  return auditLogFile(env).replace(/(\.jsonl)?$/, '.actions.jsonl');
}

function auditLogFile(env: Env): string {
  const configured = env.AUDIT_LOG_FILE?.trim();
  return configured ? path.resolve(configured) : DEFAULT_AUDIT_LOG_FILE;
}
