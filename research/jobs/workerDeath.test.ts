import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/privateRedis';
import { createJobEngine, runWorker, type JobEngine, type JobState, type JobTuning } from '.';
import { fixtureProcessors, type CountResult } from './test/processors';

/**
 * A worker's death, for real: a worker in a process of its own is killed with SIGKILL in the middle of a job (and
 * quite possibly in the middle of saving its progress); another worker takes the job up once the dead one's lock runs
 * out, resumes it from the last checkpoint the dead one saved, and completes it, with no step before that checkpoint
 * done twice.
 */

const ROOT = path.resolve(__dirname, '../..');
const TUNING: JobTuning = { lockDurationMs: 2000, stalledIntervalMs: 1000, maxStalledCount: 2, attempts: 2, backoffMs: 50, cancelPollMs: 100 };
const REQUESTER = createHmac('sha256', 'test-key').update('researcher').digest('base64url');
const PREFIX = 'death';

let redis: PrivateRedis;
let dir: string;
let child: ChildProcess | undefined;
const closing: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  dir = mkdtempSync(path.join(tmpdir(), 'jobs-death-'));
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all(closing.map((c) => c.close()));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker process (research/jobs/test/workerProcess.ts, run by tsx), once it says it is ready. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const started = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'test', 'workerProcess.ts')], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redis.url, JOBS_PREFIX: PREFIX, JOBS_TUNING: JSON.stringify(TUNING) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    started.once('message', (message) => (message === 'ready' ? resolve() : reject(new Error(`worker said ${String(message)}`))));
    started.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
  });
  return started;
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('resumes a job from its checkpoint on another worker when its worker process is killed mid-job', async () => {
  child = await startWorkerProcess();
  const childPid = String(child.pid);
  const jobs: JobEngine = createJobEngine({ processors: fixtureProcessors(), redisUrl: redis.url, prefix: PREFIX, runWorkers: false, tuning: TUNING });
  closing.push(jobs);
  const log = path.join(dir, 'steps.log');
  const { job } = await jobs.start({ kind: 'count', requester: REQUESTER, idempotencyKey: 'killed-mid-job', definition: { steps: 20, stepMs: 100, log } });

  const before = await until(async () => {
    const state = await jobs.get(job.id, REQUESTER);
    return state?.status === 'RUNNING' && state.progress.patientsDone >= 5 ? state : undefined;
  }, 'five steps done');
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  child = undefined;

  // Killed, it holds the job until its lock runs out: another worker then finds it stalled and takes it up.
  closing.push(await runWorker({ processors: fixtureProcessors('second'), redisUrl: redis.url, prefix: PREFIX, tuning: TUNING }));
  const done = await until(async () => {
    const state: JobState | null = await jobs.get(job.id, REQUESTER);
    if (state?.status === 'FAILED' || state?.status === 'CANCELLED') throw new Error(`the job ended ${state.status}`);
    return state?.status === 'COMPLETED' ? state : undefined;
  }, 'the job to complete');

  const result = done.result as CountResult;
  // The right answer: 1 + 2 + … + 20.
  expect(result.sum).toBe(210);
  expect(result.steps).toBe(20);
  // Resumed from the checkpoint, not from the start: at least at the step the state showed before the kill.
  expect(result.resumedAt).toBeGreaterThanOrEqual(before.progress.patientsDone);
  expect(result.resumedAt).toBeLessThan(20);
  expect(done.attempts).toBe(2);
  expect(done.progress).toEqual({ sourcesDone: 1, sourcesTotal: 1, patientsDone: 20, patientsTotal: 20 });

  const lines = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ') as [string, string]);
  const times = (step: number) => lines.filter(([s]) => Number(s) === step).length;
  for (let step = 0; step < 20; step++) {
    // Every step before the checkpoint once, by the killed process; the one it may have done without saving, at
    // most twice; every later one once, by the second worker.
    if (step < result.resumedAt) expect([step, times(step)]).toEqual([step, 1]);
    else if (step === result.resumedAt) expect(times(step)).toBeGreaterThanOrEqual(1);
    else expect([step, times(step)]).toEqual([step, 1]);
  }
  expect(times(result.resumedAt)).toBeLessThanOrEqual(2);
  expect(lines.filter(([s]) => Number(s) < result.resumedAt).every(([, pid]) => pid === childPid)).toBe(true);
  expect(lines.filter(([s]) => Number(s) > result.resumedAt).every(([, pid]) => pid === String(process.pid))).toBe(true);
}, 60_000);
