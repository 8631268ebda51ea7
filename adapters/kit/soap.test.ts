import { classify } from './AdapterKit';
import { SourceError, SourceFault } from './errors';
import { codeToken, parseSoapBody } from './soap';
import type { InstanceConfig } from '../../lib/config';

const instance = { id: 'gp-fjord-vest', system: 'gp-kith', baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000, options: {} } satisfies InstanceConfig;

const NAMED = 'Pasient Ingrid Solheim finnes ikke (03864013065)';

function faultOf(xml: string): SourceError {
  try {
    parseSoapBody(xml);
  } catch (error) {
    // The parser finds the fault; the kit maps it, in one place, to the source's error.
    expect(error).toBeInstanceOf(SourceFault);
    const mapped = classify(error, instance, instance.timeoutMs);
    expect(mapped).toBeInstanceOf(SourceError);
    return mapped;
  }
  throw new Error('no fault');
}

describe('SOAP faults', () => {
  it('reports a SOAP 1.1 fault by its code, never by its faultstring', () => {
    const error = faultOf(
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>` +
        `<faultcode>SOAP-ENV:Client</faultcode><faultstring>${NAMED}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
    );
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toBe('gp-fjord-vest answered a SOAP fault (Client)');
  });

  it('reports a SOAP 1.2 fault by its code and subcode, never by its Reason', () => {
    const error = faultOf(
      `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>` +
        `<env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value xmlns:v="urn:v">v:PatientUnknown</env:Value></env:Subcode></env:Code>` +
        `<env:Reason><env:Text xml:lang="nb">${NAMED}</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`,
    );
    expect(error.message).toBe('gp-fjord-vest answered a SOAP fault (Receiver), subcode PatientUnknown');
    expect(error.message).not.toMatch(/Ingrid|Solheim|03864013065/);
  });

  it('keeps a code only when it looks like one', () => {
    expect(codeToken('s:Receiver')).toBe('Receiver');
    expect(codeToken(' E202 ')).toBe('E202');
    expect(codeToken('Ingrid Solheim')).toBeNull();
    expect(codeToken('x:03864013065')).toBeNull();
    expect(codeToken('a'.repeat(41))).toBeNull();
    expect(codeToken(undefined)).toBeNull();
  });
});
