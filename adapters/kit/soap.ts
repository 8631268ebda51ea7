import { BadResponseError, faultDescription, SourceFault } from './errors';
import { buildXml, parseXml } from './xml';

/**
 * SOAP 1.1 and 1.2 envelopes. The two differ in namespace, content type and where the action goes:
 * 1.1 sends `SOAPAction` as a header with `text/xml`; 1.2 puts `action` in the `application/soap+xml`
 * content type. Faults differ too (faultcode/faultstring vs Code/Reason).
 */
export type SoapVersion = '1.1' | '1.2';

export const SOAP_NS: Record<SoapVersion, string> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

export function soapHeaders(version: SoapVersion, action: string): Record<string, string> {
  return version === '1.1'
    ? { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${action}"` }
    : { 'Content-Type': `application/soap+xml; charset=utf-8; action="${action}"` };
}

/** An envelope around a body object (in the `@_` attribute convention of ./xml). */
export function soapEnvelope(version: SoapVersion, body: Record<string, unknown>): string {
  return buildXml({ 'soap:Envelope': { '@_xmlns:soap': SOAP_NS[version], 'soap:Body': body } });
}

/**
 * Parses a SOAP response and returns the Body's content. A Fault becomes a SourceFault (the source said no,
 * mapped by the kit); anything that is not an envelope is a BadResponseError.
 */
export function parseSoapBody(xml: string, arrays: readonly string[] = []): Record<string, unknown> {
  const doc = parseXml(xml, arrays);
  const envelope = doc.Envelope as Record<string, unknown> | undefined;
  const body = envelope?.Body as Record<string, unknown> | undefined;
  if (!envelope || !body || typeof body !== 'object') throw new BadResponseError('not a SOAP envelope with a Body');
  const fault = body.Fault as Record<string, unknown> | undefined;
  if (fault) throw soapFault(fault);
  return body;
}

/** Where a product writes its own error code in a fault's detail, if anywhere. */
export type VendorCodeOf = (fault: Record<string, unknown>) => unknown;

/** A parsed Fault element of either SOAP version as a SourceFault, with the vendor's code where `vendorCode` finds one. */
export function soapFault(fault: Record<string, unknown>, vendorCode?: VendorCodeOf, status?: number): SourceFault {
  return new SourceFault({ protocol: 'SOAP', ...soapFaultCodes(fault), vendorCode: vendorCode ? codeToken(textOf(vendorCode(fault))) : null, ...(status ? { status } : {}) });
}

/**
 * The SOAP Fault in a response body of either version, or null when the body is not a fault envelope. Some
 * products wrap a fault in HTTP 200, others answer 400 or 500: clients ask this of every answer they read.
 */
export function readSoapFault(body: unknown, vendorCode?: VendorCodeOf, status?: number): SourceFault | null {
  if (typeof body !== 'string' || !/<([\w.-]+:)?Fault[\s>/]/.test(body)) return null;
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(body);
  } catch {
    return null;
  }
  const envelope = doc.Envelope as Record<string, unknown> | undefined;
  const fault = (envelope?.Body as Record<string, unknown> | undefined)?.Fault as Record<string, unknown> | undefined;
  if (!fault || typeof fault !== 'object') return null;
  return soapFault(fault, vendorCode, status);
}

/**
 * The structured parts of a SOAP fault: the code (`Client`/`Server` in SOAP 1.1, `Sender`/`Receiver`/
 * `VersionMismatch` in 1.2), the 1.2 subcode (WCF's `InvalidSecurity`, `InternalServiceFault`, …) and a
 * vendor's error code where the caller knows where its product writes one. The fault text (faultstring,
 * Reason) is deliberately not among them: it is the source's free text and real systems quote patients
 * by name in it, so it never reaches a message, a log or a client.
 */
export interface SoapFaultCodes {
  code: string;
  subcode: string | null;
  vendorCode?: string | null;
}

/** Reads the codes of a parsed Fault element of either SOAP version. */
export function soapFaultCodes(fault: Record<string, unknown>): SoapFaultCodes {
  const code12 = fault.Code as Record<string, unknown> | undefined;
  const subcode12 = code12?.Subcode as Record<string, unknown> | undefined;
  return {
    code: codeToken(textOf(fault.faultcode) ?? textOf(code12?.Value)) ?? 'unknown',
    subcode: codeToken(textOf(subcode12?.Value)),
  };
}

/** `<id> answered a SOAP fault (Receiver), subcode InternalServiceFault, error code E900`: codes only, never the fault text. */
export function soapFaultMessage(sourceId: string, codes: SoapFaultCodes): string {
  return `${sourceId} ${faultDescription({ protocol: 'SOAP', ...codes })}`;
}

/**
 * A code from a fault as a short token: the local name of a QName, kept only when it looks like a code
 * (letters, digits, `_ . -`, at most 40 characters, no long digit run), so that free text put where a code
 * belongs is dropped rather than passed on.
 */
export function codeToken(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  const local = trimmed.slice(trimmed.lastIndexOf(':') + 1);
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(local) && !/\d{6,}/.test(local) ? local : null;
}

/** The text of an element parsed by ./xml: a string, or the `#text` of an element with attributes. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return textOf(node[0]);
  if (node && typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return undefined;
}
