import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { createHttpClient } from '../../kit';
import { TokenCache } from '../token';

const BASE = 'http://idp.test';
const instance: InstanceConfig = { id: 'hospital-haukeland', system: 'hospital-fhir', baseUrl: BASE, timeoutMs: 1000, options: {} };
const server = setupServer();
let issued = 0;
let lifetime = 300;
let slow = false;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  issued = 0;
  lifetime = 300;
  slow = false;
  server.use(
    http.post(`${BASE}/oauth2/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      if (slow) await delay(100);
      issued += 1;
      return HttpResponse.json({ access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: lifetime, ...(form.get('scope') ? { scope: form.get('scope') } : {}) });
    }),
  );
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function cache(clock: { now: number }, scope?: string) {
  return new TokenCache(createHttpClient(instance), { clientId: 'c', clientSecret: 's', scope }, () => clock.now);
}
const signal = () => new AbortController().signal;

describe('token cache', () => {
  it('keeps a token until 30 seconds before it expires', async () => {
    const clock = { now: 0 };
    const tokens = cache(clock);
    expect(await tokens.get(signal())).toBe('tok-1');
    clock.now = 269_000;
    expect(await tokens.get(signal())).toBe('tok-1');
    clock.now = 270_000;
    expect(await tokens.get(signal())).toBe('tok-2');
    expect(issued).toBe(2);
  });

  it('renews a short-lived token at half its lifetime', async () => {
    lifetime = 20;
    const clock = { now: 0 };
    const tokens = cache(clock);
    await tokens.get(signal());
    clock.now = 9_999;
    expect(await tokens.get(signal())).toBe('tok-1');
    clock.now = 10_000;
    expect(await tokens.get(signal())).toBe('tok-2');
  });

  it('forgets an invalidated token, but not a newer one', async () => {
    const tokens = cache({ now: 0 });
    await tokens.get(signal());
    tokens.invalidate('tok-1');
    expect(await tokens.get(signal())).toBe('tok-2');
    tokens.invalidate('tok-1');
    expect(await tokens.get(signal())).toBe('tok-2');
  });

  it('shares one token request between concurrent reads', async () => {
    slow = true;
    const tokens = cache({ now: 0 });
    const got = await Promise.all([tokens.get(signal()), tokens.get(signal()), tokens.get(signal())]);
    expect(got).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(issued).toBe(1);
  });

  it('fetches its own token when the shared request is cut by another read\'s deadline', async () => {
    slow = true;
    const tokens = cache({ now: 0 });
    const first = new AbortController();
    const firstGet = tokens.get(first.signal).catch((e: unknown) => e);
    const secondGet = tokens.get(signal());
    first.abort();
    expect(await firstGet).toBeInstanceOf(Error);
    expect(await secondGet).toMatch(/^tok-\d$/);
  });

  it('asks for the configured scope', async () => {
    let asked: string | null = null;
    server.use(
      http.post(`${BASE}/oauth2/token`, async ({ request }) => {
        asked = new URLSearchParams(await request.text()).get('scope');
        return HttpResponse.json({ access_token: 't', token_type: 'bearer', expires_in: 300 });
      }),
    );
    await cache({ now: 0 }, 'dips-fhir-r4/Patient.read').get(signal());
    expect(asked).toBe('dips-fhir-r4/Patient.read');
  });
});
