import { runWorker } from '..';
import { fixtureProcessors } from './processors';

/**
 * A worker in a process of its own, as on another machine: the worker-death test starts it, gives it a job, and kills
 * it with SIGKILL mid-job. REDIS_URL, JOBS_PREFIX and JOBS_TUNING (JSON) set it up; it says `ready` over IPC.
 */
async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is required');
  const worker = await runWorker({
    processors: fixtureProcessors(`pid-${process.pid}`),
    redisUrl,
    ...(process.env.JOBS_PREFIX ? { prefix: process.env.JOBS_PREFIX } : {}),
    tuning: JSON.parse(process.env.JOBS_TUNING ?? '{}') as object,
  });
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
  process.send?.('ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
