import type { Logger } from '../../lib/logger';
import { researchKey } from '../../lib/secrets';
import { aggregateProcessor } from '../../research/aggregateJob';
import { exportProcessor } from '../../research/exportJob';
import { batchSizeFromEnv } from '../../research/batches';
import { createJobEngine, type JobEngine } from '../../research/jobs';
import { ResearchLog } from '../../research/researchLog';
import { MemoryQuestionBudget, questionBudgetSettings, RedisQuestionBudget, type QuestionBudget } from '../../research/questionBudget';
import { redisClient } from '../../lib/redis';
import type { SourceDirectory } from '../kit/SourceDirectory';

/**
 * The research subgraph's runtime: the job engine (BullMQ over Redis with REDIS_URL, its workers in this process
 * unless RESEARCH_WORKERS=off leaves the jobs to worker processes, `npm run research:worker`; in process otherwise)
 * and the research log.
 */
export interface ResearchRuntime {
  engine: JobEngine;
  log: ResearchLog;
  /** Each requester's distinct questions in the period (research/questionBudget.ts). */
  questions: QuestionBudget;
}

let current: ResearchRuntime | undefined;

export function researchRuntime(): ResearchRuntime {
  if (!current) throw new Error('the research subgraph has not started');
  return current;
}

/** Research's share of each legacy system's capacity (RESEARCH_SOURCE_SHARE, default 0.25): care's reads come first. */
export function researchShare(env: NodeJS.ProcessEnv = process.env): number {
  const share = Number(env.RESEARCH_SOURCE_SHARE ?? 0.25);
  if (!Number.isFinite(share) || share <= 0 || share > 1) throw new Error('RESEARCH_SOURCE_SHARE must be a share of a source above 0, at most 1');
  return share;
}

/** Jobs one requester may have queued or running at once (RESEARCH_JOBS_PER_REQUESTER, default 2). */
export function jobsPerRequester(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.RESEARCH_JOBS_PER_REQUESTER ?? 2);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error('RESEARCH_JOBS_PER_REQUESTER must be a whole number from 1 to 100');
  return n;
}

/** The processors of research's jobs, with what they need: a worker process builds the same. */
export function researchProcessors(sources: SourceDirectory) {
  const batchSize = batchSizeFromEnv();
  return { aggregate: aggregateProcessor({ directory: sources, key: researchKey(), batchSize }), export: exportProcessor({ directory: sources, key: researchKey(), batchSize }) };
}

/** What a job may take of each source: RESEARCH_SOURCE_SHARE of the instance's `callsPerSecond` (sources.json). */
export function researchBudget(sources: SourceDirectory) {
  const share = researchShare();
  return { share, callsPerSecond: (sourceId: string) => sources.knownInstance(sourceId)?.resilience?.callsPerSecond ?? 20 };
}

export async function startResearch({ sources, logger }: { sources: SourceDirectory; logger: Logger }): Promise<{ stop(): Promise<void> }> {
  const redisUrl = process.env.REDIS_URL?.trim() || undefined;
  const engine = createJobEngine({
    processors: researchProcessors(sources),
    ...(redisUrl ? { redisUrl } : {}),
    runWorkers: process.env.RESEARCH_WORKERS !== 'off',
    perRequester: jobsPerRequester(),
    budget: researchBudget(sources),
  });
  const log = new ResearchLog();
  const redis = redisUrl ? redisClient(redisUrl) : undefined;
  const questions = redis ? new RedisQuestionBudget(redis, questionBudgetSettings()) : new MemoryQuestionBudget(questionBudgetSettings());
  current = { engine, log, questions };
  logger.info(`research jobs: ${redisUrl ? 'BullMQ over Redis' : 'in process'}${process.env.RESEARCH_WORKERS === 'off' ? ', run by worker processes' : ''}`);
  const running = current;
  return {
    stop: async () => {
      await running.engine.close();
      await running.log.close();
      redis?.disconnect();
    },
  };
}
