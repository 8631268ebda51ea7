import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import type { OutgoingMessage } from '../../contracts';
import { parseXml } from '../../kit';
import { sourceFailure, testKit } from '../../kit/testing';
import { createCarePloAdapter } from '../client';
import { mapMeldingListe } from '../mapper';

/**
 * The PLO adapter's dialogue messages (issue 15): the messages a care record extract files (fixture), and
 * `sendMessage` against msw: one MsgHead document to the product's message endpoint, its AppRec mapped.
 */
const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const BASE = 'http://plo.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const instance = { id: 'care-plo-test', system: 'care-plo', baseUrl: BASE, timeoutMs: 300, options: {} } as unknown as InstanceConfig;
const adapter = () => createCarePloAdapter(instance, { senderHerId: '90001', receiverHerId: '95001' }, testKit());

/** The message the receipt fixtures answer: Kjell Aune's GP asks the nursing home. */
const QUESTION: OutgoingMessage = {
  id: '2d6f8a1b-4c3e-4f5a-9b8c-7d6e5f4a3b2c',
  conversationRef: '2d6f8a1b-4c3e-4f5a-9b8c-7d6e5f4a3b2c',
  inReplyTo: null,
  kind: 'QUESTION',
  sentAt: '2026-11-03T13:05:10Z',
  sender: { herId: '82113', service: 'Byåsen legesenter', orgNumber: '933445569', hprNumber: '7129611', name: 'Morten Jensen' },
  recipient: { herId: '82311', service: 'Ila helse- og velferdssenter', orgNumber: '942110464', hprNumber: null, name: null },
  subject: 'Vekt og væske',
  text: 'Kan dere veie ham to ganger i uken?',
  patientNin: '14913527195',
};

describe('care-plo: the messages a care record extract files', () => {
  it('maps each Melding with its thread, parties and Oslo wall-clock time (→ UTC), oldest first', () => {
    const [answer] = mapMeldingListe(fixture('meldingliste-messages.xml'));
    const messages = answer?.record?.messages ?? [];
    expect(messages.map((m) => [m.kind, m.subject, m.sentAt])).toEqual([
      ['QUESTION', 'Uro på kveldstid', '2026-10-20T07:40:00Z'],
      ['ANSWER', 'Sv: Uro på kveldstid', '2026-10-21T13:05:00Z'],
    ]);
    expect(messages[0]?.sender).toEqual({ herId: '82311', service: 'Ila helse- og velferdssenter', orgNumber: '942110464', hprNumber: null, name: null });
    expect(messages[1]).toMatchObject({ inReplyTo: messages[0]?.id, conversationRef: messages[0]?.id, sender: { herId: '82113', hprNumber: '7129611', name: 'Morten Jensen' } });
  });

  it('refuses a Melding without its parties’ HER-ids', () => {
    expect(() => mapMeldingListe(fixture('meldingliste-messages.xml').replace(/<HerId>82311<\/HerId>/, '<HerId>Ila</HerId>'))).toThrow(/Melding/);
  });
});

describe('care-plo sendMessage', () => {
  const sent: { contentType: string | null; body: string }[] = [];
  afterEach(() => {
    sent.length = 0;
  });
  const endpoint = (status: number, body: string) =>
    http.post(`${BASE}/plo/dialogmelding`, async ({ request }) => {
      sent.push({ contentType: request.headers.get('content-type'), body: await request.text() });
      return new HttpResponse(body, { status, headers: { 'Content-Type': 'application/xml' } });
    });

  it('posts the MsgHead document (a doctor asks: TypeForesp of 9153) and maps the AppRec OK', async () => {
    server.use(endpoint(200, fixture('apprec-ok.xml')));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'OK', code: null, text: null });
    expect(sent[0]?.contentType).toMatch(/^application\/xml/);
    const head = parseXml(sent[0]!.body).MsgHead as Record<string, unknown>;
    expect(JSON.stringify(head)).toContain('"@_S":"2.16.578.1.12.4.1.1.9153"');
    expect(sent[0]?.body).toContain(`<mh:MsgId>${QUESTION.id}</mh:MsgId>`);
  });

  it('maps an AppRec status 2 to REJECTED with its code', async () => {
    server.use(endpoint(200, fixture('apprec-e21.xml')));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'REJECTED', code: 'E21', text: 'Mottakeren finnes ikke på denne tjenesten' });
  });

  it('refuses a receipt about another message, and a Feilmelding where a receipt belongs (SOURCE_BAD_RESPONSE)', async () => {
    server.use(endpoint(200, fixture('apprec-ok.xml').replace(QUESTION.id, '99999999-0000-4000-8000-000000000000')));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_BAD_RESPONSE');
    server.use(endpoint(200, '<Feilmelding xmlns="http://www.omsorgplo.example/ws/plo/2014-04"><Kode V="X"/><Beskrivelse>x</Beskrivelse></Feilmelding>'));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports the product’s error answer as SOURCE_UNAVAILABLE', async () => {
    server.use(endpoint(500, '<Feilmelding xmlns="http://www.omsorgplo.example/ws/plo/2014-04"><Kode V="INTERN_FEIL"/><Beskrivelse>x</Beskrivelse></Feilmelding>'));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_UNAVAILABLE');
  });
});
