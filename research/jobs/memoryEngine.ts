import {
  abortReason,
  canonicalJson,
  checkJobId,
  checkProgress,
  checkRequester,
  checkStart,
  definitionHash,
  failureOf,
  jobId,
} from './shape';
import {
  EMPTY_PROGRESS,
  JobError,
  JobFailure,
  type JobContext,
  type JobEngine,
  type JobProcessor,
  type JobProgress,
  type JobState,
  type JobStatus,
  type JobTuning,
  type SourceBudget,
  type StartJob,
} from './types';

/** Why a running job's signal was aborted: told apart when the processor stops. */
export const CANCELLED = 'CANCELLED';
export const SHUTDOWN = 'SHUTDOWN';

interface MemoryJob {
  id: string;
  kind: string;
  requester: string;
  definitionHash: string;
  definition: unknown;
  status: JobStatus;
  progress: JobProgress;
  checkpoint: unknown | null;
  result: unknown | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
  attempts: number;
  controller?: AbortController;
  retry?: NodeJS.Timeout;
}

const OPEN: ReadonlySet<JobStatus> = new Set(['QUEUED', 'RUNNING']);

/** JSON's copy of a JSON value: what is kept is the job's, not the processor's object, which it may go on changing. */
const copy = <T>(value: T): T => (value === null || value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/**
 * The embedded default: jobs in this process's memory, run `concurrency` at a time (1 by default: research must not
 * take a small installation's cores from care), with the same promises as the BullMQ engine (idempotent start,
 * per-requester limit, progress and checkpoint, retries, cancellation, the sources' budget in memory). What it cannot
 * promise is the one thing it is not for: a job does not outlive the process.
 */
export class MemoryJobEngine implements JobEngine {
  private readonly jobs = new Map<string, MemoryJob>();
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly kinds: string[];
  private closed = false;

  constructor(
    private readonly processors: Record<string, JobProcessor>,
    private readonly settings: { perRequester: number; tuning: Required<JobTuning>; budget: SourceBudget; concurrency: number },
    private readonly now: () => number = Date.now,
  ) {
    this.kinds = Object.keys(processors);
  }

  async start(job: StartJob): Promise<{ job: JobState; replayed: boolean }> {
    if (this.closed) throw new Error('the job engine is closed');
    const { requester, kind, canonical } = checkStart(job, this.kinds);
    this.prune();
    const id = jobId(requester, job.idempotencyKey);
    const hash = definitionHash(kind, canonical);
    const existing = this.jobs.get(id);
    if (existing) {
      if (existing.definitionHash !== hash) throw reused();
      return { job: this.snapshot(existing), replayed: true };
    }
    let open = 0;
    for (const other of this.jobs.values()) if (other.requester === requester && OPEN.has(other.status)) open += 1;
    if (open >= this.settings.perRequester) throw overLimit(this.settings.perRequester);
    const now = this.now();
    const record: MemoryJob = {
      id,
      kind,
      requester,
      definitionHash: hash,
      definition: JSON.parse(canonical) as unknown,
      status: 'QUEUED',
      progress: { ...EMPTY_PROGRESS },
      checkpoint: null,
      result: null,
      error: null,
      createdAt: now,
      updatedAt: now,
      attempts: 0,
    };
    this.jobs.set(id, record);
    this.queue.push(id);
    this.pump();
    return { job: this.snapshot(record), replayed: false };
  }

  async get(id: string, requester: string): Promise<JobState | null> {
    const record = this.own(id, requester);
    return record ? this.snapshot(record) : null;
  }

  async cancel(id: string, requester: string): Promise<JobState | null> {
    const record = this.own(id, requester);
    if (!record) return null;
    if (!OPEN.has(record.status)) return this.snapshot(record);
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    clearTimeout(record.retry);
    record.status = 'CANCELLED';
    record.updatedAt = this.now();
    record.controller?.abort(CANCELLED);
    return this.snapshot(record);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    for (const record of this.jobs.values()) {
      clearTimeout(record.retry);
      record.controller?.abort(SHUTDOWN);
    }
    await Promise.all(this.running.values());
  }

  private own(id: string, requester: string): MemoryJob | undefined {
    checkJobId(id);
    checkRequester(requester);
    this.prune();
    const record = this.jobs.get(id);
    return record?.requester === requester ? record : undefined;
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.settings.concurrency && this.queue.length > 0) {
      const record = this.jobs.get(this.queue.shift()!);
      if (!record || record.status !== 'QUEUED') continue;
      const run = this.run(record).finally(() => {
        this.running.delete(record.id);
        this.pump();
      });
      this.running.set(record.id, run);
    }
  }

  private async run(record: MemoryJob): Promise<void> {
    const processor = this.processors[record.kind]!;
    const controller = new AbortController();
    Object.assign(record, { status: 'RUNNING', controller, attempts: record.attempts + 1, updatedAt: this.now() });
    const context: JobContext = {
      signal: controller.signal,
      checkpoint: copy(record.checkpoint),
      sources: this.settings.budget,
      progress: async (progress, checkpoint) => {
        const checked = checkProgress(progress);
        const saved = checkpoint === undefined ? undefined : (JSON.parse(canonicalJson(checkpoint)) as unknown);
        if (controller.signal.aborted) throw abortReason(controller.signal);
        record.progress = checked;
        if (saved !== undefined) record.checkpoint = saved;
        record.updatedAt = this.now();
      },
    };
    let outcome: { result: unknown } | { error: unknown };
    try {
      const result = await processor(copy(record.definition), context);
      try {
        outcome = { result: JSON.parse(canonicalJson(result ?? null)) as unknown };
      } catch {
        outcome = { error: new JobFailure('JOB_FAILED', "The job's result is not JSON") };
      }
    } catch (error) {
      outcome = { error };
    }
    record.controller = undefined;
    // Cancelled (the state says so already) or shutting down: whatever the processor ended with is not kept.
    if (controller.signal.aborted || record.status !== 'RUNNING') return;
    record.updatedAt = this.now();
    if ('result' in outcome) {
      Object.assign(record, { status: 'COMPLETED', result: outcome.result });
      return;
    }
    const failure = failureOf(outcome.error);
    if (failure.retry && record.attempts < this.settings.tuning.attempts) {
      record.status = 'QUEUED';
      record.retry = setTimeout(
        () => {
          record.retry = undefined;
          if (record.status !== 'QUEUED' || this.closed) return;
          this.queue.push(record.id);
          this.pump();
        },
        this.settings.tuning.backoffMs * 2 ** (record.attempts - 1),
      );
      return;
    }
    Object.assign(record, { status: 'FAILED', error: { code: failure.code, message: failure.message } });
  }

  private snapshot(record: MemoryJob): JobState {
    return {
      id: record.id,
      kind: record.kind,
      definition: copy(record.definition),
      status: record.status,
      progress: { ...record.progress },
      result: record.status === 'COMPLETED' ? copy(record.result) : null,
      error: record.error ? { ...record.error } : null,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      attempts: record.attempts,
    };
  }

  /** Finished jobs are kept for the retention time, then forgotten (their keys may start new jobs). */
  private prune(): void {
    const oldest = this.now() - this.settings.tuning.retentionSeconds * 1000;
    for (const [id, record] of this.jobs) if (!OPEN.has(record.status) && record.updatedAt < oldest) this.jobs.delete(id);
  }
}

export function reused(): JobError {
  return new JobError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key started a job with another kind or definition: use a new key for a new question');
}

export function overLimit(limit: number): JobError {
  return new JobError('JOB_LIMIT', `At most ${limit} jobs may be queued or running per requester: wait for one to finish, or cancel one`);
}
