import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { carePloSimulator } from '../../../simulators/care-plo';
import { parseXml } from '../../kit';
import { createCarePloAdapter } from '../client';
import { sourceFailure, testKit } from '../../kit/testing';

const BASE = 'http://care-plo.test';
const URL_ = `${BASE}/plo/helseopplysninger`;
const instance: InstanceConfig = { id: 'care-trondheim', system: 'care-plo', baseUrl: BASE, timeoutMs: 300, options: {} };
const fixture = readFileSync(path.join(__dirname, 'fixtures', 'helseopplysninger.xml'), 'utf8');
const [NURSING_HOME, HOME, UNKNOWN] = ['14913527004', '22924932337', '01010112345'] as const;
const D_NUMBER = '65849226414';

interface Received {
  url: string;
  contentType: string | null;
  doc: Record<string, unknown>;
  msgId: string;
}
const received: Received[] = [];
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

function adapter() {
  return createCarePloAdapter(instance, { senderHerId: '90001', receiverHerId: '95001' }, testKit());
}

type Xml = Record<string, unknown>;

/** The value at a path of element names in a parsed message. */
function at(node: unknown, ...names: (string | number)[]): unknown {
  return names.reduce<unknown>((value, name) => (value && typeof value === 'object' ? (value as Record<string | number, unknown>)[name] : undefined), node);
}

/** A system answering the fixture to whatever it is asked, as a reply to the request's MsgId. */
function ploSystem(answer = fixture) {
  return http.post(URL_, async ({ request }) => {
    const doc = parseXml(await request.text(), ['Pasient']);
    const msgId = String(at(doc, 'ForesporselHelseopplysninger', 'MsgInfo', 'MsgId'));
    received.push({ url: request.url, contentType: request.headers.get('content-type'), doc, msgId });
    return new HttpResponse(answer.replace('0f8e3c2a-1111-4a2b-8c3d-9e8f7a6b5c4d', msgId), { headers: { 'Content-Type': 'application/xml' } });
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
    const message = at(request?.doc, 'ForesporselHelseopplysninger');
    expect(at(message, 'MsgInfo', 'Sender', 'Organisation', 'Ident', 'Id')).toBe('90001');
    expect(at(message, 'MsgInfo', 'Receiver', 'Organisation', 'Ident', 'Id')).toBe('95001');
    expect(at(message, 'MsgInfo', 'MsgId')).toMatch(/^[0-9a-f-]{36}$/);
    expect((at(message, 'Pasient') as Xml[]).map((p) => [at(p, 'Ident', 'Id'), at(p, 'Ident', 'TypeId', '@_V')])).toEqual([
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

  it('splits more than 100 patients into messages of at most 100, each with its own MsgId', async () => {
    server.use(ploSystem());
    const many = Array.from({ length: 150 }, (_, i) => String(10_000_000_000 + i));
    const result = await adapter().read(many);
    expect(received.map((r) => (at(r.doc, 'ForesporselHelseopplysninger', 'Pasient') as Xml[]).length).sort((a, b) => b - a)).toEqual([100, 50]);
    expect(new Set(received.map((r) => r.msgId)).size).toBe(2);
    expect(result.size).toBe(150);
  });

  it('refuses an answer to another request as SOURCE_BAD_RESPONSE', async () => {
    server.use(http.post(URL_, () => new HttpResponse(fixture, { headers: { 'Content-Type': 'application/xml' } })));
    expect((await sourceFailure(adapter().read([NURSING_HOME]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('drops a patient the message did not ask for', async () => {
    server.use(ploSystem());
    const result = await adapter().read([HOME]);
    expect(result.has(NURSING_HOME)).toBe(false);
    expect(result.get(HOME)).not.toBeNull();
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
    expect(error.message).toMatch(/Ident/);
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
