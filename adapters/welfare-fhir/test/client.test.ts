import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { containsNin } from '../../../lib/nin';
import { sourceFailure, testKit } from '../../kit/testing';
import { createWelfareFhirAdapter } from '../client';
import type { WelfareFhirOptions } from '../manifest';

const text = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

const BASE = 'http://hub.test';
const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
const DNR = 'urn:oid:2.16.578.1.12.4.1.4.2';
const HOME_CARE = '03864013065';
const D_NUMBER = '65849226767';
const UNKNOWN = '23850274401';
const instance: InstanceConfig = { id: 'welfare-hub', system: 'welfare-fhir', baseUrl: BASE, timeoutMs: 300, options: {}, invalidationSecret: 'secret' };
const options: WelfareFhirOptions = { clientId: 'patient-graph', clientSecret: 's3cret' };

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  form: URLSearchParams | null;
}
const seen: Seen[] = [];
let tokensIssued = 0;
const server = setupServer();

const fhirJson = (body: string | unknown, status = 200, headers: Record<string, string> = {}) =>
  new HttpResponse(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/fhir+json', ...headers } });
const emptyBundle = (type: string) => ({ resourceType: 'Bundle', type: 'searchset', total: 0, link: [{ relation: 'self', url: `${BASE}/fhir/${type}/_search` }] });

async function record(request: Request): Promise<Seen> {
  const entry: Seen = { method: request.method, url: request.url, auth: request.headers.get('authorization'), form: request.method === 'POST' ? new URLSearchParams(await request.text()) : null };
  seen.push(entry);
  return entry;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  tokensIssued = 0;
  seen.length = 0;
  server.use(
    http.post(`${BASE}/oauth2/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      seen.push({ method: 'TOKEN', url: request.url, auth: null, form });
      if (form.get('client_secret') !== 's3cret' || form.get('grant_type') !== 'client_credentials') return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      tokensIssued += 1;
      return HttpResponse.json({ access_token: `tok-${tokensIssued}`, token_type: 'Bearer', expires_in: 300 });
    }),
  );
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The hub answering the fixtures: two pages of observations, one of events, one of devices in use. */
function serveFixtures() {
  server.use(
    http.post(`${BASE}/fhir/Observation/_search`, async ({ request }) => {
      await record(request);
      return fhirJson(text('observations-page1.json'));
    }),
    http.get(`${BASE}/fhir`, async ({ request }) => {
      await record(request);
      return fhirJson(text('observations-page2.json'));
    }),
    http.post(`${BASE}/fhir/Communication/_search`, async ({ request }) => {
      await record(request);
      return fhirJson(text('communications.json'));
    }),
    http.post(`${BASE}/fhir/DeviceUseStatement/_search`, async ({ request }) => {
      await record(request);
      return fhirJson(text('device-use.json'));
    }),
  );
}

const adapter = (opts: WelfareFhirOptions = options, timeoutMs = 300) => createWelfareFhirAdapter({ ...instance, timeoutMs }, opts, testKit());

describe('welfare-fhir client', () => {
  it('reads a batch with one token request and three searches, follows the next link, and never puts an identity number in a URL', async () => {
    serveFixtures();
    const result = await adapter({ ...options, pageSize: 4 }).read([HOME_CARE, D_NUMBER, UNKNOWN]);
    expect(tokensIssued).toBe(1);
    expect(seen.filter((s) => s.method === 'TOKEN')).toHaveLength(1);
    const searches = seen.filter((s) => s.method === 'POST');
    expect(searches.map((s) => new URL(s.url).pathname).sort()).toEqual(['/fhir/Communication/_search', '/fhir/DeviceUseStatement/_search', '/fhir/Observation/_search']);
    for (const s of searches) {
      expect(s.auth).toBe('Bearer tok-1');
      expect(s.form?.get('patient:identifier')?.split(',').sort()).toEqual([`${DNR}|${D_NUMBER}`, `${FNR}|${HOME_CARE}`, `${FNR}|${UNKNOWN}`].sort());
      expect(s.form?.get('_count')).toBe('4');
    }
    expect(searches.find((s) => s.url.endsWith('/DeviceUseStatement/_search'))?.form?.get('_include')).toBe('DeviceUseStatement:device');
    expect(seen.filter((s) => s.method === 'GET')).toHaveLength(1);
    expect(seen.every((s) => !containsNin(decodeURIComponent(s.url)))).toBe(true);
    expect(result.get(UNKNOWN)).toBeNull();
    expect(result.get(HOME_CARE)?.measurements.map((m) => m.id)).toEqual(['hm-sys', 'hm-vekt1', 'hm-vekt2']);
    expect(result.get(HOME_CARE)?.devices).toHaveLength(2);
    expect(result.get(HOME_CARE)?.events).toHaveLength(2);
    expect(result.get(D_NUMBER)?.measurements.map((m) => m.kind)).toEqual(['OXYGEN_SATURATION', 'SYMPTOM_SCORE']);
  });

  it('keeps the token between reads and renews it once when the server refuses it', async () => {
    serveFixtures();
    const a = adapter();
    await a.read([HOME_CARE]);
    let refused = 0;
    server.use(
      http.post(`${BASE}/fhir/Communication/_search`, async ({ request }) => {
        await record(request);
        if (request.headers.get('authorization') === 'Bearer tok-1') {
          refused += 1;
          return fhirJson({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'expired' }] }, 401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
        }
        return fhirJson(text('communications.json'));
      }),
    );
    const result = await a.read([D_NUMBER]);
    expect(refused).toBe(1);
    expect(tokensIssued).toBe(2);
    expect(result.get(D_NUMBER)).not.toBeNull();
  });

  it('reports wrong credentials as SOURCE_UNAVAILABLE with the HTTP status', async () => {
    serveFixtures();
    const error = await sourceFailure(adapter({ ...options, clientSecret: 'wrong' }).read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(0);
  });

  it('reports an OperationOutcome server error as SOURCE_UNAVAILABLE', async () => {
    serveFixtures();
    server.use(
      http.post(`${BASE}/fhir/Observation/_search`, () =>
        fhirJson({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'transient', diagnostics: 'Ingrid Solheim: temporarily unavailable' }] }, 503),
      ),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).not.toMatch(/Ingrid/);
  });

  it('reports a body that does not parse, and a well-formed one that breaks the protocol, as SOURCE_BAD_RESPONSE', async () => {
    serveFixtures();
    server.use(http.post(`${BASE}/fhir/Communication/_search`, () => fhirJson('{"resourceType":"Bundle", "ty')));
    expect((await sourceFailure(adapter().read([HOME_CARE]))).code).toBe('SOURCE_BAD_RESPONSE');
    server.use(http.post(`${BASE}/fhir/Communication/_search`, () => fhirJson({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Communication', id: 'x', subject: 'ukjent' } }] })));
    expect((await sourceFailure(adapter().read([HOME_CARE]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('refuses a next link to another origin (the token stays with the hub) as SOURCE_BAD_RESPONSE', async () => {
    serveFixtures();
    const bundle = JSON.parse(text('observations-page1.json')) as { link: { relation: string; url: string }[] };
    bundle.link = [{ relation: 'next', url: 'http://elsewhere.test/fhir?_getpages=abc' }];
    server.use(http.post(`${BASE}/fhir/Observation/_search`, () => fhirJson(bundle)));
    expect((await sourceFailure(adapter().read([HOME_CARE]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a hub that does not answer in time as SOURCE_TIMEOUT', async () => {
    serveFixtures();
    server.use(http.post(`${BASE}/fhir/DeviceUseStatement/_search`, async () => {
      await delay('infinite');
      return fhirJson(emptyBundle('DeviceUseStatement'));
    }));
    expect((await sourceFailure(adapter(options, 100).read([HOME_CARE]))).code).toBe('SOURCE_TIMEOUT');
  });

  it('answers keys that are no identity number null without asking', async () => {
    serveFixtures();
    const result = await adapter().read(['12345678901']);
    expect(result.get('12345678901')).toBeNull();
    expect(seen).toHaveLength(0);
  });
});
