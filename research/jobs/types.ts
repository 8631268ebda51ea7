/**
 * The job engine's vocabulary (issue 21): long research and quality work runs as a job that a requester starts with an
 * idempotency key, follows (the share of sources and patients read), fetches the result of, or cancels. Two engines
 * keep the same promises: BullMQ over Redis (workers on any machine; a dead worker's job resumes elsewhere from its
 * checkpoint), and an in-process queue for the embedded default.
 *
 * Nothing here names a person: the requester is an HMAC of who asks, the idempotency key is only ever hashed into the
 * job's id, and a definition is a research question (fixed dimensions and codes), never a patient.
 */

export interface JobProgress {
  sourcesDone: number;
  sourcesTotal: number;
  patientsDone: number;
  patientsTotal: number;
}

export type JobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface JobState {
  /** `j` and 64 hex digits: an HMAC of the requester and the idempotency key (neither can be read back from it). */
  id: string;
  kind: string;
  /** The definition it was started with (JSON, keys in canonical order). */
  definition: unknown;
  status: JobStatus;
  progress: JobProgress;
  /** The processor's answer (JSON), once COMPLETED; null otherwise. */
  result: unknown | null;
  /** Why a FAILED job failed: a code a client can switch on and a message without personal data or stack trace. */
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  /** How many times a worker started it: 1, or more after a worker died, was stopped, or the job failed and was retried. */
  attempts: number;
}

export interface StartJob {
  kind: string;
  /** An HMAC of who asks (22 to 200 characters of base64, base64url or hex): never a name or an identity number. */
  requester: string;
  /** The client's key for this start: the same key again gives the same job. Hashed, never stored. */
  idempotencyKey: string;
  /** What to compute, as JSON: no personal data (the engine does not log it). */
  definition: unknown;
}

export type JobErrorCode = 'JOB_LIMIT' | 'IDEMPOTENCY_KEY_REUSED' | 'JOB_NOT_FOUND' | 'BAD_USER_INPUT';

/** A refusal the caller can act on, with the error code the API answers with (`extensions.code`). */
export class JobError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/**
 * What a processor throws to fail its job with a code of its own and a message it vouches holds no personal data
 * (any other error fails the job with JOB_FAILED and a generic message, since its text may quote a source's answer).
 * `retry`: whether another attempt may succeed (a source that did not answer); by default the job fails at once.
 * A JobError thrown by a processor (BAD_USER_INPUT: a definition it cannot answer) fails the job at once with its code.
 */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retry = false,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

export interface SourceBudget {
  /**
   * Waits until research may make `calls` more calls to that source (default 1) within its share of the source's
   * capacity, then counts them as made. Never refuses: it waits, and rejects only when `signal` aborts.
   */
  take(sourceId: string, calls?: number, signal?: AbortSignal): Promise<void>;
}

/** A grant of the budget, as the store recorded it: `at` in milliseconds by the store's clock (Redis's, with Redis). */
export interface BudgetGrant {
  sourceId: string;
  calls: number;
  at: number;
}

export interface SourceBudgetSettings {
  /** Research's share of each source's capacity, above 0 and at most 1 (0.2: a fifth; care has the rest). */
  share: number;
  /** The source's capacity, in calls per second (its operator's figure). */
  callsPerSecond(sourceId: string): number;
  /** Told of each grant (metrics, tests). */
  onGrant?(grant: BudgetGrant): void;
}

export interface JobContext {
  /** Aborted when the job is cancelled, and when its worker shuts down (the job then resumes on another). */
  signal: AbortSignal;
  /** What the last run of this job saved (null the first time): a resumed job continues from it. */
  checkpoint: unknown | null;
  /**
   * Saves the progress, and the checkpoint with it when given (JSON), in one durable write: a worker that dies after it
   * resolves leaves a job that resumes from this checkpoint. Rejects when the job was cancelled or another worker has
   * taken it over (this one had stalled): the processor should stop.
   */
  progress(progress: JobProgress, checkpoint?: unknown): Promise<void>;
  /** Research's budget for legacy calls, per source. */
  sources: SourceBudget;
}

export type JobProcessor = (definition: unknown, context: JobContext) => Promise<unknown>;

export interface JobEngine {
  /**
   * Starts a job once: the same requester, idempotency key and definition again give the same job (`replayed`);
   * the same key with another kind or definition is refused (IDEMPOTENCY_KEY_REUSED), and so is a start over the
   * requester's limit of open jobs (JOB_LIMIT). Bad input: BAD_USER_INPUT.
   */
  start(job: StartJob): Promise<{ job: JobState; replayed: boolean }>;
  /** The job's state; null when there is no such job or it is another requester's (its existence is not told). */
  get(id: string, requester: string): Promise<JobState | null>;
  /**
   * Cancels a job that has not finished (a queued job is dropped, a running one is told through its signal) and answers
   * its state, CANCELLED from then on; a finished job is left as it is. Null as for `get`.
   */
  cancel(id: string, requester: string): Promise<JobState | null>;
  close(): Promise<void>;
}

/** How the engine paces itself; the defaults suit production, tests shorten them. */
export interface JobTuning {
  /**
   * How long a worker holds a job without renewing its lock (it renews every half of it): a worker that dies loses its
   * jobs to another worker within this plus `stalledIntervalMs` (BullMQ `lockDuration`). Default 5000.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died (BullMQ `stalledInterval`). Default 5000. */
  stalledIntervalMs?: number;
  /** How many times a job may lose its worker before it fails (BullMQ `maxStalledCount`). Default 3. */
  maxStalledCount?: number;
  /** Runs of a job whose processor fails with a retryable error, the first included. Default 3. */
  attempts?: number;
  /** The wait before the second run after a failure; doubled for each later one. Default 2000. */
  backoffMs?: number;
  /** How long finished and cancelled jobs are kept (their results fetched). Default 86400 (a day). */
  retentionSeconds?: number;
  /** How often a worker looks whether its running jobs were cancelled (BullMQ engine). Default 500. */
  cancelPollMs?: number;
}

export const DEFAULT_TUNING: Readonly<Required<JobTuning>> = {
  lockDurationMs: 5000,
  stalledIntervalMs: 5000,
  maxStalledCount: 3,
  attempts: 3,
  backoffMs: 2000,
  retentionSeconds: 86_400,
  cancelPollMs: 500,
};

/** Without settings: a source is taken to bear 10 calls a second, of which research has a fifth. */
export const DEFAULT_BUDGET: Readonly<SourceBudgetSettings> = { share: 0.2, callsPerSecond: () => 10 };

/** At most this many jobs QUEUED or RUNNING per requester, by default. */
export const DEFAULT_PER_REQUESTER = 2;

export const EMPTY_PROGRESS: Readonly<JobProgress> = { sourcesDone: 0, sourcesTotal: 0, patientsDone: 0, patientsTotal: 0 };
