import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { parseXml } from '../../kit';
import { createGpRegisterAdapter } from '../client';
import type { GpRegisterOptions } from '../manifest';
import { optionsSchema } from '../manifest';
import { sourceFailure, testKit } from '../../kit/testing';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'GetPatientsGPDetails.xml'), 'utf8');
const BASE = 'http://flr.test';
const ENDPOINT = `${BASE}/FlrReadOperations.svc`;
const ACTION = 'http://register.nhn.no/Fastlege/IFlrReadOperations/GetPatientsGPDetails';
const SOAP12 = 'application/soap+xml; charset=utf-8';
const instance: InstanceConfig = { id: 'gp-register', system: 'gp-register', baseUrl: BASE, timeoutMs: 300, options: {} };
const server = setupServer();
const received: { contentType: string | null; body: string; url: string }[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

function adapter(options: GpRegisterOptions = {}) {
  return createGpRegisterAdapter(instance, options, testKit());
}

function answering(body: string, status = 200, contentType = SOAP12) {
  server.use(
    http.post(ENDPOINT, async ({ request }) => {
      received.push({ contentType: request.headers.get('content-type'), body: await request.text(), url: request.url });
      return new HttpResponse(body, { status, headers: { 'Content-Type': contentType } });
    }),
  );
}

interface SentEnvelope {
  Header: {
    Action: unknown;
    To: unknown;
    Security?: { UsernameToken: { Username: string; Password: unknown }; Timestamp: { Created: string; Expires: string } };
  };
  Body: { GetPatientsGPDetails: { patientNins: { string: string[] } } };
}

/** The request envelope as the parser sees it (namespace prefixes removed). */
function envelopeOf(body: string): SentEnvelope {
  return (parseXml(body, ['string']) as { Envelope: SentEnvelope }).Envelope;
}


describe('GP register client', () => {
  it('asks for many patients in one SOAP 1.2 call, numbers in the body, and maps unlisted ones to null', async () => {
    answering(fixture);
    const result = await adapter().read(['03864013065', '14913527195', '03864013065', '01010112345', 'not-a-nin']);
    expect(received).toHaveLength(1);
    expect(received[0]?.contentType).toBe(`${SOAP12}; action="${ACTION}"`);
    expect(received[0]?.url).toBe(ENDPOINT);
    const envelope = envelopeOf(received[0]?.body ?? '');
    expect(envelope.Body.GetPatientsGPDetails.patientNins.string).toEqual(['03864013065', '14913527195', '01010112345']);
    expect(received[0]?.body).toContain('<GetPatientsGPDetails xmlns="http://register.nhn.no/Fastlege">');
    expect(received[0]?.body).toContain('xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"');
    // WS-Addressing as a WCF client sends it; no WS-Security without credentials.
    expect(envelope.Header.Action).toEqual({ '#text': ACTION, '@_mustUnderstand': '1' });
    expect(envelope.Header.To).toEqual({ '#text': ENDPOINT, '@_mustUnderstand': '1' });
    expect(envelope.Header.Security).toBeUndefined();

    expect(result.get('03864013065')?.gpName?.family).toBe('Kristoffersen');
    expect(result.get('14913527195')?.office.recordSystem).toBe('Fjord EPJ');
    expect(result.get('01010112345')).toBeNull();
    expect(result.get('not-a-nin')).toBeNull();
  });

  it('never reports a listing the batch did not ask for', async () => {
    answering(fixture);
    const result = await adapter().read(['03864013065']);
    expect([...result.keys()]).toEqual(['03864013065']);
  });

  it('sends a WS-Security UsernameToken (PasswordText, with a timestamp) when credentials are configured', async () => {
    answering(fixture);
    await adapter({ username: 'flr-user', password: 's3cret&<' }).read(['03864013065']);
    const security = envelopeOf(received[0]?.body ?? '').Header.Security;
    expect(security?.UsernameToken.Username).toBe('flr-user');
    expect(security?.UsernameToken.Password).toEqual({
      '#text': 's3cret&<',
      '@_Type': 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText',
    });
    expect(Date.parse(security?.Timestamp.Expires ?? '')).toBeGreaterThan(Date.parse(security?.Timestamp.Created ?? ''));
  });

  it('splits more patients than the register takes in one call into batches of 100', async () => {
    answering(fixture);
    const nins = Array.from({ length: 150 }, (_, i) => `0101${String(i).padStart(7, '0')}`);
    await adapter().read(nins);
    expect(received.map((r) => envelopeOf(r.body).Body.GetPatientsGPDetails.patientNins.string.length).sort((a, b) => b - a)).toEqual([100, 50]);
  });

  it('validates its options: both credentials or none, no unknown keys', () => {
    expect(optionsSchema.safeParse({}).success).toBe(true);
    expect(optionsSchema.safeParse({ username: 'u', password: 'p' }).success).toBe(true);
    expect(optionsSchema.safeParse({ username: 'u' }).success).toBe(false);
    expect(optionsSchema.safeParse({ usename: 'u', password: 'p' }).success).toBe(false);
  });

  it('reports a SOAP fault (HTTP 500) as SOURCE_UNAVAILABLE by its codes, without the fault text', async () => {
    answering(
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value>` +
        `<s:Subcode><s:Value xmlns:a="http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher">a:InternalServiceFault</s:Value></s:Subcode></s:Code>` +
        `<s:Reason><s:Text xml:lang="en-US">Lookup of 03864013065 failed</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`,
      500,
    );
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('gp-register');
    expect(error.message).toBe('gp-register answered a SOAP fault (Receiver), subcode InternalServiceFault');
  });

  it('never carries a fault text that names the patient into the error', async () => {
    answering(
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code>` +
        `<s:Reason><s:Text xml:lang="nb">Pasient Ingrid Solheim finnes ikke</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`,
      500,
    );
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.message).toBe('gp-register answered a SOAP fault (Sender)');
    expect(error.message).not.toMatch(/Ingrid|Solheim|finnes/);
  });

  it('reports an HTTP 500 without a fault, and a refused content type, as SOURCE_UNAVAILABLE with the status', async () => {
    answering('<html><body>Service Unavailable</body></html>', 500, 'text/html');
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.details.status).toBe(500);

    server.resetHandlers();
    answering('Cannot process the message', 415, 'text/plain');
    expect((await sourceFailure(adapter().read(['03864013065']))).details.status).toBe(415);
  });

  it('reports a truncated answer as SOURCE_BAD_RESPONSE', async () => {
    answering(fixture.slice(0, fixture.length / 2));
    expect((await sourceFailure(adapter().read(['03864013065']))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a well-formed answer that breaks the data contract as SOURCE_BAD_RESPONSE', async () => {
    answering(fixture.replace(/<a:GPContract>[\s\S]*?<\/a:GPContract>/, ''));
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).not.toMatch(/03864013065|Kristoffersen/);
  });

  it('reports a register that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(ENDPOINT, async () => {
        await delay('infinite');
        return new HttpResponse('');
      }),
    );
    const error = await sourceFailure(adapter().read(['03864013065']));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});
