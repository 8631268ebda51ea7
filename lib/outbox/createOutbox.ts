import { fromRoot } from '../repositoryRoot';
import { FileOutbox } from './FileOutbox';
import type { Outbox } from './Outbox';
import { PgOutbox } from './PgOutbox';

/** The default outbox file, under the repository's `var/` (never committed). */
export const DEFAULT_OUTBOX_FILE = fromRoot('var', 'outbox.jsonl');

/** PostgreSQL when `DATABASE_URL` is set (table `OUTBOX_TABLE`, default `messaging_outbox`), else the file `OUTBOX_FILE`. */
export function createOutbox(env: NodeJS.ProcessEnv = process.env): Outbox {
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl) return new PgOutbox(databaseUrl, env.OUTBOX_TABLE || undefined);
  return new FileOutbox(env.OUTBOX_FILE?.trim() || DEFAULT_OUTBOX_FILE);
}
