import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, WaitingError, Worker, type ConnectionOptions, type IRedisClient, type Job, type JobsOptions } from 'bullmq';
import type { Logger } from '../../lib/logger';
import { RedisSourceBudget } from './budget';
import { CANCELLED, overLimit, reused, SHUTDOWN } from './memoryEngine';
import {
  abortReason,
  canonicalJson,
  checkJobId,
  checkProgress,
  checkRequester,
  checkStart,
  definitionHash,
  failureOf,
  GENERIC_FAILURE,
  jobId,
  readProgress,
  requesterKey,
  type Failure,
} from './shape';
import {
  JobFailure,
  type JobContext,
  type JobEngine,
  type JobProcessor,
  type JobProgress,
  type JobState,
  type JobStatus,
  type JobTuning,
  type SourceBudgetSettings,
  type StartJob,
} from './types';

/**
 * The job engine on BullMQ over Redis: a queue (`research`, keys under `pg:jobs` by default) that any number of worker
 * processes, on any machine, take jobs from.
 *
 * - Start: the job's id is an HMAC of the requester and the idempotency key, so a start retried after a lost answer or
 *   a crash finds its job, and BullMQ itself adds no second job with that id. The definition's fingerprint is kept
 *   with the job to refuse the key's reuse for another question.
 * - Resume: a worker holds a job by a lock it renews (`lockDurationMs`); a worker that dies stops renewing, and
 *   another worker's stalled check puts the job back in the queue within seconds. The processor's checkpoint is
 *   written with its progress in one script that first checks this worker still holds the lock, so the checkpoint a
 *   resumed job gets is the last one its previous run saved, and a worker that stalled and lost the job cannot
 *   overwrite the new run's.
 * - Cancel: a queued job is removed; for a running one a cancellation mark is set, which the worker running it
 *   notices (at the processor's next progress, and by polling every `cancelPollMs`) and aborts the processor's signal
 *   through BullMQ's own cancellation (`Worker.cancelJob`); the job then ends failed as cancelled, never retried. The
 *   mark is kept for the retention time and is what makes the state say CANCELLED from the moment cancel answers.
 * - Shut down: a worker closing aborts its jobs' signals and puts them back at the head of the queue, so another
 *   worker resumes them at once instead of after the lock runs out.
 * - Throttle: each requester's open jobs are a sorted set, admitted into by one script (at most `perRequester`);
 *   members whose job finished are pruned at the next start, so a crash anywhere cannot leave a requester blocked.
 *
 * What is stored: the requester's HMAC, the kind, the definition and its fingerprint, the checkpoint, the progress,
 * the result, and a failure's code and message (no stack trace: `stackTraceLimit: 0`, and an error's own text is not
 * stored unless the processor wrote it for the requester). The idempotency key is never stored, and no key names a
 * person.
 */

export const QUEUE = 'research';
export const DEFAULT_PREFIX = 'pg:jobs';

/** A failure's reason as BullMQ keeps it (`failedReason`): this prefix, then the failure as JSON. */
const FAILURE = 'pg-job:';
const CANCELLED_REASON = 'pg-job:cancelled';
/** BullMQ's reason for a job whose workers died (or stalled) more than `maxStalledCount` times. */
const STALLED_REASON = 'job stalled more than allowable limit';
/** A worker that stalled: another has its job; it stops without touching the job. */
const LOCK_LOST = 'LOCK_LOST';
/** BullMQ's event stream's length (approximate). */
const EVENTS_KEPT = 100;
/** An admitted job that never made it into the queue (a crash between the two) no longer counts after this. */
const ADMISSION_GRACE_MS = 60_000;

interface JobData {
  requester: string;
  definitionHash: string;
  definition: unknown;
  checkpoint: unknown | null;
  createdAt: string;
  /** Tells the start that added the job from one that found it. */
  nonce: string;
}

/** What is kept of a cancelled job (as its cancellation mark): enough to answer its state once the job is removed. */
interface Tombstone {
  requester: string;
  kind: string;
  definitionHash: string;
  definition: unknown;
  createdAt: string;
  cancelledAt: string;
  progress: JobProgress;
  attempts: number;
}

class Keys {
  readonly base: string;

  constructor(readonly prefix: string) {
    this.base = `${prefix}:${QUEUE}`;
  }

  /** BullMQ's hash of a job, and its lock. */
  job(id: string): string {
    return `${this.base}:${id}`;
  }

  cancelled(id: string): string {
    return `${this.base}:pg-cancelled:${id}`;
  }

  open(requester: string): string {
    return `${this.base}:pg-open:${requesterKey(requester)}`;
  }
}

/**
 * Admits a job among its requester's open ones. KEYS: the requester's set. ARGV: the job's id, the limit, now (ms),
 * the set's time to live (ms). Answers 1 when admitted (or admitted already), 0 when the requester is at the limit.
 */
const ADMIT = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** Forgets finished jobs among a requester's open ones. KEYS: the set. ARGV: the jobs' ids. */
const FORGET = `return redis.call('ZREM', KEYS[1], unpack(ARGV))`;

/** Marks a job cancelled and no longer open. KEYS: the mark, the requester's set. ARGV: the tombstone, its TTL (ms), the id. */
const CANCEL = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return 1`;

/**
 * Saves a running job's progress and data (with its new checkpoint) at once, only while the worker holds its lock and
 * the job is not cancelled. KEYS: the job's hash, its lock, its cancellation mark. ARGV: the lock's token, the
 * progress, the data ('' when the checkpoint has not changed). Answers 0 when saved, -1 when the job is gone, -2 when
 * another worker holds it, -3 when it was cancelled.
 */
const PROGRESS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -2 end
if redis.call('EXISTS', KEYS[3]) == 1 then return -3 end
if ARGV[3] == '' then
  redis.call('HSET', KEYS[1], 'progress', ARGV[2])
else
  redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'data', ARGV[3])
end
return 0`;

const FLAGGED = `return redis.call('EXISTS', KEYS[1])`;

const COMMANDS = { pgJobsAdmit: [1, ADMIT], pgJobsForget: [1, FORGET], pgJobsCancel: [2, CANCEL], pgJobsProgress: [3, PROGRESS], pgJobsFlagged: [1, FLAGGED] } as const;

function defineCommands(client: IRedisClient): void {
  for (const [name, [numberOfKeys, lua]] of Object.entries(COMMANDS)) client.defineCommand(name, { numberOfKeys, lua });
}

/** BullMQ's connection options for a REDIS_URL (one server, with or without TLS). */
export function connectionOf(redisUrl: string): ConnectionOptions {
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw new Error('The job engine takes a redis:// or rediss:// REDIS_URL (one server): Redis Cluster and Sentinel are not supported for jobs');
  }
  return { url: redisUrl };
}

const encodeFailure = (failure: Failure) => FAILURE + JSON.stringify({ code: failure.code, message: failure.message });

function decodeFailure(reason: string | undefined, maxStalledCount: number): { code: string; message: string } {
  if (reason?.startsWith(FAILURE)) {
    try {
      const parsed = JSON.parse(reason.slice(FAILURE.length)) as { code?: unknown; message?: unknown };
      if (typeof parsed.code === 'string' && typeof parsed.message === 'string') return { code: parsed.code, message: parsed.message };
    } catch {
      // Not ours after all: told as any other failure.
    }
  }
  if (reason === STALLED_REASON) return { code: 'JOB_FAILED', message: `The job lost its worker more than ${maxStalledCount} times (workers died or were overloaded)` };
  return { code: 'JOB_FAILED', message: GENERIC_FAILURE };
}

function statusOf(state: string): JobStatus {
  switch (state) {
    case 'completed':
      return 'COMPLETED';
    case 'failed':
      return 'FAILED';
    case 'active':
      return 'RUNNING';
    default:
      // waiting, prioritized, delayed (a retry's backoff), waiting-children.
      return 'QUEUED';
  }
}

export interface BullOptions {
  prefix: string;
  tuning: Required<JobTuning>;
  logger: Logger;
}

export class BullJobEngine implements JobEngine {
  private readonly queue: Queue<JobData, unknown, string>;
  private readonly keys: Keys;
  private readonly kinds: string[];
  private readonly ready: Promise<{ client: IRedisClient; worker: JobWorker | undefined }>;

  constructor(
    processors: Record<string, JobProcessor>,
    redisUrl: string,
    private readonly settings: BullOptions & { perRequester: number; runWorkers: boolean; concurrency: number; budget: SourceBudgetSettings },
  ) {
    this.kinds = Object.keys(processors);
    this.keys = new Keys(settings.prefix);
    // BullMQ's event stream repeats each job's result and failure; nothing here reads it, so it is kept short rather
    // than 10 000 events long (the results are kept, for the retention time, with their jobs).
    const queue = new Queue<JobData, unknown, string>(QUEUE, { connection: connectionOf(redisUrl), prefix: settings.prefix, streams: { events: { maxLen: EVENTS_KEPT } } });
    queue.on('error', (error) => settings.logger.warn({ err: { message: error.message } }, 'job queue: Redis error'));
    this.queue = queue;
    this.ready = (async () => {
      const client = await queue.client;
      defineCommands(client);
      const worker = settings.runWorkers ? await JobWorker.start(processors, redisUrl, settings) : undefined;
      return { client, worker };
    })();
    // Told to whoever calls first; not an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  async start(job: StartJob): Promise<{ job: JobState; replayed: boolean }> {
    // Bad input is told at once, whether Redis answers or not.
    const { requester, kind, canonical } = checkStart(job, this.kinds);
    const { client } = await this.ready;
    const id = jobId(requester, job.idempotencyKey);
    const hash = definitionHash(kind, canonical);
    const found = await this.read(id, requester);
    if (found) {
      if (found.definitionHash !== hash) throw reused();
      return { job: found.state, replayed: true };
    }
    await this.admit(client, id, requester);
    const nonce = randomUUID();
    const data: JobData = { requester, definitionHash: hash, definition: JSON.parse(canonical) as unknown, checkpoint: null, createdAt: new Date().toISOString(), nonce };
    const { tuning } = this.settings;
    const options: JobsOptions = {
      jobId: id,
      attempts: tuning.attempts,
      backoff: { type: 'exponential', delay: tuning.backoffMs },
      removeOnComplete: { age: tuning.retentionSeconds },
      removeOnFail: { age: tuning.retentionSeconds },
      stackTraceLimit: 0,
    };
    // With the same id as a job that exists, BullMQ adds nothing: a concurrent start of the same key won.
    await this.queue.add(kind, data, options);
    const stored = await this.read(id, requester);
    if (!stored) throw new Error('the job was removed as it was started');
    if (stored.definitionHash !== hash) throw reused();
    return { job: stored.state, replayed: stored.nonce !== nonce };
  }

  async get(id: string, requester: string): Promise<JobState | null> {
    checkJobId(id);
    checkRequester(requester);
    await this.ready;
    return (await this.read(id, requester))?.state ?? null;
  }

  async cancel(id: string, requester: string): Promise<JobState | null> {
    checkJobId(id);
    checkRequester(requester);
    const { client } = await this.ready;
    const found = await this.read(id, requester);
    if (!found) return null;
    const { state } = found;
    if (state.status !== 'QUEUED' && state.status !== 'RUNNING') return state;
    const tombstone: Tombstone = {
      requester,
      kind: state.kind,
      definitionHash: found.definitionHash,
      definition: state.definition,
      createdAt: state.createdAt,
      cancelledAt: new Date().toISOString(),
      progress: state.progress,
      attempts: state.attempts,
    };
    await client.runCommand('pgJobsCancel', [this.keys.cancelled(id), this.keys.open(requester), JSON.stringify(tombstone), this.settings.tuning.retentionSeconds * 1000, id]);
    if (state.status === 'QUEUED') {
      // Removed unless a worker took it meanwhile (it is locked then): that worker sees the mark instead.
      await found.job?.remove().catch(() => undefined);
    }
    return (await this.read(id, requester))?.state ?? null;
  }

  async close(): Promise<void> {
    const ready = await this.ready.catch(() => undefined);
    await ready?.worker?.close();
    await this.queue.close();
  }

  /**
   * The job as the store has it: its state, its fingerprint, and BullMQ's job while it exists. BullMQ's state is read
   * before the job's hash: a job seen completed or failed has its result or failure in the hash read after (read the
   * other way round, a job finishing in between would show COMPLETED without its result).
   */
  private async read(id: string, requester: string): Promise<{ state: JobState; definitionHash: string; nonce?: string; job?: Job<JobData> } | null> {
    const { client } = await this.ready;
    const fromTombstone = (t: Tombstone) => ({
      state: { id, kind: t.kind, definition: t.definition, status: 'CANCELLED' as const, progress: t.progress, result: null, error: null, createdAt: t.createdAt, updatedAt: t.cancelledAt, attempts: t.attempts },
      definitionHash: t.definitionHash,
    });
    const [bullState, marked] = await Promise.all([this.queue.getJobState(id), client.get(this.keys.cancelled(id))]);
    const tombstone = marked ? (JSON.parse(marked) as Tombstone) : undefined;
    if (tombstone && tombstone.requester !== requester) return null;
    const job = bullState === 'unknown' ? undefined : await this.queue.getJob(id);
    if (!job) {
      if (tombstone) return fromTombstone(tombstone);
      // Removed since (a cancel, which marks it first): its mark tells.
      const late = bullState === 'unknown' ? null : await client.get(this.keys.cancelled(id));
      const lateTombstone = late ? (JSON.parse(late) as Tombstone) : undefined;
      return lateTombstone?.requester === requester ? fromTombstone(lateTombstone) : null;
    }
    if (job.data.requester !== requester) return null;
    if (tombstone) return { ...fromTombstone(tombstone), nonce: job.data.nonce, job };
    const { progress, at } = readProgress(job.progress);
    const cancelled = bullState === 'failed' && job.failedReason === CANCELLED_REASON;
    const status: JobStatus = cancelled ? 'CANCELLED' : statusOf(bullState);
    const updated = Math.max(at ?? 0, job.finishedOn ?? 0, job.processedOn ?? 0, job.timestamp);
    return {
      state: {
        id,
        kind: job.name,
        definition: job.data.definition,
        status,
        progress,
        result: status === 'COMPLETED' ? (job.returnvalue ?? null) : null,
        error: status === 'FAILED' ? decodeFailure(job.failedReason, this.settings.tuning.maxStalledCount) : null,
        createdAt: job.data.createdAt,
        updatedAt: new Date(updated).toISOString(),
        attempts: job.attemptsStarted ?? 0,
      },
      definitionHash: job.data.definitionHash,
      nonce: job.data.nonce,
      job,
    };
  }

  /** Admits the job among the requester's open ones, first forgetting those that have finished. */
  private async admit(client: IRedisClient, id: string, requester: string): Promise<void> {
    const key = this.keys.open(requester);
    const members = await client.zrange(key, 0, -1, { WITHSCORES: true });
    const finished: string[] = [];
    for (let i = 0; i + 1 < members.length; i += 2) {
      const member = members[i]!;
      if (member === id) continue;
      const [state, marked] = await Promise.all([this.queue.getJobState(member), client.get(this.keys.cancelled(member))]);
      const lost = state === 'unknown' && Number(members[i + 1]) < Date.now() - ADMISSION_GRACE_MS;
      if (marked || state === 'completed' || state === 'failed' || lost) finished.push(member);
    }
    if (finished.length > 0) await client.runCommand('pgJobsForget', [key, ...finished]);
    const admitted = (await client.runCommand('pgJobsAdmit', [key, id, this.settings.perRequester, Date.now(), this.settings.tuning.retentionSeconds * 1000])) as number;
    if (admitted !== 1) throw overLimit(this.settings.perRequester);
  }
}

/**
 * A worker: takes jobs from the queue, `concurrency` at a time, runs their processors, and keeps their locks, progress,
 * checkpoints and cancellations. In the engine's process (`runWorkers`) or in a process of its own (`runWorker`).
 */
export class JobWorker {
  private readonly running = new Set<string>();
  private poll: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker<JobData, unknown, string>,
    private readonly client: IRedisClient,
    private readonly processors: Record<string, JobProcessor>,
    private readonly budget: RedisSourceBudget,
    private readonly keys: Keys,
    private readonly settings: BullOptions,
  ) {}

  static async start(
    processors: Record<string, JobProcessor>,
    redisUrl: string,
    settings: BullOptions & { concurrency: number; budget: SourceBudgetSettings },
  ): Promise<JobWorker> {
    const { tuning, logger } = settings;
    // The processor is this class's; the class needs the worker's connection, made with the Worker.
    const made: { self?: JobWorker } = {};
    const worker = new Worker<JobData, unknown, string>(QUEUE, (job, token, signal) => made.self!.process(job, token, signal), {
      connection: connectionOf(redisUrl),
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: tuning.maxStalledCount,
      // Started once the budget and scripts are in place, below.
      autorun: false,
    });
    worker.on('error', (error) => logger.warn({ err: { message: error.message } }, 'job worker: error'));
    // This worker stalled (a long pause): another worker has its job now, so its processor stops.
    worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) worker.cancelJob(id, LOCK_LOST);
    });
    const client = await worker.client;
    defineCommands(client);
    const keys = new Keys(settings.prefix);
    const self = new JobWorker(worker, client, processors, new RedisSourceBudget(client, settings.prefix, settings.budget), keys, settings);
    made.self = self;
    worker.run().catch((error: Error) => logger.error({ err: { message: error.message } }, 'job worker stopped'));
    await worker.waitUntilReady();
    self.schedulePoll();
    return self;
  }

  /**
   * Stops: running jobs' signals are aborted and the jobs put back at the head of the queue for another worker to
   * resume from their checkpoints; answers once they have stopped.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.poll);
      // Closing first, so that a job put back is not taken again by this worker.
      const closed = this.worker.close();
      this.worker.cancelAllJobs(SHUTDOWN);
      await closed;
    })();
    return this.closing;
  }

  private schedulePoll(): void {
    if (this.closing) return;
    this.poll = setTimeout(() => {
      void this.checkCancelled().finally(() => this.schedulePoll());
    }, this.settings.tuning.cancelPollMs);
    this.poll.unref();
  }

  /** Aborts the running jobs that were cancelled (by any process, through their mark). */
  private async checkCancelled(): Promise<void> {
    await Promise.all(
      [...this.running].map(async (id) => {
        if (await this.flagged(id).catch(() => false)) this.worker.cancelJob(id, CANCELLED);
      }),
    );
  }

  private async flagged(id: string): Promise<boolean> {
    return ((await this.client.runCommand('pgJobsFlagged', [this.keys.cancelled(id)])) as number) === 1;
  }

  private async process(job: Job<JobData, unknown, string>, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    const id = job.id!;
    if (!signal || !token) throw new Error('BullMQ gave the processor no signal or token');
    if (await this.flagged(id)) throw new UnrecoverableError(CANCELLED_REASON);
    const processor = this.processors[job.name];
    if (!processor) throw new UnrecoverableError(encodeFailure({ code: 'JOB_FAILED', message: 'No worker runs jobs of this kind', retry: false }));
    this.running.add(id);
    let data = job.data;
    const context: JobContext = {
      signal,
      checkpoint: data.checkpoint ?? null,
      sources: this.budget,
      progress: async (progress, checkpoint) => {
        const checked = checkProgress(progress);
        const next = checkpoint === undefined ? data : { ...data, checkpoint: JSON.parse(canonicalJson(checkpoint)) as unknown };
        if (signal.aborted) throw abortReason(signal);
        const key = this.keys.job(id);
        const saved = (await this.client.runCommand('pgJobsProgress', [key, `${key}:lock`, this.keys.cancelled(id), token, JSON.stringify({ ...checked, at: Date.now() }), next === data ? '' : JSON.stringify(next)])) as number;
        if (saved === -3) this.worker.cancelJob(id, CANCELLED);
        else if (saved < 0) this.worker.cancelJob(id, LOCK_LOST);
        if (saved !== 0) throw abortReason(signal);
        data = next;
      },
    };
    let outcome: { result: unknown } | { error: unknown };
    try {
      const result = await processor(structuredClone(data.definition), context);
      try {
        outcome = { result: JSON.parse(canonicalJson(result ?? null)) as unknown };
      } catch {
        outcome = { error: new JobFailure('JOB_FAILED', "The job's result is not JSON") };
      }
      // A processor that finished as it was cancelled: the cancel stands (the state has said CANCELLED since).
      if (!signal.aborted && (await this.flagged(id))) this.worker.cancelJob(id, CANCELLED);
    } catch (error) {
      outcome = { error };
    } finally {
      this.running.delete(id);
    }
    if (signal.aborted) return this.stopped(job, token, signal);
    if ('result' in outcome) return outcome.result;
    const failure = failureOf(outcome.error);
    // The error's name and the failure's code, never its text: it may quote a source's answer about a patient.
    this.settings.logger.warn({ job: id, kind: job.name, code: failure.code, error: (outcome.error as Error | undefined)?.name ?? typeof outcome.error, attempt: job.attemptsStarted }, 'research job failed');
    throw failure.retry ? new Error(encodeFailure(failure)) : new UnrecoverableError(encodeFailure(failure));
  }

  /** A processor stopped by its signal: cancelled, this worker shutting down, or this worker having lost the job. */
  private async stopped(job: Job<JobData, unknown, string>, token: string, signal: AbortSignal): Promise<never> {
    switch (signal.reason) {
      case SHUTDOWN:
        // Back at the head of the queue: another worker resumes it now, not once the lock runs out.
        await job.moveToWait(token).catch(() => undefined);
        throw new WaitingError();
      case LOCK_LOST:
        // Another worker runs it now: this one leaves it alone.
        throw new WaitingError();
      default:
        throw new UnrecoverableError(CANCELLED_REASON);
    }
  }
}
