import { redisClient, type RedisConnection } from '../lib/redis';
import { startPrivateRedis, type PrivateRedis } from '../scripts/privateRedis';
import { MemoryQuestionBudget, questionBudgetSettings, questionDigest, RedisQuestionBudget, type QuestionBudget } from './questionBudget';

let redis: PrivateRedis;
let client: RedisConnection;

beforeAll(async () => {
  redis = await startPrivateRedis();
  client = redisClient(redis.url);
}, 30_000);

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

const question = (n: number) => ({ groupBy: ['MUNICIPALITY', 'AGE_BAND'], filter: { ageBands: [['0-17', '18-49', '50-66', '67-74'][n]] }, measure: 'COUNT' });

describe.each([
  ['in process', () => new MemoryQuestionBudget({ perPeriod: 3, periodMs: 60_000 })],
  ['in Redis, shared by replicas', () => new RedisQuestionBudget(client, { perPeriod: 3, periodMs: 60_000 }, `test:questions:${Date.now()}:${Math.random()}`)],
] as [string, () => QuestionBudget][])('the budget of distinct questions, %s', (_name, make) => {
  it('counts each new question once, answers a question asked before for free, and refuses a new one over the budget', async () => {
    const budget = make();
    expect(await budget.take('project-a', question(0))).toBe(true);
    expect(await budget.take('project-a', question(1))).toBe(true);
    expect(await budget.take('project-a', question(2))).toBe(true);
    // Spent: a fourth question is refused, the three asked are still answered, and the key order does not matter.
    expect(await budget.take('project-a', question(3))).toBe(false);
    expect(await budget.take('project-a', question(1))).toBe(true);
    expect(await budget.take('project-a', { measure: 'COUNT', filter: { ageBands: ['0-17'] }, groupBy: ['MUNICIPALITY', 'AGE_BAND'] })).toBe(true);
    // Another project has a budget of its own.
    expect(await budget.take('project-b', question(3))).toBe(true);
  });
});

it('forgets questions older than the period (in process, by its clock)', async () => {
  let now = 0;
  const budget = new MemoryQuestionBudget({ perPeriod: 1, periodMs: 1000 }, () => now);
  expect(await budget.take('p', question(0))).toBe(true);
  expect(await budget.take('p', question(1))).toBe(false);
  now = 1000;
  expect(await budget.take('p', question(1))).toBe(true);
});

it('a budget shared by two replicas in Redis counts once', async () => {
  const prefix = `test:shared:${Date.now()}`;
  const [a, b] = [new RedisQuestionBudget(client, { perPeriod: 2, periodMs: 60_000 }, prefix), new RedisQuestionBudget(client, { perPeriod: 2, periodMs: 60_000 }, prefix)];
  const answers = await Promise.all([0, 1, 2, 3].map((n) => (n % 2 ? a : b).take('p', question(n))));
  expect(answers.filter(Boolean)).toHaveLength(2);
  expect(questionDigest({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe(questionDigest({ a: [2, { c: 2, d: 1 }], b: 1 }));
});

it('takes its settings from the environment, and refuses nonsense', () => {
  expect(questionBudgetSettings({})).toEqual({ perPeriod: 100, periodMs: 30 * 86_400_000 });
  expect(questionBudgetSettings({ RESEARCH_QUESTIONS_PER_PERIOD: '5', RESEARCH_QUESTION_PERIOD_DAYS: '1' })).toEqual({ perPeriod: 5, periodMs: 86_400_000 });
  expect(() => questionBudgetSettings({ RESEARCH_QUESTIONS_PER_PERIOD: '0' })).toThrow(/RESEARCH_QUESTIONS_PER_PERIOD/);
  expect(() => questionBudgetSettings({ RESEARCH_QUESTION_PERIOD_DAYS: 'x' })).toThrow(/RESEARCH_QUESTION_PERIOD_DAYS/);
});
