import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { type ReadMiddleware } from '../../kit';
import { createSummaryRecordAdapter, SUMMARIES_PATH, TICKETS_PATH } from '../client';
import { sourceFailure, testKit } from '../../kit/testing';

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'summaries.json'), 'utf8')) as {
  summaries: Record<string, unknown>[];
};
const BASE = 'http://kj.test';
const instance: InstanceConfig = { id: 'summary-record', system: 'summary-record', baseUrl: BASE, timeoutMs: 300, options: {} };
const NIN_A = '05895922945';
const NIN_B = '03864013065';
const NIN_UNKNOWN = '23850274401';
/** The reader's purpose, as the subgraph passes it from their token. */
const TREAT = { purposeOfUse: 'TREAT' } as const;
const server = setupServer();

interface Seen {
  path: string;
  url: string;
  apiKey: string | null;
  purpose: string | null;
  body: Record<string, unknown>;
}

/**
 * A fake Kjernejournal: issues tickets for NIN_A and NIN_B (bound to the patient), answers summaries from
 * the fixture (A gets the first summary, B the second), and can be told to refuse particular tickets.
 */
function fakeKj(options: { refuse?: (ticket: string) => 'TICKET_EXPIRED' | 'TICKET_UNKNOWN' | undefined } = {}) {
  const seen: Seen[] = [];
  const issued = new Map<string, string>();
  let counter = 0;
  const record = async (request: Request) => {
    const body = (await request.json()) as Record<string, unknown>;
    seen.push({ path: new URL(request.url).pathname, url: request.url, apiKey: request.headers.get('x-api-key'), purpose: request.headers.get('x-kj-purpose'), body });
    return body;
  };
  server.use(
    http.post(`${BASE}${TICKETS_PATH}`, async ({ request }) => {
      const body = await record(request);
      const patients = body.patients as string[];
      return HttpResponse.json({
        tickets: patients.map((nin, patientIndex) => {
          if (nin !== NIN_A && nin !== NIN_B) return { patientIndex, error: 'PATIENT_NOT_FOUND' };
          counter += 1;
          const ticket = `tkt${counter}x${nin === NIN_A ? 'a' : 'b'}`;
          issued.set(ticket, nin);
          return { ticket, patientIndex, expiresAt: new Date(Date.now() + 600_000).toISOString() };
        }),
      }, { headers: { 'Cache-Control': 'no-cache, private', Pragma: 'no-cache' } });
    }),
    http.post(`${BASE}${SUMMARIES_PATH}`, async ({ request }) => {
      const body = await record(request);
      return HttpResponse.json({
        summaries: (body.tickets as string[]).map((ticket) => {
          const refused = options.refuse?.(ticket);
          if (refused) return { ticket, error: refused };
          const nin = issued.get(ticket);
          if (!nin) return { ticket, error: 'TICKET_UNKNOWN' };
          return { ...fixture.summaries[nin === NIN_A ? 0 : 1], ticket };
        }),
      });
    }),
  );
  return {
    seen,
    calls: (p: string) => seen.filter((s) => s.path === p).length,
  };
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function adapter(now?: () => number) {
  return createSummaryRecordAdapter(instance, { apiKey: 'k1' }, testKit(), now ? { now } : {});
}


describe('summary record client', () => {
  it('gets tickets for many patients in one call, then their summaries in one call, with key and purpose headers', async () => {
    const kj = fakeKj();
    const result = await adapter().read([NIN_A, NIN_B, NIN_A, NIN_UNKNOWN], TREAT);
    expect(kj.seen.map((s) => s.path)).toEqual([TICKETS_PATH, SUMMARIES_PATH]);
    expect(kj.seen[0]?.body).toEqual({ patients: [NIN_A, NIN_B, NIN_UNKNOWN] });
    expect(kj.seen[1]?.body).toEqual({ tickets: ['tkt1xa', 'tkt2xb'] });
    for (const s of kj.seen) {
      expect(s.apiKey).toBe('k1');
      expect(s.purpose).toBe('TREAT');
    }
    expect(result.get(NIN_A)?.criticalInformation[0]?.text).toBe('NSAIDs');
    expect(result.get(NIN_B)?.criticalInformation[0]?.text).toBe('Penicilliner');
    expect(result.get(NIN_B)?.dispensations[0]?.dispensed).toBe('2026-10-21');
    expect(result.get(NIN_UNKNOWN)).toBeNull();
  });

  it("attests the reader's purpose on both calls, for each purpose the service takes", async () => {
    for (const purposeOfUse of ['ETREAT', 'COC', 'PATRQT'] as const) {
      const kj = fakeKj();
      await adapter().read([NIN_A], { purposeOfUse });
      expect(kj.seen.map((s) => [s.path, s.purpose])).toEqual([
        [TICKETS_PATH, purposeOfUse],
        [SUMMARIES_PATH, purposeOfUse],
      ]);
      server.resetHandlers();
    }
  });

  it('refuses to read without a purpose the service takes, sending nothing', async () => {
    const kj = fakeKj();
    for (const options of [undefined, {}, { purposeOfUse: 'HRESCH' as const }, { purposeOfUse: 'HOPERAT' as const }]) {
      const error = await sourceFailure(adapter().read([NIN_A], options));
      expect(error.code).toBe('SOURCE_BAD_RESPONSE');
      expect(error.sourceId).toBe('summary-record');
    }
    expect(kj.seen).toEqual([]);
  });

  it('holds a ticket for the purpose it was issued under only: another purpose gets its own', async () => {
    const kj = fakeKj();
    const summaryRecord = adapter();
    await summaryRecord.read([NIN_A], TREAT);
    await summaryRecord.read([NIN_A], { purposeOfUse: 'ETREAT' });
    await summaryRecord.read([NIN_A], TREAT);
    await summaryRecord.read([NIN_A], { purposeOfUse: 'ETREAT' });
    expect(kj.seen.map((s) => [s.path, s.purpose, s.body])).toEqual([
      [TICKETS_PATH, 'TREAT', { patients: [NIN_A] }],
      [SUMMARIES_PATH, 'TREAT', { tickets: ['tkt1xa'] }],
      [TICKETS_PATH, 'ETREAT', { patients: [NIN_A] }],
      [SUMMARIES_PATH, 'ETREAT', { tickets: ['tkt2xa'] }],
      [SUMMARIES_PATH, 'TREAT', { tickets: ['tkt1xa'] }],
      [SUMMARIES_PATH, 'ETREAT', { tickets: ['tkt2xa'] }],
    ]);
  });

  it('never puts an identity number in a URL, and sends numbers only in the tickets body', async () => {
    const kj = fakeKj();
    await adapter().read([NIN_A, NIN_B, NIN_UNKNOWN], TREAT);
    for (const s of kj.seen) expect(s.url).not.toMatch(/\d{11}/);
    const summaries = kj.seen.filter((s) => s.path === SUMMARIES_PATH);
    expect(JSON.stringify(summaries.map((s) => s.body))).not.toMatch(/\d{11}/);
  });

  it('reuses unexpired tickets: a second read makes only the summaries call', async () => {
    const kj = fakeKj();
    const summaryRecord = adapter();
    await summaryRecord.read([NIN_A, NIN_B], TREAT);
    const again = await summaryRecord.read([NIN_B, NIN_A], TREAT);
    expect(kj.seen.map((s) => s.path)).toEqual([TICKETS_PATH, SUMMARIES_PATH, SUMMARIES_PATH]);
    expect(kj.seen[2]?.body).toEqual({ tickets: ['tkt2xb', 'tkt1xa'] });
    expect(again.get(NIN_A)?.criticalInformation).toHaveLength(3);
  });

  it('asks for tickets only for patients it holds none for', async () => {
    const kj = fakeKj();
    const summaryRecord = adapter();
    await summaryRecord.read([NIN_A], TREAT);
    await summaryRecord.read([NIN_A, NIN_B], TREAT);
    expect(kj.seen.map((s) => s.path)).toEqual([TICKETS_PATH, SUMMARIES_PATH, TICKETS_PATH, SUMMARIES_PATH]);
    expect(kj.seen[2]?.body).toEqual({ patients: [NIN_B] });
    expect(kj.seen[3]?.body).toEqual({ tickets: ['tkt1xa', 'tkt2xb'] });
  });

  it('does not present a ticket close to its expiry: it gets a new one first', async () => {
    const kj = fakeKj();
    let clock = Date.now();
    const summaryRecord = adapter(() => clock);
    await summaryRecord.read([NIN_A], TREAT);
    clock += 9.5 * 60_000; // within the safety margin of the ten-minute life
    await summaryRecord.read([NIN_A], TREAT);
    expect(kj.seen.map((s) => s.path)).toEqual([TICKETS_PATH, SUMMARIES_PATH, TICKETS_PATH, SUMMARIES_PATH]);
    expect(kj.seen[3]?.body).toEqual({ tickets: ['tkt2xa'] });
  });

  it('renews expired or unknown tickets and retries once, for those patients only', async () => {
    const kj = fakeKj({ refuse: (t) => (t === 'tkt1xa' ? 'TICKET_EXPIRED' : t === 'tkt2xb' ? 'TICKET_UNKNOWN' : undefined) });
    const summaryRecord = adapter();
    await summaryRecord.read([NIN_UNKNOWN], TREAT); // nothing held for the unknown patient
    const result = await summaryRecord.read([NIN_A, NIN_B], TREAT);
    expect(kj.seen.map((s) => s.path)).toEqual([TICKETS_PATH, TICKETS_PATH, SUMMARIES_PATH, TICKETS_PATH, SUMMARIES_PATH]);
    expect(kj.seen[3]?.body).toEqual({ patients: [NIN_A, NIN_B] });
    expect(kj.seen[4]?.body).toEqual({ tickets: ['tkt3xa', 'tkt4xb'] });
    expect(result.get(NIN_A)?.criticalInformation[2]?.type).toBe('IMPLANT');
    expect(result.get(NIN_B)).not.toBeNull();
    // The renewed tickets are the ones held now.
    await summaryRecord.read([NIN_A], TREAT);
    expect(kj.seen.at(-1)?.body).toEqual({ tickets: ['tkt3xa'] });
  });

  it('gives up with SOURCE_BAD_RESPONSE when the source refuses tickets it has just issued', async () => {
    const kj = fakeKj({ refuse: () => 'TICKET_UNKNOWN' });
    const error = await sourceFailure(adapter().read([NIN_A], TREAT));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(kj.calls(SUMMARIES_PATH)).toBe(2);
  });

  it('splits more than 50 patients into batches of 50 for both calls', async () => {
    const kj = fakeKj();
    const many = Array.from({ length: 119 }, (_, i) => String(10_000_000_000 + i));
    const result = await adapter().read([NIN_A, ...many.slice(0, 60), NIN_B, ...many.slice(60)], TREAT);
    // The batches go to the service side by side, so they arrive in any order.
    const sizes = (p: string, field: string) =>
      kj.seen
        .filter((s) => s.path === p)
        .map((s) => (s.body[field] as string[]).length)
        .sort((a, b) => b - a);
    expect(sizes(TICKETS_PATH, 'patients')).toEqual([50, 50, 21]);
    // Each of the first two batches holds one known patient: one summaries call each, none for the third.
    expect(sizes(SUMMARIES_PATH, 'tickets')).toEqual([1, 1]);
    expect(result.get(NIN_B)).not.toBeNull();
    expect(result.size).toBe(121);
  });

  it('keeps only the patients it asked for, even when the summaries answer carries more', async () => {
    const kj = fakeKj();
    const summaryRecord = adapter();
    await summaryRecord.read([NIN_B], TREAT); // a ticket for B is now held
    // The source answers A's ticket, and also B's (which nobody asked for this time).
    server.use(
      http.post(`${BASE}${SUMMARIES_PATH}`, async ({ request }) => {
        const asked = ((await request.json()) as { tickets: string[] }).tickets;
        return HttpResponse.json({ summaries: [...asked, 'tkt1xb'].map((ticket) => ({ ...fixture.summaries[ticket.endsWith('a') ? 0 : 1], ticket })) });
      }),
    );
    const handed: string[] = [];
    const spy: ReadMiddleware = async (call, next) => {
      const result = await next(call);
      handed.push(...result.keys());
      return result;
    };
    const kit = testKit().use(spy);
    const spied = createSummaryRecordAdapter(instance, { apiKey: 'k1' }, kit);
    const result = await spied.read([NIN_A], TREAT);
    expect(handed).toEqual([NIN_A]);
    expect([...result.keys()]).toEqual([NIN_A]);
    expect(kj.calls(TICKETS_PATH)).toBe(2);
  });

  it('refuses one ticket issued for two patients (one would get the other\'s summary) as SOURCE_BAD_RESPONSE', async () => {
    const kj = fakeKj();
    server.use(
      http.post(`${BASE}${TICKETS_PATH}`, async ({ request }) => {
        const patients = ((await request.json()) as { patients: string[] }).patients;
        const expiresAt = new Date(Date.now() + 600_000).toISOString();
        return HttpResponse.json({ tickets: patients.map((_nin, patientIndex) => ({ ticket: 'tkt-same', patientIndex, expiresAt })) });
      }),
    );
    const error = await sourceFailure(adapter().read([NIN_A, NIN_B], TREAT));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toMatch(/one ticket for two patients/);
    expect(kj.calls(SUMMARIES_PATH)).toBe(0);
  });

  it('reports a service error as SOURCE_UNAVAILABLE naming the instance', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ error: 'SERVICE_UNAVAILABLE', message: 'Kjernejournal er midlertidig utilgjengelig' }, { status: 503 })));
    const error = await sourceFailure(adapter().read([NIN_A], TREAT));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('summary-record');
    expect(error.details.status).toBe(503);
  });

  it('reports a failing summaries call after good tickets as SOURCE_UNAVAILABLE', async () => {
    fakeKj();
    server.use(http.post(`${BASE}${SUMMARIES_PATH}`, () => HttpResponse.json({ error: 'SERVICE_UNAVAILABLE' }, { status: 503 })));
    expect((await sourceFailure(adapter().read([NIN_A], TREAT))).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a rejected API key as SOURCE_UNAVAILABLE', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ error: 'UNAUTHORIZED' }, { status: 401 })));
    expect((await sourceFailure(adapter().read([NIN_A], TREAT))).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('{"tickets": [{"tick', { headers: { 'Content-Type': 'application/json' } })));
    expect((await sourceFailure(adapter().read([NIN_A], TREAT))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports malformed summaries as SOURCE_BAD_RESPONSE', async () => {
    fakeKj();
    server.use(
      http.post(`${BASE}${SUMMARIES_PATH}`, () =>
        HttpResponse.json({ summaries: [{ ticket: 'tkt1xa', criticalInformation: 'ingen', dispensedMedications: [{ atc: 7 }] }] }),
      ),
    );
    expect((await sourceFailure(adapter().read([NIN_A], TREAT))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports summaries that leave a ticket unanswered as SOURCE_BAD_RESPONSE', async () => {
    fakeKj();
    server.use(http.post(`${BASE}${SUMMARIES_PATH}`, () => HttpResponse.json({ summaries: [] })));
    expect((await sourceFailure(adapter().read([NIN_A], TREAT))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a source that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(`${BASE}/*`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await sourceFailure(adapter().read([NIN_A], TREAT));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});
