import { createHash } from 'node:crypto';
import type { RedisConnection } from '../lib/redis';

/**
 * A project's budget of distinct questions: at most RESEARCH_QUESTIONS_PER_PERIOD (default 100) different aggregate
 * definitions per requester in RESEARCH_QUESTION_PERIOD_DAYS (default 30). The cell key method makes one question's
 * noise the same every time it is asked, so asking the same question again teaches nothing and costs nothing; but
 * averaging the margins of many overlapping tables wears the noise down (research/disclosure's averaging attack recovers
 * a target in 29–50 % of tries with every margin of two tables). A bound on distinct questions bounds that, as a privacy
 * budget does, and what it counts is the definition's digest: nothing of any person.
 *
 * In Redis (a sorted set per requester, scored by time) when the engine is, so that every replica and restart counts
 * alike; in process otherwise.
 */
export interface QuestionBudget {
  /**
   * Counts the definition against the requester's budget: true if it is within (a question asked before in the period is
   * free), false if the budget for the period is spent (nothing is counted then).
   */
  take(requester: string, definition: unknown): Promise<boolean>;
}

export interface QuestionBudgetSettings {
  perPeriod: number;
  periodMs: number;
}

export function questionBudgetSettings(env: NodeJS.ProcessEnv = process.env): QuestionBudgetSettings {
  const perPeriod = Number(env.RESEARCH_QUESTIONS_PER_PERIOD ?? 100);
  const days = Number(env.RESEARCH_QUESTION_PERIOD_DAYS ?? 30);
  if (!Number.isInteger(perPeriod) || perPeriod < 1 || perPeriod > 100_000) throw new Error('RESEARCH_QUESTIONS_PER_PERIOD must be a whole number from 1 to 100000');
  if (!Number.isFinite(days) || days <= 0 || days > 3660) throw new Error('RESEARCH_QUESTION_PERIOD_DAYS must be a number of days above 0');
  return { perPeriod, periodMs: days * 86_400_000 };
}

/** The digest of a definition: its JSON with keys in canonical order. */
export function questionDigest(definition: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])])) : value;
  return createHash('sha256').update(JSON.stringify(canonical(definition))).digest('base64url');
}

export class MemoryQuestionBudget implements QuestionBudget {
  private readonly asked = new Map<string, Map<string, number>>();

  constructor(
    private readonly settings: QuestionBudgetSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async take(requester: string, definition: unknown): Promise<boolean> {
    const now = this.now();
    const mine = this.asked.get(requester) ?? new Map<string, number>();
    for (const [digest, at] of mine) if (at <= now - this.settings.periodMs) mine.delete(digest);
    this.asked.set(requester, mine);
    const digest = questionDigest(definition);
    if (mine.has(digest)) return true;
    if (mine.size >= this.settings.perPeriod) return false;
    mine.set(digest, now);
    return true;
  }
}

/**
 * One atomic step in Redis (by Redis's clock): forget what is older than the period, then a question asked before is
 * free, a new one is counted if the budget allows.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1`;

export class RedisQuestionBudget implements QuestionBudget {
  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: QuestionBudgetSettings,
    private readonly prefix = 'pg:research:questions',
  ) {}

  async take(requester: string, definition: unknown): Promise<boolean> {
    // The connection does not queue commands while it connects (lib/redis.ts): wait for it, a little.
    if (this.redis.status !== 'ready') await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Redis is not reachable for the question budget')), 3000);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const within = await this.redis.eval(TAKE, 1, `${this.prefix}:${requester}`, questionDigest(definition), String(this.settings.periodMs), String(this.settings.perPeriod));
    return within === 1;
  }
}
