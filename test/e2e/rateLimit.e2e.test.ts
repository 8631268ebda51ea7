import { existsSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/privateRedis';
import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Readers limited (issue 19): one token bucket per reader over two gateway processes, the Apollo engine and Hive
 * Gateway, shared through a real Redis. A tiny bucket (three requests, refilled at one per 100 s) so that no
 * refill falls inside the test: the fourth request from one reader is refused by whichever gateway it reaches,
 * with 429 and Retry-After, while another reader goes on; nothing refused is read or logged. And every answer
 * carries its cost.
 */
jest.setTimeout(180_000);

let redis: PrivateRedis;
let system: TestSystem;
let hive: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  system = await TestSystem.start({
    env: { REDIS_URL: redis.url, RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_SECOND: '0.01' },
    extraGateways: [{ name: 'hive', script: 'gateway/hive/main.ts', env: { HIVE_RUNTIME: 'default' } }],
  });
  hive = system.system.extraGatewayUrls.hive?.graphql as string;
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await redis?.stop();
});

const ingrid = demoPatient('homeCare');
const QUERY = 'query($nin: String!) { patient(nin: $nin) { name { text } careRecord { visits(last: 5) { time } } } }';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: { patient?: { name?: { text?: string } } } | null; errors?: { extensions?: { code?: string; retryAfterSeconds?: number } }[]; extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; maximumQueryCost: number } } };
}

async function ask(url: string, persona: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await system.token(persona)}` },
    body: JSON.stringify({ query: QUERY, variables: { nin: ingrid.nin } }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const logLines = () => {
  const file = system.system.auditLogFile as string;
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
};

it('refuses a reader over the limit from either gateway, lets another reader on, and logs only what was read', async () => {
  const apollo = system.system.gatewayUrl;
  const before = logLines();
  const allowed = [await ask(apollo, 'emergency-physician'), await ask(hive, 'emergency-physician'), await ask(apollo, 'emergency-physician')];
  for (const answer of allowed) {
    expect(answer.status).toBe(200);
    expect(answer.body.data?.patient?.name?.text).toBe(`${ingrid.givenName} ${ingrid.familyName}`);
  }
  expect(allowed.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0']);
  const logged = logLines() - before;
  expect(logged).toBeGreaterThan(0);

  // The bucket is the reader's over both processes: the fourth is refused whichever gateway it reaches.
  for (const url of [hive, apollo]) {
    const refused = await ask(url, 'emergency-physician');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(Number(refused.headers.get('retry-after')));
    expect(refused.body.data).toBeUndefined();
  }
  // Refused before anything was read: the access log holds exactly the three reads.
  expect(logLines() - before).toBe(logged);

  // Another reader has a bucket of their own.
  const nurse = await ask(hive, 'home-care-nurse');
  expect(nurse.status).toBe(200);
  expect(nurse.body.data?.patient?.name?.text).toBe(`${ingrid.givenName} ${ingrid.familyName}`);

  // The buckets in Redis are keyed by an HMAC: no identity number, no HPR number in a key.
  const client = new Redis(redis.url);
  try {
    const keys = await client.keys('pg:rate:*');
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(/^pg:rate:[A-Za-z0-9_-]{43}$/);
  } finally {
    client.disconnect();
  }
});

it('answers with its estimated and actual cost on both engines', async () => {
  const apollo = await ask(system.system.gatewayUrl, 'gp');
  const onHive = await ask(hive, 'gp');
  for (const answer of [apollo, onHive]) {
    const cost = answer.body.extensions?.cost;
    expect(cost?.maximumQueryCost).toBe(200_000);
    // Five visits asked for; what came back costs no more than the estimate, and something.
    expect(cost?.requestedQueryCost).toBeGreaterThan(0);
    expect(cost?.actualQueryCost).toBeGreaterThan(0);
    expect(cost?.actualQueryCost).toBeLessThanOrEqual(cost?.requestedQueryCost as number);
  }
  expect(onHive.body.extensions?.cost).toEqual(apollo.body.extensions?.cost);
});
