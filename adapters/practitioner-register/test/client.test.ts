import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import type { InstanceConfig } from '../../../lib/config';
import { parseXml } from '../../kit';
import { createPractitionerRegisterAdapter } from '../client';
import type { PractitionerRegisterOptions } from '../manifest';
import { sourceFailure, testKit } from '../../kit/testing';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'GetPersons.xml'), 'utf8');
const BASE = 'http://hpr.test';
const ENDPOINT = `${BASE}/HprService.svc`;
const ACTION = 'http://register.nhn.no/Hpr/IHprService/GetPersons';
const SOAP12 = 'application/soap+xml; charset=utf-8';
const instance: InstanceConfig = { id: 'practitioner-register', system: 'practitioner-register', baseUrl: BASE, timeoutMs: 300, options: {} };
const server = setupServer();
const received: { contentType: string | null; body: string; url: string }[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => server.close());

function adapter(options: PractitionerRegisterOptions = {}) {
  return createPractitionerRegisterAdapter(instance, options, testKit());
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
  Header: { Action: unknown; Security?: { UsernameToken: { Username: string } } };
  Body: { GetPersons: { hprNumbers: { int: string[] } } };
}

function envelopeOf(body: string): SentEnvelope {
  return (parseXml(body, ['int']) as { Envelope: SentEnvelope }).Envelope;
}


describe('practitioner register client', () => {
  it('asks for many HPR numbers in one SOAP 1.2 call as an int array, and maps unknown ones to null', async () => {
    answering(fixture);
    const result = await adapter().read(['9217889', '9490444', '9217889', '1000001', 'HPR-1', '99999999999']);
    expect(received).toHaveLength(1);
    expect(received[0]?.contentType).toBe(`${SOAP12}; action="${ACTION}"`);
    expect(received[0]?.body).toContain('<GetPersons xmlns="http://register.nhn.no/Hpr">');
    expect(received[0]?.body).toContain('<a:int>9217889</a:int>');
    // Keys that are no Int32 cannot be asked without the service refusing the whole batch.
    expect(envelopeOf(received[0]?.body ?? '').Body.GetPersons.hprNumbers.int).toEqual(['9217889', '9490444', '1000001']);
    expect(envelopeOf(received[0]?.body ?? '').Header.Security).toBeUndefined();

    expect(result.get('9217889')?.specialities).toEqual(['Allmennmedisin']);
    expect(result.get('9490444')?.authorisations[0]?.profession).toBe('SP');
    expect(result.get('1000001')).toBeNull();
    expect(result.get('HPR-1')).toBeNull();
    expect(result.get('99999999999')).toBeNull();
  });

  it('matches a key written with leading zeros to the number the register answers', async () => {
    answering(fixture);
    const result = await adapter().read(['09217889']);
    expect(envelopeOf(received[0]?.body ?? '').Body.GetPersons.hprNumbers.int).toEqual(['9217889']);
    expect(result.get('09217889')?.name.family).toBe('Kristoffersen');
  });

  it('sends a WS-Security UsernameToken when credentials are configured', async () => {
    answering(fixture);
    await adapter({ username: 'hpr-user', password: 'pw' }).read(['9217889']);
    expect(envelopeOf(received[0]?.body ?? '').Header.Security?.UsernameToken.Username).toBe('hpr-user');
  });

  it('splits more numbers than the register takes in one call into batches of 200', async () => {
    answering(fixture);
    await adapter().read(Array.from({ length: 250 }, (_, i) => String(1_000_000 + i)));
    expect(received.map((r) => envelopeOf(r.body).Body.GetPersons.hprNumbers.int.length).sort((a, b) => b - a)).toEqual([200, 50]);
  });

  it('reports a SOAP fault (HTTP 500) as SOURCE_UNAVAILABLE', async () => {
    answering(
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code>` +
        `<s:Reason><s:Text xml:lang="en-US">The server was unable to process the request due to an internal error.</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`,
      500,
    );
    const error = await sourceFailure(adapter().read(['9217889']));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.sourceId).toBe('practitioner-register');
    expect(error.message).toBe('practitioner-register answered a SOAP fault (Receiver)');
    expect(error.message).not.toContain('internal error');
  });

  it('reports garbage as SOURCE_BAD_RESPONSE', async () => {
    answering(`${fixture.slice(0, 300)}\u0000<<#@!garbage`);
    expect((await sourceFailure(adapter().read(['9217889']))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a well-formed answer that breaks the data contract as SOURCE_BAD_RESPONSE', async () => {
    answering(fixture.replace('<a:HPRNummer>9217889</a:HPRNummer>', ''));
    expect((await sourceFailure(adapter().read(['9217889']))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('reports a register that never answers as SOURCE_TIMEOUT', async () => {
    server.use(
      http.post(ENDPOINT, async () => {
        await delay('infinite');
        return new HttpResponse('');
      }),
    );
    const error = await sourceFailure(adapter().read(['9217889']));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(300);
  });
});
