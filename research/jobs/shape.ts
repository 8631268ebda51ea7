import { createHash, createHmac } from 'node:crypto';
import { DEFAULT_TUNING, EMPTY_PROGRESS, JobError, JobFailure, type JobProgress, type JobTuning, type StartJob } from './types';

/**
 * What both engines check and derive alike: the shape of a start, the job's id, the definition's fingerprint, and how
 * a failure is told without the text of an error that may quote a source.
 */

/**
 * The shape of an HMAC of at least 128 bits (base64, base64url or hex): a name (spaces) or an identity number (11
 * digits) does not fit. A shape, not a proof: the caller makes the HMAC.
 */
const REQUESTER = /^[A-Za-z0-9_+/=-]{22,200}$/;
/** Printable ASCII without spaces: UUIDs, ULIDs, anything a client generates. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
export const JOB_ID = /^j[0-9a-f]{64}$/;
const KIND = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** A research question is a few dimensions and filters: a definition this large is a mistake or an abuse. */
export const MAX_DEFINITION_BYTES = 64 * 1024;

export function checkRequester(requester: unknown): string {
  if (typeof requester !== 'string' || !REQUESTER.test(requester)) {
    throw new JobError('BAD_USER_INPUT', 'The requester must be an HMAC of who asks (22 to 200 characters of base64 or hex), never a name or an identity number');
  }
  return requester;
}

export function checkJobId(id: unknown): string {
  if (typeof id !== 'string' || !JOB_ID.test(id)) throw new JobError('BAD_USER_INPUT', 'Not a job id: a job id is `j` and 64 hex digits, as start answered it');
  return id;
}

/** A start, checked: what is wrong with it is told (BAD_USER_INPUT), and its definition as canonical JSON. */
export function checkStart(job: StartJob, kinds: readonly string[]): { requester: string; kind: string; canonical: string } {
  const requester = checkRequester(job.requester);
  if (typeof job.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(job.idempotencyKey)) {
    throw new JobError('BAD_USER_INPUT', 'The idempotency key must be 1 to 200 printable characters without spaces');
  }
  if (typeof job.kind !== 'string' || !KIND.test(job.kind) || !kinds.includes(job.kind)) {
    throw new JobError('BAD_USER_INPUT', `Unknown kind of job: the kinds are ${kinds.join(', ')}`);
  }
  let canonical: string;
  try {
    canonical = canonicalJson(job.definition);
  } catch (error) {
    throw new JobError('BAD_USER_INPUT', `The definition must be JSON: ${(error as Error).message}`);
  }
  if (Buffer.byteLength(canonical) > MAX_DEFINITION_BYTES) throw new JobError('BAD_USER_INPUT', `The definition is over ${MAX_DEFINITION_BYTES / 1024} KiB`);
  return { requester, kind: job.kind, canonical };
}

/**
 * The job's id: an HMAC of the idempotency key under the requester. The same requester and key always give the same
 * id (so a retried start finds its job, and BullMQ itself refuses a second job with it), another requester's the same
 * key another id, and neither the key nor the requester can be read back from it.
 */
export function jobId(requester: string, idempotencyKey: string): string {
  return `j${createHmac('sha256', requester).update(idempotencyKey).digest('hex')}`;
}

/** The fingerprint of what a job computes: a key used again for another kind or definition is told apart by it. */
export function definitionHash(kind: string, canonical: string): string {
  return createHash('sha256').update(kind).update('\u0000').update(canonical).digest('base64url');
}

/** A short, fixed-length key part for a requester (already an HMAC, hashed again to bound the key's length). */
export function requesterKey(requester: string): string {
  return createHash('sha256').update(requester).digest('base64url').slice(0, 32);
}

/**
 * JSON with object keys sorted, so that the same definition written in another order has the same fingerprint.
 * Refuses what JSON cannot carry faithfully (undefined, functions, NaN, class instances such as Date) rather than
 * letting JSON.stringify drop or change it silently.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > 64) throw new Error('nested over 64 levels');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('a number that is not finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw new Error('an object that is not plain data');
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], depth + 1)}`);
    return `{${entries.join(',')}}`;
  }
  throw new Error(`a value of type ${typeof value}`);
}

/** A checked copy of a progress report (a processor's mistake is its own error, not the job's data). */
export function checkProgress(progress: JobProgress): JobProgress {
  const out = { ...EMPTY_PROGRESS };
  for (const field of Object.keys(EMPTY_PROGRESS) as (keyof JobProgress)[]) {
    const value = progress[field];
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`progress.${field} must be a whole number from 0`);
    out[field] = value;
  }
  return out;
}

/** A stored progress (JSON from the store), or no progress. */
export function readProgress(stored: unknown): { progress: JobProgress; at: number | undefined } {
  const record = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const progress = { ...EMPTY_PROGRESS };
  for (const field of Object.keys(EMPTY_PROGRESS) as (keyof JobProgress)[]) {
    const value = record[field];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) progress[field] = value;
  }
  return { progress, at: typeof record.at === 'number' ? record.at : undefined };
}

/** What a failure says in the job's state: a code and a message that hold no personal data. */
export interface Failure {
  code: string;
  message: string;
  retry: boolean;
}

const CODE = /^[A-Z][A-Z0-9_]{2,63}$/;
export const GENERIC_FAILURE = 'The job failed; its workers logged the error without its text';

/**
 * A processor's error as the job's failure. Only a JobError's or JobFailure's message is kept (the processor wrote it
 * for the requester); any other error's text may quote a source's answer, so it becomes JOB_FAILED with a generic
 * message, and may be retried.
 */
export function failureOf(error: unknown): Failure {
  if (error instanceof JobError) return { code: error.code, message: error.message.slice(0, 500), retry: false };
  if (error instanceof JobFailure && CODE.test(error.code)) return { code: error.code, message: error.message.slice(0, 500), retry: error.retry };
  return { code: 'JOB_FAILED', message: GENERIC_FAILURE, retry: true };
}

/** Every tuning value, the defaults where none is given, checked. */
export function resolveTuning(tuning: JobTuning = {}): Required<JobTuning> {
  const resolved = { ...DEFAULT_TUNING, ...Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined)) } as Required<JobTuning>;
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`job tuning ${name} must be a whole number from 1 (got ${String(value)})`);
  }
  if (resolved.stalledIntervalMs < 100 || resolved.lockDurationMs < 500) throw new Error('job tuning: lockDurationMs from 500 and stalledIntervalMs from 100');
  return resolved;
}

export function checkPerRequester(perRequester: number | undefined, fallback: number): number {
  const limit = perRequester ?? fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`perRequester must be a whole number from 1 (got ${String(limit)})`);
  return limit;
}

/** Sleeps, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An Error for an aborted signal (a reason may be a bare string). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(`aborted: ${String(reason)}`);
  error.name = 'AbortError';
  return error;
}
