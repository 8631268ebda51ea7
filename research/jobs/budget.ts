import type { IRedisClient } from 'bullmq';
import { sleep } from './shape';
import { JobError, type SourceBudget, type SourceBudgetSettings } from './types';

/**
 * Research's budget for each legacy system, so that research never takes more than its share of a source's capacity
 * from care: care's reads do not pass through it (they go first, always); research's wait here.
 *
 * A sliding window of grants per source: at most `limit` calls in any `windowMs`. With research's rate r = share ×
 * capacity at 1 call a second or more, the window is a second and the limit r rounded down (so no one-second span
 * ever holds more than r research calls, not just on average, which a token bucket would allow twice over at a
 * refill's edge); below 1 a second, one call per 1/r seconds. Shared by every worker through Redis with the BullMQ
 * engine (one Lua script, Redis's clock), in memory for the in-process engine.
 */
export interface Window {
  limit: number;
  windowMs: number;
}

const SOURCE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
/** A call count this large is a mistake: a batch is asked of a source in one call, or a few. */
const MAX_CALLS = 100_000;

export function windowOf(settings: SourceBudgetSettings, sourceId: string): Window {
  if (!(settings.share > 0 && settings.share <= 1)) throw new Error(`research's share of a source must be above 0 and at most 1 (got ${settings.share})`);
  const capacity = settings.callsPerSecond(sourceId);
  if (!(capacity > 0 && Number.isFinite(capacity))) throw new Error(`the capacity of source ${sourceId} must be a positive number of calls a second (got ${capacity})`);
  const rate = settings.share * capacity;
  const limit = Math.max(1, Math.floor(rate));
  return { limit, windowMs: Math.max(1000, Math.ceil((limit / rate) * 1000)) };
}

function checkTake(sourceId: string, calls: number): void {
  if (typeof sourceId !== 'string' || !SOURCE_ID.test(sourceId)) throw new JobError('BAD_USER_INPUT', 'A source id is 1 to 100 letters, digits and _.:-');
  if (!Number.isSafeInteger(calls) || calls < 1 || calls > MAX_CALLS) throw new JobError('BAD_USER_INPUT', `calls must be a whole number from 1 to ${MAX_CALLS}`);
}

/** One store's answer: granted at `at`, or to be asked again after `waitMs`. */
type Attempt = { granted: true; at: number } | { granted: false; waitMs: number };

abstract class WindowBudget implements SourceBudget {
  constructor(protected readonly settings: SourceBudgetSettings) {}

  protected abstract attempt(sourceId: string, calls: number, window: Window): Promise<Attempt>;

  async take(sourceId: string, calls = 1, signal?: AbortSignal): Promise<void> {
    checkTake(sourceId, calls);
    const window = windowOf(this.settings, sourceId);
    // More calls than a window holds are granted a window's worth at a time.
    for (let left = calls; left > 0; ) {
      const chunk = Math.min(left, window.limit);
      for (;;) {
        signal?.throwIfAborted();
        const answer = await this.attempt(sourceId, chunk, window);
        if (answer.granted) {
          this.settings.onGrant?.({ sourceId, calls: chunk, at: answer.at });
          break;
        }
        // A little jitter, so that workers waiting for the same source do not all ask again at the same millisecond.
        await sleep(Math.min(answer.waitMs, window.windowMs) + Math.floor(Math.random() * 20), signal);
      }
      left -= chunk;
    }
  }
}

/** In this process: each source's grant times of the last window. */
export class MemorySourceBudget extends WindowBudget {
  private readonly grants = new Map<string, number[]>();

  constructor(
    settings: SourceBudgetSettings,
    private readonly now: () => number = Date.now,
  ) {
    super(settings);
  }

  protected async attempt(sourceId: string, calls: number, { limit, windowMs }: Window): Promise<Attempt> {
    const now = this.now();
    const kept = (this.grants.get(sourceId) ?? []).filter((at) => at > now - windowMs);
    this.grants.set(sourceId, kept);
    if (kept.length + calls <= limit) {
      for (let i = 0; i < calls; i++) kept.push(now);
      return { granted: true, at: now };
    }
    const must = kept[kept.length + calls - limit - 1] ?? now;
    return { granted: false, waitMs: Math.max(1, must + windowMs - now) };
  }
}

/**
 * The window in Redis: a sorted set of grants per source (score: Redis's clock in milliseconds; member: the time and
 * the grant's place in the window, unique), pruned to the window, and the calls granted only when they fit. KEYS: the
 * source's set. ARGV: calls, limit, window in milliseconds. Answers {1, time granted} or {0, milliseconds to wait}.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local calls = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count + calls <= limit then
  for i = 1, calls do redis.call('ZADD', KEYS[1], now, now .. '-' .. (count + i)) end
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  return {1, now}
end
local must = redis.call('ZRANGE', KEYS[1], count + calls - limit - 1, count + calls - limit - 1, 'WITHSCORES')
local wait = 1
if must[2] then wait = math.max(1, tonumber(must[2]) + window - now) end
return {0, wait}`;

const COMMAND = 'pgJobsBudgetTake';

/** The window shared by every worker: one Redis, one clock, so the share holds over all of them together. */
export class RedisSourceBudget extends WindowBudget {
  constructor(
    private readonly client: IRedisClient,
    private readonly keyPrefix: string,
    settings: SourceBudgetSettings,
  ) {
    super(settings);
    // A defined command goes by EVALSHA: the script is sent once per connection.
    client.defineCommand(COMMAND, { numberOfKeys: 1, lua: TAKE });
  }

  protected async attempt(sourceId: string, calls: number, { limit, windowMs }: Window): Promise<Attempt> {
    const [granted, value] = (await this.client.runCommand(COMMAND, [`${this.keyPrefix}:budget:${sourceId}`, calls, limit, windowMs])) as [number, number];
    return granted === 1 ? { granted: true, at: value } : { granted: false, waitMs: value };
  }
}
