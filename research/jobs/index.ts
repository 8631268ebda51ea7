import { createLogger, type Logger } from '../../lib/logger';
import { MemorySourceBudget } from './budget';
import { BullJobEngine, DEFAULT_PREFIX, JobWorker } from './bullmqEngine';
import { MemoryJobEngine } from './memoryEngine';
import { checkPerRequester, resolveTuning } from './shape';
import { DEFAULT_BUDGET, DEFAULT_PER_REQUESTER, type JobEngine, type JobProcessor, type JobTuning, type SourceBudgetSettings } from './types';

export * from './types';
export { MemorySourceBudget, RedisSourceBudget, windowOf } from './budget';
export { DEFAULT_PREFIX, QUEUE } from './bullmqEngine';

export interface JobEngineOptions {
  processors: Record<string, JobProcessor>;
  /** Redis for BullMQ (redis:// or rediss://); without it, the in-process engine. */
  redisUrl?: string;
  /** Whether this process also runs jobs (default true); false for an API that leaves them to worker processes (BullMQ only). */
  runWorkers?: boolean;
  /** At most this many jobs QUEUED or RUNNING per requester (default 2). */
  perRequester?: number;
  /** Research's share of each source (default: a fifth of 10 calls a second). */
  budget?: SourceBudgetSettings;
  /** The Redis key prefix (default `pg:jobs`). */
  prefix?: string;
  /** Jobs this process runs at once (default 1). */
  concurrency?: number;
  tuning?: JobTuning;
  logger?: Logger;
}

export interface WorkerOptions {
  processors: Record<string, JobProcessor>;
  redisUrl: string;
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
  budget?: SourceBudgetSettings;
  prefix?: string;
  tuning?: JobTuning;
  logger?: Logger;
}

function checkConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? 1;
  if (!Number.isSafeInteger(value) || value < 1 || value > 64) throw new Error(`concurrency must be a whole number from 1 to 64 (got ${String(value)})`);
  return value;
}

/**
 * The job engine: on BullMQ when `redisUrl` is given (jobs survive any process, workers anywhere), else in this
 * process (the embedded default). Both keep the same promises (see JobEngine).
 */
export function createJobEngine(options: JobEngineOptions): JobEngine {
  const tuning = resolveTuning(options.tuning);
  const perRequester = checkPerRequester(options.perRequester, DEFAULT_PER_REQUESTER);
  const concurrency = checkConcurrency(options.concurrency);
  const budget = options.budget ?? DEFAULT_BUDGET;
  const url = options.redisUrl?.trim();
  if (!url) {
    if (options.runWorkers === false) throw new Error('runWorkers: false needs a redisUrl: without Redis, jobs run in this process');
    return new MemoryJobEngine(options.processors, { perRequester, tuning, concurrency, budget: new MemorySourceBudget(budget) });
  }
  const logger = options.logger ?? createLogger('research-jobs');
  return new BullJobEngine(options.processors, url, {
    prefix: options.prefix ?? DEFAULT_PREFIX,
    tuning,
    logger,
    perRequester,
    runWorkers: options.runWorkers ?? true,
    concurrency,
    budget,
  });
}

/** A worker process's part (on any machine): takes jobs from the BullMQ queue until closed. */
export async function runWorker(options: WorkerOptions): Promise<{ close(): Promise<void> }> {
  const worker = await JobWorker.start(options.processors, options.redisUrl, {
    prefix: options.prefix ?? DEFAULT_PREFIX,
    tuning: resolveTuning(options.tuning),
    logger: options.logger ?? createLogger('research-worker'),
    concurrency: checkConcurrency(options.concurrency),
    budget: options.budget ?? DEFAULT_BUDGET,
  });
  return { close: () => worker.close() };
}

/** The engine for this process's settings: BullMQ on REDIS_URL when it is set, else in process. */
export function jobEngineFromEnv(options: Omit<JobEngineOptions, 'redisUrl'>, env: NodeJS.ProcessEnv = process.env): JobEngine {
  const url = env.REDIS_URL?.trim();
  return createJobEngine({ ...options, ...(url ? { redisUrl: url } : {}) });
}
