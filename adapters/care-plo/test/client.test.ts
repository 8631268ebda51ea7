import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { carePloSimulator } from '../../../simulators/care-plo';
import { parseXml } from '../../kit';
import { createCarePloAdapter } from '../client';
import { receiptsSettled } from '../../kit/appRec';
import { sourceFailure, testKit } from '../../kit/testing';

const BASE = 'http://care-plo.test';
const URL_ = `${BASE}/plo/helseopplysninger`;
const instance: InstanceConfig = { id: 'care-trondheim', system: 'care-plo', baseUrl: BASE, timeoutMs: 300, options: {} };
const fixture = readFileSync(path.join(__dirname, 'fixtures', 'meldingliste.xml'), 'utf8');
const [NURSING_HOME, HOME, UNKNOWN] = ['14913527195', '22924932337', '01010112345'] as const;
const D_NUMBER = '65849226767';

interface Received {
  url: string;
  contentType: string | null;
  doc: Record<string, unknown>;
  /** The requests of the batch: message id and patient, in order. */
  requests: { msgId: string; nin: string }[];
}
const received: Received[] = [];
/** The application receipt calls the product's receipt endpoint got (answered 202). */
const RECEIPTS_URL = `${BASE}/plo/applikasjonskvittering`;
const receiptCalls: { contentType: string | null; body: string }[] = [];
const server = setupServer(
  http.post(RECEIPTS_URL, async ({ request }) => {
    receiptCalls.push({ contentType: request.headers.get('content-type'), body: await request.text() });
    return new HttpResponse(null, { status: 202 });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  await receiptsSettled();
  server.resetHandlers();
  received.length = 0;
  receiptCalls.length = 0;
});

/** The AppRecs the adapter sent, once every receipt has been delivered: status, error, what they refer to, the parties. */
async function appRecsSent(): Promise<{ status: unknown; error: unknown; original: unknown; from: unknown; to: unknown }[]> {
  await receiptsSettled();
  return receiptCalls.flatMap((call) =>
    (at(parseXml(call.body, ['AppRec']), 'KvitteringListe', 'AppRec') as unknown[]).map((a) => ({
      status: at(a, 'Status', '@_V'),
      error: at(a, 'Error', '@_V'),
      original: { type: at(a, 'OriginalMsgId', 'MsgType', '@_V'), issueDate: at(a, 'OriginalMsgId', 'IssueDate'), id: at(a, 'OriginalMsgId', 'Id') },
      from: at(a, 'Sender', 'HCP', 'Inst', 'Id'),
      to: at(a, 'Receiver', 'HCP', 'Inst', 'Id'),
    })),
  );
}
afterAll(() => server.close());

function adapter() {
  return createCarePloAdapter(instance, { senderHerId: '90001', receiverHerId: '95001' }, testKit());
}

type Xml = Record<string, unknown>;

/** The value at a path of element names in a parsed message. */
function at(node: unknown, ...names: (string | number)[]): unknown {
  return names.reduce<unknown>((value, name) => (value && typeof value === 'object' ? (value as Record<string | number, unknown>)[name] : undefined), node);
}

/** The fixture's MsgHeads by the patient they are about. */
const fixtureHeads = new Map((fixture.match(/ {2}<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>\n/g) ?? []).map((h) => [/<mh:Patient>[\s\S]*?<mh:Id>(\d{11})<\/mh:Id>/.exec(h)?.[1], h]));
const [listOpen, listClose] = fixture.split(/ {2}<mh:MsgHead>[\s\S]*<\/mh:MsgHead>\n/) as [string, string];

/** The DIALOG_SVAR the system sends for a patient it holds nothing on: the first fixture MsgHead, its documents replaced. */
function nothingHeld(nin: string): string {
  const head = [...fixtureHeads.values()][0]!;
  return head
    .replace('V="HELSEOPPLYSNINGER_LEGE" DN="Helseopplysninger til lege"', 'V="DIALOG_SVAR" DN="Svar på forespørsel"')
    .replace(/<mh:FamilyName>[\s\S]*?<mh:GivenName>.*?<\/mh:GivenName>\s*/, '')
    .replace(/(<mh:Patient>[\s\S]*?<mh:Id>)\d{11}/, `$1${nin}`)
    .replace(
      /<mh:Document>[\s\S]*<\/mh:Document>/,
      '<mh:Document><mh:RefDoc><mh:MsgType V="XML"/><mh:Content><Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2006-10-11"><Notat><TemaKodet V="3" S="2.16.578.1.12.4.1.1.9069" DN="Har ikke ønskede opplysninger"/></Notat></Dialogmelding></mh:Content></mh:RefDoc></mh:Document>',
    );
}

/** The fixture's MsgHead (or a DIALOG_SVAR) for one request, as an answer to it. */
function answerTo(request: { msgId: string; nin: string }): string {
  return answerOf(fixtureHeads.get(request.nin) ?? nothingHeld(request.nin), request);
}

/** A MsgHead made the answer to one request (its ConversationRef). */
function answerOf(head: string, request: { msgId: string }): string {
  return head.replace(/<mh:RefToParent>.*?<\/mh:RefToParent>/, `<mh:RefToParent>${request.msgId}</mh:RefToParent>`).replace(/<mh:RefToConversation>.*?<\/mh:RefToConversation>/, `<mh:RefToConversation>${request.msgId}</mh:RefToConversation>`);
}

/** A system answering every request of a batch from the fixture; `edit` may spoil the answer. */
function ploSystem(edit: (heads: string[], requests: Received['requests']) => string[] = (heads) => heads) {
  return http.post(URL_, async ({ request }) => {
    const doc = parseXml(await request.text(), ['MsgHead']);
    const heads = (at(doc, 'MeldingListe', 'MsgHead') as Xml[]).map((m) => ({ msgId: String(at(m, 'MsgInfo', 'MsgId')), nin: String(at(m, 'MsgInfo', 'Patient', 'Ident', 'Id')) }));
    received.push({ url: request.url, contentType: request.headers.get('content-type'), doc, requests: heads });
    const body = listOpen + edit(heads.map(answerTo), heads).join('') + listClose;
    return new HttpResponse(body, { headers: { 'Content-Type': 'application/xml' } });
  });
}

describe('care-plo client', () => {
  it('asks for several patients in one XML message addressed by HER-id, numbers in the body only', async () => {
    server.use(ploSystem());
    const result = await adapter().read([NURSING_HOME, HOME, UNKNOWN, D_NUMBER, HOME]);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.url).toBe(URL_);
    expect(request?.url).not.toMatch(/\d{11}/);
    expect(request?.contentType).toMatch(/^application\/xml/);
    const heads = at(request?.doc, 'MeldingListe', 'MsgHead') as Xml[];
    for (const head of heads) {
      expect(at(head, 'MsgInfo', 'Type', '@_V')).toBe('DIALOG_FORESPORSEL');
      expect(at(head, 'MsgInfo', 'Sender', 'Organisation', 'Ident', 'Id')).toBe('90001');
      expect(at(head, 'MsgInfo', 'Receiver', 'Organisation', 'Ident', 'Id')).toBe('95001');
      expect(at(head, 'MsgInfo', 'MsgId')).toMatch(/^[0-9a-f-]{36}$/);
      // Dialogmelding 1.0's own lists: Volven 9152 code 1 Helseopplysninger, a purpose from 9068; no 7322.
      expect(at(head, 'Document', 'RefDoc', 'Content', 'Dialogmelding', 'Foresporsel', 'TypeForesp')).toEqual({ '@_V': '1', '@_S': '2.16.578.1.12.4.1.1.9152', '@_DN': 'Helseopplysninger' });
      expect(at(head, 'Document', 'RefDoc', 'Content', 'Dialogmelding', 'Foresporsel', 'Formål')).toEqual({ '@_V': '2', '@_S': '2.16.578.1.12.4.1.1.9068', '@_DN': 'Helsehjelp til pasient som har journal' });
    }
    expect(new Set(request?.requests.map((r) => r.msgId)).size).toBe(4);
    expect(heads.map((h) => [at(h, 'MsgInfo', 'Patient', 'Ident', 'Id'), at(h, 'MsgInfo', 'Patient', 'Ident', 'TypeId', '@_V')])).toEqual([
      [NURSING_HOME, 'FNR'],
      [HOME, 'FNR'],
      [UNKNOWN, 'FNR'],
      [D_NUMBER, 'DNR'],
    ]);
    expect(result.get(NURSING_HOME)?.services[1]?.type).toBe('NURSING_HOME_LONG_TERM');
    expect(result.get(HOME)?.welfareTechnology[0]?.type).toBe('SAFETY_ALARM');
    expect(result.get(UNKNOWN)).toBeNull();
    expect(result.get(D_NUMBER)).toBeNull();
  });

  it('splits more than 100 patients into calls of at most 100 MsgHeads, each with its own MsgId', async () => {
    server.use(ploSystem());
    const many = Array.from({ length: 150 }, (_, i) => String(10_000_000_000 + i));
    const result = await adapter().read(many);
    expect(received.map((r) => r.requests.length).sort((a, b) => b - a)).toEqual([100, 50]);
    expect(new Set(received.flatMap((r) => r.requests.map((m) => m.msgId))).size).toBe(150);
    expect(result.size).toBe(150);
  });

  it('acknowledges every answer with an AppRec 1.0, OK, from our HER-id to the service, referring to it by type, issue date and id', async () => {
    server.use(ploSystem());
    await adapter().read([NURSING_HOME, UNKNOWN]);
    const sent = await appRecsSent();
    expect(receiptCalls).toHaveLength(1);
    expect(receiptCalls[0]?.contentType).toMatch(/^application\/xml/);
    // No identity number: no run of 11 digits outside the receipt's own random id (a UUID may hold one by chance).
    expect(String(receiptCalls[0]?.body).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '')).not.toMatch(/\d{11}/);
    const answered = [...fixture.matchAll(/<mh:GenDate>([^<]+)<\/mh:GenDate>\s*<mh:MsgId>([^<]+)</g)][0]!;
    expect(sent).toEqual([
      { status: '1', error: undefined, original: { type: 'HELSEOPPLYSNINGER_LEGE', issueDate: answered[1], id: answered[2] }, from: '90001', to: '95001' },
      { status: '1', error: undefined, original: { type: 'DIALOG_SVAR', issueDate: answered[1], id: answered[2] }, from: '90001', to: '95001' },
    ]);
  });

  it.each([
    ['an answer to another request', (heads: string[]) => [heads[0]!.replace(/<mh:RefToParent>.*?</, '<mh:RefToParent>0f8e3c2a-9999-4a2b-8c3d-9e8f7a6b5c4d<')], 'E10'],
    ['an answer about another patient', (heads: string[]) => [heads[0]!.replace(/(<mh:Patient>[\s\S]*?<mh:Id>)\d{11}/, `$1${HOME}`)], 'E31'],
    ['an answer from another service', (heads: string[]) => [heads[0]!.replace('<mh:Id>95001</mh:Id>', '<mh:Id>95002</mh:Id>')], 'X99'],
    ['an answer addressed to someone else', (heads: string[]) => [heads[0]!.replace('<mh:Id>90001</mh:Id>', '<mh:Id>90002</mh:Id>')], 'E21'],
    ['two answers to one request', (heads: string[]) => [heads[0]!, heads[0]!], 'X99'],
    ['a request left unanswered', () => [], null],
    // "Nothing held" in Dialogmelding 1.0 is Volven 9069 code 3; 7322 is the 1.1 list, and another answer is not guessed at.
    ['a nothing-held answer with a topic from Dialogmelding 1.1 (7322)', (_heads: string[], requests: Received['requests']) => [nothingHeld(requests[0]!.nin).replace('V="3" S="2.16.578.1.12.4.1.1.9069"', 'V="8" S="2.16.578.1.12.4.1.1.7322"')].map((h) => answerOf(h, requests[0]!)), 'T99'],
    ['a nothing-held answer that says the information is included (9069 code 1)', (_heads: string[], requests: Received['requests']) => [nothingHeld(requests[0]!.nin).replace('V="3" S="2.16.578.1.12.4.1.1.9069"', 'V="1" S="2.16.578.1.12.4.1.1.9069"')].map((h) => answerOf(h, requests[0]!)), 'T99'],
    ['an answer that breaks the schema', (heads: string[]) => [heads[0]!.replace(/<mh:ConversationRef>[\s\S]*?<\/mh:ConversationRef>/, '')], 'T02'],
  ])('refuses %s as SOURCE_BAD_RESPONSE, and says why by AppRec', async (_name, edit, code) => {
    server.use(ploSystem(edit));
    expect((await sourceFailure(adapter().read([NURSING_HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
    // Every message it got is acknowledged on its own: each offending one Avvist with its 8221 error, the rest OK.
    const sent = await appRecsSent();
    const refused = sent.filter((a) => a.status === '2');
    expect(refused.map((a) => a.error)).toEqual(code ? [code] : []);
    expect(sent.filter((a) => a.status !== '2').every((a) => a.status === '1')).toBe(true);
  });

  it('reads a request the service refused by AppRec (status 2) as its fault: SOURCE_UNAVAILABLE with the 8221 code, acknowledging no receipt', async () => {
    server.use(
      ploSystem((heads, requests) => [
        heads[1]!,
        `<AppRec xmlns="http://www.kith.no/xmlstds/apprec/2004-11-21"><MsgType V="APPREC"/><MIGversion>1.0 2004-11-21</MIGversion><GenDate>2026-12-06T10:00:00</GenDate><Id>r-1</Id><Sender><HCP><Inst><Id>95001</Id><TypeId V="HER"/></Inst></HCP></Sender><Receiver><HCP><Inst><Id>90001</Id><TypeId V="HER"/></Inst></HCP></Receiver><Status V="2" DN="Avvist"/><Error V="T99" S="2.16.578.1.12.4.1.1.8221" DN="Annen feil på format"/><OriginalMsgId><MsgType V="DIALOG_FORESPORSEL"/><IssueDate>2026-12-06T10:00:00</IssueDate><Id>${requests[0]!.msgId}</Id></OriginalMsgId></AppRec>`,
      ]),
    );
    const error = await sourceFailure(adapter().read([NURSING_HOME, HOME]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toBe('care-trondheim answered a KITH AppRec fault (Avvist), error code T99');
    expect((await appRecsSent()).map((a) => a.status)).toEqual(['1']);
  });

  it('a receipt endpoint that fails or never answers costs the read nothing', async () => {
    server.use(ploSystem(), http.post(RECEIPTS_URL, () => new HttpResponse('<Feilmelding/>', { status: 500 })));
    expect((await adapter().read([NURSING_HOME])).get(NURSING_HOME)).not.toBeNull();
    server.use(
      http.post(RECEIPTS_URL, async () => {
        await delay('infinite');
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const started = performance.now();
    expect((await adapter().read([NURSING_HOME])).get(NURSING_HOME)).not.toBeNull();
    expect(performance.now() - started).toBeLessThan(250);
    await receiptsSettled();
  });

  it('refuses the fixture answered as is, to requests it does not answer', async () => {
    server.use(http.post(URL_, () => new HttpResponse(fixture, { headers: { 'Content-Type': 'application/xml' } })));
    expect((await sourceFailure(adapter().read([NURSING_HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports the system\'s XML server error as SOURCE_UNAVAILABLE naming the instance', async () => {
    const { status, body } = carePloSimulator.failure;
    server.use(http.post(URL_, () => new HttpResponse(body, { status, headers: { 'Content-Type': 'application/xml' } })));
    const error = await sourceFailure(adapter().read([NURSING_HOME]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('care-trondheim');
    expect(error.details.status).toBe(500);
  });

  it('reports a refused request (400 Feilmelding) as SOURCE_UNAVAILABLE', async () => {
    server.use(http.post(URL_, () => new HttpResponse('<Feilmelding><Kode V="UGYLDIG_MELDING"/></Feilmelding>', { status: 400, headers: { 'Content-Type': 'application/xml' } })));
    expect((await sourceFailure(adapter().read([NURSING_HOME]))).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(URL_, () => new HttpResponse(fixture.slice(0, 900), { headers: { 'Content-Type': 'application/xml' } })));
    expect((await sourceFailure(adapter().read([NURSING_HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a well-formed message missing required elements as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(URL_, () => new HttpResponse(carePloSimulator.invalid.body, { headers: { 'Content-Type': 'application/xml' } })));
    const error = await sourceFailure(adapter().read([NURSING_HOME]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toMatch(/Patient/);
  });

  it('reports a system that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(URL_, async () => {
        await delay('infinite');
        return new HttpResponse('');
      }),
    );
    const error = await sourceFailure(adapter().read([NURSING_HOME]));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});
