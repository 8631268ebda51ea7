import { randomBytes } from 'node:crypto';
import type { InstanceConfig } from '../../../lib/config';
import { createLogger } from '../../../lib/logger';
import { AdapterKit, readReport } from '../AdapterKit';
import { noteCacheControl } from '../readContext';
import { CacheCrypto } from './CacheCrypto';
import { MemoryCacheStore } from './CacheStore';
import { sourceCache } from './sourceCache';

const logger = createLogger('test');
const NIN = '03864013065';
const OTHER = '14887447870';

function setup(policy = { ttlMs: 1000, staleMs: 10_000 }) {
  let clock = 1_000_000;
  const store = new MemoryCacheStore();
  const key = randomBytes(32);
  const crypto = new CacheCrypto({ names: randomBytes(32), current: { id: 'k1', key }, all: new Map([['k1', key]]) });
  const cache = sourceCache({ store, crypto, logger, now: () => clock });
  const kit = new AdapterKit(logger).use(cache);
  const instance: InstanceConfig = { id: 'care-bergen', system: 'care-json', baseUrl: 'http://x', timeoutMs: 500, options: {}, cache: { '*': policy } };
  const calls: string[][] = [];
  let behaviour: 'ok' | 'fail' | 'no-store' = 'ok';
  let version = 1;
  const read = (keys: string[], options: Parameters<AdapterKit['readMany']>[4] = {}) =>
    kit.readMany<{ name: string; version: number }>(
      instance,
      'care-record',
      keys,
      async (batch, signal) => {
        calls.push([...batch]);
        await new Promise((r) => setTimeout(r, 5));
        if (behaviour === 'fail') throw Object.assign(new Error('connect ECONNREFUSED'), { isAxiosError: true, code: 'ECONNREFUSED' });
        if (behaviour === 'no-store') noteCacheControl('no-cache, private', signal);
        // An answer under another signal (a receipt sent after the read) says nothing about this read.
        if (behaviour === 'ok') noteCacheControl('no-store', new AbortController().signal);
        return new Map(batch.map((k) => [k, { name: `record of ${k === NIN ? 'Ingrid Solheim' : 'Hilde Tveit'}`, version }]));
      },
      options,
    );
  return {
    read,
    calls,
    store,
    cache,
    instance,
    advance: (ms: number) => (clock += ms),
    set: (b: typeof behaviour) => (behaviour = b),
    bump: () => (version += 1),
  };
}

describe('the source cache', () => {
  it('does not ask the source again for a reader whose look into the store missed just before the answer landed', async () => {
    const t = setup();
    const a = t.read([NIN]);
    while (t.calls.length === 0) await new Promise((r) => setTimeout(r, 1));
    // The second reader's look into the store is answered (a miss: the first read is still out), and it goes on only
    // after the first read's answer is in the store and its flight has ended: as when both replies come in one chunk.
    const getMany = t.store.getMany.bind(t.store);
    t.store.getMany = async (keys) => {
      const missed = await getMany(keys);
      await a;
      return missed;
    };
    const b = await t.read([NIN]);
    expect(b.get(NIN)?.version).toBe(1);
    expect(t.calls).toHaveLength(1);
    t.store.getMany = getMany;
    // A change notice forgets the landed answer too: the next reader asks the source.
    await t.cache.invalidate(t.instance, ['care-record'], [NIN]);
    t.bump();
    expect((await t.read([NIN])).get(NIN)?.version).toBe(2);
    expect(t.calls).toHaveLength(2);
    // And once an answer is no longer fresh, the source is asked.
    t.advance(1001);
    t.bump();
    expect((await t.read([NIN])).get(NIN)?.version).toBe(3);
  });

  it('answers a second read from the cache, without asking the source', async () => {
    const t = setup();
    expect((await t.read([NIN])).get(NIN)).toEqual({ name: 'record of Ingrid Solheim', version: 1 });
    t.bump();
    expect((await t.read([NIN, OTHER])).get(NIN)).toEqual({ name: 'record of Ingrid Solheim', version: 1 });
    // Only the key it did not hold went to the source.
    expect(t.calls).toEqual([[NIN], [OTHER]]);
    // After the TTL the source is asked again.
    t.advance(1001);
    expect((await t.read([NIN])).get(NIN)?.version).toBe(2);
    expect(t.calls).toHaveLength(3);
  });

  it('keeps no identity number or name in its keys, and nothing readable in its values', async () => {
    const t = setup();
    await t.read([NIN]);
    // @ts-expect-error reading the LRU's entries directly, as a memory dump would
    const entries = [...t.store.lru.entries()] as [string, string][];
    expect(entries).toHaveLength(1);
    for (const [key, value] of entries) {
      expect(key).toMatch(/^pg:src:[A-Za-z0-9_-]+$/);
      expect(`${key} ${value}`).not.toMatch(/03864013065|Ingrid|Solheim|care-bergen|care-record/);
    }
  });

  it('lets concurrent readers of a key wait for one legacy call', async () => {
    const t = setup();
    const [a, b, c] = await Promise.all([t.read([NIN]), t.read([NIN]), t.read([NIN, OTHER])]);
    expect(a.get(NIN)).toEqual(b.get(NIN));
    expect(c.get(OTHER)?.name).toBe('record of Hilde Tveit');
    expect(t.calls.flat().filter((k) => k === NIN)).toHaveLength(1);
  });

  it('honours a source that forbids keeping its answer, yet reads it once per request', async () => {
    const t = setup();
    t.set('no-store');
    await t.read([NIN], { requestId: 'req-1' });
    await t.read([NIN], { requestId: 'req-1' });
    expect(t.calls).toHaveLength(1);
    await t.read([NIN], { requestId: 'req-2' });
    expect(t.calls).toHaveLength(2);
  });

  it('with TTL 0 keeps nothing beyond the request, and readers of different requests do not share a fetch', async () => {
    const t = setup({ ttlMs: 0, staleMs: 0 });
    await Promise.all([t.read([NIN], { requestId: 'req-1' }), t.read([NIN], { requestId: 'req-2' })]);
    expect(t.calls).toHaveLength(2);
    await t.read([NIN], { requestId: 'req-1' });
    expect(t.calls).toHaveLength(2);
    // @ts-expect-error as above
    expect(t.store.lru.size).toBe(0);
  });

  it("forgets a request's reads when the request ends, and only that request's", async () => {
    const t = setup();
    t.set('no-store');
    await t.read([NIN], { requestId: 'req-1' });
    await t.read([OTHER], { requestId: 'req-2' });
    t.cache.endRequest('req-1');
    await t.read([NIN], { requestId: 'req-1' });
    await t.read([OTHER], { requestId: 'req-2' });
    expect(t.calls).toEqual([[NIN], [OTHER], [NIN]]);
  });

  it('serves a stale answer when the source fails, within the stale window, and says how old it is', async () => {
    const t = setup();
    await t.read([NIN]);
    t.advance(5000);
    t.set('fail');
    const report = readReport();
    const answer = await t.read([NIN, OTHER], { report });
    expect(answer.get(NIN)?.name).toBe('record of Ingrid Solheim');
    expect(report.stale.get(NIN)).toBe(5000);
    expect(report.failed.get(OTHER)?.code).toBe('SOURCE_UNAVAILABLE');
    // Without a report the read fails whole, as it would without a cache.
    await expect(t.read([NIN, OTHER])).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    // Beyond the window nothing stands in.
    t.advance(10_000);
    await expect(t.read([NIN])).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });

  it('forgets what it holds for a patient when the source says it changed', async () => {
    const t = setup();
    await t.read([NIN]);
    t.bump();
    await t.cache.invalidate(t.instance, ['care-record'], [NIN]);
    expect((await t.read([NIN])).get(NIN)?.version).toBe(2);
    expect(t.calls).toHaveLength(2);
  });
});
