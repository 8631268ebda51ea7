import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { PersonnelIdentity } from '../lib/identity';
import { fromRoot } from '../lib/repositoryRoot';

/**
 * The research log: every aggregate question asked, every answer released and every extract made, with its
 * definition, its stated purpose, the requester (HPR number where there is one, organisation, role) and the project's
 * approval (the REK reference from the token). Nothing in it names a patient: it is what a data protection officer or
 * REK audits, beside the access log, which records reads of a patient's record.
 *
 * JSON lines in RESEARCH_LOG_FILE (default var/research-log.jsonl), each written and fsync'ed before the action it
 * records goes on: a question that cannot be logged is not asked.
 */
export interface ResearchLogRecord {
  id: string;
  time: string;
  event: 'AGGREGATE_REQUESTED' | 'AGGREGATE_RELEASED' | 'AGGREGATE_CANCELLED' | 'EXTRACT_REQUESTED' | 'EXTRACT_RELEASED' | 'EXTRACT_FETCHED';
  requestId: string;
  requester: { hprNumber: string | null; orgNumber: string | null; role: string; purpose: string };
  /** The approval the project works under (REK), or null for quality work (administration). */
  project: string | null;
  /** What the requester said the question is for. */
  statedPurpose: string | null;
  jobId: string;
  definition: unknown;
  /** For a released answer: how many cells were published and suppressed (never their values). */
  cells?: { published: number; suppressed: number };
  /** For an extract: who receives it (organisation number and name; its variables are in the definition). */
  recipient?: string;
  /** For an extract released or fetched: its files (resource type, name, resources, SHA-256 of the NDJSON). */
  files?: { type: string; name: string; count: number; sha256: string }[];
}

export const DEFAULT_RESEARCH_LOG_FILE = fromRoot('var', 'research-log.jsonl');

export class ResearchLog {
  private handle: Promise<FileHandle> | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly file: string = process.env.RESEARCH_LOG_FILE || DEFAULT_RESEARCH_LOG_FILE) {}

  /** Appends one record, durably (write, then fsync), in the order of the calls. */
  append(record: Omit<ResearchLogRecord, 'id' | 'time'>): Promise<ResearchLogRecord> {
    const full: ResearchLogRecord = { id: randomUUID(), time: new Date().toISOString(), ...record };
    const line = `${JSON.stringify(full)}\n`;
    const written = this.tail.then(async () => {
      const handle = await this.open();
      await handle.appendFile(line, 'utf8');
      await handle.datasync();
    });
    // A failed write fails its caller, not the ones after it.
    this.tail = written.catch(() => undefined);
    return written.then(() => full);
  }

  private open(): Promise<FileHandle> {
    if (!this.handle) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.handle = open(this.file, 'a');
      this.handle.catch(() => (this.handle = null));
    }
    return this.handle;
  }

  async close(): Promise<void> {
    await this.tail;
    const handle = await this.handle?.catch(() => null);
    this.handle = null;
    await handle?.close();
  }
}

/** Who asked, as the research log names them: never a name, never an identity number. */
export function requesterOf(identity: PersonnelIdentity): ResearchLogRecord['requester'] {
  return { hprNumber: identity.hprNumber, orgNumber: identity.orgNumber, role: identity.role, purpose: identity.purpose };
}
