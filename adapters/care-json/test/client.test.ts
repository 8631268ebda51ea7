import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { careJsonSimulator } from '../../../simulators/care-json';
import { createCareJsonAdapter } from '../client';
import type { CareJsonOptions } from '../manifest';
import { sourceFailure, testKit } from '../../kit/testing';

const BASE = 'http://care-json.test';
const SEARCH = `${BASE}/api/v2/tjenestemottakere/sok`;
const instance: InstanceConfig = { id: 'care-bergen', system: 'care-json', baseUrl: BASE, timeoutMs: 300, options: {} };
const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sok-side.json'), 'utf8')) as { treff: Record<string, unknown>[] };
const [HOME, DECEASED, THIRD, UNKNOWN] = ['03864013065', '23843227368', '14913527195', '01010112345'] as const;
/** The recipients the mocked system holds, in its own order. */
const held = [...fixture.treff, { ...fixture.treff[0], fodselsnummer: THIRD }];

interface Received {
  url: URL;
  apiKey: string | null;
  body: { fodselsnumre: string[] };
}
const received: Received[] = [];
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

function adapter(options: Partial<CareJsonOptions> = {}) {
  return createCareJsonAdapter(instance, { apiKey: 'k-bergen', pageSize: 2, ...options }, testKit());
}

/** A vendor that pages like the real one, capping the page size at `cap`. */
function pagingVendor(cap = 100) {
  return http.post(SEARCH, async ({ request }) => {
    const url = new URL(request.url);
    const body = (await request.json()) as Received['body'];
    received.push({ url, apiKey: request.headers.get('x-api-key'), body });
    const offset = Number(url.searchParams.get('offset'));
    const limit = Math.min(Number(url.searchParams.get('limit')), cap);
    const found = held.filter((r) => body.fodselsnumre.includes(r.fodselsnummer as string));
    return HttpResponse.json({ totaltAntall: found.length, offset, limit, treff: found.slice(offset, offset + limit) });
  });
}


describe('care-json client', () => {
  it('reads every page: 3 patients with page size 2 take two requests, numbers in the body only', async () => {
    server.use(pagingVendor());
    const result = await adapter().read([HOME, DECEASED, THIRD, UNKNOWN, HOME]);
    expect(received).toHaveLength(2);
    expect(received.map((r) => [r.url.searchParams.get('offset'), r.url.searchParams.get('limit')])).toEqual([
      ['0', '2'],
      ['2', '2'],
    ]);
    for (const r of received) {
      expect(r.apiKey).toBe('k-bergen');
      expect(r.body).toEqual({ fodselsnumre: [HOME, DECEASED, THIRD, UNKNOWN] });
      expect(r.url.href).not.toMatch(/\d{11}/);
    }
    expect([...result.keys()].sort()).toEqual([HOME, DECEASED, THIRD, UNKNOWN].sort());
    expect(result.get(HOME)?.services[0]?.type).toBe('HOME_NURSING');
    expect(result.get(THIRD)?.visits[0]?.time).toBe('2026-11-01T20:21:00Z');
    expect(result.get(DECEASED)?.services).toHaveLength(5);
    expect(result.get(UNKNOWN)).toBeNull();
  });

  it('pages by what it got when the vendor caps the page size below the one asked for', async () => {
    server.use(pagingVendor(1));
    const result = await adapter({ pageSize: 100 }).read([HOME, DECEASED, THIRD]);
    expect(received.map((r) => r.url.searchParams.get('offset'))).toEqual(['0', '1', '2']);
    expect([...result.values()].every((r) => r !== null)).toBe(true);
  });

  it('makes one request for a batch that fits one page', async () => {
    server.use(pagingVendor());
    await adapter({ pageSize: 25 }).read([HOME, DECEASED, THIRD]);
    expect(received).toHaveLength(1);
  });

  it('splits more than 100 numbers into searches of at most 100', async () => {
    server.use(pagingVendor());
    const many = Array.from({ length: 150 }, (_, i) => String(10_000_000_000 + i));
    const result = await adapter().read(many);
    expect(received.map((r) => r.body.fodselsnumre.length).sort((a: number, b: number) => b - a)).toEqual([100, 50]);
    expect(result.size).toBe(150);
  });

  it('drops a recipient the search did not ask for', async () => {
    server.use(http.post(SEARCH, () => HttpResponse.json({ totaltAntall: 1, offset: 0, limit: 2, treff: [fixture.treff[1]] })));
    const result = await adapter().read([HOME]);
    expect(result.get(HOME)).toBeNull();
    expect(result.has(DECEASED)).toBe(false);
  });

  it('refuses paging that does not add up as SOURCE_BAD_RESPONSE instead of looping', async () => {
    server.use(http.post(SEARCH, () => HttpResponse.json({ totaltAntall: 1, offset: 0, limit: 2, treff: [] })));
    expect((await sourceFailure(adapter().read([HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
    server.use(http.post(SEARCH, () => HttpResponse.json({ totaltAntall: 1, offset: 5, limit: 2, treff: [] })));
    expect((await sourceFailure(adapter().read([HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
    server.use(http.post(SEARCH, () => HttpResponse.json({ totaltAntall: 7, offset: 0, limit: 2, treff: [] })));
    expect((await sourceFailure(adapter().read([HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports the vendor\'s server error as SOURCE_UNAVAILABLE naming the instance', async () => {
    const { status, body } = careJsonSimulator.failure;
    server.use(http.post(SEARCH, () => new HttpResponse(body, { status, headers: { 'Content-Type': 'application/json' } })));
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('care-bergen');
    expect(error.details.status).toBe(500);
  });

  it('reports a refused API key as SOURCE_UNAVAILABLE', async () => {
    server.use(http.post(SEARCH, () => HttpResponse.json({ feilkode: 'UAUTORISERT', melding: 'Mangler eller ugyldig X-Api-Key' }, { status: 401 })));
    expect((await sourceFailure(adapter().read([HOME]))).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(SEARCH, () => new HttpResponse('{"totaltAntall": 1, "treff": [{"fodsels', { headers: { 'Content-Type': 'application/json' } })));
    expect((await sourceFailure(adapter().read([HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a well-formed answer that breaks the protocol as SOURCE_BAD_RESPONSE, quoting no values', async () => {
    const { body } = careJsonSimulator.invalid;
    server.use(http.post(SEARCH, () => new HttpResponse(body, { headers: { 'Content-Type': 'application/json' } })));
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toMatch(/fodselsnummer/);
    expect(error.message).not.toMatch(/2026-03-01/);
  });

  it('reports a vendor that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(SEARCH, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});
