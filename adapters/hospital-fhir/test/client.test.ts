import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { syntheticNin } from '../../../lib/nin';
import { createHospitalFhirAdapter, REVINCLUDES } from '../client';
import type { HospitalFhirOptions } from '../manifest';
import { sourceFailure, testKit } from '../../kit/testing';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;
const page1 = fixture('search-page1.json');
const page2 = fixture('search-page2.json');

const BASE = 'http://hospital.test';
const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
const DNR = 'urn:oid:2.16.578.1.12.4.1.4.2';
const HOME_CARE = '03864013065';
const BLOCKED = '14887447870';
const D_NUMBER = '65849226767';
const UNKNOWN = '23850274401';
const instance: InstanceConfig = { id: 'hospital-haukeland', system: 'hospital-fhir', baseUrl: BASE, timeoutMs: 300, options: {} };
const options: HospitalFhirOptions = { clientId: 'patient-graph', clientSecret: 's3cret', subscriptionKey: 'sub-key' };

interface Seen {
  method: string;
  url: string;
  auth: string | null;
  key: string | null;
  contentType: string | null;
  form: URLSearchParams | null;
}
const seen: Seen[] = [];
let tokensIssued = 0;
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  tokensIssued = 0;
  seen.length = 0;
  server.use(
    http.post(`${BASE}/oauth2/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      seen.push({ method: 'TOKEN', url: request.url, auth: null, key: request.headers.get('ocp-apim-subscription-key'), contentType: request.headers.get('content-type'), form });
      if (form.get('client_secret') !== 's3cret') return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      tokensIssued += 1;
      return HttpResponse.json({ access_token: `tok-${tokensIssued}`, token_type: 'Bearer', expires_in: 300 });
    }),
  );
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function record(request: Request): Promise<Seen> {
  const entry: Seen = {
    method: request.method,
    url: request.url,
    auth: request.headers.get('authorization'),
    key: request.headers.get('ocp-apim-subscription-key'),
    contentType: request.headers.get('content-type'),
    form: request.method === 'POST' ? new URLSearchParams(await request.text()) : null,
  };
  seen.push(entry);
  return entry;
}

const fhirJson = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new HttpResponse(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/fhir+json', ...headers } });

const emptyBundle = { resourceType: 'Bundle', type: 'searchset', total: 0, link: [{ relation: 'self', url: `${BASE}/fhir/Patient/_search` }] };

const refusedToken = () =>
  fhirJson({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'expired', diagnostics: 'The access token expired.' }] }, 401, {
    'WWW-Authenticate': 'Bearer realm="fhir", error="invalid_token", error_description="The access token expired"',
  });

/** The search answers the two fixture pages: the first has a next link to the second. */
function servePages() {
  server.use(
    http.post(`${BASE}/fhir/Patient/_search`, async ({ request }) => {
      await record(request);
      return fhirJson(page1);
    }),
    http.get(`${BASE}/fhir`, async ({ request }) => {
      await record(request);
      return fhirJson(page2);
    }),
  );
}

function adapter(extra: Partial<HospitalFhirOptions> = {}) {
  return createHospitalFhirAdapter(instance, { ...options, ...extra }, testKit());
}


const fhirCalls = () => seen.filter((s) => s.method !== 'TOKEN');

describe('hospital FHIR client', () => {
  it('asks for several patients in one POST search with token and subscription key, follows next links, and maps the unknown to null', async () => {
    servePages();
    const result = await adapter().read([HOME_CARE, BLOCKED, HOME_CARE, D_NUMBER, UNKNOWN, 'not-a-number']);

    const [token, search, next, ...rest] = seen;
    expect(rest).toEqual([]);
    expect(token?.method).toBe('TOKEN');
    expect(token?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(token?.form ?? [])).toEqual({ grant_type: 'client_credentials', client_id: 'patient-graph', client_secret: 's3cret' });
    // The subscription key is for the FHIR API only; the identity server does not get it.
    expect(token?.key).toBeNull();

    expect(search?.method).toBe('POST');
    expect(search?.url).toBe(`${BASE}/fhir/Patient/_search`);
    expect(search?.auth).toBe('Bearer tok-1');
    expect(search?.key).toBe('sub-key');
    expect(search?.contentType).toBe('application/x-www-form-urlencoded');
    expect(search?.form?.get('identifier')).toBe(`${FNR}|${HOME_CARE},${FNR}|${BLOCKED},${DNR}|${D_NUMBER},${FNR}|${UNKNOWN}`);
    expect(search?.form?.getAll('_revinclude')).toEqual(REVINCLUDES);
    // The blocks come in the same search as the data they cover, never in a call that could fail alone.
    expect(REVINCLUDES).toEqual(expect.arrayContaining(['EpisodeOfCare:patient', 'Consent:patient']));
    expect(search?.form?.get('_count')).toBe('200');

    expect(next?.method).toBe('GET');
    expect(next?.url).toBe(String((page1.link as { relation: string; url: string }[])[1]?.url));
    expect(next?.auth).toBe('Bearer tok-1');
    expect(next?.key).toBe('sub-key');
    for (const call of seen) expect(call.url).not.toMatch(/\d{11}/);

    expect(result.get(HOME_CARE)?.encounters[0]?.department).toBe('Hjerteavdelingen');
    expect(result.get(BLOCKED)?.documents.map((d) => d.blocked)).toEqual([false, true]);
    expect(result.get(BLOCKED)?.blocks.map((b) => b.id)).toEqual(['consent-doc-000327', 'consent-3c7bc12be98b-person-1']);
    expect(result.get(HOME_CARE)?.careEpisodes.map((e) => e.status)).toEqual(['ACTIVE']);
    expect(result.get(D_NUMBER)).toBeNull();
    expect(result.get(UNKNOWN)).toBeNull();
    expect(result.get('not-a-number')).toBeNull();
  });

  it('asks for the configured page size', async () => {
    servePages();
    await adapter({ pageSize: 20 }).read([HOME_CARE]);
    expect(fhirCalls()[0]?.form?.get('_count')).toBe('20');
  });

  it('reuses a cached token across reads', async () => {
    servePages();
    const hospital = adapter();
    await hospital.read([HOME_CARE]);
    await hospital.read([BLOCKED]);
    expect(tokensIssued).toBe(1);
    expect(fhirCalls().map((c) => c.auth)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
  });

  it('renews a token the server calls expired, once, and repeats the call', async () => {
    let refused = false;
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, async ({ request }) => {
        await record(request);
        if (!refused) {
          refused = true;
          return refusedToken();
        }
        return fhirJson(emptyBundle);
      }),
    );
    const result = await adapter().read([HOME_CARE]);
    expect(result.get(HOME_CARE)).toBeNull();
    expect(tokensIssued).toBe(2);
    expect(fhirCalls().map((c) => c.auth)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('gives up when the renewed token is refused too', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, async ({ request }) => {
        await record(request);
        return refusedToken();
      }),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.details.status).toBe(401);
    expect(tokensIssued).toBe(2);
    expect(fhirCalls()).toHaveLength(2);
  });

  it('does not renew the token when API Management refuses the subscription key', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ statusCode: 401, message: 'Access denied due to invalid subscription key.' }, { status: 401 });
      }),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(tokensIssued).toBe(1);
    expect(fhirCalls()).toHaveLength(1);
  });

  it('reports refused client credentials as SOURCE_UNAVAILABLE without calling the FHIR API', async () => {
    servePages();
    const error = await sourceFailure(adapter({ clientSecret: 'wrong' }).read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.details.status).toBe(401);
    expect(fhirCalls()).toHaveLength(0);
  });

  it('reports a token answer off the protocol as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(`${BASE}/oauth2/token`, () => HttpResponse.json({ token: 'x' })));
    expect((await sourceFailure(adapter().read([HOME_CARE]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('splits more than 50 patients into searches of at most 50', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, async ({ request }) => {
        await record(request);
        return fhirJson(emptyBundle);
      }),
    );
    const nins = new Set<string>();
    for (let i = 0; nins.size < 120; i++) {
      nins.add(syntheticNin(`19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`, { pick: (min) => min + i }));
    }
    const result = await adapter().read([...nins]);
    // The parts go to the server side by side, so they arrive in any order.
    expect(fhirCalls().map((c) => c.form?.get('identifier')?.split(',').length).sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual([50, 50, 20]);
    expect(tokensIssued).toBe(1);
    expect(result.size).toBe(120);
    expect([...result.values()].every((v) => v === null)).toBe(true);
  });

  it('refuses a next link that points to another host (the token must not leave the source)', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, () =>
        fhirJson({ ...page1, link: [{ relation: 'next', url: 'https://elsewhere.test/fhir?_getpages=x' }] }),
      ),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toMatch(/points away/);
  });

  it('refuses to follow a next link that echoes an identity number: SOURCE_BAD_RESPONSE, and nothing is sent', async () => {
    const echoing = `${BASE}/fhir/Patient?identifier=${encodeURIComponent(`${FNR}|${HOME_CARE}`)}&_getpagesoffset=20`;
    let followed = 0;
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, () => fhirJson({ ...page1, link: [{ relation: 'next', url: echoing }] })),
      http.get(`${BASE}/fhir/Patient`, () => {
        followed += 1;
        return fhirJson(page2);
      }),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toBe('refused a request to hospital-haukeland: its URL would carry an identity number');
    expect(followed).toBe(0);
  });

  it('reports an OperationOutcome by status alone, never by its diagnostics', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, () =>
        fhirJson({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: 'Pasient Ingrid Solheim finnes ikke' }] }, 500),
      ),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.message).toBe('hospital-haukeland answered HTTP 500');
  });

  it('refuses a server that pages in a loop', async () => {
    const loop = { ...page2, link: [{ relation: 'next', url: `${BASE}/fhir?_getpages=abc&_getpagesoffset=20` }] };
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, () => fhirJson({ ...page1, link: loop.link })),
      http.get(`${BASE}/fhir`, () => fhirJson(loop)),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toMatch(/repeats a page/);
  });

  it('reports a server error as SOURCE_UNAVAILABLE naming the instance', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, () =>
        fhirJson({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'transient', diagnostics: 'unavailable' }] }, 503),
      ),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('hospital-haukeland');
    expect(error.details.status).toBe(503);
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(`${BASE}/fhir/Patient/_search`, () => new HttpResponse('{"resourceType":"Bundle","entry":[{"res', { headers: { 'Content-Type': 'application/fhir+json' } })));
    expect((await sourceFailure(adapter().read([HOME_CARE]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a well-formed answer of the wrong shape as SOURCE_BAD_RESPONSE without quoting it', async () => {
    const wrong = { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'p1', identifier: HOME_CARE } }] };
    server.use(http.post(`${BASE}/fhir/Patient/_search`, () => fhirJson(wrong)));
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).not.toMatch(/\d{11}/);
  });

  it('reports a source that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, async () => {
        await delay('infinite');
        return fhirJson(emptyBundle);
      }),
    );
    const error = await sourceFailure(adapter().read([HOME_CARE]));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });

  it('keeps paging within the same deadline: a hanging second page is a SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(`${BASE}/fhir/Patient/_search`, () => fhirJson(page1)),
      http.get(`${BASE}/fhir`, async () => {
        await delay('infinite');
        return fhirJson(page2);
      }),
    );
    expect((await sourceFailure(adapter().read([HOME_CARE]))).code).toBe('SOURCE_TIMEOUT');
  });
});
