import { LRUCache } from 'lru-cache';
import type { Logger } from '../../../lib/logger';
import { metrics } from '../../../lib/metrics';
import { redisClient, type RedisConnection } from '../../../lib/redis';

export { redisClient };

/**
 * Where the source cache keeps its (already encrypted) values: Redis, shared by every process and replica,
 * or an in-process LRU when REDIS_URL is not set. A store never fails a read: when Redis is down or slow,
 * `get` answers nothing and `set` does nothing, a warning and a metric say so, and the client reconnects by
 * itself, so an outage makes the graph slower, not wrong.
 */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  /** Values by key; a key that is missing, expired or could not be read is absent. */
  getMany(keys: readonly string[]): Promise<Map<string, string>>;
  setMany(entries: readonly { key: string; value: string; ttlMs: number }[]): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
  /**
   * Sets a key only if it is absent: true when this call set it, false when it was there, undefined when the
   * store could not say (Redis down). For what must happen once across processes (a change notice's nonce).
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean | undefined>;
  /** True while the store answers (always for memory). */
  available(): boolean;
  close(): Promise<void>;
}

export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly lru: LRUCache<string, string>;

  /** `maxBytes`: the most the values may take together (strings counted at two bytes a character). */
  constructor(maxBytes = 64 * 1024 * 1024) {
    this.lru = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (v, k) => 2 * (v.length + k.length) || 1 });
  }

  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const key of keys) {
      const value = this.lru.get(key);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  }

  async setMany(entries: readonly { key: string; value: string; ttlMs: number }[]): Promise<void> {
    for (const e of entries) this.lru.set(e.key, e.value, { ttl: e.ttlMs });
  }

  async del(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.lru.delete(key);
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    if (this.lru.has(key)) return false;
    this.lru.set(key, '1', { ttl: ttlMs });
    return true;
  }

  available(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

type Client = RedisConnection;

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  private up = false;
  private lastWarning = 0;

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
  ) {
    client.on('ready', () => {
      if (!this.up) logger.info({ cache: 'redis' }, 'cache store connected');
      this.up = true;
      metrics().cacheStoreUp.set(1);
    });
    // ioredis reconnects by itself; the store only notes that it is down meanwhile.
    client.on('error', (error: Error & { code?: string }) => this.down('error', error.code));
    client.on('end', () => this.down('closed'));
    client.on('reconnecting', () => this.down('reconnecting'));
  }

  private down(reason: string, code?: string): void {
    this.up = false;
    metrics().cacheStoreUp.set(0);
    // One warning per ten seconds: an outage must be seen, not flood the log.
    const now = Date.now();
    if (now - this.lastWarning > 10_000) {
      this.lastWarning = now;
      this.logger.warn({ cache: 'redis', reason, code }, 'cache store unavailable: reading from the sources');
    }
  }

  private failed(operation: string, error: unknown): void {
    metrics().cacheErrors.inc({ operation });
    this.down(`${operation} failed`, (error as { code?: string })?.code ?? ((error as Error)?.message?.includes('timed out') ? 'TIMEOUT' : undefined));
  }

  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0 || !this.up) return found;
    try {
      // One key per command in a pipeline: MGET would fail across slots on a Redis Cluster.
      const pipeline = this.client.pipeline();
      for (const key of keys) pipeline.get(key);
      const answers = (await pipeline.exec()) ?? [];
      answers.forEach(([error, value], i) => {
        const key = keys[i];
        if (!error && typeof value === 'string' && key) found.set(key, value);
      });
    } catch (error) {
      this.failed('get', error);
    }
    return found;
  }

  async setMany(entries: readonly { key: string; value: string; ttlMs: number }[]): Promise<void> {
    if (entries.length === 0 || !this.up) return;
    try {
      const pipeline = this.client.pipeline();
      for (const e of entries) pipeline.set(e.key, e.value, 'PX', Math.max(1, Math.round(e.ttlMs)));
      await pipeline.exec();
    } catch (error) {
      this.failed('set', error);
    }
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean | undefined> {
    if (!this.up) return undefined;
    try {
      return (await this.client.set(key, '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
    } catch (error) {
      this.failed('set', error);
      return undefined;
    }
  }

  async del(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      const pipeline = this.client.pipeline();
      for (const key of keys) pipeline.del(key);
      await pipeline.exec();
    } catch (error) {
      this.failed('del', error);
      // An invalidation that did not reach Redis must not pass for done.
      throw error;
    }
  }

  available(): boolean {
    return this.up;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/** The store the environment asks for: Redis with REDIS_URL, else in-process memory. */
export function createCacheStore(logger: Logger, env: NodeJS.ProcessEnv = process.env): CacheStore {
  const url = env.REDIS_URL?.trim();
  if (url) return new RedisCacheStore(redisClient(url), logger);
  // In process, the store is up for as long as the process is: the gauge must not alert for nothing.
  metrics().cacheStoreUp.set(1);
  return new MemoryCacheStore();
}

/** Where the cache lives, for start-up logs: never the password. */
export function describeCacheStore(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.REDIS_URL?.trim();
  if (!url) return 'in-process memory (REDIS_URL not set)';
  const hosts = /^[a-z-]+:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url)?.[1] ?? '(unparsed)';
  return `${url.split(':')[0]} at ${hosts}`;
}
