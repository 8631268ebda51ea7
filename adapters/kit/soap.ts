import { BadResponseError, SourceError } from './errors';
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
 * Parses a SOAP response and returns the Body's content. A Fault becomes a SourceError (the source said
 * no); anything that is not an envelope is a BadResponseError.
 */
export function parseSoapBody(sourceId: string, xml: string, arrays: readonly string[] = []): Record<string, unknown> {
  const doc = parseXml(xml, arrays);
  const envelope = doc.Envelope as Record<string, unknown> | undefined;
  const body = envelope?.Body as Record<string, unknown> | undefined;
  if (!envelope || !body || typeof body !== 'object') throw new BadResponseError('not a SOAP envelope with a Body');
  const fault = body.Fault as Record<string, unknown> | undefined;
  if (fault) throw new SourceError('SOURCE_UNAVAILABLE', sourceId, soapFaultMessage(sourceId, soapFaultCodes(fault)));
  return body;
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
  let message = `${sourceId} answered a SOAP fault (${codes.code})`;
  if (codes.subcode) message += `, subcode ${codes.subcode}`;
  if (codes.vendorCode) message += `, error code ${codes.vendorCode}`;
  return message;
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
