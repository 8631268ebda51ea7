import { redactNins } from '../../lib/nin';
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
  if (fault) {
    // A fault string is the source's free text: it may quote the patient, so identity numbers are masked.
    const reason = redactNins(textOf(fault.faultstring) ?? textOf((fault.Reason as Record<string, unknown> | undefined)?.Text) ?? 'fault');
    throw new SourceError('SOURCE_UNAVAILABLE', sourceId, `${sourceId} answered a SOAP fault: ${reason.slice(0, 200)}`);
  }
  return body;
}

/** The text of an element parsed by ./xml: a string, or the `#text` of an element with attributes. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return textOf(node[0]);
  if (node && typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return undefined;
}
