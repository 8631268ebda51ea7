import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { CONFIG_DIR, instancesOf, loadSources } from '../../lib/config';
import { SIGNATURE_HEADER, signChangeNotice } from '../../lib/invalidation';
import { APPREC_PATH } from '../../simulators/care-plo';
import { PROFILES } from '../../simulators/gp-kith/dialects';
import { demoPatient, getPopulation } from '../../simulators/population';
import { SUMMARIES_PATH, TICKETS_PATH } from '../../simulators/summary-record';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/privateRedis';
import { errorAt, TestSystem, type GraphQLResponse, type InstanceStats } from './harness';

/**
 * The source cache, end to end, against a real (private) Redis: the whole system with SOURCE_CACHE on,
 * simulators on their real protocols. The sources file is the default one with three changes, so that
 * the tests need not wait long: care-askoy keeps answers 1 s fresh (then 10 minutes stale-if-error),
 * gp-fjord-midt keeps nothing and its breaker opens after 2 failures for 1 s.
 */
let redis: PrivateRedis;
let system: TestSystem;

const population = getPopulation();
const homeCare = demoPatient('homeCare');
const askoy = demoPatient('askoyHomeCare');
const nursingHome = demoPatient('nursingHome');
/** Patients no other test here reads, one per test that needs a cold cache. */
const spare = population.persons.filter((p) => p.demo === null && p.deceasedDate === null && p.gp !== null && p.careRecord !== null);

function testSourcesFile(): string {
  const sources = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8'));
  sources.instances['care-askoy'].cache = { ttlSeconds: 1, staleIfErrorSeconds: 600 };
  sources.instances['gp-fjord-midt'].cache = { ttlSeconds: 0, staleIfErrorSeconds: 0 };
  sources.instances['gp-fjord-midt'].resilience = { breakAfter: 2, halfOpenAfterSeconds: 1, retries: 0 };
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cache-e2e-')), 'sources.json');
  writeFileSync(file, JSON.stringify(sources));
  return file;
}

const invalidateUrl = () => new URL('/cache/invalidate', system.system.gatewayUrl).toString();
const healthUrl = () => system.system.healthUrl;

beforeAll(async () => {
  redis = await startPrivateRedis();
  system = await TestSystem.start({ sourcesFile: testSourcesFile(), env: { SOURCE_CACHE: 'on', REDIS_URL: redis.url } });
  await control('PUT', '/settings', { invalidationUrl: invalidateUrl() });
}, 120_000);

afterEach(async () => {
  await system.reset();
});

afterAll(async () => {
  await system?.stop();
  await redis?.stop();
});

async function control(method: string, route: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${system.system.controlUrl}${route}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until(condition: () => Promise<boolean>, ms = 15_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 100))) if (await condition()) return;
  throw new Error('condition not met in time');
}

/** Requests each simulated instance got while `run` ran (stats are reset first). */
async function callsDuring(run: () => Promise<unknown>): Promise<Record<string, InstanceStats>> {
  await system.reset();
  await run();
  return system.stats();
}

/** Where the KITH systems take application receipts, as the instance stats count routes. */
const RECEIPT_ROUTES = new Set([...Object.values(PROFILES).map((p) => `POST ${p.receipts.path}`), `POST ${APPREC_PATH}`]);

/**
 * Reads of data each instance got: every request but those for credentials (a hospital's OAuth token is
 * renewed when it runs out, whatever the test does) and the KITH systems' application receipts (sent after a read,
 * without it waiting).
 */
const requestsOf = (stats: Record<string, InstanceStats>) =>
  Object.fromEntries(
    Object.entries(stats).map(([id, s]) => [
      id,
      Object.entries(s.byRoute)
        .filter(([route]) => !route.endsWith('/oauth2/token') && !RECEIPT_ROUTES.has(route))
        .reduce((sum, [, n]) => sum + n, 0),
    ]),
  );

/** Signs and sends a change notice from a source, as the source would (secrets from the default config). */
async function notice(source: string, patients: string[], secret?: string): Promise<Response> {
  const instance = instancesOf(loadSources()).find((i) => i.id === source);
  const body = JSON.stringify({ source, patients });
  return fetch(invalidateUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signChangeNotice(secret ?? instance?.invalidationSecret ?? '', body) },
    body,
  });
}

// Every instance that can send change notices (the representation register keeps answers 60 s and sends none).
const forgetEverywhere = async (nin: string) => {
  for (const instance of instancesOf(loadSources()).filter((i) => i.invalidationSecret)) expect((await notice(instance.id, [nin])).status).toBe(200);
};

const SUMMARY = `
  name { text }
  careRecord { municipality services { type } }
  gpRecord { office consultations(last: 2) { time } }
  hospitalRecords { hospital }
  summaryRecord { criticalInformation { text } }
  medications { atc entries { kind } }
  sources { sourceId state dataAgeSeconds }`;
const QUERY = `query($nin: String!) { patient(nin: $nin) { ${SUMMARY} } }`;

type Patient = {
  name: { text: string } | null;
  careRecord: { municipality: string } | null;
  gpRecord: { office: string | null } | null;
  sources: { sourceId: string; state: string; dataAgeSeconds: number | null }[];
} & Record<string, unknown>;

const read = (nin: string, reader = 'emergency-physician') => system.query<{ patient: Patient }>(QUERY, { nin }, reader);
const withoutSources = (r: GraphQLResponse<{ patient: Patient }>) => ({ ...r.body.data?.patient, sources: undefined });

describe('the source cache, on a real Redis', () => {
  it('answers a second read from the cache: no legacy call but the summary record, which may not be kept', async () => {
    const first = await read(homeCare.nin, 'gp');
    expect(first.body.errors).toBeUndefined();
    const stats = await callsDuring(async () => {
      const second = await read(homeCare.nin, 'gp');
      expect(second.body.data).toEqual(first.body.data);
    });
    const calls = requestsOf(stats);
    // Kjernejournal answers `no-cache, private` and logs each read: its summary is read every time, on the
    // ticket held from the first read (one call, not two).
    expect(calls['summary-record']).toBe(1);
    expect(Object.keys(stats['summary-record']?.byRoute ?? {})).toEqual([`POST ${SUMMARIES_PATH}`]);
    expect({ ...calls, 'summary-record': 0 }).toEqual(Object.fromEntries(Object.keys(calls).map((id) => [id, 0])));
  });

  it('is shared across readers, but the access rules are not: a reader without grounds gets nothing from it', async () => {
    await read(homeCare.nin, 'gp');
    const stranger = await read(homeCare.nin, 'gp-midtbyen');
    expect(stranger.body.data?.patient?.careRecord ?? null).toBeNull();
    expect(stranger.body.data?.patient?.gpRecord ?? null).toBeNull();
    expect(errorAt(stranger, ['patient', 'careRecord'])?.extensions?.code).toBe('FORBIDDEN');
    const researcher = await read(homeCare.nin, 'researcher');
    expect(researcher.body.data?.patient?.careRecord ?? null).toBeNull();
    expect(researcher.body.errors?.length).toBeGreaterThan(0);
  });

  it('keeps no identity number or name in Redis keys or values, and nothing readable in the values', async () => {
    const readers = [homeCare, askoy, spare[0]!];
    for (const p of readers) await read(p.nin);
    const client = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    try {
      const keys = await client.keys('*');
      expect(keys.length).toBeGreaterThan(20);
      const values = await Promise.all(keys.map(async (k) => ((await client.type(k)) === 'string' ? ((await client.getBuffer(k)) ?? Buffer.alloc(0)) : Buffer.alloc(0))));
      const dump = [...keys, ...values.map((v) => v.toString('latin1'))].join('\n');
      // What must not be there, listed by what is found (the dump itself is not printed).
      const forbidden = [...readers.flatMap((p) => [p.nin, p.familyName, p.givenName]), 'Haukeland', 'medication', 'municipality', '"nin"'];
      expect(forbidden.filter((word) => dump.includes(word))).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('makes one legacy read per patient and source per request, whatever the aliases; concurrent requests share one', async () => {
    const p = spare[1]!;
    const one = requestsOf(await callsDuring(() => read(p.nin)));
    await forgetEverywhere(p.nin);
    const aliased = `query($nin: String!) { ${Array.from({ length: 10 }, (_, i) => `a${i}: patient(nin: $nin) { ${SUMMARY} }`).join(' ')} }`;
    const tenAliases = requestsOf(
      await callsDuring(async () => {
        const response = await system.query<Record<string, Patient>>(aliased, { nin: p.nin });
        expect(response.body.errors).toBeUndefined();
        expect(Object.keys(response.body.data ?? {})).toHaveLength(10);
      }),
    );
    // Kjernejournal's ticket from the first read is still held (a ticket is not data a change notice recalls).
    expect({ ...tenAliases, 'summary-record': 0 }).toEqual({ ...one, 'summary-record': 0 });
    expect(tenAliases['summary-record']).toBe(1);

    await forgetEverywhere(p.nin);
    const concurrent = requestsOf(await callsDuring(() => Promise.all(Array.from({ length: 8 }, () => read(p.nin)))));
    // Kjernejournal's summary is read per request (it may not be shared); every other source once for all eight.
    expect({ ...concurrent, 'summary-record': 0 }).toEqual({ ...one, 'summary-record': 0 });
  });

  it("forgets a patient when a source's signed change notice says the data changed, and refuses unsigned ones", async () => {
    const p = spare[2]!;
    const before = (await read(p.nin)).body.data?.patient?.name?.text;
    expect(before).toBe([p.givenName, p.middleName, p.familyName].filter(Boolean).join(' '));
    // A change the graph is not told about: the cached name stands (the cache really answers).
    await control('PUT', '/settings', { invalidationUrl: null });
    expect((await control('POST', '/instances/population-register/changes', { patients: [p.nin], set: { familyName: 'Endresen' } })).status).toBe(502);
    expect((await read(p.nin)).body.data?.patient?.name?.text).toBe(before);
    // The same change, with the notice delivered through the gateway: the next read has the new name.
    await control('PUT', '/settings', { invalidationUrl: invalidateUrl() });
    const changed = await control('POST', '/instances/population-register/changes', { patients: [p.nin], set: { familyName: 'Endresen' } });
    expect(changed).toEqual({ status: 200, body: { changed: 1, notice: { delivered: true, status: 200 } } });
    expect((await read(p.nin)).body.data?.patient?.name?.text).toContain('Endresen');

    expect((await notice('population-register', [p.nin], 'not-the-source-secret-at-all')).status).toBe(401);
    expect((await notice('no-such-source', [p.nin])).status).toBe(401);
    const garbage = await fetch(invalidateUrl(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"source":' });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('takes each change notice once: the same signed notice sent again is refused, at the gateway and at a subgraph', async () => {
    const p = spare[5]!;
    const instance = instancesOf(loadSources()).find((i) => i.id === 'population-register');
    const body = JSON.stringify({ source: 'population-register', patients: [p.nin] });
    const signature = signChangeNotice(instance?.invalidationSecret ?? '', body);
    const send = (url: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature }, body });
    expect((await send(invalidateUrl())).status).toBe(200);
    await read(p.nin);
    // Overheard and sent again within its five minutes: refused, and nothing is forgotten (the next read is cached).
    const replayed = await send(invalidateUrl());
    expect(replayed.status).toBe(409);
    expect(((await replayed.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('CHANGE_NOTICE_REPLAYED');
    const person = system.system.subgraphUrls.person as string;
    expect((await send(new URL('/cache/invalidate', person).toString())).status).toBe(409);
    const stats = await callsDuring(() => read(p.nin));
    expect(requestsOf(stats)['population-register'] ?? 0).toBe(0);
    // A notice signed in the old form, without a nonce, is not a notice at all.
    const timestamp = Math.floor(Date.now() / 1000);
    const oldForm = `t=${timestamp},v1=${createHmac('sha256', instance?.invalidationSecret ?? '').update(`${timestamp}.${body}`).digest('hex')}`;
    expect((await fetch(invalidateUrl(), { method: 'POST', headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: oldForm }, body })).status).toBe(401);
  });

  it('serves a stale answer when the source fails within the stale window, and marks the source STALE with its age', async () => {
    const fresh = await read(askoy.nin);
    expect(fresh.body.data?.patient?.careRecord?.municipality).toBeTruthy();
    await new Promise((r) => setTimeout(r, 1200));
    await system.setBehaviour('care-askoy', { mode: 'fail' });
    const stale = await read(askoy.nin);
    expect(stale.body.data?.patient?.careRecord).toEqual(fresh.body.data?.patient?.careRecord);
    expect(errorAt(stale, ['patient', 'careRecord'])).toBeUndefined();
    const status = stale.body.data?.patient?.sources.find((s) => s.sourceId === 'care-askoy');
    expect(status?.state).toBe('STALE');
    expect(status?.dataAgeSeconds).toBeGreaterThanOrEqual(1);
    expect(fresh.body.data?.patient?.sources.find((s) => s.sourceId === 'care-askoy')?.state).toBe('OK');
  });

  it("opens a source's circuit breaker after failures in a row, shows it in /health and metrics, and closes it when the source is back", async () => {
    const gpOf = (r: GraphQLResponse<{ patient: Patient }>) => r.body.data?.patient?.sources.find((s) => /^gp-(nordlys|fjord)-/.test(s.sourceId))?.sourceId;
    expect(gpOf(await read(nursingHome.nin))).toBe('gp-fjord-midt');
    await system.setBehaviour('gp-fjord-midt', { mode: 'fail' });
    for (let i = 0; i < 2; i++) expect(errorAt(await read(nursingHome.nin), ['patient', 'gpRecord'])?.extensions?.code).toBe('SOURCE_UNAVAILABLE');
    const asked = (await system.stats())['gp-fjord-midt']?.requests;
    const refused = await read(nursingHome.nin);
    expect(errorAt(refused, ['patient', 'gpRecord'])?.extensions).toEqual(expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', source: 'gp-fjord-midt', circuit: 'open' }));
    expect((await system.stats())['gp-fjord-midt']?.requests).toBe(asked);
    const health = (await (await fetch(healthUrl())).json()) as { sources: Record<string, string> };
    expect(health.sources['gp-fjord-midt']).toBe('open');
    expect(health.sources['care-bergen']).toBe('closed');
    const gpMetrics = await system.metrics(system.system.subgraphUrls.gp as string);
    expect(gpMetrics).toMatch(/patient_graph_circuit_state\{source="gp-fjord-midt"\} 2/);

    await system.setBehaviour('gp-fjord-midt', { mode: 'normal' });
    await new Promise((r) => setTimeout(r, 1200));
    const back = await read(nursingHome.nin);
    expect(errorAt(back, ['patient', 'gpRecord'])).toBeUndefined();
    expect(back.body.data?.patient?.gpRecord?.office).toBeTruthy();
    const healed = (await (await fetch(healthUrl())).json()) as { sources: Record<string, string> };
    expect(healed.sources['gp-fjord-midt']).toBe('closed');
  });

  it('fetches no Kjernejournal ticket for a request that does not read the summary record', async () => {
    const p = spare[3]!;
    const stats = await callsDuring(() => system.query(`query($nin: String!) { patient(nin: $nin) { name { text } } }`, { nin: p.nin }));
    expect(stats['summary-record']?.requests).toBe(0);
    const withSummary = await callsDuring(() => system.query(`query($nin: String!) { patient(nin: $nin) { summaryRecord { criticalInformation { text } } } }`, { nin: p.nin }));
    expect(withSummary['summary-record']?.byRoute).toEqual({ [`POST ${TICKETS_PATH}`]: 1, [`POST ${SUMMARIES_PATH}`]: 1 });
  });

  it('answers the same while Redis is down, says so in /health and metrics, and takes the cache back by itself', async () => {
    const p = spare[4]!;
    const warm = await read(p.nin);
    expect(warm.body.errors).toBeUndefined();
    const cacheUp = async () => {
      const text = await system.metrics(system.system.subgraphUrls.care as string);
      return /^patient_graph_cache_store_up 1$/m.test(text);
    };
    const cacheAvailable = async () => ((await (await fetch(healthUrl())).json()) as { cache?: { available: boolean } }).cache?.available === true;
    expect(await cacheUp()).toBe(true);

    await redis.stop();
    const down = await callsDuring(async () => {
      const answer = await read(p.nin);
      expect(withoutSources(answer)).toEqual(withoutSources(warm));
      expect(answer.body.errors).toBeUndefined();
    });
    // Every source was asked again (the cache was not there), and the answer is the same.
    expect(down['population-register']?.requests).toBeGreaterThan(0);
    await until(async () => !(await cacheAvailable()));
    expect(await cacheUp()).toBe(false);

    await redis.start();
    await until(cacheAvailable);
    await until(cacheUp);
    await read(p.nin);
    const again = requestsOf(await callsDuring(() => read(p.nin)));
    expect({ ...again, 'summary-record': 0 }).toEqual(Object.fromEntries(Object.keys(again).map((id) => [id, 0])));
  });
});
