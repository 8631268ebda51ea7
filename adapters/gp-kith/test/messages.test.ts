import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import type { OutgoingMessage } from '../../contracts';
import { parseXml } from '../../kit';
import { sourceFailure, testKit } from '../../kit/testing';
import { createGpKithAdapter } from '../client';
import type { GpKithDialect } from '../manifest';
import { mapJournalResponse } from '../mapper';

/**
 * The GP adapter's dialogue messages (issue 15): the messages a journal extract files, mapped from fixtures of both
 * dialects, and `sendMessage` against msw: the MsgHead it sends on each vendor's message operation, the office's
 * AppRec mapped to the model's receipt, and what it refuses.
 */
const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const BASE = 'http://gp.test';
const OPERATION: Record<GpKithDialect, { url: string; action: RegExp }> = {
  soap11: { url: `${BASE}/soap/MeldingService`, action: /^"http:\/\/nordlys\.no\/journal\/SendMelding"$/ },
  soap12: { url: `${BASE}/ws/dialog`, action: /action="urn:fjord-epj:dialog:SendMessage"/ },
};
const RECEIPT: Record<GpKithDialect, { ok: string; e35: string; contentType: string }> = {
  soap11: { ok: fixture('nordlys-apprec-ok.xml'), e35: fixture('nordlys-apprec-e35.xml'), contentType: 'text/xml; charset=utf-8' },
  soap12: { ok: fixture('fjord-apprec-ok.xml'), e35: fixture('fjord-apprec-e35.xml'), contentType: 'application/soap+xml; charset=utf-8' },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const instance = (dialect: GpKithDialect): InstanceConfig => ({ id: `gp-${dialect}`, system: 'gp-kith', baseUrl: BASE, timeoutMs: 300, options: { dialect, senderHerId: '90001' } }) as unknown as InstanceConfig;
const adapter = (dialect: GpKithDialect) => createGpKithAdapter(instance(dialect), { dialect, senderHerId: '90001' }, testKit());

/** The message the receipt fixtures answer: a home nurse's question to Nordnes legekontor about Ingrid Solheim. */
const QUESTION: OutgoingMessage = {
  id: '0b9e4f2a-7c1d-4e5f-8a9b-1c2d3e4f5a6b',
  conversationRef: '0b9e4f2a-7c1d-4e5f-8a9b-1c2d3e4f5a6b',
  inReplyTo: null,
  kind: 'QUESTION',
  sentAt: '2026-11-02T09:15:30.123Z',
  sender: { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: '964338531', hprNumber: '9757146', name: 'Kari Marie Nilsen' },
  recipient: { herId: '81241', service: 'Nordnes legekontor', orgNumber: '923456783', hprNumber: null, name: null },
  subject: 'Spironolakton etter utskrivning',
  text: 'Skal hun fortsatt ha spironolakton? Den står ikke på listen vår.',
  patientNin: '03864013065',
  senderSector: 'MUNICIPAL_CARE',
};

const at = (node: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), node);

describe('gp-kith: the messages a journal extract files', () => {
  it.each([
    ['soap11', 'nordlys-journal-messages.xml', '05895922945', '2026-10-12T09:30:00Z'],
    ['soap12', 'fjord-epj-messages.xml', '14913527195', '2026-10-20T07:40:00Z'],
  ] as const)('%s: each Message with its thread, parties and time (Oslo wall clock → UTC), oldest first', (dialect, file, nin, firstSent) => {
    const [answer] = mapJournalResponse(dialect, fixture(file));
    expect(answer?.nin).toBe(nin);
    const messages = answer?.record?.messages ?? [];
    expect(messages).toHaveLength(2);
    const [question, reply] = messages as [NonNullable<typeof messages>[number], NonNullable<typeof messages>[number]];
    expect(question).toMatchObject({ kind: 'QUESTION', inReplyTo: null, conversationRef: question.id, sentAt: firstSent });
    expect(reply).toMatchObject({ kind: 'ANSWER', inReplyTo: question.id, conversationRef: question.id, sender: question.recipient, recipient: question.sender });
    expect(reply.text).toMatch(/Vennlig hilsen/);
  });

  it('reads the parties: service, HER-id, organisation number, the person by HPR number and name', () => {
    const [answer] = mapJournalResponse('soap11', fixture('nordlys-journal-messages.xml'));
    expect(answer?.record?.messages?.[0]?.sender).toEqual({ herId: '82112', service: 'Lade legekontor', orgNumber: '922334455', hprNumber: '9964596', name: 'Espen Jørgensen' });
    expect(answer?.record?.messages?.[0]?.subject).toBe('INR-mål etter hjerteinfarkt');
  });

  it('refuses a filed message of a type that is no dialogue message, or without a text', () => {
    const xml = fixture('nordlys-journal-messages.xml');
    expect(() => mapJournalResponse('soap11', xml.replace('V="DIALOG_FORESPORSEL" S="2.16.578.1.12.4.1.1.8279"', 'V="HENVISNING" S="2.16.578.1.12.4.1.1.8279"'))).toThrow(/DIALOG_SVAR|Message/);
    expect(() => mapJournalResponse('soap11', xml.replace(/<ju:Text>[\s\S]*?<\/ju:Text>/, ''))).toThrow();
  });
});

describe.each(['soap11', 'soap12'] as const)('gp-kith sendMessage (%s)', (dialect) => {
  const sent: { action: string | null; contentType: string | null; body: string }[] = [];
  const operation = (answer: () => Response | Promise<Response>) =>
    http.post(OPERATION[dialect].url, async ({ request }) => {
      sent.push({ action: request.headers.get('soapaction'), contentType: request.headers.get('content-type'), body: await request.text() });
      return answer();
    });
  afterEach(() => {
    sent.length = 0;
  });
  const xml = (body: string, status = 200) => new HttpResponse(body, { status, headers: { 'Content-Type': RECEIPT[dialect].contentType } });

  it('sends one Dialogmelding 1.0 question in MsgHead on the vendor’s message operation, and maps the AppRec OK', async () => {
    server.use(operation(() => xml(RECEIPT[dialect].ok)));
    expect(await adapter(dialect).sendMessage(QUESTION)).toEqual({ status: 'OK', code: null, text: null });
    expect(sent).toHaveLength(1);
    const call = sent[0]!;
    expect(dialect === 'soap11' ? call.action : call.contentType).toMatch(OPERATION[dialect].action);
    const head = at(Object.values(at(parseXml(call.body), 'Envelope', 'Body') as Record<string, unknown>)[0], 'MsgHead');
    expect(at(head, 'MsgInfo', 'Type')).toEqual({ '@_V': 'DIALOG_FORESPORSEL', '@_DN': 'Forespørsel' });
    // GenDate is the message's own time in Oslo (no milliseconds): the same message sent again is the same message.
    expect(at(head, 'MsgInfo', 'GenDate')).toBe('2026-11-02T10:15:30');
    expect(at(head, 'MsgInfo', 'MsgId')).toBe(QUESTION.id);
    expect(at(head, 'MsgInfo', 'ConversationRef')).toBeUndefined();
    expect(at(head, 'MsgInfo', 'Sender', 'Organisation', 'HealthcareProfessional')).toMatchObject({ FamilyName: 'Nilsen', MiddleName: 'Marie', GivenName: 'Kari' });
    expect(at(head, 'MsgInfo', 'Patient', 'Ident')).toMatchObject({ Id: QUESTION.patientNin, TypeId: { '@_V': 'FNR' } });
    const dialog = at(head, 'Document', 'RefDoc', 'Content', 'Dialogmelding');
    expect(dialog).toMatchObject({
      Sakstype: QUESTION.subject,
      Foresporsel: { TypeForesp: { '@_V': '99', '@_S': '2.16.578.1.12.4.1.1.9152' }, Sporsmal: QUESTION.text, Formål: { '@_V': '2', '@_S': '2.16.578.1.12.4.1.1.9068' } },
    });
  });

  it('writes an answer as a Notat (9069 code 5) naming its question and thread in ConversationRef, and a note as a Notat (7321 code 1)', async () => {
    server.use(operation(() => xml(RECEIPT[dialect].ok)));
    const a = adapter(dialect);
    await a.sendMessage({ ...QUESTION, kind: 'ANSWER', inReplyTo: 'q-1', conversationRef: 'q-1' }).catch(() => undefined);
    await a.sendMessage({ ...QUESTION, kind: 'NOTE', conversationRef: QUESTION.id }).catch(() => undefined);
    const heads = sent.map((c) => at(Object.values(at(parseXml(c.body), 'Envelope', 'Body') as Record<string, unknown>)[0], 'MsgHead'));
    expect(at(heads[0], 'MsgInfo', 'ConversationRef')).toEqual({ RefToParent: 'q-1', RefToConversation: 'q-1' });
    expect(at(heads[0], 'Document', 'RefDoc', 'Content', 'Dialogmelding', 'Notat')).toMatchObject({ TemaKodet: { '@_V': '5', '@_S': '2.16.578.1.12.4.1.1.9069' }, Tema: QUESTION.subject, TekstNotatInnhold: QUESTION.text, DatoNotat: '2026-11-02' });
    expect(at(heads[1], 'MsgInfo', 'Type', '@_V')).toBe('DIALOG_NOTAT');
    expect(at(heads[1], 'Document', 'RefDoc', 'Content', 'Dialogmelding', 'Notat', 'TemaKodet')).toMatchObject({ '@_V': '1', '@_S': '2.16.578.1.12.4.1.1.7321' });
  });

  it('a doctor’s question takes TypeForesp from 9153', async () => {
    server.use(operation(() => xml(RECEIPT[dialect].ok)));
    await adapter(dialect).sendMessage({ ...QUESTION, senderSector: 'HOSPITAL' });
    expect(sent[0]?.body).toContain('S="2.16.578.1.12.4.1.1.9153"');
  });

  it('maps an AppRec status 2 to REJECTED with its Volven 8221 code and text', async () => {
    server.use(operation(() => xml(RECEIPT[dialect].e35)));
    expect(await adapter(dialect).sendMessage(QUESTION)).toEqual({ status: 'REJECTED', code: 'E35', text: 'Pasienten finnes ikke hos mottakeren' });
  });

  it.each([
    ['another message', (r: string) => r.replace(QUESTION.id, '11111111-2222-4333-8444-555555555555')],
    ['another message type', (r: string) => r.replace(/(OriginalMsgId>\s*<(?:ar:)?MsgType V=")DIALOG_FORESPORSEL/, '$1DIALOG_NOTAT')],
    ['another party than the one addressed', (r: string) => r.replace('<ar:Id>81241</ar:Id>', '<ar:Id>81242</ar:Id>').replace('<Id>81241</Id>', '<Id>81242</Id>')],
    ['no AppRec at all', () => (dialect === 'soap11' ? RECEIPT.soap11.ok.replace(/<ar:AppRec>[\s\S]*<\/ar:AppRec>/, '') : RECEIPT.soap12.ok.replace(/<AppRec [\s\S]*<\/AppRec>/, ''))],
  ])('refuses a receipt that refers to %s: SOURCE_BAD_RESPONSE', async (_what, edit) => {
    const body = edit(RECEIPT[dialect].ok);
    expect(body).not.toBe(RECEIPT[dialect].ok);
    server.use(operation(() => xml(body)));
    expect((await sourceFailure(adapter(dialect).sendMessage(QUESTION))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports the product’s fault by its codes (SOURCE_UNAVAILABLE) and a system that does not answer in time (SOURCE_TIMEOUT)', async () => {
    server.use(operation(() => xml(fixture(`fault-${dialect}.xml`), 500)));
    expect((await sourceFailure(adapter(dialect).sendMessage(QUESTION))).code).toBe('SOURCE_UNAVAILABLE');
    server.use(
      operation(async () => {
        await delay(2000);
        return xml(RECEIPT[dialect].ok);
      }),
    );
    expect((await sourceFailure(adapter(dialect).sendMessage(QUESTION))).code).toBe('SOURCE_TIMEOUT');
  });

  it('sends nothing for an answer that names no question (the graph’s mistake, not the source’s)', async () => {
    server.use(operation(() => xml(RECEIPT[dialect].ok)));
    await expect(adapter(dialect).sendMessage({ ...QUESTION, kind: 'ANSWER' })).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(0);
  });
});
