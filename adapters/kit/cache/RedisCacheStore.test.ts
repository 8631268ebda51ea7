import { Cluster } from 'ioredis';
import { createLogger } from '../../../lib/logger';
import { metrics } from '../../../lib/metrics';
import { startPrivateRedis, type PrivateRedis } from '../../../scripts/privateRedis';
import { createCacheStore, describeCacheStore, redisClient, RedisCacheStore } from './CacheStore';

/** The Redis store against a real, private Redis server that the test stops and starts. */
const logger = createLogger('test');
let redis: PrivateRedis;
let store: RedisCacheStore;

async function until(condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (await condition()) return;
  throw new Error('condition not met in time');
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  store = new RedisCacheStore(redisClient(redis.url), logger);
  await until(() => store.available());
}, 30_000);

afterAll(async () => {
  await store?.close();
  await redis?.stop();
});

describe('the Redis cache store', () => {
  it('keeps values for their TTL, and forgets them when told', async () => {
    await store.setMany([
      { key: 'pg:t:a', value: 'sealed-a', ttlMs: 60_000 },
      { key: 'pg:t:b', value: 'sealed-b', ttlMs: 1 },
    ]);
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.getMany(['pg:t:a', 'pg:t:b', 'pg:t:c'])).toEqual(new Map([['pg:t:a', 'sealed-a']]));
    await store.del(['pg:t:a']);
    expect((await store.getMany(['pg:t:a'])).size).toBe(0);
  });

  it('answers nothing, without failing, while Redis is down, and comes back by itself', async () => {
    await store.setMany([{ key: 'pg:t:kept', value: 'v', ttlMs: 60_000 }]);
    await redis.stop();
    await until(() => !store.available());
    expect((await store.getMany(['pg:t:kept'])).size).toBe(0);
    await expect(store.setMany([{ key: 'pg:t:x', value: 'v', ttlMs: 1000 }])).resolves.toBeUndefined();
    await redis.start();
    await until(() => store.available());
    await store.setMany([{ key: 'pg:t:back', value: 'v', ttlMs: 60_000 }]);
    expect(await store.getMany(['pg:t:back'])).toEqual(new Map([['pg:t:back', 'v']]));
  }, 30_000);

  it('is chosen by REDIS_URL, in-process memory without it, and described without a password', async () => {
    metrics().cacheStoreUp.set(0);
    const memory = createCacheStore(logger, {});
    expect(memory.kind).toBe('memory');
    // An in-process store is up while its process is: the gauge says 1, not the 0 that alerts.
    expect(await metrics().registry.getSingleMetricAsString('patient_graph_cache_store_up')).toMatch(/^patient_graph_cache_store_up 1$/m);
    expect(describeCacheStore({ REDIS_URL: 'redis://user:secret@cache:6379/0' })).toBe('redis at cache:6379');
    expect(describeCacheStore({ REDIS_URL: 'redis-sentinel://:secret@s1:26379,s2:26379/primary' })).toBe('redis-sentinel at s1:26379,s2:26379');
    expect(describeCacheStore({})).toMatch(/in-process memory/);
  });

  it('understands the cluster and sentinel forms of REDIS_URL', async () => {
    const cluster = redisClient('redis-cluster://127.0.0.1:7000,127.0.0.1:7001', { lazyConnect: true });
    expect(cluster).toBeInstanceOf(Cluster);
    cluster.disconnect();
    const sentinel = redisClient('redis-sentinel://:pw@127.0.0.1:26379,127.0.0.1:26380/primary?db=2', { lazyConnect: true });
    expect(sentinel.options).toEqual(expect.objectContaining({ name: 'primary', db: 2, password: 'pw', sentinels: [{ host: '127.0.0.1', port: 26379 }, { host: '127.0.0.1', port: 26380 }] }));
    sentinel.disconnect();
  });
});
