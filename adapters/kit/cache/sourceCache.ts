import { LRUCache } from 'lru-cache';
import type { CachePolicy, InstanceConfig } from '../../../lib/config';
import type { Logger } from '../../../lib/logger';
import { metrics } from '../../../lib/metrics';
import type { ReadCall, ReadMiddleware, ReadNext, ReadResult } from '../AdapterKit';
import { classify } from '../AdapterKit';
import type { SourceError } from '../errors';
import type { CacheCrypto } from './CacheCrypto';
import type { CacheStore } from './CacheStore';

/**
 * The source cache, as kit middleware around every legacy read, so every adapter gets it:
 * 1. request-scoped: what one client request has read is read once, whatever its aliases and plan steps
 *    (in process memory only, for the request's life: this holds even for sources that forbid caching);
 * 2. shared and sealed: answers the source lets us keep are stored (encrypted, under keyed-hash keys) in
 *    Redis or the in-process LRU for the instance's TTL, per kind of data;
 * 3. one fetch per key in flight: concurrent readers of a key wait for one legacy call;
 * 4. stale if error: when the source fails, an answer younger than the instance's stale window is served
 *    and reported as stale, with its age.
 * A source that answers `Cache-Control: no-store`, `no-cache` or `private` is never stored in the shared
 * cache (the kit notes the header on the read). Failures are never cached.
 */
interface Entry<V> {
  v: V | null;
  /** When the source gave it (epoch ms). */
  at: number;
}

/**
 * How long a client request's reads are remembered when nobody says the request has ended (a subgraph in its
 * own process cannot know when the gateway's last step for a request is done): longer than any request should
 * take. A gateway with the subgraphs in its process ends each request's memory as its answer leaves (endRequest).
 */
const REQUEST_MEMORY_MS = 60_000;

export interface SourceCacheOptions {
  store: CacheStore;
  crypto: CacheCrypto;
  logger: Logger;
  now?: () => number;
}

export interface SourceCacheMiddleware extends ReadMiddleware {
  /** Forgets what the shared cache and this process hold for these keys. */
  invalidate(instance: InstanceConfig, operations: readonly string[], keys: readonly string[]): Promise<void>;
  /** Forgets what one client request has read (its answer has left): records are not kept past their request. */
  endRequest(requestId: string): void;
}

export function sourceCache(options: SourceCacheOptions): SourceCacheMiddleware {
  const { store, crypto } = options;
  const now = options.now ?? Date.now;
  // By request id, then by cache key: a request's memory goes at once when it ends (or its time is up).
  const requestMemory = new LRUCache<string, Map<string, Entry<unknown>>>({ max: 2_000, ttl: REQUEST_MEMORY_MS });
  // Reads in the air by flight key, and those that landed a moment ago with the time of their answer.
  const inFlight = new Map<string, { outcome: Promise<Entry<unknown> | SourceError>; landedAt?: number }>();

  const middleware = async <V>(call: ReadCall, next: ReadNext<V>): Promise<ReadResult<V>> => {
    const { instance, operation } = call;
    const policy = call.policy;
    const requestId = call.options.requestId;
    // Each key's keyed hash computed once per read (an HMAC each; a read looks a key up in several places).
    const hashed = new Map<string, string>();
    const cacheKey = (key: string) => {
      let hash = hashed.get(key);
      if (hash === undefined) hashed.set(key, (hash = crypto.keyFor('src', instance.id, operation, key)));
      return hash;
    };
    const memory = requestId ? requestMemory.get(requestId) : undefined;
    const result: ReadResult<V> = new Map();
    // Labelled by the sector alone where the read may only be named so (a strictly confidential patient).
    const count = (resultName: string, n: number) => n > 0 && metrics().cacheLookups.inc({ source: call.options.logAs ?? instance.id, operation, result: resultName }, n);

    // 1. What this request has read already.
    let missing: string[] = [];
    for (const key of call.keys) {
      const hit = memory?.get(cacheKey(key)) as Entry<V> | undefined;
      if (hit) result.set(key, hit.v);
      else missing.push(key);
    }
    // 2. The shared cache, for what is fresh.
    const stale = new Map<string, Entry<V>>();
    if (policy.ttlMs > 0 && missing.length > 0) {
      const sealed = await store.getMany(missing.map(cacheKey));
      const stillMissing: string[] = [];
      for (const key of missing) {
        const raw = sealed.get(cacheKey(key));
        const opened = raw === undefined ? undefined : crypto.open(cacheKey(key), raw);
        const entry = opened === undefined ? undefined : (JSON.parse(opened) as Entry<V>);
        if (entry && now() - entry.at < policy.ttlMs) {
          result.set(key, entry.v);
          remember(key, entry);
        } else {
          if (entry) stale.set(key, entry);
          stillMissing.push(key);
        }
      }
      count('hit', missing.length - stillMissing.length);
      missing = stillMissing;
    }
    if (missing.length === 0) return result;

    // 3. One fetch per key in flight in this process; the rest of the batch goes to the source. Readers share
    // a fetch only where they could share its answer: for data the cache may not keep, within one request
    // (and one purpose of use, which a source such as Kjernejournal logs with the read).
    const flightKey = (key: string) =>
      [cacheKey(key), call.options.purposeOfUse ?? '', policy.ttlMs > 0 ? '' : (requestId ?? Math.random().toString(36))].join('\u0000');
    const waitFor = new Map<string, Promise<Entry<unknown> | SourceError>>();
    const fetchNow: string[] = [];
    for (const key of missing) {
      const flight = inFlight.get(flightKey(key));
      if (flight && (flight.landedAt === undefined || now() - flight.landedAt < policy.ttlMs)) waitFor.set(key, flight.outcome);
      else fetchNow.push(key);
    }
    let settle: ((outcome: Map<string, Entry<V>> | SourceError) => void) | undefined;
    const flights = new Map<string, { outcome: Promise<Entry<unknown> | SourceError>; landedAt?: number }>();
    if (fetchNow.length > 0) {
      const fetched = new Promise<Map<string, Entry<V>> | SourceError>((resolve) => (settle = resolve));
      for (const key of fetchNow) {
        const perKey = { outcome: fetched.then((o) => (o instanceof Map ? (o.get(key) ?? { v: null, at: now() }) : o)) };
        inFlight.set(flightKey(key), perKey);
        flights.set(flightKey(key), perKey);
      }
    }
    // A flight ends once its answer is in the shared store (or it failed), and a fresh answer stays findable until the
    // I/O that landed it is done: a reader whose read of the store was answered just before the answer landed there
    // (Redis's two replies in one chunk, as under load) looks for a flight only after it landed, and still finds it
    // instead of asking the source again.
    const end = () => {
      for (const [ck, perKey] of flights) if (inFlight.get(ck) === perKey) inFlight.delete(ck);
    };
    const land = (at: number | undefined) => {
      if (at === undefined || policy.ttlMs <= 0) return end();
      for (const flight of flights.values()) flight.landedAt = at;
      setImmediate(end);
    };
    const failures = new Map<string, SourceError>();
    if (fetchNow.length > 0) {
      count(policy.ttlMs > 0 ? 'miss' : 'bypass', fetchNow.length);
      try {
        const answer = await next({ ...call, keys: fetchNow });
        const at = now();
        const entries = new Map(fetchNow.map((key) => [key, { v: answer.get(key) ?? null, at } as Entry<V>]));
        settle?.(entries);
        for (const [key, entry] of entries) {
          result.set(key, entry.v);
          remember(key, entry);
        }
        if (policy.ttlMs > 0 && !call.uncacheable()) {
          await store.setMany(
            [...entries].map(([key, entry]) => ({ key: cacheKey(key), value: crypto.seal(cacheKey(key), JSON.stringify(entry)), ttlMs: policy.ttlMs + policy.staleMs })),
          );
        }
        land(call.uncacheable() ? undefined : at);
      } catch (error) {
        const classified = classify(error, instance, instance.timeoutMs, options.logger);
        settle?.(classified);
        land(undefined);
        for (const key of fetchNow) failures.set(key, classified);
      }
    }
    for (const [key, pending] of waitFor) {
      const outcome = await pending;
      if ('code' in outcome) failures.set(key, outcome);
      else result.set(key, (outcome as Entry<V>).v);
    }
    if (failures.size === 0) return result;

    // 4. Stale if error: what the shared cache still holds within the stale window stands in.
    let firstFailure: SourceError | undefined;
    for (const [key, error] of failures) {
      const entry = stale.get(key);
      if (entry && now() - entry.at < policy.ttlMs + policy.staleMs) {
        result.set(key, entry.v);
        call.report?.stale.set(key, now() - entry.at);
        count('stale', 1);
      } else {
        firstFailure ??= error;
        call.report?.failed.set(key, error);
      }
    }
    // Without a report to say which keys failed, the read fails as a whole, as it would without a cache.
    if (firstFailure && !call.report) throw firstFailure;
    return result;

    function remember(key: string, entry: Entry<unknown>): void {
      if (!requestId) return;
      let held = requestMemory.get(requestId);
      if (!held) requestMemory.set(requestId, (held = new Map()));
      held.set(cacheKey(key), entry);
    }
  };

  return Object.assign(middleware as ReadMiddleware, {
    async invalidate(instance: InstanceConfig, operations: readonly string[], keys: readonly string[]): Promise<void> {
      const cacheKeys = operations.flatMap((op) => keys.map((key) => crypto.keyFor('src', instance.id, op, key)));
      await store.del(cacheKeys);
      // Every request's memory of these keys goes too, and a flight of them (in the air, or just landed): the next
      // reader asks the source.
      for (const held of requestMemory.values()) for (const key of cacheKeys) held.delete(key);
      const gone = new Set(cacheKeys);
      for (const ck of [...inFlight.keys()]) if (gone.has(ck.split('\u0000')[0] as string)) inFlight.delete(ck);
    },
    endRequest(requestId: string): void {
      requestMemory.delete(requestId);
    },
  });
}

export type { CachePolicy };
