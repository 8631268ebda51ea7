import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import type { GpRecordKey } from '../../contracts';
import { parseXml } from '../../kit';
import { createGpKithAdapter } from '../client';
import type { GpKithDialect } from '../manifest';
import { receiptsSettled } from '../../kit/appRec';
import { sourceFailure, testKit } from '../../kit/testing';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const BASE = 'http://gp.test';
const ENDPOINT: Record<GpKithDialect, string> = { soap11: `${BASE}/soap/JournalService`, soap12: `${BASE}/ws/epj` };
const ANSWER: Record<GpKithDialect, string> = { soap11: fixture('nordlys-journal.xml'), soap12: fixture('fjord-epj.xml') };
const CONTENT_TYPE: Record<GpKithDialect, string> = { soap11: 'text/xml; charset=utf-8', soap12: 'application/soap+xml; charset=utf-8' };
/** Patients the fixtures hold, with their offices. */
const KNOWN: Record<GpKithDialect, GpRecordKey[]> = {
  soap11: [
    { nin: '03864013065', officeHerId: '81241' },
    { nin: '23843227368', officeHerId: '81242' },
  ],
  soap12: [
    { nin: '65849226767', officeHerId: '81243' },
    { nin: '05864538616', officeHerId: '81246' },
  ],
};
const UNKNOWN: GpRecordKey = { nin: '01010112345', officeHerId: '81241' };

interface Received {
  url: string;
  contentType: string | null;
  soapAction: string | null;
  body: string;
}
const received: Received[] = [];
/** The application receipt calls each product's receipt operation got (answered 202, as a one-way operation does). */
const RECEIPTS: Record<GpKithDialect, string> = { soap11: `${BASE}/soap/KvitteringService`, soap12: `${BASE}/ws/apprec` };
const receiptCalls: Received[] = [];
const receiptOperation = (dialect: GpKithDialect) =>
  http.post(RECEIPTS[dialect], async ({ request }) => {
    receiptCalls.push({ url: request.url, contentType: request.headers.get('content-type'), soapAction: request.headers.get('soapaction'), body: await request.text() });
    return new HttpResponse(null, { status: 202 });
  });
const server = setupServer(receiptOperation('soap11'), receiptOperation('soap12'));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  await receiptsSettled();
  server.resetHandlers();
  received.length = 0;
  receiptCalls.length = 0;
});

interface AppRecRead {
  status: string;
  error: string | undefined;
  original: { type: string; issueDate: string; id: string };
  from: string;
  to: string;
}

/** The AppRecs the adapter sent, once every receipt has been delivered. */
async function appRecsSent(): Promise<AppRecRead[]> {
  await receiptsSettled();
  return receiptCalls.flatMap((call) => {
    const body = at(parseXml(call.body, ['AppRec']), 'Envelope', 'Body') as Record<string, { AppRec: unknown[] }>;
    return Object.values(body).flatMap((batch) =>
      batch.AppRec.map((a) => ({
        status: String(at(a, 'Status', '@_V')),
        error: at(a, 'Error', '@_V') as string | undefined,
        original: { type: String(at(a, 'OriginalMsgId', 'MsgType', '@_V')), issueDate: String(at(a, 'OriginalMsgId', 'IssueDate')), id: String(at(a, 'OriginalMsgId', 'Id')) },
        from: String(at(a, 'Sender', 'HCP', 'Inst', 'Id')),
        to: String(at(a, 'Receiver', 'HCP', 'Inst', 'Id')),
      })),
    );
  });
}

/** MsgId and GenDate of each DIALOG_SVAR of an answer, in order. */
function answerIds(xml: string): { id: string; genDate: string }[] {
  return [...xml.matchAll(/<(?:mh:)?GenDate>([^<]+)<\/(?:mh:)?GenDate>\s*<(?:mh:)?MsgId>([^<]+)</g)].map((m) => ({ genDate: m[1] as string, id: m[2] as string }));
}
afterAll(() => server.close());

function instance(dialect: GpKithDialect): InstanceConfig {
  return { id: `gp-${dialect}`, system: 'gp-kith', baseUrl: BASE, timeoutMs: 300, options: {} };
}

function adapter(dialect: GpKithDialect) {
  return createGpKithAdapter(instance(dialect), { dialect, senderHerId: '90001' }, testKit());
}

/** Answers every request to the dialect's endpoint with `respond`, recording what came in. */
function answer(dialect: GpKithDialect, respond: (body: string) => Response | Promise<Response>) {
  server.use(
    http.post(ENDPOINT[dialect], async ({ request }) => {
      const body = await request.text();
      received.push({ url: request.url, contentType: request.headers.get('content-type'), soapAction: request.headers.get('soapaction'), body });
      return respond(body);
    }),
  );
}

const xml = (body: string, dialect: GpKithDialect, status = 200) =>
  new HttpResponse(body, { status, headers: { 'Content-Type': CONTENT_TYPE[dialect] } });


/** Walks a parsed XML document by element names. */
const at = (node: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((n, key) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[key] : undefined), node);

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const BATCH: Record<GpKithDialect, { request: string }> = { soap11: { request: 'HentJournal' }, soap12: { request: 'MsgHeadList' } };

/** The DIALOG_FORESPORSEL messages of a request body, read back through the namespace-stripping parser. */
function requests(body: string, dialect: GpKithDialect): { msgId: string; nin: string; type: unknown; office: unknown; info: unknown; content: unknown }[] {
  const heads = asList(at(parseXml(body), 'Envelope', 'Body', BATCH[dialect].request, 'MsgHead'));
  return heads.map((m) => ({
    msgId: String(at(m, 'MsgInfo', 'MsgId')),
    nin: String(at(m, 'MsgInfo', 'Patient', 'Ident', 'Id')),
    type: at(m, 'MsgInfo', 'Patient', 'Ident', 'TypeId', '@_V'),
    office: at(m, 'MsgInfo', 'Receiver', 'Organisation', 'Ident', 'Id'),
    info: at(m, 'MsgInfo'),
    content: at(m, 'Document', 'RefDoc', 'Content'),
  }));
}

/** The fixture's DIALOG_SVAR blocks: one per patient it holds, and the last, without a journal, as a template. */
function svarBlocks(dialect: GpKithDialect): string[] {
  const pattern = dialect === 'soap11' ? /<mh:MsgHead\b[\s\S]*?<\/mh:MsgHead>/g : /<MsgHead xmlns="http:\/\/www\.kith\.no[\s\S]*?<\/MsgHead>/g;
  return ANSWER[dialect].match(pattern) ?? [];
}

/**
 * What a GP system answers to a request body: per DIALOG_FORESPORSEL, the fixture's DIALOG_SVAR for that
 * patient (or its no-journal answer), referring to the request and sent from the office asked. `edit` may
 * change each answer block to make the source misbehave.
 */
function replyTo(dialect: GpKithDialect, body: string, edit: (block: string, index: number) => string = (b) => b): string {
  const blocks = svarBlocks(dialect);
  const none = blocks[blocks.length - 1] as string;
  const answers = requests(body, dialect).map((r, i) => {
    let block = blocks.find((b) => b.includes(`<${dialect === 'soap11' ? 'mh:' : ''}Id>${r.nin}<`)) ?? none.replace(/01010112345/g, r.nin);
    block = block.replace(/(<(?:mh:)?RefToParent>)[^<]+/, `$1${r.msgId}`).replace(/(<(?:mh:)?RefToConversation>)[^<]+/, `$1${r.msgId}`);
    block = block.replace(/(<(?:mh:)?Sender>[\s\S]*?<(?:mh:)?Id>)\d+/, `$1${String(r.office)}`);
    return edit(block, i);
  });
  const [head, tail] = dialect === 'soap11' ? ['<nl:HentJournalResponse xmlns:nl="http://nordlys.no/journal/2019/06">', '</nl:HentJournalResponse>'] : ['<MsgHeadList xmlns="http://www.fjordepj.no/ws/epj/2015/03">', '</MsgHeadList>'];
  const envelope = dialect === 'soap11' ? ['SOAP-ENV', 'http://schemas.xmlsoap.org/soap/envelope/'] : ['env', 'http://www.w3.org/2003/05/soap-envelope'];
  return `<?xml version="1.0" encoding="UTF-8"?><${envelope[0]}:Envelope xmlns:${envelope[0]}="${envelope[1]}"><${envelope[0]}:Body>${head}${answers.join('')}${tail}</${envelope[0]}:Body></${envelope[0]}:Envelope>`;
}

describe.each(['soap11', 'soap12'] as const)('gp-kith client, dialect %s', (dialect) => {
  it('asks for many patients in one SOAP call, numbers in the body only, and maps unknown patients to null', async () => {
    answer(dialect, (body) => xml(replyTo(dialect, body), dialect));
    const [first, second] = KNOWN[dialect] as [GpRecordKey, GpRecordKey];
    const result = await adapter(dialect).read([first, second, first, UNKNOWN]);
    expect(received).toHaveLength(1);
    const request = received[0] as Received;
    expect(request.url).toBe(ENDPOINT[dialect]);
    expect(request.url).not.toMatch(/\d{11}/);
    expect(requests(request.body, dialect).map((p) => [p.nin, p.office])).toEqual([
      [first.nin, first.officeHerId],
      [second.nin, second.officeHerId],
      [UNKNOWN.nin, UNKNOWN.officeHerId],
    ]);
    expect(result.get(first.nin)?.consultations.length).toBeGreaterThan(0);
    expect(result.get(second.nin)?.prescriptions.length).toBeGreaterThanOrEqual(0);
    expect(result.get(UNKNOWN.nin)).toBeNull();
    expect([...result.keys()].sort()).toEqual([first.nin, second.nin, UNKNOWN.nin].sort());
  });

  it('sends one DIALOG_FORESPORSEL per patient, from our HER-id to the patient\'s office by HER-id, asking for health information', async () => {
    answer(dialect, (body) => xml(replyTo(dialect, body), dialect));
    await adapter(dialect).read(KNOWN[dialect]);
    const sent = requests((received[0] as Received).body, dialect);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((m) => m.msgId)).size).toBe(2);
    sent.forEach((m, i) => {
      expect(at(m.info, 'Type')).toEqual({ '@_V': 'DIALOG_FORESPORSEL', '@_DN': 'Forespørsel' });
      expect(at(m.info, 'MIGversion')).toBe('v1.2 2006-05-24');
      expect(at(m.info, 'GenDate')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(m.msgId).toMatch(/^[0-9a-f-]{36}$/);
      expect(at(m.info, 'Sender', 'Organisation', 'Ident')).toMatchObject({ Id: '90001', TypeId: { '@_V': 'HER' } });
      expect(at(m.info, 'Receiver', 'Organisation', 'Ident')).toMatchObject({ Id: KNOWN[dialect][i]?.officeHerId, TypeId: { '@_V': 'HER' } });
      // Dialogmelding 1.0's own lists: a journal request (Volven 9065 code 2) and its purpose (9068 code 2), no 7322.
      expect(at(m.content, 'Dialogmelding', 'Foresporsel', 'TypeForesp')).toEqual({
        '@_V': '2',
        '@_S': '2.16.578.1.12.4.1.1.9065',
        '@_DN': 'Spørsmål om å få overført en eller flere kategorier opplysninger i journalen',
      });
      expect(at(m.content, 'Dialogmelding', 'Foresporsel', 'Formål')).toEqual({ '@_V': '2', '@_S': '2.16.578.1.12.4.1.1.9068', '@_DN': 'Helsehjelp til pasient som har journal' });
    });
    expect((received[0] as Received).body).toContain('xmlns:mh="http://www.kith.no/xmlstds/msghead/2006-05-24"');
  });

  it('acknowledges every DIALOG_SVAR with an AppRec 1.0, OK, from our HER-id to the office, referring to it by type, issue date and id', async () => {
    let answered = '';
    answer(dialect, (body) => xml((answered = replyTo(dialect, body)), dialect));
    await adapter(dialect).read([...KNOWN[dialect], UNKNOWN]);
    const sent = await appRecsSent();
    expect(receiptCalls).toHaveLength(1);
    expect(receiptCalls[0]?.url).toBe(RECEIPTS[dialect]);
    if (dialect === 'soap11') expect(receiptCalls[0]?.soapAction).toBe('"http://nordlys.no/journal/SendApplikasjonskvittering"');
    else expect(receiptCalls[0]?.contentType).toBe('application/soap+xml; charset=utf-8; action="urn:fjord-epj:journal:SendAppRec"');
    // No identity number: no run of 11 digits outside the receipt's own random id (a UUID may hold one by chance).
    expect(String(receiptCalls[0]?.body).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '')).not.toMatch(/\d{11}/);
    expect(sent.map((a) => [a.status, a.error])).toEqual([['1', undefined], ['1', undefined], ['1', undefined]]);
    expect(sent.map((a) => a.original)).toEqual(answerIds(answered).map((m) => ({ type: 'DIALOG_SVAR', issueDate: m.genDate, id: m.id })));
    expect(sent.map((a) => [a.from, a.to])).toEqual([...KNOWN[dialect], UNKNOWN].map((k) => ['90001', k.officeHerId]));
  });

  it.each([
    ['an answer to no request of the batch', (b: string) => b.replace(/(RefToParent>)[^<]+/, '$1ffffffff-0000-4000-8000-000000000000'), 'E10'],
    ['an answer about another patient', (b: string) => b.replace(/(<(?:mh:)?Patient>[\s\S]*?<(?:mh:)?Id>)\d+/, '$105864538616'), 'E31'],
    ['an answer from another office', (b: string) => b.replace(/(<(?:mh:)?Sender>[\s\S]*?<(?:mh:)?Id>)\d+/, '$199999'), 'X99'],
    ['an answer addressed to someone else', (b: string) => b.replace(/(<(?:mh:)?Receiver>[\s\S]*?<(?:mh:)?Id>)\d+/, '$199999'), 'E21'],
    ['a request left unanswered', (b: string, i: number) => (i === 1 ? '' : b), null],
    ['two answers to one request', (b: string, i: number) => (i === 0 ? b + b : b), 'X99'],
    // Dialogmelding 1.0 answers with a topic of Volven 9069; 7322 is the 1.1 list, and a topic that contradicts the
    // attachment is believed neither way.
    ['an answer topic from Dialogmelding 1.1 (7322)', (b: string) => b.replace(/(TemaKodet V=")\d+(" S=")[\d.]+9069/, '$18$22.16.578.1.12.4.1.1.7322'), 'T99'],
    ['an answer topic the adapter does not read (9069 code 4)', (b: string) => b.replace(/(TemaKodet V=")\d+(" S="[\d.]+9069")/, '$14$2'), 'T99'],
    ['"included" without a journal extract', (b: string, i: number) => (i === 1 ? b.replace(/(TemaKodet V=")3/, '$11') : b), 'T99'],
    ['"nothing held" with a journal extract', (b: string, i: number) => (i === 0 ? b.replace(/(TemaKodet V=")1/, '$13') : b), 'T99'],
    ['an answer that breaks the schema', (b: string, i: number) => (i === 0 ? b.replace(/<((?:mh:)?)ConversationRef>[\s\S]*?<\/(?:mh:)?ConversationRef>/, '') : b), 'T02'],
    ['another message type than an answer', (b: string, i: number) => (i === 0 ? b.replace('V="DIALOG_SVAR"', 'V="DIALOG_NOTAT"') : b), 'T10'],
  ])('refuses %s as SOURCE_BAD_RESPONSE, passing no journal on, and says why by AppRec', async (_what, edit, code) => {
    let answered = '';
    answer(dialect, (body) => xml((answered = replyTo(dialect, body, edit)), dialect));
    const error = await sourceFailure(adapter(dialect).read([KNOWN[dialect][0] as GpRecordKey, UNKNOWN]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).not.toMatch(/\d{11}/);
    // Every message it got is acknowledged on its own: each offending one Avvist with its 8221 error, the rest OK.
    const sent = await appRecsSent();
    expect(sent).toHaveLength((answered.match(/<(?:mh:)?MsgHead\b/g) ?? []).length);
    const refused = sent.filter((a) => a.status === '2');
    if (code) expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((a) => a.error)).toEqual(refused.map(() => code));
    expect(sent.filter((a) => a.status !== '2').every((a) => a.status === '1')).toBe(true);
  });

  it('reads a request the system refused by AppRec (status 2) as its fault: SOURCE_UNAVAILABLE with the 8221 code, acknowledging no receipt', async () => {
    answer(dialect, (body) =>
      xml(
        replyTo(dialect, body, (b, i) => {
          if (i !== 0) return b;
          const ref = /RefToParent>([^<]+)</.exec(b)?.[1] as string;
          return `<AppRec xmlns="http://www.kith.no/xmlstds/apprec/2004-11-21"><MsgType V="APPREC"/><MIGversion>1.0 2004-11-21</MIGversion><GenDate>2026-12-06T10:00:00</GenDate><Id>r-1</Id><Sender><HCP><Inst><Id>81241</Id><TypeId V="HER"/></Inst></HCP></Sender><Receiver><HCP><Inst><Id>90001</Id><TypeId V="HER"/></Inst></HCP></Receiver><Status V="2" DN="Avvist"/><Error V="E21" S="2.16.578.1.12.4.1.1.8221" DN="Mottaker finnes ikke" OT="Ingrid Solheim"/><OriginalMsgId><MsgType V="DIALOG_FORESPORSEL"/><IssueDate>2026-12-06T10:00:00</IssueDate><Id>${ref}</Id></OriginalMsgId></AppRec>`;
        }),
        dialect,
      ),
    );
    const error = await sourceFailure(adapter(dialect).read([KNOWN[dialect][0] as GpRecordKey, UNKNOWN]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toBe(`gp-${dialect} answered a KITH AppRec fault (Avvist), error code E21`);
    // The other request's answer is acknowledged; the system's AppRec is not.
    expect((await appRecsSent()).map((a) => a.status)).toEqual(['1']);
  });

  it.each([
    ['fails (HTTP 500)', () => new HttpResponse('<html>500</html>', { status: 500 })],
    ['never answers', async () => {
      await delay('infinite');
      return new HttpResponse(null, { status: 202 });
    }],
  ])('a receipt operation that %s costs the read nothing', async (_what, respond) => {
    server.use(http.post(RECEIPTS[dialect], respond));
    answer(dialect, (body) => xml(replyTo(dialect, body), dialect));
    const started = performance.now();
    const result = await adapter(dialect).read(KNOWN[dialect]);
    expect(performance.now() - started).toBeLessThan(250);
    expect([...result.values()].every((r) => r !== null)).toBe(true);
    await receiptsSettled();
  });

  it('splits more than 100 patients into batches of at most 100', async () => {
    answer(dialect, (body) => xml(replyTo(dialect, body), dialect));
    const keys = Array.from({ length: 150 }, (_, i) => ({ nin: String(10000000000 + i), officeHerId: '81241' }));
    const result = await adapter(dialect).read(keys);
    expect(received.map((r) => requests(r.body, dialect).length).sort((a, b) => b - a)).toEqual([100, 50]);
    expect(result.size).toBe(150);
  });

  it.each([
    ['a SOAP 1.1 fault (HTTP 500)', 'fault-soap11.xml', 500, 'Server', 'E900'],
    ['a SOAP 1.2 Sender fault (HTTP 400)', 'fault-soap12.xml', 400, 'Sender', 'E201'],
    ['a SOAP fault wrapped in HTTP 200', 'fault-soap11.xml', 200, 'Server', 'E900'],
  ])('reports %s as SOURCE_UNAVAILABLE with the fault code and the vendor error code', async (_what, file, status, code, vendorCode) => {
    answer(dialect, () => xml(fixture(file), dialect, status));
    const error = await sourceFailure(adapter(dialect).read(KNOWN[dialect]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe(`gp-${dialect}`);
    expect(error.message).toBe(`gp-${dialect} answered a SOAP fault (${code}), error code ${vendorCode}`);
    expect(error.details.status).toBe(status);
  });

  it.each([
    ['fault-soap11.xml', 'Intern feil i journalsystemet: databasen svarer ikke'],
    ['fault-soap12.xml', 'Avsender er ikke en kjent kommunikasjonspart'],
  ])('never carries the fault text of %s into the error, not even a patient named or numbered in it', async (file, text) => {
    answer(dialect, () => xml(fixture(file).replace(text, 'Pasient Ingrid Solheim finnes ikke (03864013065)'), dialect, 500));
    const error = await sourceFailure(adapter(dialect).read(KNOWN[dialect]));
    expect(error.message).not.toMatch(/Ingrid|Solheim|finnes|03864013065/);
    expect(error.message).toMatch(/^gp-soap1[12] answered a SOAP fault \((Server|Sender)\), error code E\d{3}$/);
  });

  it('drops free text put where a code belongs', async () => {
    answer(dialect, () => xml(fixture('fault-soap11.xml').replace('SOAP-ENV:Server', 'Ingrid Solheim').replace('E900', 'Pasient Ingrid Solheim'), dialect, 500));
    const error = await sourceFailure(adapter(dialect).read(KNOWN[dialect]));
    expect(error.message).toBe(`gp-${dialect} answered a SOAP fault (unknown)`);
  });

  it('reports a non-SOAP server error as SOURCE_UNAVAILABLE', async () => {
    answer(dialect, () => new HttpResponse('<html>503 Service Unavailable</html>', { status: 503, headers: { 'Content-Type': 'text/html' } }));
    const error = await sourceFailure(adapter(dialect).read(KNOWN[dialect]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.details.status).toBe(503);
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    answer(dialect, (body) => xml(replyTo(dialect, body).slice(0, 900), dialect));
    expect((await sourceFailure(adapter(dialect).read(KNOWN[dialect]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a well-formed answer of the wrong shape as SOURCE_BAD_RESPONSE', async () => {
    const other: GpKithDialect = dialect === 'soap11' ? 'soap12' : 'soap11';
    answer(dialect, (body) => xml(replyTo(other, body.replace(/HentJournal|MsgHeadList/g, BATCH[other].request)), dialect));
    const error = await sourceFailure(adapter(dialect).read(KNOWN[dialect]));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).not.toMatch(/\d{11}/);
  });

  it('reports a source that never answers as SOURCE_TIMEOUT', async () => {
    answer(dialect, async () => {
      await delay('infinite');
      return xml(ANSWER[dialect], dialect);
    });
    const error = await sourceFailure(adapter(dialect).read(KNOWN[dialect]));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});

describe('gp-kith client, dialect headers', () => {
  it('Nordlys (soap11): text/xml with a quoted SOAPAction header, to /soap/JournalService, in a SOAP 1.1 envelope', async () => {
    answer('soap11', (body) => xml(replyTo('soap11', body), 'soap11'));
    await adapter('soap11').read(KNOWN.soap11);
    const request = received[0] as Received;
    expect(request.contentType).toBe('text/xml; charset=utf-8');
    expect(request.soapAction).toBe('"http://nordlys.no/journal/HentJournal"');
    expect(request.body).toContain('xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"');
  });

  it('Fjord (soap12): application/soap+xml with the action in the content type, no SOAPAction header, SOAP 1.2 envelope', async () => {
    answer('soap12', (body) => xml(replyTo('soap12', body), 'soap12'));
    await adapter('soap12').read(KNOWN.soap12);
    const request = received[0] as Received;
    expect(request.contentType).toBe('application/soap+xml; charset=utf-8; action="urn:fjord-epj:journal:HentJournal"');
    expect(request.soapAction).toBeNull();
    expect(request.body).toContain('xmlns:soap="http://www.w3.org/2003/05/soap-envelope"');
  });

  it('marks a D-number as DNR in the request', async () => {
    answer('soap12', (body) => xml(replyTo('soap12', body), 'soap12'));
    await adapter('soap12').read(KNOWN.soap12);
    expect(requests((received[0] as Received).body, 'soap12').map((p) => p.type)).toEqual(['DNR', 'FNR']);
  });
});
