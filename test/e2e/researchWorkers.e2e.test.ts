import { startPrivateRedis, type PrivateRedis } from '../../scripts/privateRedis';
import { TestSystem } from './harness';

/**
 * Research jobs on BullMQ over a real Redis, run by a worker process of their own (research/worker.ts), as on another
 * machine: a job over the whole population (520 people, every source; batches of 100 here) shows its progress, and when its worker is killed
 * (SIGKILL) mid-job, a worker started again resumes it from its last checkpoint, and the answer is the one an
 * uninterrupted run gives (nothing counted twice, nothing left out).
 */
let redis: PrivateRedis;
let system: TestSystem;

beforeAll(async () => {
  redis = await startPrivateRedis();
  system = await TestSystem.start({ sourceTimeoutMs: 5000, researchWorkers: 1, env: { REDIS_URL: redis.url, RESEARCH_WORKERS: 'off', RESEARCH_BATCH_SIZE: '100' } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await redis?.stop();
});

const START = `mutation($input: AggregateInput!) { startAggregate(input: $input) { job { id } } }`;
const JOB = `query($id: ID!) { researchJob(id: $id) { status attempts progress { patientsDone patientsTotal }
  result { cohortSize cells { ageBand sex status suppression count } } error { code message } } }`;
interface Job {
  status: string;
  attempts: number;
  progress: { patientsDone: number; patientsTotal: number };
  result: { cohortSize: number; cells: unknown[] } | null;
  error: { code: string; message: string } | null;
}

const question = (key: string) => ({ idempotencyKey: key, purpose: 'Alder og kjønn i hele befolkningen', groupBy: ['AGE_BAND', 'SEX'] });
const job = async (id: string) => (await system.query<{ researchJob: Job }>(JOB, { id }, 'researcher')).body.data!.researchJob;
async function start(key: string): Promise<string> {
  const started = await system.query<{ startAggregate: { job: { id: string } } }>(START, { input: question(key) }, 'researcher');
  expect(started.body.errors).toBeUndefined();
  return started.body.data!.startAggregate.job.id;
}
async function until(id: string, done: (j: Job) => boolean): Promise<Job> {
  for (let i = 0; i < 1200; i += 1) {
    const j = await job(id);
    if (done(j)) return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the job did not get there');
}

it('a job over all 520 people survives the death of its worker, resumed from its checkpoint with the same answer', async () => {
  const id = await start(`whole-${Date.now()}`);
  // Mid-job: some batches read, not all.
  const before = await until(id, (j) => j.progress.patientsDone >= 100 || j.status !== 'RUNNING' && j.status !== 'QUEUED');
  expect(before.status).toBe('RUNNING');
  expect(before.progress.patientsTotal).toBeGreaterThan(500);
  expect(before.progress.patientsDone).toBeLessThan(before.progress.patientsTotal);
  await system.system.kill('research-worker-1');
  await system.system.relaunch('research-worker-1');

  // Progress never goes back below the checkpoint: the resumed run goes on from the batches done.
  const seen: number[] = [];
  const resumed = await until(id, (j) => {
    seen.push(j.progress.patientsDone);
    return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.status);
  });
  expect([resumed.status, resumed.error]).toEqual(['COMPLETED', null]);
  expect(resumed.attempts).toBe(2);
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(before.progress.patientsDone);

  // The same question asked again, run without interruption: the same protected table.
  const again = await until(await start(`whole-again-${Date.now()}`), (j) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(j.status));
  expect(again.status).toBe('COMPLETED');
  expect(resumed.result).toEqual(again.result);
}, 300_000);
