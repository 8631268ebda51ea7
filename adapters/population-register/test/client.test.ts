import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { type ReadMiddleware } from '../../kit';
import { createPopulationRegisterAdapter } from '../client';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sourceFailure, testKit } from '../../kit/testing';

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'bulkoppslag.json'), 'utf8'));
const BASE = 'http://freg.test';
const instance: InstanceConfig = { id: 'population-register', system: 'population-register', baseUrl: BASE, timeoutMs: 300, options: {} };
const server = setupServer();
const received: { auth: string | null; body: unknown; url: string }[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

function adapter() {
  return createPopulationRegisterAdapter(instance, { apiKey: 'k1' }, testKit());
}


describe('population register client', () => {
  it('asks for many numbers in one POST with the bearer token, and maps unknown numbers to null', async () => {
    server.use(
      http.post(`${BASE}/folkeregisteret/api/v1/personer/bulkoppslag`, async ({ request }) => {
        received.push({ auth: request.headers.get('authorization'), body: await request.json(), url: request.url });
        return HttpResponse.json(fixture);
      }),
    );
    const result = await adapter().read(['03864013065', '23843227368', '03864013065', '01010112345']);
    expect(received).toHaveLength(1);
    expect(received[0]?.auth).toBe('Bearer k1');
    expect(received[0]?.body).toEqual({ foedselsnumre: ['03864013065', '23843227368', '01010112345'] });
    expect(received[0]?.url).not.toMatch(/\d{11}/);
    expect(result.get('03864013065')?.name.family).toBe('Solheim');
    expect(result.get('01010112345')).toBeNull();
  });

  it('keeps only the people it asked for, even from what it hands the kit (a cache middleware would keep it)', async () => {
    // The fixture answers for four people; only one is asked for.
    server.use(http.post(`${BASE}/folkeregisteret/api/v1/personer/bulkoppslag`, () => HttpResponse.json(fixture)));
    const handed: string[] = [];
    const spy: ReadMiddleware = async (call, next) => {
      const result = await next(call);
      handed.push(...result.keys());
      return result;
    };
    const kit = testKit().use(spy);
    const result = await createPopulationRegisterAdapter(instance, { apiKey: 'k1' }, kit).read(['03864013065']);
    expect(handed).toEqual(['03864013065']);
    expect([...result.keys()]).toEqual(['03864013065']);
    expect(result.get('03864013065')?.name.family).toBe('Solheim');
  });

  it('reports a server error as SOURCE_UNAVAILABLE naming the instance', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ feilmelding: 'Intern feil' }, { status: 500 })));
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('population-register');
  });

  it('reports a rejected token as SOURCE_UNAVAILABLE', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ error: 'invalid_token' }, { status: 401 })));
    expect((await sourceFailure(adapter().read(['03864013065']))).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('{"dokumenter": [{"foedsels', { headers: { 'Content-Type': 'application/json' } })));
    expect((await sourceFailure(adapter().read(['03864013065']))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a source that never answers as SOURCE_TIMEOUT', async () => {
    server.use(http.post(`${BASE}/*`, async () => {
      await delay('infinite');
      return HttpResponse.json({});
    }));
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});

describe('population register client: the custom extract', () => {
  const ORDER = `${BASE}/folkeregisteret/api/v1/uttrekk/tilpasset`;
  const BATCH = `${BASE}/folkeregisteret/api/v1/uttrekk/:jobbId/batch/:n`;
  const NINS = ['03864013065', '23843227368'];

  async function collect(criteria: Parameters<ReturnType<typeof adapter>['extract']>[0] = {}): Promise<string[][]> {
    const out: string[][] = [];
    for await (const batch of adapter().extract(criteria)) out.push(batch);
    return out;
  }

  /** The order answered with `jobbId`, batch 0 with `first`, then the end marker. */
  function register(first: () => Response, jobbId: unknown = 'job-1') {
    server.use(
      http.post(ORDER, async ({ request }) => {
        received.push({ auth: request.headers.get('authorization'), body: await request.json(), url: request.url });
        return HttpResponse.json({ jobbId });
      }),
      http.get(BATCH, ({ request, params }) => {
        received.push({ auth: request.headers.get('authorization'), body: null, url: request.url });
        return params.n === '0' ? first() : HttpResponse.json({});
      }),
    );
  }

  it("orders a job per municipality with the register's criteria, then reads its batches to the end marker", async () => {
    register(() => HttpResponse.json({ foedselsEllerDNummer: NINS }));
    expect(await collect({ municipalities: ['4601'], birthYearFrom: 1940 })).toEqual([NINS]);
    expect(received.map((r) => [r.auth, r.url, r.body])).toEqual([
      ['Bearer k1', ORDER, { personstatustyper: ['bosatt'], foedselsaarFraOgMed: '1940', kommunenummer: { bostedskommunenummer: '4601' } }],
      ['Bearer k1', `${BASE}/folkeregisteret/api/v1/uttrekk/job-1/batch/0`, null],
      ['Bearer k1', `${BASE}/folkeregisteret/api/v1/uttrekk/job-1/batch/1`, null],
    ]);
  });

  it('takes an empty list as the end marker too', async () => {
    register(() => HttpResponse.json({ foedselsEllerDNummer: [] }));
    expect(await collect()).toEqual([]);
    expect(received).toHaveLength(2);
  });

  it.each([
    ['another operation\'s answer', () => HttpResponse.json({ dokumenter: [] })],
    ['a list that is not one', () => HttpResponse.json({ foedselsEllerDNummer: '03864013065' })],
    ['a number that is not an identity number', () => HttpResponse.json({ foedselsEllerDNummer: ['03864013065', '12345678901'] })],
    ['a body cut short', () => new HttpResponse('{"foedselsEllerDNummer": ["0386', { headers: { 'Content-Type': 'application/json' } })],
    ['null', () => HttpResponse.json(null)],
  ])('refuses a batch that is %s as SOURCE_BAD_RESPONSE, never an empty extract', async (_what, first) => {
    register(first);
    const error = await sourceFailure(collect());
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    // The message names the path, never a value.
    expect(error.message).not.toMatch(/\d{11}/);
  });

  it.each([
    ['without a job id', () => HttpResponse.json({ dokumenter: [] })],
    ['with a job id that is no URL segment', () => HttpResponse.json({ jobbId: '../personer/bulkoppslag' })],
  ])('refuses an order answered %s as SOURCE_BAD_RESPONSE', async (_what, answer) => {
    server.use(http.post(ORDER, answer));
    expect((await sourceFailure(collect())).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it("reports the register's feilmelding in a 200 answer by its code, never its text", async () => {
    register(() => HttpResponse.json({ feilmelding: 'Ola Nordmann 03864013065 mangler' }));
    const error = await sourceFailure(collect());
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toBe('population-register answered a Folkeregisteret fault (feilmelding)');
  });

  it('reports an order the register refuses (400) as SOURCE_UNAVAILABLE with its status', async () => {
    server.use(http.post(ORDER, () => HttpResponse.json({ feilmelding: 'Ugyldige kriterier' }, { status: 400 })));
    const error = await sourceFailure(collect());
    expect([error.code, error.details.status]).toEqual(['SOURCE_UNAVAILABLE', 400]);
  });
});
