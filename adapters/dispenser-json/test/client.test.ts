import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { withCheckDigits } from '../../../lib/nin';
import { sourceFailure, testKit } from '../../kit/testing';
import { createDispenserJsonAdapter, SEARCH_PATH } from '../client';

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'eksport-side.json'), 'utf8')) as { pasienter: { personnummer: string }[] };
const BASE = 'http://dosevakt.test';
const URL_ = `${BASE}${SEARCH_PATH}`;
const instance: InstanceConfig = { id: 'dispenser-dosevakt', system: 'dispenser-json', baseUrl: BASE, timeoutMs: 300, options: {} };
const HOME = '03864013065';
const OTHER = '23843227368';
const UNKNOWN = '01010112345';
/** A valid number nobody asked about. */
const STRANGER = withCheckDigits('158572100')!;

const server = setupServer();
const received: { key: string | null; body: Record<string, unknown>; url: string }[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

const adapter = () => createDispenserJsonAdapter(instance, { apiKey: 'k1' }, testKit());
const record = async (request: Request) => {
  const body = (await request.json()) as Record<string, unknown>;
  received.push({ key: request.headers.get('x-api-key'), body, url: request.url });
  return body;
};
const patient = (nin: string) => fixture.pasienter.find((p) => p.personnummer === nin) ?? { ...fixture.pasienter[1], personnummer: nin };

describe('dispenser-json client', () => {
  it('searches once per batch with the API key, the numbers in the body only, and answers unlisted patients null', async () => {
    server.use(
      http.post(URL_, async ({ request }) => {
        await record(request);
        return HttpResponse.json(fixture);
      }),
    );
    const result = await adapter().read([HOME, OTHER, HOME, UNKNOWN]);
    expect(received).toHaveLength(1);
    expect(received[0]?.key).toBe('k1');
    expect(received[0]?.body).toEqual({ personnummer: [HOME, OTHER, UNKNOWN] });
    expect(received[0]?.url).not.toMatch(/\d{11}/);
    expect(result.get(HOME)?.events.map((e) => e.kind)).toEqual(['DOSE_MISSED', 'DISPENSER_FAULT', 'DOSE_LATE', 'DOSE_MISSED']);
    expect(result.get(OTHER)?.devices[0]?.id).toBe('DV2-31550872');
    expect(result.get(UNKNOWN)).toBeNull();
  });

  it('pages by the token each page gives, sending the same numbers again with it, and keeps only what it asked for', async () => {
    server.use(
      http.post(URL_, async ({ request }) => {
        const body = await record(request);
        if (!body.sideToken) return HttpResponse.json({ pasienter: [patient(HOME)], nesteSideToken: 'side-2' });
        if (body.sideToken === 'side-2') return HttpResponse.json({ pasienter: [patient(OTHER), patient(STRANGER)], nesteSideToken: 'side-3' });
        return HttpResponse.json({ pasienter: [], nesteSideToken: null });
      }),
    );
    const result = await adapter().read([HOME, OTHER, UNKNOWN]);
    expect(received.map((r) => r.body)).toEqual([
      { personnummer: [HOME, OTHER, UNKNOWN] },
      { personnummer: [HOME, OTHER, UNKNOWN], sideToken: 'side-2' },
      { personnummer: [HOME, OTHER, UNKNOWN], sideToken: 'side-3' },
    ]);
    expect(received.every((r) => r.key === 'k1' && !/\d{11}/.test(r.url))).toBe(true);
    expect([...result.keys()]).toEqual([HOME, OTHER, UNKNOWN]);
    expect(result.get(OTHER)?.devices).toHaveLength(1);
    expect(result.get(UNKNOWN)).toBeNull();
  });

  it('splits a read larger than maxBatch (100) into one search each', async () => {
    server.use(
      http.post(URL_, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ pasienter: [], nesteSideToken: null });
      }),
    );
    const nins = Array.from({ length: 150 }, (_, i) => `0101${String(i).padStart(7, '0')}`);
    const result = await adapter().read(nins);
    expect(received).toHaveLength(2);
    expect(received.map((r) => (r.body.personnummer as string[]).length).sort()).toEqual([100, 50]);
    expect([...result.values()].every((v) => v === null)).toBe(true);
  });

  it('refuses a page token given twice (a loop) as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(URL_, () => HttpResponse.json({ pasienter: [], nesteSideToken: 'samme' })));
    const error = await sourceFailure(adapter().read([HOME, OTHER, UNKNOWN]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('refuses a patient listed on two pages as SOURCE_BAD_RESPONSE', async () => {
    server.use(
      http.post(URL_, async ({ request }) => {
        const body = await record(request);
        return HttpResponse.json({ pasienter: [patient(HOME)], nesteSideToken: body.sideToken ? null : 'side-2' });
      }),
    );
    expect((await sourceFailure(adapter().read([HOME, OTHER]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it.each([
    [401, 'UGYLDIG_API_NOKKEL'],
    [400, 'FOR_MANGE_PERSONNUMMER'],
    [500, 'INTERN_FEIL'],
    [503, 'TJENESTE_UTILGJENGELIG'],
  ])('reports the vendor error body of an HTTP %i by its code %s as SOURCE_UNAVAILABLE, never its melding', async (status, kode) => {
    server.use(http.post(URL_, () => HttpResponse.json({ feil: { kode, melding: `Ingrid Solheim (${HOME}) er ikke registrert` } }, { status })));
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('dispenser-dosevakt');
    expect(error.details.status).toBe(status);
    expect(error.message).toContain(kode);
    expect(error.message).not.toMatch(/Ingrid|registrert|\d{11}/);
  });

  it('reports an error answer that is not the vendor format by its HTTP status', async () => {
    server.use(http.post(URL_, () => new HttpResponse('<html>502 Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } })));
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.details.status).toBe(502);
  });

  it('reports a truncated answer and a malformed one as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(URL_, () => new HttpResponse('{"pasienter": [{"personnum', { headers: { 'Content-Type': 'application/json' } })));
    expect((await sourceFailure(adapter().read([HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
    server.use(http.post(URL_, () => HttpResponse.json({ pasienter: [{ personnummer: HOME, hendelser: [{ hendelseId: 'x', tidspunkt: 'i går', type: 'DOSE_TATT' }] }] })));
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).not.toMatch(/i går|\d{11}/);
  });

  it('reports a source that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(URL_, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await sourceFailure(adapter().read([HOME]));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });

  it("passes fetchBatch's signal to its requests: an aborted read cancels the page it waits for and asks for no other", async () => {
    server.use(
      http.post(URL_, async ({ request }) => {
        await record(request);
        await delay(1000);
        return HttpResponse.json({ pasienter: [patient(HOME)], nesteSideToken: 'side-2' });
      }),
    );
    const kit = testKit().use(async (call, next) => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(new Error('aborted by the test')), 50);
      return next({ ...call, signal: AbortSignal.any([call.signal, abort.signal]) });
    });
    const slow = createDispenserJsonAdapter({ ...instance, timeoutMs: 5000 }, { apiKey: 'k1' }, kit);
    const started = Date.now();
    await sourceFailure(slow.read([HOME, OTHER]));
    expect(Date.now() - started).toBeLessThan(900);
    // Had the request not been cancelled, its answer would have come after a second and led to the next page.
    await delay(1100);
    expect(received).toHaveLength(1);
  });
});
