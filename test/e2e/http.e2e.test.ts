import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverAudits } from 'graphql-http';
import { errorCodes } from '../../lib/errorCodes';
import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * The gateway by the book, from outside: every client mistake a 4xx with a registered code (never a 500,
 * never an error-level log line), the GraphQL-over-HTTP audit of graphql-http, CORS by allow-list, security
 * headers, health that tells a required subgraph from an optional one, automatic persisted queries as
 * Apollo Client speaks them, and trusted documents.
 */
const APP_ORIGIN = 'https://app.example.no';
const ingrid = demoPatient('homeCare');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let system: TestSystem;
let token: string;

beforeAll(async () => {
  // `care` down and required: health must say the gateway cannot answer fully.
  system = await TestSystem.start({ skipSubgraphs: ['care'], env: { CORS_ORIGINS: APP_ORIGIN, REQUIRED_SUBGRAPHS: 'person,care' } });
  token = await system.token('gp');
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(system.system.gatewayUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function answer(response: Response) {
  const text = await response.text();
  let json: { errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // a non-JSON body fails the assertions below
  }
  return { status: response.status, code: json.errors?.[0]?.extensions?.code, json, text };
}

describe('client mistakes', () => {
  const Q = '{ __typename }';
  const cases: [string, unknown, number, string][] = [
    ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }, 400, 'OPERATION_RESOLUTION_FAILURE'],
    ['several operations and no name', { query: 'query A { __typename } query B { __typename }' }, 400, 'OPERATION_RESOLUTION_FAILURE'],
    ['a subscription', { query: 'subscription S { __typename }' }, 400, 'OPERATION_NOT_SUPPORTED'],
    ['a 150 KB operationName', { query: 'query A { __typename }', operationName: 'a'.repeat(150_000) }, 400, 'OPERATION_NAME_TOO_LONG'],
    ['an operationName that is not a string', { query: Q, operationName: 5 }, 400, 'OPERATION_NAME_TOO_LONG'],
    ['a spaced identity number as operationName', { query: 'query A { __typename }', operationName: '038640 13065' }, 400, 'OPERATION_RESOLUTION_FAILURE'],
    ['no query', {}, 400, 'BAD_REQUEST'],
    ['a query that is not a string', { query: 1 }, 400, 'BAD_REQUEST'],
    ['variables as a string', { query: Q, variables: 'x' }, 400, 'BAD_REQUEST'],
    ['malformed JSON', '{"query":', 400, 'BAD_REQUEST'],
    ['a syntax error', { query: '{ patient(' }, 400, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', { query: '{ nothing }' }, 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable of the wrong type', { query: 'query($n: String!) { patient(nin: $n) { nin } }', variables: { n: 5 } }, 400, 'BAD_USER_INPUT'],
    ['timeline(first: -1)', { query: 'query($n: String!) { patient(nin: $n) { timeline(first: -1) { date } } }', variables: { n: ingrid.nin } }, 400, 'BAD_USER_INPUT'],
    ['timeline(from: "yesterday")', { query: 'query($n: String!) { patient(nin: $n) { timeline(from: "yesterday") { date } } }', variables: { n: ingrid.nin } }, 400, 'BAD_USER_INPUT'],
    ['timeline from after to, in variables', { query: 'query($n: String!, $f: String) { patient(nin: $n) { timeline(from: $f, to: "2020-01-01") { date } } }', variables: { n: ingrid.nin, f: '2024-05-01' } }, 400, 'BAD_USER_INPUT'],
    ['a count in a fragment', { query: 'query($n: String!) { patient(nin: $n) { ...F } } fragment F on Patient { timeline(first: 5000) { date } }', variables: { n: ingrid.nin } }, 400, 'BAD_USER_INPUT'],
    ['an unknown persisted-query hash', { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query Unknown { __typename }') } } }, 200, 'PERSISTED_QUERY_NOT_FOUND'],
    ['a persisted-query hash that does not match', { query: Q, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('other') } } }, 400, 'BAD_REQUEST'],
    ['a persisted-query version 2', { extensions: { persistedQuery: { version: 2, sha256Hash: sha256(Q) } } }, 400, 'BAD_REQUEST'],
  ];

  it.each(cases)('%s', async (_name, body, status, code) => {
    const result = await answer(await post(body));
    expect([result.status, result.code]).toEqual([status, code]);
    expect(Object.keys(errorCodes)).toContain(code);
    expect(result.text).not.toMatch(/at \S+ \(|stacktrace/);
  });

  it('answers the whole list without an error-level log line, and never logs what a client named its operation', () => {
    const gatewayLines = system.system.log().filter((l) => l.includes('gateway'));
    expect(gatewayLines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    expect(system.system.log().join('\n')).not.toMatch(/038640[ -]?13065/);
  });

  it('refuses GET for operations (405 with Allow: POST), so no operation lands in a URL', async () => {
    const response = await fetch(`${system.system.gatewayUrl}?query=${encodeURIComponent(Q)}`, { headers: { authorization: `Bearer ${token}` } });
    const result = await answer(response);
    expect([result.status, result.code, response.headers.get('allow')]).toEqual([405, 'METHOD_NOT_ALLOWED', 'POST']);
  });
});

describe('the GraphQL-over-HTTP audit (graphql-http)', () => {
  it('reports no error; the only departures are documented choices', async () => {
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const results = await Promise.all(
      serverAudits({ url: system.system.gatewayUrl, fetchFn }).map(async (audit) => {
        const result = await audit.fn();
        return { name: audit.name, status: result.status, reason: result.status === 'ok' ? '' : result.reason };
      }),
    );
    expect(results.filter((r) => r.status === 'error').map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
    // GET is refused on purpose (README, "Privacy by default"), and parse, validation and coercion failures
    // are 400 whatever the client accepts (the spec suggests 200 for plain application/json).
    const allowed = [/GET/, /200 status code on document (parsing|validation) failure/, /status code of 200 on variable coercion failure/];
    expect(results.filter((r) => r.status !== 'ok' && !allowed.some((a) => a.test(r.name))).map((r) => `${r.status} ${r.name}: ${r.reason}`)).toEqual([]);
    expect(results.filter((r) => r.status === 'ok').length).toBeGreaterThan(20);
  });
});

describe('CORS and security headers', () => {
  it('answers a preflight from an allowed origin, and refuses one from any other with 403', async () => {
    const preflight = (origin: string) =>
      fetch(system.system.gatewayUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await answer(await preflight('https://evil.example'));
    expect([refused.status, refused.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
  });

  it('runs requests from the allowed origin and the gateway itself, and nothing from another', async () => {
    const fromApp = await post({ query: '{ __typename }' }, { origin: APP_ORIGIN });
    expect([fromApp.status, fromApp.headers.get('access-control-allow-origin')]).toEqual([200, APP_ORIGIN]);
    const self = new URL(system.system.gatewayUrl).origin;
    expect((await post({ query: '{ __typename }' }, { origin: self })).status).toBe(200);
    const other = await answer(await post({ query: '{ __typename }' }, { origin: 'https://evil.example' }));
    expect([other.status, other.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
  });

  it('sends nosniff, no framing and no-store on GraphQL answers, and keeps the playground its own CSP', async () => {
    const response = await post({ query: '{ __typename }' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
    const page = await fetch(system.system.playgroundUrl);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });
});

describe('health', () => {
  it('is live, but not ready and down (503) while a required subgraph is down', async () => {
    expect((await fetch(new URL('/health/live', system.system.gatewayUrl))).status).toBe(200);
    const ready = await fetch(new URL('/health/ready', system.system.gatewayUrl));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unready', subgraphsDown: ['care'] });
    const health = await fetch(system.system.healthUrl);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { status: string }).status).toBe('down');
  });

  it("has each subgraph probe its sources: every instance it reads is reachable", async () => {
    const subgraph = system.system.subgraphUrls.gp as string;
    const body = (await (await fetch(new URL('/health', subgraph))).json()) as { status: string; sources: { id: string; reachable: boolean; breaker: string }[] };
    expect(body.status).toBe('ok');
    expect(body.sources.length).toBeGreaterThan(3);
    expect(body.sources.every((s) => s.reachable && s.breaker === 'closed')).toBe(true);
    expect((await fetch(new URL('/health/ready', subgraph))).status).toBe(200);
  });
});

describe('automatic persisted queries (Apollo Client protocol)', () => {
  it('answers PERSISTED_QUERY_NOT_FOUND for a new hash, registers the text sent with it, then runs the hash alone', async () => {
    const query = `query PersistedName($nin: String!) { patient(nin: $nin) { name { text } } } # ${Date.now()}`;
    const hash = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const first = await answer(await post({ extensions: hash, variables: { nin: ingrid.nin } }));
    expect(first.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await answer(await post({ query, extensions: hash, variables: { nin: ingrid.nin } }));
    expect(registered.json.data).toEqual({ patient: { name: { text: expect.any(String) } } });
    const byHash = await answer(await post({ extensions: hash, variables: { nin: ingrid.nin } }));
    expect(byHash.json).toEqual(registered.json);
  });

  it('refuses to persist an operation with an identity number written into it', async () => {
    const query = `{ patient(nin: "${ingrid.nin}") { name { text } } }`;
    const refused = await answer(await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
    expect([refused.status, refused.code]).toEqual([400, 'IDENTITY_NUMBER_IN_OPERATION']);
    const again = await answer(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
    expect(again.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses it however the number is written: escaped in a string, in a block string, as a default value', async () => {
    const nin = ingrid.nin;
    // GraphQL's own escape (\u0031 is "1"): the text holds no eleven digits in a row, the parsed value does.
    const escaped = `${nin.slice(0, 10)}\\u00${nin.charCodeAt(10).toString(16)}`;
    const forms = [
      `{ patient(nin: "${escaped}") { name { text } } }`,
      `{ patient(nin: """${nin}""") { name { text } } }`,
      `query($nin: String! = "${escaped}") { patient(nin: $nin) { name { text } } }`,
    ];
    for (const query of forms) {
      const refused = await answer(await post({ query, variables: { nin }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
      expect([query, refused.status, refused.code]).toEqual([query, 400, 'IDENTITY_NUMBER_IN_OPERATION']);
      const again = await answer(await post({ variables: { nin }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
      expect([query, again.code]).toEqual([query, 'PERSISTED_QUERY_NOT_FOUND']);
    }
  });
});

describe('trusted documents (PERSISTED_QUERIES=trusted)', () => {
  const trustedQuery = 'query TrustedName($nin: String!) { patient(nin: $nin) { name { text } } }';
  let trustedSystem: TestSystem;
  let trustedToken: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trusted-'));
    const manifest = path.join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(trustedQuery), name: 'TrustedName', type: 'query', body: trustedQuery }] }));
    trustedSystem = await TestSystem.start({ env: { PERSISTED_QUERIES: 'trusted', TRUSTED_DOCUMENTS: manifest } });
    trustedToken = await trustedSystem.token('gp');
  }, 120_000);

  afterAll(async () => {
    await trustedSystem?.stop();
  });

  const send = (body: unknown) =>
    fetch(trustedSystem.system.gatewayUrl, { method: 'POST', headers: { authorization: `Bearer ${trustedToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(answer);

  it('runs a manifest operation by hash or in full', async () => {
    const byHash = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(trustedQuery) } }, variables: { nin: ingrid.nin } });
    expect(byHash.json.data).toEqual({ patient: { name: { text: expect.any(String) } } });
    const inFull = await send({ query: trustedQuery, variables: { nin: ingrid.nin } });
    expect(inFull.json).toEqual(byHash.json);
  });

  it('refuses any other operation with 403 OPERATION_NOT_TRUSTED, registration included', async () => {
    const other = 'query Other($nin: String!) { patient(nin: $nin) { birthDate } }';
    expect(await send({ query: other, variables: { nin: ingrid.nin } })).toMatchObject({ status: 403, code: 'OPERATION_NOT_TRUSTED' });
    const registration = await send({ query: other, variables: { nin: ingrid.nin }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } } });
    expect([registration.status, registration.code]).toEqual([403, 'OPERATION_NOT_TRUSTED']);
    expect((await send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(other) } } })).code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
