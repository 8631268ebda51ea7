import pino from 'pino';
import { MemoryBuckets, rateLimit, rateSettingsFromEnv, readerKey, takeFrom, type BucketStore } from './rateLimit';
import type { CitizenIdentity } from '../../lib/identity';

describe('the per-reader token bucket', () => {
  const settings = { burst: 3, perSecond: 2 };

  it('lets a burst through, refuses the next with the time until a request is back, and refills at the rate', async () => {
    let now = 1_000_000;
    const buckets = new MemoryBuckets(() => now);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await buckets.take('reader', settings));
    expect(taken.map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(taken.map((t) => t.remaining)).toEqual([2, 1, 0, 0]);
    // Two a second: one request is back after half a second.
    expect(taken[3]?.retryAfterMs).toBe(500);
    now += 500;
    expect((await buckets.take('reader', settings)).allowed).toBe(true);
    expect((await buckets.take('reader', settings)).allowed).toBe(false);
    // Another reader has a bucket of its own.
    expect((await buckets.take('another', settings)).allowed).toBe(true);
    // Never more than the burst, however long it rested.
    now += 3_600_000;
    expect((await buckets.take('reader', settings)).remaining).toBe(2);
  });

  it('keeps a refusal from costing anything', () => {
    const empty = { tokens: 0.5, at: 0 };
    const { bucket, taken } = takeFrom(empty, 0, settings);
    expect(taken.allowed).toBe(false);
    expect(bucket.tokens).toBe(0.5);
  });

  it('reads its settings, refusing what cannot be', () => {
    expect(rateSettingsFromEnv({})).toEqual({ burst: 300, perSecond: 30 });
    expect(rateSettingsFromEnv({ RATE_LIMIT: 'off' })).toBeUndefined();
    expect(rateSettingsFromEnv({ RATE_LIMIT_BURST: '10', RATE_LIMIT_PER_SECOND: '0.5' })).toEqual({ burst: 10, perSecond: 0.5 });
    expect(() => rateSettingsFromEnv({ RATE_LIMIT_BURST: '2.5' })).toThrow(/RATE_LIMIT_BURST must be a positive whole number/);
    expect(() => rateSettingsFromEnv({ RATE_LIMIT_PER_SECOND: '0' })).toThrow(/RATE_LIMIT_PER_SECOND must be a positive number/);
    expect(() => rateSettingsFromEnv({ RATE_LIMIT: 'sometimes' })).toThrow(/RATE_LIMIT must be on or off/);
  });

  it('keys a reader by an HMAC, never by the identity number', () => {
    const citizen: CitizenIdentity = { kind: 'CITIZEN', role: 'CITIZEN', issuer: 'idporten', pid: '03864013065', represents: null, purpose: 'PATRQT', emergencyReason: null };
    const key = Buffer.alloc(32, 7);
    const a = readerKey(citizen, key);
    expect(a).toMatch(/^pg:rate:[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('03864013065');
    expect(readerKey(citizen, Buffer.alloc(32, 8))).not.toBe(a);
    expect(readerKey({ ...citizen, pid: '03864013066' }, key)).not.toBe(a);
  });

  it('limits on the replica alone while the shared store is down (nobody loses the limit by making Redis fail)', async () => {
    const down: BucketStore = { take: () => Promise.reject(new Error('connect ECONNREFUSED')), close: async () => undefined };
    const citizen: CitizenIdentity = { kind: 'CITIZEN', role: 'CITIZEN', issuer: 'idporten', pid: '03864013065', represents: null, purpose: 'PATRQT', emergencyReason: null };
    const middleware = rateLimit({ burst: 2, perSecond: 0.01 }, down, Buffer.alloc(32, 7), pino({ level: 'silent' }));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        await new Promise<number>((resolve) => {
          const res = {
            locals: { auth: { identity: citizen } },
            set: () => res,
            status: (code: number) => ({ set: () => ({ json: () => resolve(code) }) }),
          };
          middleware({} as never, res as never, () => resolve(200));
        }),
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
