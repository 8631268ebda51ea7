import { readFileSync } from 'node:fs';
import { containsNin } from '../../adapters/kit';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { actionsLogFile } from '../../lib/audit/createAuditStore';
import { demoPatient } from '../../simulators/population';
import { TestSystem, type GraphQLResponse } from './harness';

/**
 * Messages between services, the graph's first write path, end to end: a home-care nurse's question about
 * Ingrid Solheim to her GP office, through the gateway's `sendMessage`, the messaging subgraph's outbox and
 * the GP system's KITH endpoint, and back; every refusal before anything is stored; once per idempotency key.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ sourceTimeoutMs: 3000, env: { MESSAGING_INTERVAL_MS: '200', MESSAGING_RETRY_BASE_MS: '300', MESSAGING_MAX_BACKOFF_MS: '1000', SIM_ANSWER_DELAY_MS: '400' } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const ingrid = demoPatient('homeCare');
const kjell = demoPatient('nursingHome');
const NORDNES = '81241';

const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { replayed message { id conversationRef status statusReason kind subject
  sender { herId service hprNumber name } recipient { herId service } } } }`;
const MESSAGES = `query($nin: String!) { patient(nin: $nin) { messages { conversationRef subject messages { id kind status statusReason subject text sender { herId } recipient { herId } } } } }`;

let keys = 0;
const input = (over: Record<string, unknown> = {}) => ({
  idempotencyKey: `test-${Date.now()}-${++keys}`,
  patient: ingrid.nin,
  recipientHerId: NORDNES,
  kind: 'QUESTION',
  subject: 'Spironolakton etter utskrivning',
  text: 'Ingrid Solheim fikk spironolakton ved utskrivning fra Haukeland. Den står ikke på legemiddellisten vår. Skal hun fortsatt ha den?',
  ...over,
});

const send = (reader: string, over: Record<string, unknown> = {}) => system.query<any>(SEND, { input: input(over) }, reader);
const codeOf = (r: GraphQLResponse<any>) => r.body.errors?.[0]?.extensions?.code;

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('sendMessage refuses before anything is stored', () => {
  it.each([
    ['an empty text', 400, 'BAD_USER_INPUT', 'input.text', { text: '' }],
    ['a text of blanks', 400, 'BAD_USER_INPUT', 'input.text', { text: '   \n ' }],
    ['a text longer than 10,000 characters', 400, 'BAD_USER_INPUT', 'input.text', { text: 'x'.repeat(10_001) }],
    ['an empty subject', 400, 'BAD_USER_INPUT', 'input.subject', { subject: '' }],
    ['an invalid identity number', 400, 'INVALID_NIN', 'input.patient', { patient: '12345678901' }],
    ['an idempotency key with spaces', 400, 'BAD_USER_INPUT', 'input.idempotencyKey', { idempotencyKey: 'not a key' }],
    ['a HER-id that is no number', 400, 'BAD_USER_INPUT', 'input.recipientHerId', { recipientHerId: 'Nordnes' }],
    ['an unknown recipient', 400, 'MESSAGE_RECIPIENT_UNKNOWN', 'input.recipientHerId', { recipientHerId: '99999' }],
    ["a recipient outside the patient's care team (another GP office)", 400, 'MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM', 'input.recipientHerId', { recipientHerId: '81242' }],
    ['an answer to no message', 400, 'BAD_USER_INPUT', 'input.inReplyTo', { kind: 'ANSWER' }],
    ['a reply to a message that does not exist', 400, 'MESSAGE_THREAD_UNKNOWN', 'input.inReplyTo', { inReplyTo: '00000000-0000-4000-8000-000000000000' }],
  ])('%s: HTTP %d %s naming %s', async (_name, status, code, argument, over) => {
    await system.reset();
    const r = await send('home-care-nurse', over);
    expect([r.status, codeOf(r), r.body.errors?.[0]?.extensions?.argument]).toEqual([status, code, argument]);
    expect(r.body.data ?? null).toBeNull();
    expect(JSON.stringify(r.body)).not.toContain('12345678901');
    // Nothing went to any system.
    const stats = await system.stats();
    expect(Object.values(stats).reduce((n, s) => n + (s.observed?.['message:received'] ?? 0), 0)).toBe(0);
  });

  it('a reader without a care relationship: FORBIDDEN by careMessage, and nothing is stored', async () => {
    const r = await send('nursing-home-doctor');
    expect([r.status, codeOf(r), r.body.errors?.[0]?.extensions?.rule, r.body.errors?.[0]?.extensions?.reason]).toEqual([403, 'FORBIDDEN', 'careMessage', 'NO_RELATIONSHIP']);
    const list = await system.query<any>(MESSAGES, { nin: ingrid.nin }, 'gp');
    expect(JSON.stringify(list.body.data)).not.toContain('nursing');
  });

  it('a practitioner the patient blocked by name: FORBIDDEN, emergency access included', async () => {
    const hilde = demoPatient('blockedDocument');
    const r = await system.query<any>(SEND, { input: input({ patient: hilde.nin }) }, { persona: 'blocked-practitioner', options: { purpose: 'ETREAT', reason: 'Akutt' } });
    expect([r.status, codeOf(r), r.body.errors?.[0]?.extensions?.reason]).toEqual([403, 'FORBIDDEN', 'BLOCKED_BY_PATIENT']);
  });

  it('a researcher: refused before planning (403, the role); a citizen about someone else: FORBIDDEN, NOT_OWN_RECORD', async () => {
    const r = await send('researcher');
    expect([r.status, codeOf(r)]).toEqual([403, 'FORBIDDEN']);
    const other = await send('citizen-hilde');
    expect([other.status, codeOf(other), other.body.errors?.[0]?.extensions?.reason]).toEqual([403, 'FORBIDDEN', 'NOT_OWN_RECORD']);
  });

  it('a sender whose login names no unit (no HER-id): SENDER_NOT_ADDRESSABLE', async () => {
    const r = await system.query<any>(SEND, { input: input() }, { persona: 'emergency-physician' });
    expect([r.status, codeOf(r)]).toEqual([400, 'SENDER_NOT_ADDRESSABLE']);
  });

  it('a whole request of 10 MB: refused by the gateway before it is read (413), nothing stored', async () => {
    const token = await system.token('home-care-nurse');
    const response = await fetch(system.system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SEND, variables: { input: input({ text: 'x'.repeat(10 * 1024 * 1024) }) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('the access log records the action', () => {
  it('one SEND_MESSAGE record with its ground, shown to the patient, with no identity number or text in the file', async () => {
    const before = actionRecords().length;
    const r = await send('home-care-nurse', { subject: 'Logget handling' });
    expect(r.body.errors).toBeUndefined();
    const records = actionRecords().slice(before);
    expect(records.map((x) => [x.fields, x.basis, x.accessor.kind === 'PERSONNEL' ? x.accessor.hprNumber : null])).toEqual([[['Mutation.sendMessage'], ['MUNICIPAL_SERVICE:964338531'], '9757146']]);
    const text = readFileSync(actionsLogFile({ AUDIT_LOG_FILE: system.system.auditLogFile }), 'utf8');
    expect(containsNin(text)).toBe(false);
    expect(text).not.toContain('Logget handling');
    const log = await system.query<any>('{ me { accessLog(last: 5) { action accessor { organisation } } } }', {}, 'citizen-ingrid');
    expect(log.body.data.me.accessLog).toEqual(expect.arrayContaining([{ action: 'SEND_MESSAGE', accessor: { organisation: 'Bergen kommune' } }]));
  });
});

function actionRecords(): AccessRecord[] {
  try {
    return readFileSync(actionsLogFile({ AUDIT_LOG_FILE: system.system.auditLogFile }), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AccessRecord);
  } catch {
    return [];
  }
}

/** The thread of a message as `reader` sees it in `Patient.messages`. */
async function threadOf(reader: string, nin: string, conversationRef: string) {
  const r = await system.query<any>(MESSAGES, { nin }, reader);
  expect(r.body.errors ?? []).toEqual([]);
  return (r.body.data.patient.messages as any[]).find((t) => t.conversationRef === conversationRef);
}

const receivedBy = async (instance: string) => (await system.stats())[instance]?.observed?.['message:received'] ?? 0;

describe('a citizen writes to her GP office', () => {
  it('from the citizens\' portal: QUEUED, DELIVERED, ANSWERED to the portal; she reads the thread, her GP too, and her log has the action', async () => {
    await system.reset();
    const sent = await send('citizen-ingrid', { subject: 'Spørsmål om spironolakton', text: 'Hei! Jeg fikk spironolakton på sykehuset. Skal jeg fortsette med den?' });
    expect([sent.status, sent.body.errors ?? []]).toEqual([200, []]);
    const message = sent.body.data.sendMessage.message;
    // From the portal (organisations.json national.citizenPortal), written by her (the population register's name).
    expect(message).toEqual(expect.objectContaining({ kind: 'QUESTION', sender: { herId: '80100', service: 'Helsenorge', hprNumber: null, name: 'Ingrid Solheim' }, recipient: { herId: NORDNES, service: 'Nordnes legekontor' } }));
    const mine = `query { me { messages { conversationRef messages { kind status sender { herId } recipient { herId } } } accessLog(last: 5) { action accessor { kind } } } }`;
    const answered = await until('the answer', async () => {
      const r = await system.query<any>(mine, {}, 'citizen-ingrid');
      const t = (r.body.data?.me?.messages ?? []).find((x: any) => x.conversationRef === message.conversationRef);
      return t?.messages.some((m: any) => m.kind === 'ANSWER') ? t : undefined;
    });
    expect(answered.messages.map((m: any) => [m.kind, m.status, m.sender.herId, m.recipient.herId])).toEqual([
      ['QUESTION', 'ANSWERED', '80100', NORDNES],
      ['ANSWER', 'DELIVERED', NORDNES, '80100'],
    ]);
    expect((await threadOf('gp', ingrid.nin, message.conversationRef)).messages).toHaveLength(2);
    const log = await system.query<any>(mine, {}, 'citizen-ingrid');
    expect(log.body.data.me.accessLog).toEqual(expect.arrayContaining([{ action: 'SEND_MESSAGE', accessor: { kind: 'PATIENT' } }]));
    // Once per key: the same key again is the same message.
    const again = await system.query<any>(SEND, { input: { ...input({ subject: 'Spørsmål om spironolakton', text: 'Hei! Jeg fikk spironolakton på sykehuset. Skal jeg fortsette med den?' }), idempotencyKey: 'citizen-key-1' } }, 'citizen-ingrid');
    const twice = await system.query<any>(SEND, { input: { ...input({ subject: 'Spørsmål om spironolakton', text: 'Hei! Jeg fikk spironolakton på sykehuset. Skal jeg fortsette med den?' }), idempotencyKey: 'citizen-key-1' } }, 'citizen-ingrid');
    expect([again.body.data.sendMessage.replayed, twice.body.data.sendMessage.replayed, twice.body.data.sendMessage.message.id]).toEqual([false, true, again.body.data.sendMessage.message.id]);
  });
});

describe('a question from home nursing to the GP office', () => {
  it('is QUEUED, then DELIVERED on the GP system\'s AppRec, then ANSWERED; both services read the thread', async () => {
    await system.reset();
    const sent = await send('home-care-nurse');
    expect(sent.status).toBe(200);
    expect(sent.body.errors).toBeUndefined();
    const message = sent.body.data.sendMessage.message;
    expect(sent.body.data.sendMessage.replayed).toBe(false);
    expect(['QUEUED', 'DELIVERED']).toContain(message.status);
    expect(message).toEqual(expect.objectContaining({ kind: 'QUESTION', sender: expect.objectContaining({ herId: '81302', hprNumber: '9757146', name: 'Line Knutsen' }), recipient: { herId: NORDNES, service: 'Nordnes legekontor' } }));
    const answered = await until('the answer', async () => {
      const t = await threadOf('home-care-nurse', ingrid.nin, message.conversationRef);
      return t?.messages.some((m: any) => m.kind === 'ANSWER') ? t : undefined;
    });
    expect(answered.messages.map((m: any) => [m.kind, m.status])).toEqual([
      ['QUESTION', 'ANSWERED'],
      ['ANSWER', 'DELIVERED'],
    ]);
    expect(answered.messages[1]).toEqual(expect.objectContaining({ sender: { herId: NORDNES }, recipient: { herId: '81302' } }));
    // Her GP reads the same thread, from the GP system's own record.
    const atTheOffice = await threadOf('gp', ingrid.nin, message.conversationRef);
    expect(atTheOffice.messages.map((m: any) => m.id)).toEqual(answered.messages.map((m: any) => m.id));
    expect(await receivedBy('gp-nordlys-vest')).toBe(1);
  });

  it('is sent once for one idempotency key, however often it is sent; the same key for another message is refused (409)', async () => {
    await system.reset();
    const key = `once-${Date.now()}`;
    const first = await send('home-care-nurse', { idempotencyKey: key });
    const again = await Promise.all([send('home-care-nurse', { idempotencyKey: key }), send('home-care-nurse', { idempotencyKey: key })]);
    expect(again.map((r) => [r.body.data.sendMessage.replayed, r.body.data.sendMessage.message.id])).toEqual([
      [true, first.body.data.sendMessage.message.id],
      [true, first.body.data.sendMessage.message.id],
    ]);
    await until('delivery', async () => ((await threadOf('home-care-nurse', ingrid.nin, first.body.data.sendMessage.message.conversationRef))?.messages[0].status !== 'QUEUED' ? true : undefined));
    expect(await receivedBy('gp-nordlys-vest')).toBe(1);
    const other = await send('home-care-nurse', { idempotencyKey: key, text: 'En annen melding' });
    expect([other.status, codeOf(other), other.body.errors?.[0]?.extensions?.argument]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED', 'input.idempotencyKey']);
    // Another reader's key is another key.
    expect((await send('gp', { idempotencyKey: key, recipientHerId: '81302' })).body.data.sendMessage.replayed).toBe(false);
  });

  it('waits QUEUED while the GP system is down, and is delivered once when it comes back', async () => {
    await system.reset();
    await system.setBehaviour('gp-nordlys-vest', { mode: 'down' });
    const sent = await send('home-care-nurse', { subject: 'Mens systemet var nede' });
    const ref = sent.body.data.sendMessage.message.conversationRef;
    const waiting = await until('a failed attempt', async () => {
      const r = await system.query<any>(MESSAGES, { nin: ingrid.nin }, 'home-care-nurse');
      const t = (r.body.data.patient.messages as any[] | null)?.find((x) => x.conversationRef === ref);
      return t?.messages[0].statusReason ? t : undefined;
    });
    expect(waiting.messages[0]).toEqual(expect.objectContaining({ status: 'QUEUED', statusReason: 'SOURCE_UNAVAILABLE' }));
    await system.setBehaviour('gp-nordlys-vest', { mode: 'normal' });
    await until('delivery', async () => ((await threadOf('home-care-nurse', ingrid.nin, ref))?.messages[0].status === 'ANSWERED' ? true : undefined));
    expect(await receivedBy('gp-nordlys-vest')).toBe(1);
  });

  it("is refused before it is stored when the office is not in the patient's care team, emergency access or not", async () => {
    await system.reset();
    // Kjell Aune's GP office is another; Nordnes holds no list of his. Sent by emergency access from a unit.
    const r = await system.query<any>(SEND, { input: input({ patient: kjell.nin }) }, { persona: 'gp', options: { purpose: 'ETREAT', reason: 'Akutt' } });
    expect([r.status, codeOf(r)]).toEqual([400, 'MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM']);
    expect(await receivedBy('gp-nordlys-vest')).toBe(0);
  });
});
