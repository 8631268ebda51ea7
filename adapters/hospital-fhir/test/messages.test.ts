import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import type { OutgoingMessage } from '../../contracts';
import { sourceFailure, testKit } from '../../kit/testing';
import { createHospitalFhirAdapter } from '../client';
import { communicationFor } from '../communication';
import { mapSearchBundle } from '../mapper';

/**
 * The hospital adapter's dialogue messages (issue 15): the Communications of a patient search mapped (a fixture the
 * simulator answered for Egil Rønning at St. Olavs: his GP's question, the clinic's answer, and a note that refers to
 * the answer by server reference), and `sendMessage` against msw: a conditional create of a Communication, 201/200
 * → OK, 422 with an OperationOutcome → REJECTED.
 */
const bundle = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'communications.json'), 'utf8')) as Record<string, unknown>;
const BASE = 'http://hospital.test';
const instance = { id: 'hospital-stolav', system: 'hospital-fhir', baseUrl: BASE, timeoutMs: 300, options: {} } as unknown as InstanceConfig;
const adapter = () => createHospitalFhirAdapter(instance, { clientId: 'patient-graph', clientSecret: 's3cret', subscriptionKey: 'sub-key' }, testKit());

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => server.use(http.post(`${BASE}/oauth2/token`, () => HttpResponse.json({ access_token: 'tok', token_type: 'Bearer', expires_in: 300 }))));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const QUESTION: OutgoingMessage = {
  id: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
  conversationRef: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
  inReplyTo: null,
  kind: 'QUESTION',
  sentAt: '2026-07-05T07:45:20.500Z',
  sender: { herId: '82112', service: 'Lade legekontor', orgNumber: '922334455', hprNumber: '9964596', name: 'Espen Jørgensen' },
  recipient: { herId: '91006', service: 'Hjertepoliklinikken', orgNumber: '974557746', hprNumber: null, name: null },
  subject: 'Kontroll etter infarkt',
  text: 'Når skal han til kontroll hos dere?',
  patientNin: '05895922945',
  senderSector: 'GP',
};

const fhirJson = (body: unknown, status: number) => new HttpResponse(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/fhir+json' } });

describe('hospital-fhir: the Communications of a patient search', () => {
  const messages = mapSearchBundle(bundle).get('05895922945')?.messages ?? [];

  it('maps each to a message: kind from Volven 8279, thread from the extension, parties from the contained roles, oldest first', () => {
    expect(messages.map((m) => [m.kind, m.subject, m.sender.herId, m.recipient.herId])).toEqual([
      ['QUESTION', 'INR-mål etter hjerteinfarkt', '82112', '91006'],
      ['ANSWER', 'Sv: INR-mål etter hjerteinfarkt', '91006', '82112'],
      ['NOTE', 'Sv: Sv: INR-mål etter hjerteinfarkt', '82112', '91006'],
    ]);
    expect(messages[0]).toMatchObject({ id: '5eed0003-d1a1-4000-8000-000000000001', conversationRef: '5eed0003-d1a1-4000-8000-000000000001', inReplyTo: null, sentAt: '2026-10-12T09:30:00Z' });
    expect(messages[0]?.sender).toEqual({ herId: '82112', service: 'Lade legekontor', orgNumber: '922334455', hprNumber: '9964596', name: 'Espen Jørgensen' });
  });

  it('follows inResponseTo by server reference to the message id it names', () => {
    expect(messages[1]?.inReplyTo).toBe(messages[0]?.id);
    expect(messages[2]).toMatchObject({ inReplyTo: messages[1]?.id, conversationRef: messages[0]?.id });
  });

  it('leaves out a Communication that is not between services (no HER-addressed party), and refuses one without its time', () => {
    const copy = structuredClone(bundle) as { entry: { resource: Record<string, unknown> }[] };
    const communication = copy.entry.find((e) => e.resource.resourceType === 'Communication')!.resource;
    communication.sender = { reference: 'Patient/x' };
    expect(mapSearchBundle(copy).get('05895922945')?.messages).toHaveLength(2);
    const timeless = structuredClone(bundle) as { entry: { resource: Record<string, unknown> }[] };
    delete timeless.entry.find((e) => e.resource.resourceType === 'Communication')!.resource.sent;
    expect(() => mapSearchBundle(timeless)).toThrow(/time it was sent/);
  });
});

describe('hospital-fhir sendMessage', () => {
  const sent: { headers: Headers; url: string; body: Record<string, unknown> }[] = [];
  afterEach(() => {
    sent.length = 0;
  });
  const endpoint = (status: number, body: (b: Record<string, unknown>) => unknown) =>
    http.post(`${BASE}/fhir/Communication`, async ({ request }) => {
      const parsed = (await request.json()) as Record<string, unknown>;
      sent.push({ headers: request.headers, url: request.url, body: parsed });
      return fhirJson(body(parsed), status);
    });
  const created = (b: Record<string, unknown>) => ({ ...b, id: 'kom-1', subject: { reference: 'Patient/p1' } });

  it('creates a Communication on condition of its identifier, the patient by identifier in the body only; 201 → OK', async () => {
    server.use(endpoint(201, created));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'OK', code: null, text: null });
    const call = sent[0]!;
    expect(call.url).toBe(`${BASE}/fhir/Communication`);
    expect(call.headers.get('content-type')).toBe('application/fhir+json');
    expect(call.headers.get('authorization')).toBe('Bearer tok');
    expect(call.headers.get('if-none-exist')).toBe(`identifier=${encodeURIComponent('urn:x-patient-graph:identifier:message')}|${QUESTION.id}`);
    expect(call.body).toEqual(communicationFor(QUESTION));
    expect(call.body).toMatchObject({
      subject: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: QUESTION.patientNin } },
      sent: '2026-07-05T09:45:20+02:00',
      category: [{ coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.8279', code: 'DIALOG_FORESPORSEL' }] }],
      topic: { text: QUESTION.subject },
      payload: [{ contentString: QUESTION.text }],
    });
  });

  it('takes 200 (the message existed) as OK too, and refuses a created resource that is another message', async () => {
    server.use(endpoint(200, created));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'OK', code: null, text: null });
    server.use(endpoint(201, (b) => ({ ...created(b), identifier: [{ system: 'urn:x-patient-graph:identifier:message', value: 'another' }] })));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('maps a 422 OperationOutcome to REJECTED with the Volven 8221 code of its details, else the issue code', async () => {
    const outcome = (details?: unknown) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', ...(details ? { details } : {}), diagnostics: 'Pasienten finnes ikke hos mottakeren' }] });
    server.use(endpoint(422, () => outcome({ coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.8221', code: 'E35' }], text: 'Pasienten finnes ikke hos mottakeren' })));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'REJECTED', code: 'E35', text: 'Pasienten finnes ikke hos mottakeren' });
    server.use(endpoint(422, () => outcome()));
    expect(await adapter().sendMessage(QUESTION)).toEqual({ status: 'REJECTED', code: 'not-found', text: 'Pasienten finnes ikke hos mottakeren' });
  });

  it('reports a server error as SOURCE_UNAVAILABLE, and a 4xx without an OperationOutcome too', async () => {
    server.use(endpoint(503, () => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'transient' }] })));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_UNAVAILABLE');
    server.use(http.post(`${BASE}/fhir/Communication`, () => new HttpResponse('nope', { status: 422 })));
    expect((await sourceFailure(adapter().sendMessage(QUESTION))).code).toBe('SOURCE_UNAVAILABLE');
  });
});
