import { randomUUID } from 'node:crypto';
import { createGpKithAdapter } from '../../adapters/gp-kith/client';
import { buildMessageCall } from '../../adapters/gp-kith/request';
import type { GpKithDialect } from '../../adapters/gp-kith/manifest';
import type { OutgoingMessage } from '../../adapters/contracts';
import { soapHeaders } from '../../adapters/kit';
import { receiptsSettled } from '../../adapters/kit/appRec';
import { sourceFailure, testKit } from '../../adapters/kit/testing';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { validateXml, type XmlDocument } from '../../test/xml/validateXml';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex, type Person } from '../population';
import { gpKithSimulator } from '.';

/**
 * Dialogue messages to the GP systems (issue 15), both vendor dialects, driven by the real adapter over HTTP: a
 * question, an answer and a note in Dialogmelding 1.0, each answered at once by the office's AppRec; a message id taken
 * once; the refusals (E21, E35, X99, T02, T10, T99); the delayed answer from the patient's GP; the messages in the
 * journal extract; and every message and receipt both sides sent, validated against the XML Schemas in schemas/.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const configured = new Map(instancesOf(loadSources()).map((i) => [i.id, i]));
const INSTANCES: Record<GpKithDialect, string> = { soap11: 'gp-nordlys-vest', soap12: 'gp-fjord-vest' };
/** A patient listed at an office of each instance, and the home nursing service of their municipality that asks. */
const PATIENTS: Record<GpKithDialect, { person: Person; nurse: string }> = {
  soap11: { person: demoPatient('homeCare'), nurse: '81302' },
  soap12: { person: demoPatient('askoyHomeCare'), nurse: '81402' },
};
const ANSWER_DELAY_MS = 60;

const sims = new Map<GpKithDialect, SimulatedInstance>();
for (const [dialect, id] of Object.entries(INSTANCES) as [GpKithDialect, string][]) {
  const instance = configured.get(id) as InstanceConfig;
  sims.set(dialect, new SimulatedInstance(gpKithSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0, answerDelayMs: ANSWER_DELAY_MS }, createLogger('test')));
}
const sim = (dialect: GpKithDialect) => sims.get(dialect) as SimulatedInstance;

/** Every message and receipt on the wire, for the schema check at the end. */
const wire: XmlDocument[] = [];

function adapter(dialect: GpKithDialect) {
  const instance = configured.get(INSTANCES[dialect]) as InstanceConfig;
  const kit = testKit();
  const reachable = { ...instance, baseUrl: sim(dialect).url, timeoutMs: 3000 };
  const http = kit.http(reachable);
  http.interceptors.request.use((config) => {
    if (String(config.url).match(/MeldingService|\/ws\/dialog/)) wire.push({ name: `${dialect} message`, xml: String(config.data) });
    return config;
  });
  http.interceptors.response.use((response) => {
    if (String(response.config.url).match(/MeldingService|\/ws\/dialog/)) wire.push({ name: `${dialect} receipt`, xml: String(response.data) });
    return response;
  });
  return createGpKithAdapter(reachable, { dialect, senderHerId: String(instance.options.senderHerId) }, kit);
}

const office = (p: Person) => orgs.gpOffices.find((o) => o.herId === p.gp?.officeHerId)!;
const service = (herId: string) => {
  const found = orgs.municipalities.flatMap((m) => m.services.map((s) => ({ ...s, orgNumber: m.orgNumber }))).find((s) => s.herId === herId)!;
  return { herId, service: found.name, orgNumber: found.orgNumber, hprNumber: '9757146', name: 'Kari Nilsen' };
};

function question(dialect: GpKithDialect, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const { person, nurse } = PATIENTS[dialect];
  const id = randomUUID();
  return {
    id,
    conversationRef: id,
    inReplyTo: null,
    kind: 'QUESTION',
    sentAt: '2026-11-02T09:15:30Z',
    sender: service(nurse),
    recipient: { herId: office(person).herId, service: office(person).name, orgNumber: office(person).orgNumber, hprNumber: null, name: null },
    subject: 'Blodtrykk etter fall',
    text: 'Pasienten falt i går og er svimmel når hun reiser seg. Skal vi måle blodtrykket daglig?',
    patientNin: person.nin,
    senderSector: 'MUNICIPAL_CARE',
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
  for (const s of sims.values()) await s.start(0);
});
beforeEach(async () => {
  await receiptsSettled();
  for (const s of sims.values()) {
    s.resetStats();
    s.messages.reset();
  }
});
afterAll(async () => {
  for (const s of sims.values()) await s.close();
});

describe.each(['soap11', 'soap12'] as const)('GP system dialogue messages (%s)', (dialect) => {
  const { person } = PATIENTS[dialect];
  const key = () => ({ nin: person.nin, officeHerId: office(person).herId });

  it('takes a question, answers its AppRec (OK), files it in the journal, and the GP answers it after the delay', async () => {
    const a = adapter(dialect);
    const q = question(dialect);
    expect(await a.sendMessage(q)).toEqual({ status: 'OK', code: null, text: null });
    const first = (await a.read([key()])).get(person.nin)?.messages ?? [];
    expect(first.filter((m) => m.id === q.id)).toEqual([
      { id: q.id, conversationRef: q.id, inReplyTo: null, kind: 'QUESTION', sentAt: '2026-11-02T09:15:30Z', sender: q.sender, recipient: q.recipient, subject: q.subject, text: q.text },
    ]);
    const answer = await until(async () => (await a.read([key()])).get(person.nin)?.messages?.find((m) => m.inReplyTo === q.id));
    const gp = population.practitioners.get(person.gp!.hprNumber)!;
    expect(answer).toMatchObject({
      kind: 'ANSWER',
      conversationRef: q.id,
      subject: 'Sv: Blodtrykk etter fall',
      sender: { herId: q.recipient.herId, service: office(person).name, hprNumber: person.gp!.hprNumber, name: `${gp.givenName} ${gp.familyName}` },
      recipient: { herId: q.sender.herId, service: q.sender.service },
    });
    // In Norwegian, about the question's topic (a fall), signed by the GP.
    expect(answer.text).toMatch(/blodtrykk/i);
    expect(answer.text).toContain(`Vennlig hilsen ${gp.givenName} ${gp.familyName}`);
    expect(sim(dialect).stats.observed).toMatchObject({ 'message:received': 1, 'message:QUESTION:OK': 1, 'message:answered': 1 });
  });

  it('takes a message id once: the same message again gets the same receipt and stores nothing new', async () => {
    const a = adapter(dialect);
    const note = question(dialect, { kind: 'NOTE', subject: 'Ny trygghetsalarm', text: 'Pasienten har fått ny trygghetsalarm i dag.' });
    const wireBefore = wire.length;
    const first = await a.sendMessage(note);
    const second = await a.sendMessage(note);
    expect(second).toEqual(first);
    // The very same AppRec on the wire: same Id, same GenDate.
    const receipts = wire.slice(wireBefore).filter((d) => d.name.endsWith('receipt')).map((d) => d.xml);
    expect(receipts).toHaveLength(2);
    expect(receipts[1]).toBe(receipts[0]);
    expect(sim(dialect).messages.all().filter((m) => m.id === note.id)).toHaveLength(1);
    expect(sim(dialect).stats.observed).toMatchObject({ 'message:received': 2, 'message:NOTE:OK': 1, 'message:repeat': 1 });
  });

  it('takes an answer in a thread (ConversationRef) and a note, and answers neither', async () => {
    const a = adapter(dialect);
    const ask = question(dialect, { kind: 'QUESTION' });
    const reply = question(dialect, { id: randomUUID(), conversationRef: ask.id, inReplyTo: ask.id, kind: 'ANSWER', subject: 'Sv: Blodtrykk', text: 'Blodtrykket var 128/76 liggende og 110/70 stående.' });
    expect(await a.sendMessage(reply)).toEqual({ status: 'OK', code: null, text: null });
    const filed = (await a.read([key()])).get(person.nin)?.messages?.find((m) => m.id === reply.id);
    expect(filed).toMatchObject({ kind: 'ANSWER', conversationRef: ask.id, inReplyTo: ask.id });
    await new Promise((r) => setTimeout(r, ANSWER_DELAY_MS * 3));
    expect(sim(dialect).messages.all().filter((m) => m.inReplyTo === reply.id)).toEqual([]);
  });

  it.each([
    ['an office this system does not host', 'E21', (q: OutgoingMessage) => ({ ...q, recipient: { ...q.recipient, herId: '82111' } })],
    ['a patient not listed at the office', 'E35', (q: OutgoingMessage) => ({ ...q, patientNin: demoPatient('criticalInfo').nin })],
    ['a sender the address register does not list', 'X99', (q: OutgoingMessage) => ({ ...q, sender: { ...q.sender, herId: '99999' } })],
  ])('refuses a message to %s by AppRec status 2 with %s, stores nothing and answers nothing', async (_what, code, edit) => {
    const a = adapter(dialect);
    const q = edit(question(dialect));
    const receipt = await a.sendMessage(q);
    expect(receipt).toMatchObject({ status: 'REJECTED', code, text: expect.any(String) });
    expect(await a.sendMessage(q)).toEqual(receipt);
    await new Promise((r) => setTimeout(r, ANSWER_DELAY_MS * 3));
    expect(sim(dialect).messages.all().filter((m) => m.id === q.id || m.inReplyTo === q.id)).toEqual([]);
    expect(sim(dialect).stats.observed?.[`message:QUESTION:REJECTED:${code}`]).toBe(1);
  });

  it.each([
    ['a topic of Dialogmelding 1.1 (Volven 7322) in a question', 'T99', (b: string) => b.replace(/<dia:TypeForesp V="99" S="2.16.578.1.12.4.1.1.915\d"/, '<dia:TypeForesp V="8" S="2.16.578.1.12.4.1.1.7322"')],
    ['a journal request (9065) sent as a message', 'T99', (b: string) => b.replace(/<dia:TypeForesp V="99" S="2.16.578.1.12.4.1.1.915\d"/, '<dia:TypeForesp V="2" S="2.16.578.1.12.4.1.1.9065"')],
    ['a question without its text', 'T02', (b: string) => b.replace(/<dia:Sporsmal>[\s\S]*?<\/dia:Sporsmal>/, '')],
    ['another message type', 'T10', (b: string) => b.replace('V="DIALOG_FORESPORSEL"', 'V="HELSEOPPLYSNINGER_LEGE"')],
  ])('refuses %s with AppRec status 2 (%s)', async (_what, code, edit) => {
    const q = question(dialect);
    const body = edit(buildMessageCall(dialect, q));
    const PATH = { soap11: '/soap/MeldingService', soap12: '/ws/dialog' }[dialect];
    const ACTION = { soap11: 'http://nordlys.no/journal/SendMelding', soap12: 'urn:fjord-epj:dialog:SendMessage' }[dialect];
    const response = await fetch(`${sim(dialect).url}${PATH}`, { method: 'POST', headers: soapHeaders(dialect === 'soap11' ? '1.1' : '1.2', ACTION), body });
    expect(response.status).toBe(200);
    const xml = await response.text();
    wire.push({ name: `${dialect} refusal ${code}`, xml });
    expect(xml).toMatch(new RegExp(`<(ar:)?Status V="2"[\\s\\S]*<(ar:)?Error V="${code}" S="2.16.578.1.12.4.1.1.8221"`));
    expect(xml).toContain(`<${dialect === 'soap11' ? 'ar:' : ''}Id>${q.id}</`);
    expect(sim(dialect).messages.all().filter((m) => m.id === q.id)).toEqual([]);
  });

  it('refuses a call it cannot read as one message with the product’s own fault (the adapter: SOURCE_UNAVAILABLE)', async () => {
    const PATH = { soap11: '/soap/MeldingService', soap12: '/ws/dialog' }[dialect];
    const ACTION = { soap11: 'http://nordlys.no/journal/SendMelding', soap12: 'urn:fjord-epj:dialog:SendMessage' }[dialect];
    const two = buildMessageCall(dialect, question(dialect)).replace(/(<mh:MsgHead>[\s\S]*<\/mh:MsgHead>)/, '$1$1');
    const response = await fetch(`${sim(dialect).url}${PATH}`, { method: 'POST', headers: soapHeaders(dialect === 'soap11' ? '1.1' : '1.2', ACTION), body: two });
    expect(response.status).toBe(dialect === 'soap11' ? 500 : 400);
    expect(await response.text()).toContain('E104');
    await sim(dialect).setBehaviour({ mode: 'fail' });
    try {
      const error = await sourceFailure(adapter(dialect).sendMessage(question(dialect)));
      expect(error.code).toBe('SOURCE_UNAVAILABLE');
    } finally {
      await sim(dialect).setBehaviour({ mode: 'normal' });
    }
  });

  it('keeps its messages while it is down, and takes the message sent again after it came back once', async () => {
    const a = adapter(dialect);
    const q = question(dialect, { kind: 'NOTE', subject: 'Ferie', text: 'Pasientens datter er på ferie neste uke.' });
    const receipt = await a.sendMessage(q);
    await sim(dialect).setBehaviour({ mode: 'down' });
    expect((await sourceFailure(a.sendMessage(q))).code).toBe('SOURCE_UNAVAILABLE');
    await sim(dialect).setBehaviour({ mode: 'normal' });
    expect(await adapter(dialect).sendMessage(q)).toEqual(receipt);
    expect(sim(dialect).messages.all().filter((m) => m.id === q.id)).toHaveLength(1);
  });
});

describe('GP system messages held at start', () => {
  it('Egil Rønning’s GP office holds his thread with the cardiology outpatient clinic: the question and its answer', async () => {
    const egil = demoPatient('criticalInfo');
    const midt = new SimulatedInstance(gpKithSimulator, { instance: configured.get('gp-nordlys-midt')!, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test'));
    await midt.start(0);
    try {
      const instance = configured.get('gp-nordlys-midt')!;
      const read = createGpKithAdapter({ ...instance, baseUrl: midt.url, timeoutMs: 3000 }, { dialect: 'soap11', senderHerId: String(instance.options.senderHerId) }, testKit());
      const messages = (await read.read([{ nin: egil.nin, officeHerId: egil.gp!.officeHerId }])).get(egil.nin)?.messages ?? [];
      expect(messages.map((m) => [m.kind, m.subject, m.sender.herId, m.recipient.herId])).toEqual([
        ['QUESTION', 'INR-mål etter hjerteinfarkt', egil.gp!.officeHerId, '91006'],
        ['ANSWER', 'Sv: INR-mål etter hjerteinfarkt', '91006', egil.gp!.officeHerId],
      ]);
      expect(messages[1]).toMatchObject({ inReplyTo: messages[0]!.id, conversationRef: messages[0]!.id });
      await receiptsSettled();
    } finally {
      await midt.close();
    }
  });
});

describe('GP system messages against the XML Schemas', () => {
  it('every message the adapter sent and every AppRec the systems answered validates strictly', async () => {
    expect(wire.filter((d) => d.name.endsWith('message')).length).toBeGreaterThan(10);
    expect(wire.filter((d) => d.name.includes('receipt') || d.name.includes('refusal')).length).toBeGreaterThan(10);
    // Each kind of message, both dialects, and both statuses of receipt.
    for (const type of ['DIALOG_FORESPORSEL', 'DIALOG_SVAR', 'DIALOG_NOTAT']) expect(wire.some((d) => d.xml.includes(`V="${type}"`))).toBe(true);
    expect(wire.some((d) => /Status V="1"/.test(d.xml)) && wire.some((d) => /Status V="2"/.test(d.xml))).toBe(true);
    const report = await validateXml(wire);
    expect(report.failures).toEqual([]);
  }, 60_000);

  it('and the journal extracts that carry messages validate too', async () => {
    const egil = demoPatient('criticalInfo');
    const midt = new SimulatedInstance(gpKithSimulator, { instance: configured.get('gp-nordlys-midt')!, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test'));
    const fjord = new SimulatedInstance(gpKithSimulator, { instance: configured.get('gp-fjord-midt')!, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test'));
    await midt.start(0);
    await fjord.start(0);
    try {
      const kjell = demoPatient('nursingHome');
      const documents: XmlDocument[] = [];
      for (const [s, dialect, p] of [[midt, 'soap11', egil], [fjord, 'soap12', kjell]] as const) {
        const instance = configured.get(s.id)!;
        const kit = testKit();
        const reachable = { ...instance, baseUrl: s.url, timeoutMs: 3000 };
        kit.http(reachable).interceptors.response.use((response) => {
          if (/JournalService|\/ws\/epj/.test(String(response.config.url))) documents.push({ name: `${s.id} journal`, xml: String(response.data) });
          return response;
        });
        const read = await createGpKithAdapter(reachable, { dialect, senderHerId: String(instance.options.senderHerId) }, kit).read([{ nin: p.nin, officeHerId: p.gp!.officeHerId }]);
        expect(read.get(p.nin)?.messages).toHaveLength(2);
      }
      await receiptsSettled();
      expect(documents.every((d) => /<(ju:)?Message>/.test(d.xml))).toBe(true);
      expect((await validateXml(documents)).failures).toEqual([]);
    } finally {
      await midt.close();
      await fjord.close();
    }
  }, 60_000);
});
