import { createHmac } from 'node:crypto';
import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import type { Identity } from '../../lib/identity';
import type { Logger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import { redisClient, type RedisConnection } from '../../lib/redis';
import type { Authenticated } from '../auth/authenticate';

/**
 * How often one reader may ask: a token bucket per reader, `burst` requests at once and `perSecond` more each
 * second. A request over it is answered 429 with `Retry-After` (RATE_LIMITED) before its body is read, so it reads
 * nothing and logs nothing: every clinical read that runs runs whole, and the access log holds exactly what was read.
 *
 * The buckets live in Redis when REDIS_URL is set (one bucket per reader over every gateway replica, refilled by
 * Redis's clock in one Lua script, so replicas need no common clock), else in this process. While Redis does not
 * answer, requests go through (care is not refused because a limiter is down) and the failure is counted and logged.
 *
 * A reader is keyed by an HMAC of who they are (issuer, HPR number or the citizen's identity number, organisation)
 * under the access log's pseudonym key: no identity number in a key.
 */
export interface RateSettings {
  burst: number;
  perSecond: number;
}

/** Generous for a person at a screen (a worklist of 100 patients is one request), tight for a script gone wrong. */
export const DEFAULT_RATE: Readonly<RateSettings> = { burst: 300, perSecond: 30 };

/** RATE_LIMIT=off, or RATE_LIMIT_BURST (a positive whole number) and RATE_LIMIT_PER_SECOND (positive; 0.1 is one every ten seconds). */
export function rateSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RateSettings | undefined {
  const mode = env.RATE_LIMIT?.trim() || 'on';
  if (mode !== 'on' && mode !== 'off') throw new Error(`RATE_LIMIT must be on or off (got ${JSON.stringify(mode.slice(0, 20))})`);
  if (mode === 'off') return undefined;
  const read = (name: string, fallback: number, whole: boolean) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!(value > 0 && Number.isFinite(value)) || (whole && !Number.isSafeInteger(value))) {
      throw new Error(`${name} must be a positive ${whole ? 'whole ' : ''}number (got ${JSON.stringify(raw.slice(0, 20))})`);
    }
    return value;
  };
  return { burst: read('RATE_LIMIT_BURST', DEFAULT_RATE.burst, true), perSecond: read('RATE_LIMIT_PER_SECOND', DEFAULT_RATE.perSecond, false) };
}

export interface Taken {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** When a refused request may try again. */
  retryAfterMs: number;
}

export interface BucketStore {
  take(key: string, settings: RateSettings): Promise<Taken>;
  close(): Promise<void>;
}

/** The arithmetic both stores share: the bucket as it is now, and one request taken from it if it holds one. */
export function takeFrom(bucket: { tokens: number; at: number } | undefined, now: number, settings: RateSettings): { bucket: { tokens: number; at: number }; taken: Taken } {
  const tokens = Math.min(settings.burst, (bucket?.tokens ?? settings.burst) + (bucket ? Math.max(0, now - bucket.at) / 1000 : 0) * settings.perSecond);
  const allowed = tokens >= 1;
  const left = allowed ? tokens - 1 : tokens;
  return {
    bucket: { tokens: left, at: now },
    taken: { allowed, remaining: Math.floor(left), retryAfterMs: allowed ? 0 : Math.ceil(((1 - left) / settings.perSecond) * 1000) },
  };
}

/** In this process: an LRU of buckets (a bucket untouched for long is full again, so forgetting it changes nothing). */
export class MemoryBuckets implements BucketStore {
  private readonly buckets = new LRUCache<string, { tokens: number; at: number }>({ max: 100_000 });

  constructor(private readonly clock: () => number = Date.now) {}

  async take(key: string, settings: RateSettings): Promise<Taken> {
    const { bucket, taken } = takeFrom(this.buckets.get(key), this.clock(), settings);
    this.buckets.set(key, bucket);
    return taken;
  }

  async close(): Promise<void> {}
}

/**
 * The same bucket in Redis, read, refilled and taken from in one script (atomic, by Redis's own clock). The key
 * expires once a bucket would be full again.
 */
const TAKE = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if state[1] then tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) / 1000 * rate) end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local retry = 0
if allowed == 0 then retry = math.ceil((1 - tokens) / rate * 1000) end
return { allowed, math.floor(tokens), retry }
`;

type WithTake = RedisConnection & { patientGraphTakeBucket(key: string, burst: number, perSecond: number): Promise<[number, number, number]> };

export class RedisBuckets implements BucketStore {
  private readonly client: WithTake;

  constructor(client: RedisConnection) {
    // A defined command goes by EVALSHA (the script is sent once per connection, not with every request).
    client.defineCommand('patientGraphTakeBucket', { numberOfKeys: 1, lua: TAKE });
    this.client = client as WithTake;
  }

  async take(key: string, settings: RateSettings): Promise<Taken> {
    const [allowed, remaining, retryAfterMs] = await this.client.patientGraphTakeBucket(key, settings.burst, settings.perSecond);
    return { allowed: allowed === 1, remaining, retryAfterMs };
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}

export function bucketStoreFromEnv(env: NodeJS.ProcessEnv = process.env): BucketStore {
  const url = env.REDIS_URL?.trim();
  return url ? new RedisBuckets(redisClient(url)) : new MemoryBuckets();
}

/** Who a request is, as a bucket key: an HMAC of the reader's identity claims, never the claims. */
export function readerKey(identity: Identity, key: Buffer): string {
  const claims = identity.kind === 'CITIZEN' ? ['CITIZEN', identity.issuer, identity.pid] : ['PERSONNEL', identity.issuer, identity.hprNumber, identity.orgNumber, identity.childOrgNumber, identity.role];
  return `pg:rate:${createHmac('sha256', key).update(JSON.stringify(claims)).digest('base64url')}`;
}

/** The express middleware, after authentication: 429 with Retry-After over the limit, RateLimit-* headers always. */
export function rateLimit(settings: RateSettings, store: BucketStore, pseudonymKey: Buffer, logger: Logger): RequestHandler {
  let lastWarning = 0;
  // While the shared store is down, each replica limits on its own: care goes on, and nobody loses the limit by making
  // Redis slow or unreachable (the limit then holds per replica, not across them).
  const fallback = store instanceof MemoryBuckets ? store : new MemoryBuckets();
  const take = (key: string) =>
    store.take(key, settings).catch((error: unknown) => {
      metrics().cacheErrors.inc({ operation: 'rate-limit' });
      if (Date.now() - lastWarning > 60_000) {
        lastWarning = Date.now();
        logger.warn({ err: { message: (error as Error).message } }, 'rate-limit store unavailable: each replica limits on its own until it answers');
      }
      return fallback.take(key, settings);
    });
  return (req, res, next) => {
    const auth = res.locals.auth as Authenticated | undefined;
    if (!auth) return next();
    take(readerKey(auth.identity, pseudonymKey)).then(
      (taken) => {
        res.set('RateLimit-Limit', String(settings.burst)).set('RateLimit-Remaining', String(taken.remaining));
        if (taken.allowed) return next();
        const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
        metrics().limitRefusals.inc({ limit: 'rate' });
        res
          .status(429)
          .set('Retry-After', String(seconds))
          .json({
            errors: [
              {
                message: `Too many requests from this reader: at most ${settings.burst} at once and ${settings.perSecond} a second. Try again in ${seconds} s.`,
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: seconds, limit: { burst: settings.burst, perSecond: settings.perSecond } },
              },
            ],
          });
      },
      // Not even the replica's own buckets answered (a fault of ours): care first, the request goes through.
      () => next(),
    );
  };
}
