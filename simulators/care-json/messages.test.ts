import { randomUUID } from 'node:crypto';
import { createCareJsonAdapter, melding } from '../../adapters/care-json/client';
import type { OutgoingMessage } from '../../adapters/contracts';
import { sourceFailure, testKit } from '../../adapters/kit/testing';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { careJsonSimulator } from '.';

/**
 * Dialogue messages to the JSON care export (issue 15), driven by the real adapter over HTTP: `POST /api/v2/meldinger`
 * with the vendor's receipt, a message id taken once, the refusals, the service's answer after the delay, and the
 * messages in the export (`meldinger`).
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const config = instancesOf(loadSources()).find((i) => i.id === 'care-bergen') as InstanceConfig;
const sim = new SimulatedInstance(careJsonSimulator, { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0, answerDelayMs: 50 }, createLogger('test'));
const ingrid = demoPatient('homeCare');
const SONE_SOR = '81302';
const adapter = (apiKey = String(config.options.apiKey)) => createCareJsonAdapter({ ...config, baseUrl: sim.url, timeoutMs: 3000 }, { apiKey, pageSize: 25 }, testKit());

function question(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const id = randomUUID();
  const gp = population.practitioners.get(ingrid.gp!.hprNumber)!;
  return {
    id,
    conversationRef: id,
    inReplyTo: null,
    kind: 'QUESTION',
    sentAt: '2026-11-04T08:30:45Z',
    sender: { herId: '81241', service: 'Nordnes legekontor', orgNumber: '923456783', hprNumber: gp.hprNumber, name: `${gp.givenName} ${gp.familyName}` },
    recipient: { herId: SONE_SOR, service: 'Hjemmesykepleien sone sør', orgNumber: '964338531', hprNumber: null, name: null },
    subject: 'Warfarin og INR',
    text: 'Kan dere ta INR ved besøket på fredag? Warfarin-dosen skal vurderes.',
    patientNin: ingrid.nin,
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
beforeEach(() => {
  sim.resetStats();
  sim.messages.reset();
});
afterAll(async () => {
  await sim.close();
});

describe('JSON care export dialogue messages', () => {
  it('lists Ingrid Solheim’s discharge note from the cardiology ward under meldinger at start', async () => {
    const messages = (await adapter().read([ingrid.nin])).get(ingrid.nin)?.messages ?? [];
    expect(messages.map((m) => [m.kind, m.subject, m.sender.service, m.recipient.herId])).toEqual([['NOTE', 'Utskrevet etter hjertesvikt: daglig veiing', 'Hjerteavdelingen', SONE_SOR]]);
  });

  it('takes a GP’s question (201 MOTTATT → OK), lists it, and home nursing answers after the delay', async () => {
    const a = adapter();
    const q = question();
    expect(await a.sendMessage(q)).toEqual({ status: 'OK', code: null, text: null });
    const answer = await until(async () => (await a.read([ingrid.nin])).get(ingrid.nin)?.messages?.find((m) => m.inReplyTo === q.id));
    expect(answer).toMatchObject({ kind: 'ANSWER', conversationRef: q.id, subject: 'Sv: Warfarin og INR', sender: { herId: SONE_SOR }, recipient: { herId: '81241' } });
    expect(answer.text).toMatch(/warfarin/i);
    const listed = (await a.read([ingrid.nin])).get(ingrid.nin)?.messages?.find((m) => m.id === q.id);
    expect(listed).toEqual({ id: q.id, conversationRef: q.id, inReplyTo: null, kind: 'QUESTION', sentAt: q.sentAt, sender: q.sender, recipient: q.recipient, subject: q.subject, text: q.text });
    expect(sim.stats.observed).toMatchObject({ 'message:received': 1, 'message:QUESTION:OK': 1, 'message:answered': 1 });
  });

  it('takes a message id once: 201 then 200 with the very same receipt, one message stored', async () => {
    const note = question({ kind: 'NOTE', subject: 'Ny dosering', text: 'Warfarin 2,5 mg mandag, onsdag og fredag, ellers 5 mg.' });
    const post = () =>
      fetch(`${sim.url}/api/v2/meldinger`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': String(config.options.apiKey) }, body: JSON.stringify(melding(note)) });
    const first = await post();
    const second = await post();
    expect([first.status, second.status]).toEqual([201, 200]);
    const [a, b] = [await first.json(), await second.json()];
    expect(b).toEqual(a);
    expect(a).toMatchObject({ kvittering: { meldingId: note.id, status: 'MOTTATT', feilkode: '', beskrivelse: '', mottatt: expect.stringMatching(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/) } });
    expect(await adapter().sendMessage(note)).toEqual({ status: 'OK', code: null, text: null });
    expect(sim.messages.all().filter((m) => m.id === note.id)).toHaveLength(1);
    expect(sim.stats.observed).toMatchObject({ 'message:received': 3, 'message:NOTE:OK': 1, 'message:repeat': 2 });
  });

  it.each([
    ['a service of another municipality', 'E21', 'UKJENT_MOTTAKER', (q: OutgoingMessage) => ({ ...q, recipient: { ...q.recipient, herId: '81402' } })],
    ['a patient without a care record here', 'E35', 'UKJENT_PASIENT', (q: OutgoingMessage) => ({ ...q, patientNin: demoPatient('criticalInfo').nin })],
    ['a sender the address register does not list', 'X99', 'UKJENT_AVSENDER', (q: OutgoingMessage) => ({ ...q, sender: { ...q.sender, herId: '99999' } })],
    ['an answer that names no message', 'T02', 'UGYLDIG_MELDING', (q: OutgoingMessage) => ({ ...q, kind: 'ANSWER' as const })],
  ])('refuses a message to %s: 422 AVVIST, REJECTED with %s (feilkode %s)', async (_what, code, feilkode, edit) => {
    const q = edit(question());
    const response = await fetch(`${sim.url}/api/v2/meldinger`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': String(config.options.apiKey) }, body: JSON.stringify(melding(q)) });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ kvittering: { meldingId: q.id, status: 'AVVIST', feilkode } });
    if (q.kind !== 'ANSWER' || q.inReplyTo) expect(await adapter().sendMessage(q)).toMatchObject({ status: 'REJECTED', code });
    expect(sim.messages.all().filter((m) => m.id === q.id)).toEqual([]);
  });

  it('refuses a call without the API key (401) and a body without a message id (400): the source’s failure, not a receipt', async () => {
    expect((await sourceFailure(adapter('wrong-key').sendMessage(question()))).code).toBe('SOURCE_UNAVAILABLE');
    const response = await fetch(`${sim.url}/api/v2/meldinger`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': String(config.options.apiKey) }, body: '{"tekst":"hei"}' });
    expect([response.status, (await response.json()).feilkode]).toEqual([400, 'UGYLDIG_FORESPORSEL']);
  });
});
