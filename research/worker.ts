import { createLogger } from '../lib/logger';
import type { ReadyMessage } from '../lib/service';
import { connectSources } from '../subgraphs/kit/createSubgraph';
import { researchBudget, researchProcessors } from '../subgraphs/research/runtime';
import { runWorker } from './jobs';

/**
 * A research worker in a process of its own (`npm run research:worker`), on this machine or another: it takes the
 * research subgraph's jobs (aggregates and exports) from BullMQ over REDIS_URL and reads the sources as the subgraph
 * would (sources.json, organisations.json, the source cache and breakers), within research's share of each source,
 * which every worker shares through Redis. Run the research subgraph with RESEARCH_WORKERS=off to leave the jobs to
 * such workers. A worker that dies leaves its job to another, which resumes it from its last checkpoint.
 */
async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL?.trim();
  if (!redisUrl) throw new Error('REDIS_URL is required: a research worker takes its jobs from BullMQ over Redis');
  const logger = createLogger('research-worker');
  const { sources, store } = connectSources(logger);
  const worker = await runWorker({ processors: researchProcessors(sources), redisUrl, budget: researchBudget(sources), logger });
  logger.info('research worker: taking jobs');
  const stop = () =>
    void worker
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.send?.({ type: 'ready', service: 'research-worker', urls: {} } satisfies ReadyMessage);
}

main().catch((error: unknown) => {
  process.stderr.write(`research worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
