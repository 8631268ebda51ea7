import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InstanceConfig } from '../../../lib/config';
import { sourceFailure, testKit } from '../../kit/testing';
import { createRepresentationRegisterAdapter, SEARCH_PATH } from '../client';
import { manifest } from '../manifest';

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'soek.json'), 'utf8'));
const BASE = 'http://fullmakt.test';
const instance: InstanceConfig = { id: 'representation-register', system: 'representation-register', baseUrl: BASE, timeoutMs: 300, options: {} };
const server = setupServer();
const received: { auth: string | null; body: unknown; url: string }[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

const adapter = () => createRepresentationRegisterAdapter(instance, { apiKey: 'k1' }, testKit());

describe('representation register client', () => {
  it("asks for many granters in one POST with the bearer token, numbers in the body only; a granter without grants is null", async () => {
    server.use(
      http.post(`${BASE}${SEARCH_PATH}`, async ({ request }) => {
        received.push({ auth: request.headers.get('authorization'), body: await request.json(), url: request.url });
        return HttpResponse.json(fixture);
      }),
    );
    const result = await adapter().read(['03864013065', '24834837222', '03864013065', '14913527195']);
    expect(received).toHaveLength(1);
    expect(received[0]?.auth).toBe('Bearer k1');
    expect(received[0]?.body).toEqual({ fullmaktsgivere: ['03864013065', '24834837222', '14913527195'] });
    expect(received[0]?.url).not.toMatch(/\d{11}/);
    expect(result.get('03864013065')?.grants.map((g) => g.representativeNin)).toEqual(['23865221371', '06886810685']);
    expect(result.get('24834837222')?.grants).toHaveLength(1);
    expect(result.get('14913527195')).toBeNull();
  });

  it("keeps only the granters it asked for: another person's grants are not passed on", async () => {
    server.use(http.post(`${BASE}${SEARCH_PATH}`, () => HttpResponse.json(fixture)));
    const result = await adapter().read(['24834837222']);
    expect([...result.keys()]).toEqual(['24834837222']);
  });

  it(`splits a read larger than ${manifest.maxBatch} granters into calls of at most that many`, async () => {
    const sizes: number[] = [];
    server.use(
      http.post(`${BASE}${SEARCH_PATH}`, async ({ request }) => {
        sizes.push(((await request.json()) as { fullmaktsgivere: string[] }).fullmaktsgivere.length);
        return HttpResponse.json({ fullmakter: [] });
      }),
    );
    const many = Array.from({ length: manifest.maxBatch + 5 }, (_, i) => `0101${String(1000000 + i)}`);
    await adapter().read(many);
    expect(sizes.sort((a, b) => b - a)).toEqual([manifest.maxBatch, 5]);
  });

  it('reports a server error and a refused token as SOURCE_UNAVAILABLE, naming the instance', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ feilkode: 'INTERN_FEIL' }, { status: 500 })));
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect([error.code, error.sourceId]).toEqual(['SOURCE_UNAVAILABLE', 'representation-register']);
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ error: 'invalid_token' }, { status: 401 })));
    expect((await sourceFailure(adapter().read(['03864013065']))).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a truncated or off-protocol answer as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('{"fullmakter": [{"id', { headers: { 'Content-Type': 'application/json' } })));
    expect((await sourceFailure(adapter().read(['03864013065']))).code).toBe('SOURCE_BAD_RESPONSE');
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ fullmakter: [{ id: 'x', fullmaktsgiver: '03864013065', fullmektig: '12345678901', omraader: [], gyldigFraOgMed: '2025-01-01' }] })));
    expect((await sourceFailure(adapter().read(['03864013065']))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a source that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(`${BASE}/*`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_TIMEOUT');
  });
});
