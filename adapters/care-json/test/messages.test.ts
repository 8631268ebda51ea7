import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import type { OutgoingMessage } from '../../contracts';
import { sourceFailure, testKit } from '../../kit/testing';
import { createCareJsonAdapter } from '../client';
import { mapKvittering, mapSearchPage } from '../mapper';

/**
 * The JSON care adapter's dialogue messages (issue 15): the export's `meldinger` mapped (a fixture projected by the
 * simulator: the cardiology ward's discharge note, a GP's question and home nursing's answer), the vendor's receipt
 * mapped, and `sendMessage` against msw.
 */
const page = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sok-side-meldinger.json'), 'utf8')) as { treff: Record<string, unknown>[] };
const BASE = 'http://care.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const instance = { id: 'care-json-test', system: 'care-json', baseUrl: BASE, timeoutMs: 300, options: {} } as unknown as InstanceConfig;
const adapter = () => createCareJsonAdapter(instance, { apiKey: 'k', pageSize: 25 }, testKit());

const QUESTION: OutgoingMessage = {
  id: '3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d',
  conversationRef: '3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d',
  inReplyTo: null,
  kind: 'QUESTION',
  sentAt: '2026-11-04T08:30:45.120Z',
  sender: { herId: '81241', service: 'Nordnes legekontor', orgNumber: '923456783', hprNumber: '9217889', name: 'Siri Kristoffersen' },
  recipient: { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: '964338531', hprNumber: null, name: null },
  subject: 'Warfarin og INR',
  text: 'Kan dere ta INR ved besøket på fredag?',
  patientNin: '03864013065',
};

describe('care-json: the messages the export lists', () => {
  it('maps meldinger: kind, thread, parties ("" → null), times dd.mm.yyyy HH:mm:ss (→ UTC), oldest first', () => {
    const messages = mapSearchPage(page).records.get('03864013065')?.messages ?? [];
    expect(messages.map((m) => [m.kind, m.subject, m.sentAt])).toEqual([
      ['NOTE', 'Utskrevet etter hjertesvikt: daglig veiing', '2026-10-23T12:20:00Z'],
      ['QUESTION', 'Warfarin og INR', '2026-11-04T08:30:45Z'],
      ['ANSWER', 'Sv: Warfarin og INR', '2026-11-04T08:32:10Z'],
    ]);
    expect(messages[0]).toMatchObject({ inReplyTo: null, recipient: { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: '964338531', hprNumber: null, name: null } });
    expect(messages[2]).toMatchObject({ inReplyTo: QUESTION.id, conversationRef: QUESTION.id, sender: { herId: '81302' }, recipient: { herId: '81241', hprNumber: '9217889', name: 'Siri Kristoffersen' } });
  });

  it('refuses a message of an unknown type or with a time without seconds', () => {
    const broken = (edit: (m: Record<string, unknown>) => void) => {
      const copy = structuredClone(page);
      edit((copy.treff[0]!.meldinger as Record<string, unknown>[])[0]!);
      return () => mapSearchPage(copy);
    };
    expect(broken((m) => (m.type = 'BREV'))).toThrow(/meldinger/);
    expect(broken((m) => (m.sendt = '23.10.2026 14:20'))).toThrow(/meldinger/);
  });

  it('maps the receipt: MOTTATT → OK, AVVIST → REJECTED with the Volven 8221 code of its feilkode, another id → bad response', () => {
    const kvittering = (k: Record<string, unknown>) => ({ kvittering: { meldingId: QUESTION.id, status: 'MOTTATT', feilkode: '', beskrivelse: '', mottatt: '04.11.2026 09:30:46', ...k } });
    expect(mapKvittering(kvittering({}), QUESTION)).toEqual({ status: 'OK', code: null, text: null });
    expect(mapKvittering(kvittering({ status: 'AVVIST', feilkode: 'UKJENT_PASIENT', beskrivelse: 'Pasienten finnes ikke hos mottakeren' }), QUESTION)).toEqual({ status: 'REJECTED', code: 'E35', text: 'Pasienten finnes ikke hos mottakeren' });
    expect(mapKvittering(kvittering({ status: 'AVVIST', feilkode: 'NOE_NYTT', beskrivelse: '' }), QUESTION)).toEqual({ status: 'REJECTED', code: 'X99', text: 'NOE_NYTT' });
    expect(() => mapKvittering(kvittering({ meldingId: 'annen' }), QUESTION)).toThrow(/does not refer/);
  });
});

describe('care-json sendMessage', () => {
  const sent: { apiKey: string | null; url: string; body: Record<string, unknown> }[] = [];
  afterEach(() => {
    sent.length = 0;
  });
  const endpoint = (status: number, body: Record<string, unknown>) =>
    http.post(`${BASE}/api/v2/meldinger`, async ({ request }) => {
      sent.push({ apiKey: request.headers.get('x-api-key'), url: request.url, body: (await request.json()) as Record<string, unknown> });
      return HttpResponse.json(body, { status });
    });

  it('posts the message in the export’s words (the identity number in the body, the time to the second) and maps 201 MOTTATT', async () => {
    server.use(endpoint(201, { kvittering: { meldingId: QUESTION.id, status: 'MOTTATT', feilkode: '', beskrivelse: '', mottatt: '04.11.2026 09:30:46' } }));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'OK', code: null, text: null });
    expect(sent[0]).toEqual({
      apiKey: 'k',
      url: `${BASE}/api/v2/meldinger`,
      body: {
        meldingId: QUESTION.id,
        samtaleId: QUESTION.id,
        svarPaMeldingId: '',
        type: 'SPORSMAL',
        sendt: '04.11.2026 09:30:45',
        fodselsnummer: QUESTION.patientNin,
        avsender: { herId: '81241', tjeneste: 'Nordnes legekontor', organisasjonsnummer: '923456783', hprNummer: '9217889', navn: 'Siri Kristoffersen' },
        mottaker: { herId: '81302', tjeneste: 'Hjemmesykepleien sone sør', organisasjonsnummer: '964338531', hprNummer: '', navn: '' },
        emne: QUESTION.subject,
        tekst: QUESTION.text,
      },
    });
  });

  it('maps a 422 AVVIST to REJECTED, and refuses a receipt about another message', async () => {
    server.use(endpoint(422, { kvittering: { meldingId: QUESTION.id, status: 'AVVIST', feilkode: 'UKJENT_MOTTAKER', beskrivelse: 'Mottakeren finnes ikke på denne tjenesten', mottatt: '04.11.2026 09:30:46' } }));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'REJECTED', code: 'E21', text: 'Mottakeren finnes ikke på denne tjenesten' });
    server.use(endpoint(201, { kvittering: { meldingId: 'en-annen', status: 'MOTTATT', feilkode: '', beskrivelse: '', mottatt: '' } }));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports the export’s other errors as the source’s failure (SOURCE_UNAVAILABLE)', async () => {
    server.use(endpoint(401, { feilkode: 'UAUTORISERT', melding: 'Mangler eller ugyldig X-Api-Key' }));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_UNAVAILABLE');
  });
});
