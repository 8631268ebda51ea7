import { randomUUID } from 'node:crypto';
import { createHospitalFhirAdapter } from '../../adapters/hospital-fhir/client';
import { communicationFor } from '../../adapters/hospital-fhir/communication';
import type { OutgoingMessage } from '../../adapters/contracts';
import { sourceFailure, testKit } from '../../adapters/kit/testing';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { fhirPackageFindings, medplumFindings, type FhirResource } from '../../test/fhir/validateFhirR4';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { hospitalFhirSimulator } from '.';

/**
 * Dialogue messages to the hospitals' FHIR API (issue 15), driven by the real adapter over HTTP: `POST
 * /fhir/Communication` (201 created, 200 for the same message id again, 422 OperationOutcome for a refusal, coded
 * with Volven 8221), the department's answer after the delay, the patient's messages in a search
 * (`_revinclude=Communication:subject`), and every Communication and OperationOutcome on the wire through both FHIR
 * validators.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const config = instancesOf(loadSources()).find((i) => i.id === 'hospital-haukeland') as InstanceConfig;
const sim = new SimulatedInstance(hospitalFhirSimulator, { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0, answerDelayMs: 50 }, createLogger('test'));
const ingrid = demoPatient('homeCare');
const WARD = '90001';
/** Every resource the server answered a message with, for the validators. */
const wire: { where: string; resource: FhirResource }[] = [];

function adapter() {
  const kit = testKit();
  const reachable = { ...config, baseUrl: sim.url, timeoutMs: 3000 };
  const options = { clientId: String(config.options.clientId), clientSecret: String(config.options.clientSecret), subscriptionKey: String(config.options.subscriptionKey) };
  const capture = (url: unknown, status: number, data: unknown) => {
    if (String(url).endsWith('/fhir/Communication') && typeof data === 'string') wire.push({ where: `answer ${status}`, resource: JSON.parse(data) as FhirResource });
  };
  kit.http(reachable).interceptors.response.use(
    (r) => (capture(r.config.url, r.status, r.data), r),
    (e: { config?: { url?: string }; response?: { status: number; data: unknown } }) => {
      if (e.response) capture(e.config?.url, e.response.status, e.response.data);
      return Promise.reject(e);
    },
  );
  return createHospitalFhirAdapter(reachable, options, kit);
}

function question(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  const id = randomUUID();
  return {
    id,
    conversationRef: id,
    inReplyTo: null,
    kind: 'QUESTION',
    sentAt: '2026-11-05T07:45:20Z',
    sender: { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: '964338531', hprNumber: '9757146', name: 'Kari Nilsen' },
    recipient: { herId: WARD, service: 'Hjerteavdelingen', orgNumber: '983974724', hprNumber: null, name: null },
    subject: 'Vektøkning etter utskrivning',
    text: 'Ingrid har gått opp 2,4 kg på tre dager og er tyngre i pusten. Skal vi kontakte fastlegen eller dere?',
    patientNin: ingrid.nin,
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
  await sim.start(0);
});
beforeEach(() => {
  sim.resetStats();
  sim.messages.reset();
});
afterAll(async () => {
  await sim.close();
});

describe('hospital FHIR dialogue messages (Communication)', () => {
  it('holds the cardiology ward’s discharge note to home nursing at start, found by the patient search', async () => {
    const messages = (await adapter().read([ingrid.nin])).get(ingrid.nin)?.messages ?? [];
    expect(messages.map((m) => [m.kind, m.subject, m.sender.herId, m.recipient.herId])).toEqual([['NOTE', 'Utskrevet etter hjertesvikt: daglig veiing', WARD, '81302']]);
    expect(messages[0]?.sender).toMatchObject({ service: 'Hjerteavdelingen', orgNumber: '983974724', hprNumber: expect.any(String), name: expect.any(String) });
  });

  it('creates a Communication for a question (201 → OK), and the ward answers after the delay in the same thread', async () => {
    const a = adapter();
    const q = question();
    expect(await a.sendMessage(q)).toEqual({ status: 'OK', code: null, text: null });
    const answer = await until(async () => (await a.read([ingrid.nin])).get(ingrid.nin)?.messages?.find((m) => m.inReplyTo === q.id));
    expect(answer).toMatchObject({ kind: 'ANSWER', conversationRef: q.id, subject: 'Sv: Vektøkning etter utskrivning', sender: { herId: WARD, service: 'Hjerteavdelingen' }, recipient: { herId: '81302' } });
    expect(answer.text).toMatch(/hjertesvikt/);
    const filed = (await a.read([ingrid.nin])).get(ingrid.nin)?.messages?.find((m) => m.id === q.id);
    expect(filed).toEqual({ id: q.id, conversationRef: q.id, inReplyTo: null, kind: 'QUESTION', sentAt: q.sentAt, sender: q.sender, recipient: q.recipient, subject: q.subject, text: q.text });
    expect(sim.stats.observed).toMatchObject({ 'message:received': 1, 'message:QUESTION:OK': 1, 'message:answered': 1 });
    // Nothing of the patient's in any URL: the identity number travels in the body.
    expect(sim.stats.ninInUrl).toBe(0);
  });

  it('takes a message id once: 201, then 200 with the same resource, one Communication', async () => {
    const a = adapter();
    const note = question({ kind: 'NOTE', subject: 'Kontroll avtalt', text: 'Hun har fått time hos fastlegen torsdag.' });
    const before = wire.length;
    expect(await a.sendMessage(note)).toEqual(await a.sendMessage(note));
    const answers = wire.slice(before);
    expect(answers.map((w) => w.where)).toEqual(['answer 201', 'answer 200']);
    expect(answers[1]?.resource).toEqual(answers[0]?.resource);
    expect(sim.messages.all().filter((m) => m.id === note.id)).toHaveLength(1);
    expect(sim.stats.observed).toMatchObject({ 'message:NOTE:OK': 1, 'message:repeat': 1 });
  });

  it('takes an answer that names its question by identifier (inResponseTo), and a reply to a message it holds links to it', async () => {
    const a = adapter();
    const seeded = sim.messages.forPatient(ingrid.nin)[0]!;
    const reply = question({ kind: 'ANSWER', inReplyTo: seeded.id, conversationRef: seeded.conversationRef, subject: 'Sv: daglig veiing', text: 'Vekten føres hver morgen.' });
    expect(await a.sendMessage(reply)).toEqual({ status: 'OK', code: null, text: null });
    const created = wire.at(-1)?.resource as { inResponseTo?: { reference?: string }[] };
    expect(created.inResponseTo?.[0]?.reference).toMatch(/^Communication\/kom-/);
    const filed = (await a.read([ingrid.nin])).get(ingrid.nin)?.messages?.find((m) => m.id === reply.id);
    expect(filed).toMatchObject({ kind: 'ANSWER', inReplyTo: seeded.id, conversationRef: seeded.id });
  });

  it.each([
    ['a department of another hospital', 'E21', (q: OutgoingMessage) => ({ ...q, recipient: { ...q.recipient, herId: '91001' } })],
    ['a patient the hospital does not hold', 'E35', (q: OutgoingMessage) => ({ ...q, patientNin: demoPatient('young').nin })],
    ['a sender the address register does not list', 'X99', (q: OutgoingMessage) => ({ ...q, sender: { ...q.sender, herId: '99999' } })],
  ])('refuses a message to %s: 422 with an OperationOutcome, REJECTED %s', async (_what, code, edit) => {
    const q = edit(question());
    expect(await adapter().sendMessage(q)).toMatchObject({ status: 'REJECTED', code, text: expect.any(String) });
    expect(wire.at(-1)).toMatchObject({ where: 'answer 422', resource: { resourceType: 'OperationOutcome' } });
    expect(sim.messages.all().filter((m) => m.id === q.id)).toEqual([]);
  });

  it('refuses a Communication that breaks the profile (no payload, an unknown kind) with 422 T02/T99, and one without a message id with 400', async () => {
    const a = adapter();
    const token = await fetch(`${sim.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: String(config.options.clientId), client_secret: String(config.options.clientSecret) }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const post = (body: unknown) =>
      fetch(`${sim.url}/fhir/Communication`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/fhir+json', 'Ocp-Apim-Subscription-Key': String(config.options.subscriptionKey), Authorization: `Bearer ${token.access_token}` },
        body: JSON.stringify(body),
      });
    const base = communicationFor(question());
    const noPayload = await post({ ...base, payload: undefined });
    const unknownKind = await post({ ...base, identifier: [{ system: 'urn:x-patient-graph:identifier:message', value: randomUUID() }], category: [{ coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.8279', code: 'BREV' }] }] });
    const noId = await post({ ...base, identifier: undefined });
    // Parsed in the test's own realm (a body's `.json()` makes arrays the validators do not take for arrays).
    const outcomes = [JSON.parse(await noPayload.text()), JSON.parse(await unknownKind.text()), JSON.parse(await noId.text())];
    expect([noPayload.status, unknownKind.status, noId.status]).toEqual([422, 422, 400]);
    expect(outcomes.map((o) => o.issue[0].details?.coding?.[0]?.code ?? o.issue[0].code)).toEqual(['T02', 'T99', 'required']);
    outcomes.forEach((resource, i) => wire.push({ where: `refusal ${i}`, resource }));
    await a.read([ingrid.nin]);
  });

  it('reports a server that fails as SOURCE_UNAVAILABLE', async () => {
    await sim.setBehaviour({ mode: 'fail' });
    try {
      expect((await sourceFailure(adapter().sendMessage(question()))).code).toBe('SOURCE_UNAVAILABLE');
    } finally {
      await sim.setBehaviour({ mode: 'normal' });
    }
  });

  it('every Communication and OperationOutcome answered validates with both FHIR R4 validators', () => {
    expect(wire.some((w) => w.resource.resourceType === 'Communication') && wire.some((w) => w.resource.resourceType === 'OperationOutcome')).toBe(true);
    // And what the adapter sends, too.
    const sent = [communicationFor(question()), communicationFor(question({ kind: 'ANSWER', inReplyTo: 'x', conversationRef: 'x' })), communicationFor(question({ kind: 'NOTE' }))].map((c, i) => ({ where: `sent ${i}`, resource: c as FhirResource }));
    const all = [...wire, ...sent];
    expect(all.map((w) => ({ where: w.where, findings: [...fhirPackageFindings(w.resource), ...medplumFindings(w.resource)] })).filter((f) => f.findings.length > 0)).toEqual([]);
  });
});
