import { randomUUID } from 'node:crypto';
import { createCarePloAdapter } from '../../adapters/care-plo/client';
import { buildMessage } from '../../adapters/care-plo/request';
import type { OutgoingMessage } from '../../adapters/contracts';
import { receiptsSettled } from '../../adapters/kit/appRec';
import { sourceFailure, testKit } from '../../adapters/kit/testing';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { validateXml, type XmlDocument } from '../../test/xml/validateXml';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { carePloSimulator } from '.';

/**
 * Dialogue messages to the PLO care system (issue 15), driven by the real adapter over HTTP: PLO's Forespørsel and Svar
 * på forespørsel (Dialogmelding 1.0 in MsgHead) and notes to a care service of Trondheim, each answered by the service's
 * AppRec; a message id taken once; the refusals; the service's answer after the delay; the messages in the care record
 * extract; every message, AppRec and extract against the XML Schemas.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const config = instancesOf(loadSources()).find((i) => i.id === 'care-trondheim') as InstanceConfig;
const sim = new SimulatedInstance(carePloSimulator, { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0, answerDelayMs: 50 }, createLogger('test'));
const kjell = demoPatient('nursingHome');
const ILA = '82311';
const wire: XmlDocument[] = [];

function adapter() {
  const kit = testKit();
  const reachable = { ...config, baseUrl: sim.url, timeoutMs: 3000 };
  kit.http(reachable).interceptors.request.use((c) => {
    if (String(c.url).endsWith('/plo/dialogmelding')) wire.push({ name: 'message', xml: String(c.data) });
    return c;
  });
  kit.http(reachable).interceptors.response.use((r) => {
    if (String(r.config.url).endsWith('/plo/dialogmelding')) wire.push({ name: 'receipt', xml: String(r.data) });
    if (String(r.config.url).endsWith('/plo/helseopplysninger')) wire.push({ name: 'answer', xml: String(r.data) });
    return r;
  });
  return createCarePloAdapter(reachable, { senderHerId: String(config.options.senderHerId), receiverHerId: String(config.options.receiverHerId) }, kit);
}

function question(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const id = randomUUID();
  const gpOffice = orgs.gpOffices.find((o) => o.herId === kjell.gp!.officeHerId)!;
  const gp = population.practitioners.get(kjell.gp!.hprNumber)!;
  return {
    id,
    conversationRef: id,
    inReplyTo: null,
    kind: 'QUESTION',
    sentAt: '2026-11-03T13:05:10Z',
    sender: { herId: gpOffice.herId, service: gpOffice.name, orgNumber: gpOffice.orgNumber, hprNumber: gp.hprNumber, name: `${gp.givenName} ${gp.familyName}` },
    recipient: { herId: ILA, service: 'Ila helse- og velferdssenter', orgNumber: '942110464', hprNumber: null, name: null },
    subject: 'Vekt og væske',
    text: 'Kan dere veie Kjell to ganger i uken den neste måneden og melde fra om vekttap?',
    patientNin: kjell.nin,
    senderSector: 'GP',
    ...over,
  };
}

const until = async <T>(check: () => Promise<T | undefined>, ms = 3000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  await sim.start(0);
});
beforeEach(async () => {
  await receiptsSettled();
  sim.resetStats();
  sim.messages.reset();
});
afterAll(async () => {
  await receiptsSettled();
  await sim.close();
});

describe('PLO care system dialogue messages', () => {
  it('holds Kjell Aune’s thread with his GP at start, in the care record extract', async () => {
    const messages = (await adapter().read([kjell.nin])).get(kjell.nin)?.messages ?? [];
    expect(messages.map((m) => [m.kind, m.subject, m.sender.herId, m.recipient.herId])).toEqual([
      ['QUESTION', 'Uro på kveldstid', ILA, kjell.gp!.officeHerId],
      ['ANSWER', 'Sv: Uro på kveldstid', kjell.gp!.officeHerId, ILA],
    ]);
    expect(messages[1]?.sender.name).toBe(`${population.practitioners.get(kjell.gp!.hprNumber)!.givenName} ${population.practitioners.get(kjell.gp!.hprNumber)!.familyName}`);
  });

  it('takes a GP’s question to the nursing home (TypeForesp of 9153), answers its AppRec OK, and the service answers after the delay', async () => {
    const a = adapter();
    const q = question();
    expect(await a.sendMessage(q)).toEqual({ status: 'OK', code: null, text: null });
    expect(wire.at(-2)?.xml).toContain('S="2.16.578.1.12.4.1.1.9153"');
    const answer = await until(async () => (await a.read([kjell.nin])).get(kjell.nin)?.messages?.find((m) => m.inReplyTo === q.id));
    expect(answer).toMatchObject({ kind: 'ANSWER', conversationRef: q.id, subject: 'Sv: Vekt og væske', sender: { herId: ILA, service: 'Ila helse- og velferdssenter' }, recipient: { herId: q.sender.herId } });
    expect(answer.text).toMatch(/veier/);
    expect(sim.stats.observed).toMatchObject({ 'message:received': 1, 'message:QUESTION:OK': 1, 'message:answered': 1 });
  });

  it('takes a message id once: the same message again gets the very same AppRec and stores nothing new', async () => {
    const a = adapter();
    const note = question({ kind: 'NOTE', subject: 'Ny blodtrykksmedisin', text: 'Amlodipin er økt til 10 mg fra i dag.' });
    const before = wire.length;
    expect(await a.sendMessage(note)).toEqual(await a.sendMessage(note));
    const receipts = wire.slice(before).filter((d) => d.name === 'receipt');
    expect(receipts[1]?.xml).toBe(receipts[0]?.xml);
    expect(sim.messages.all().filter((m) => m.id === note.id)).toHaveLength(1);
    expect(sim.stats.observed).toMatchObject({ 'message:NOTE:OK': 1, 'message:repeat': 1 });
  });

  it.each([
    ['a service of another municipality', 'E21', (q: OutgoingMessage) => ({ ...q, recipient: { ...q.recipient, herId: '81302' } })],
    ['the PLO system’s own read address (not a care service)', 'E21', (q: OutgoingMessage) => ({ ...q, recipient: { ...q.recipient, herId: '95001' } })],
    ['a patient without a care record here', 'E35', (q: OutgoingMessage) => ({ ...q, patientNin: demoPatient('homeCare').nin })],
    ['a sender the address register does not list', 'X99', (q: OutgoingMessage) => ({ ...q, sender: { ...q.sender, herId: '99999' } })],
  ])('refuses a message to %s with AppRec status 2 (%s)', async (_what, code, edit) => {
    const q = edit(question());
    const receipt = await adapter().sendMessage(q);
    expect(receipt).toMatchObject({ status: 'REJECTED', code });
    expect(sim.messages.all().filter((m) => m.id === q.id)).toEqual([]);
  });

  it('refuses a body that is no MsgHead with its Feilmelding (the adapter: SOURCE_UNAVAILABLE)', async () => {
    const response = await fetch(`${sim.url}/plo/dialogmelding`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<Annet/>' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('UGYLDIG_MELDING');
    await sim.setBehaviour({ mode: 'fail' });
    try {
      expect((await sourceFailure(adapter().sendMessage(question()))).code).toBe('SOURCE_UNAVAILABLE');
    } finally {
      await sim.setBehaviour({ mode: 'normal' });
    }
  });

  it('refuses an answer without ConversationRef (T02) and a note with 9069’s topic (T99)', async () => {
    const post = (xml: string) => fetch(`${sim.url}/plo/dialogmelding`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: xml }).then((r) => r.text());
    const answer = buildMessage(question({ kind: 'ANSWER', inReplyTo: 'x', conversationRef: 'x' })).replace(/<mh:ConversationRef>[\s\S]*?<\/mh:ConversationRef>/, '');
    const note = buildMessage(question({ kind: 'NOTE' })).replace('V="1" S="2.16.578.1.12.4.1.1.7321"', 'V="5" S="2.16.578.1.12.4.1.1.9069"');
    const [a, n] = [await post(answer), await post(note)];
    wire.push({ name: 'refusal T02', xml: a }, { name: 'refusal T99', xml: n });
    expect(a).toMatch(/<Status V="2"[\s\S]*<Error V="T02"/);
    expect(n).toMatch(/<Status V="2"[\s\S]*<Error V="T99"/);
  });

  it('every message, AppRec and care record extract on the wire validates against the XML Schemas', async () => {
    await adapter().read([kjell.nin]);
    await receiptsSettled();
    for (const kind of ['message', 'receipt', 'answer']) expect(wire.some((d) => d.name === kind)).toBe(true);
    expect(wire.some((d) => d.name === 'answer' && d.xml.includes('<Melding>'))).toBe(true);
    expect((await validateXml(wire)).failures).toEqual([]);
  }, 60_000);
});
