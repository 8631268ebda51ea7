import { redactNins } from '../../lib/nin';
import { parseXml, textOf } from '../kit';

export interface SoapFault {
  /** The fault code without its prefix: Client/Server (SOAP 1.1) or Sender/Receiver/VersionMismatch (SOAP 1.2). */
  code: string;
  /** The fault text, with identity numbers masked: it is the source's free text and may quote a patient. */
  reason: string;
}

const localName = (qname: string) => qname.slice(qname.lastIndexOf(':') + 1);

/**
 * Reads a SOAP Fault of either version from a response body, or returns null when the body is not a
 * fault. Nordlys (SOAP 1.1) answers faults with HTTP 500; Fjord (SOAP 1.2) with 400 for Sender faults and
 * 500 for Receiver faults, and either may wrap one in HTTP 200, so the client asks this of every answer.
 */
export function readSoapFault(body: unknown): SoapFault | null {
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
  const code12 = (fault.Code as Record<string, unknown> | undefined)?.Value;
  const code = textOf(fault.faultcode) ?? textOf(code12) ?? 'Unknown';
  const reason = textOf(fault.faultstring) ?? textOf((fault.Reason as Record<string, unknown> | undefined)?.Text) ?? '';
  return { code: localName(code), reason: redactNins(reason).slice(0, 200) };
}
