import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/privateRedis';
import { createJobEngine, runWorker, type BudgetGrant, type JobEngine, type JobEngineOptions, type JobState, type JobTuning } from '.';
import { fixtureProcessors, seen, type CountResult } from './test/processors';

/**
 * The job engine's promises, checked on both engines with the same cases (in process, and BullMQ over a private
 * Redis), then what only the BullMQ engine has: several workers sharing a budget, a worker handing its job over as it
 * shuts down, and nothing personal in Redis.
 */

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const TUNING: JobTuning = { lockDurationMs: 2000, stalledIntervalMs: 1000, attempts: 2, backoffMs: 50, cancelPollMs: 100, retentionSeconds: 3600 };
const requester = (who: string) => createHmac('sha256', 'test-key').update(who).digest('base64url');
const ALICE = requester('alice');
const BOB = requester('bob');

let prefixes = 0;
const engines: Record<string, (options?: Partial<JobEngineOptions>) => JobEngine> = {
  'in-process': (options = {}) => createJobEngine({ processors: fixtureProcessors(), tuning: TUNING, ...options }),
  BullMQ: (options = {}) => createJobEngine({ processors: fixtureProcessors(), tuning: TUNING, redisUrl: redis.url, prefix: `test${++prefixes}`, ...options }),
};

/** Polls until `check` answers something (a deadline, not a timing assertion). */
async function until<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const stateIs = (engine: JobEngine, id: string, who: string, status: JobState['status']) =>
  until(async () => {
    const state = await engine.get(id, who);
    return state?.status === status ? state : undefined;
  }, `${status}`);

/** Whether grants (times in ms) ever put more than `limit` calls in one window [t, t + windowMs). */
function busiestWindow(grants: BudgetGrant[], windowMs: number): number {
  const times = grants.flatMap((g) => Array<number>(g.calls).fill(g.at)).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! < times[i]! + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe.each(Object.keys(engines))('%s engine', (name) => {
  let engine: JobEngine | undefined;
  const make = (options?: Partial<JobEngineOptions>) => (engine = engines[name]!(options));
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('runs a job to its result, and shows its progress while it runs', async () => {
    const jobs = make();
    const { job, replayed } = await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'progress-1', definition: { steps: 8, stepMs: 80 } });
    expect(replayed).toBe(false);
    expect(job).toMatchObject({ kind: 'count', definition: { steps: 8, stepMs: 80 }, result: null, error: null });
    expect(job.id).toMatch(/^j[0-9a-f]{64}$/);
    const running = await until(async () => {
      const state = await jobs.get(job.id, ALICE);
      return state?.status === 'RUNNING' && state.progress.patientsDone >= 2 ? state : undefined;
    }, 'progress');
    expect(running.progress).toMatchObject({ patientsTotal: 8, sourcesDone: 0, sourcesTotal: 1 });
    const done = await stateIs(jobs, job.id, ALICE, 'COMPLETED');
    expect(done.result).toEqual({ sum: 36, resumedAt: 0, steps: 8 } satisfies CountResult);
    expect(done.progress).toEqual({ sourcesDone: 1, sourcesTotal: 1, patientsDone: 8, patientsTotal: 8 });
    expect(done.attempts).toBe(1);
    expect(Date.parse(done.updatedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
  });

  it('starts a job once per key: the same key and definition replay it, another definition is refused', async () => {
    const jobs = make();
    const first = await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'once', definition: { steps: 2, stepMs: 5, log: null } });
    // The same definition written in another order is the same definition.
    const again = await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'once', definition: { log: null, stepMs: 5, steps: 2 } });
    expect(again.replayed).toBe(true);
    expect(again.job.id).toBe(first.job.id);
    await expect(jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'once', definition: { steps: 3, stepMs: 5 } })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(jobs.start({ kind: 'fail', requester: ALICE, idempotencyKey: 'once', definition: { steps: 2, stepMs: 5, log: null } })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Another requester's key is another job.
    const bobs = await jobs.start({ kind: 'count', requester: BOB, idempotencyKey: 'once', definition: { steps: 2, stepMs: 5, log: null } });
    expect(bobs.replayed).toBe(false);
    expect(bobs.job.id).not.toBe(first.job.id);
    // Finished, it is still the same job for the same key.
    await stateIs(jobs, first.job.id, ALICE, 'COMPLETED');
    const late = await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'once', definition: { steps: 2, stepMs: 5, log: null } });
    expect(late).toMatchObject({ replayed: true, job: { id: first.job.id, status: 'COMPLETED', result: { sum: 3 } } });
  });

  it('holds each requester to perRequester open jobs; a replay is not refused, and a cancelled job frees its place', async () => {
    const jobs = make({ perRequester: 2 });
    const wait = (key: string, who = ALICE) => jobs.start({ kind: 'wait', requester: who, idempotencyKey: key, definition: { tag: `${name}-limit-${key}` } });
    const one = await wait('a');
    await wait('b');
    await expect(wait('c')).rejects.toMatchObject({ code: 'JOB_LIMIT' });
    await expect(wait('a')).resolves.toMatchObject({ replayed: true });
    await expect(wait('c', BOB)).resolves.toMatchObject({ replayed: false });
    await jobs.cancel(one.job.id, ALICE);
    await expect(wait('c')).resolves.toMatchObject({ replayed: false });
  });

  it("cancels a running job: its processor's signal aborts, and it stays CANCELLED", async () => {
    const jobs = make();
    const tag = `${name}-cancel-running`;
    const { job } = await jobs.start({ kind: 'wait', requester: ALICE, idempotencyKey: 'cancel-running', definition: { tag } });
    await stateIs(jobs, job.id, ALICE, 'RUNNING');
    await until(async () => seen.started.includes(tag), 'the processor to start');
    const cancelled = await jobs.cancel(job.id, ALICE);
    expect(cancelled).toMatchObject({ id: job.id, status: 'CANCELLED', result: null, error: null });
    await until(async () => seen.aborted.includes(tag), 'the signal to abort');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await jobs.get(job.id, ALICE)).toMatchObject({ status: 'CANCELLED', error: null });
    // Started again with its key: the same, cancelled job.
    await expect(jobs.start({ kind: 'wait', requester: ALICE, idempotencyKey: 'cancel-running', definition: { tag } })).resolves.toMatchObject({ replayed: true, job: { status: 'CANCELLED' } });
    // A finished job is left as it is.
    expect(await jobs.cancel(job.id, ALICE)).toMatchObject({ status: 'CANCELLED' });
  });

  it('cancels a queued job: it never runs', async () => {
    const jobs = make({ perRequester: 3 });
    const first = `${name}-cancel-first`;
    const queued = `${name}-cancel-queued`;
    const running = await jobs.start({ kind: 'wait', requester: ALICE, idempotencyKey: 'first', definition: { tag: first } });
    await until(async () => seen.started.includes(first), 'the first job to start');
    const waiting = await jobs.start({ kind: 'wait', requester: ALICE, idempotencyKey: 'queued', definition: { tag: queued } });
    expect(waiting.job.status).toBe('QUEUED');
    expect(await jobs.cancel(waiting.job.id, ALICE)).toMatchObject({ status: 'CANCELLED' });
    await jobs.cancel(running.job.id, ALICE);
    await until(async () => seen.aborted.includes(first), 'the first job to stop');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.started).not.toContain(queued);
    expect(await jobs.get(waiting.job.id, ALICE)).toMatchObject({ status: 'CANCELLED' });
  });

  it("does not tell another requester's job, and tells bad input by its code", async () => {
    const jobs = make();
    const { job } = await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'mine', definition: { steps: 1, stepMs: 1 } });
    expect(await jobs.get(job.id, BOB)).toBeNull();
    expect(await jobs.cancel(job.id, BOB)).toBeNull();
    expect(await jobs.get(`j${'0'.repeat(64)}`, ALICE)).toBeNull();
    await expect(jobs.get('42', ALICE)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const bad = (start: Record<string, unknown>) => jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'bad', definition: {}, ...start });
    for (const start of [
      { requester: 'Ola Nordmann' },
      { requester: '01010112345' },
      { idempotencyKey: '' },
      { idempotencyKey: 'with space' },
      { kind: 'nope' },
      { definition: { at: new Date() } },
      { definition: { n: Number.NaN } },
      { definition: { f: () => 1 } },
      { definition: { big: 'x'.repeat(70_000) } },
    ]) {
      await expect(bad(start)).rejects.toMatchObject({ name: 'JobError', code: 'BAD_USER_INPUT' });
    }
  });

  it("tells a failure by its code, without the error's text", async () => {
    const jobs = make();
    const coded = await jobs.start({ kind: 'fail', requester: ALICE, idempotencyKey: 'coded', definition: { how: 'code' } });
    const generic = await jobs.start({ kind: 'fail', requester: ALICE, idempotencyKey: 'generic', definition: { how: 'generic' } });
    const codedState = await stateIs(jobs, coded.job.id, ALICE, 'FAILED');
    expect(codedState).toMatchObject({ error: { code: 'BAD_USER_INPUT', message: 'No such indicator' }, result: null, attempts: 1 });
    const genericState = await stateIs(jobs, generic.job.id, ALICE, 'FAILED');
    // Retried once (attempts: 2), then failed with a code and a message that quote nothing.
    expect(genericState).toMatchObject({ error: { code: 'JOB_FAILED' }, attempts: 2 });
    expect(JSON.stringify(genericState)).not.toMatch(/01010112345|GP register|no list for/);
  });

  it("keeps research's calls to a source within its share, however many jobs run", async () => {
    const grants: BudgetGrant[] = [];
    // 0.5 of 10 calls a second: 5 a second.
    const jobs = make({ concurrency: 2, perRequester: 2, budget: { share: 0.5, callsPerSecond: () => 10, onGrant: (grant) => grants.push(grant) } });
    const started = await Promise.all(['x', 'y'].map((tag) => jobs.start({ kind: 'calls', requester: ALICE, idempotencyKey: tag, definition: { source: 'gp-1', calls: 8, tag: `${name}-${tag}` } })));
    for (const { job } of started) await stateIs(jobs, job.id, ALICE, 'COMPLETED');
    expect(grants.reduce((sum, g) => sum + g.calls, 0)).toBe(16);
    expect(busiestWindow(grants, 1000)).toBeLessThanOrEqual(5);
    // Both ran at the same time: the budget, not the queue, held them to it.
    expect(seen.started).toEqual(expect.arrayContaining([`${name}-x@main`, `${name}-y@main`]));
  });
});

describe('BullMQ engine, several workers', () => {
  const closing: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((c) => c.close()));
  });

  it('shares one budget per source among workers in different processes (one Redis window)', async () => {
    const prefix = `test${++prefixes}`;
    const grants: BudgetGrant[] = [];
    const budget = { share: 0.5, callsPerSecond: () => 10, onGrant: (grant: BudgetGrant) => grants.push(grant) };
    for (const worker of ['w1', 'w2']) closing.push(await runWorker({ processors: fixtureProcessors(worker), redisUrl: redis.url, prefix, budget, tuning: TUNING }));
    const jobs = createJobEngine({ processors: fixtureProcessors(), redisUrl: redis.url, prefix, runWorkers: false, tuning: TUNING });
    closing.push(jobs);
    const started = await Promise.all(['p', 'q'].map((tag) => jobs.start({ kind: 'calls', requester: ALICE, idempotencyKey: tag, definition: { source: 'pas-1', calls: 10, tag: `two-${tag}` } })));
    const results = [];
    for (const { job } of started) results.push((await stateIs(jobs, job.id, ALICE, 'COMPLETED')).result as { worker: string });
    // Each worker ran one (each runs one at a time), with its own Redis connection.
    expect(results.map((r) => r.worker).sort()).toEqual(['w1', 'w2']);
    expect(grants.reduce((sum, g) => sum + g.calls, 0)).toBe(20);
    expect(busiestWindow(grants, 1000)).toBeLessThanOrEqual(5);
  });

  it('hands a job over when its worker shuts down: another resumes it from the checkpoint', async () => {
    const prefix = `test${++prefixes}`;
    const jobs = createJobEngine({ processors: fixtureProcessors(), redisUrl: redis.url, prefix, runWorkers: false, tuning: TUNING });
    closing.push(jobs);
    const first = await runWorker({ processors: fixtureProcessors('first'), redisUrl: redis.url, prefix, tuning: TUNING });
    const { job } = await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'handover', definition: { steps: 12, stepMs: 60 } });
    const seenDone = await until(async () => {
      const state = await jobs.get(job.id, ALICE);
      return state && state.progress.patientsDone >= 3 ? state.progress.patientsDone : undefined;
    }, 'progress');
    await first.close();
    expect(await jobs.get(job.id, ALICE)).toMatchObject({ status: 'QUEUED' });
    closing.push(await runWorker({ processors: fixtureProcessors('second'), redisUrl: redis.url, prefix, tuning: TUNING }));
    const done = await stateIs(jobs, job.id, ALICE, 'COMPLETED');
    const result = done.result as CountResult;
    expect(result.sum).toBe(78);
    expect(result.resumedAt).toBeGreaterThanOrEqual(seenDone);
    expect(done.attempts).toBe(2);
  });

  it('keeps no identity number, idempotency key or error text in any Redis key or value', async () => {
    const prefix = `test${++prefixes}`;
    const jobs = createJobEngine({ processors: fixtureProcessors(), redisUrl: redis.url, prefix, tuning: TUNING });
    closing.push(jobs);
    // A client that (wrongly) puts an identity number in its idempotency key.
    const started = [
      await jobs.start({ kind: 'count', requester: ALICE, idempotencyKey: 'key-01010112345', definition: { steps: 2, stepMs: 5 } }),
      await jobs.start({ kind: 'fail', requester: ALICE, idempotencyKey: 'key-01010112346', definition: { how: 'generic' } }),
    ];
    await stateIs(jobs, started[0]!.job.id, ALICE, 'COMPLETED');
    await stateIs(jobs, started[1]!.job.id, ALICE, 'FAILED');
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys(`${prefix}:*`);
      expect(keys.length).toBeGreaterThan(3);
      const dump: string[] = [...keys];
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'string') dump.push((await client.get(key)) ?? '');
        else if (type === 'hash') dump.push(JSON.stringify(await client.hgetall(key)));
        else if (type === 'list') dump.push(JSON.stringify(await client.lrange(key, 0, -1)));
        else if (type === 'set') dump.push(JSON.stringify(await client.smembers(key)));
        else if (type === 'zset') dump.push(JSON.stringify(await client.zrange(key, '0', '-1')));
        else if (type === 'stream') dump.push(JSON.stringify(await client.xrange(key, '-', '+')));
      }
      const all = dump.join('\n');
      expect(all).toContain(started[0]!.job.id);
      expect(all).not.toMatch(/0101011234|key-0101|GP register|no list for/);
      expect(all).not.toContain('alice');
    } finally {
      client.disconnect();
    }
  });
});
