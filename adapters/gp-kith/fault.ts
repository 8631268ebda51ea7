import { codeToken, parseXml, soapFaultCodes, textOf, type SoapFaultCodes } from '../kit';

/**
 * A SOAP fault's codes: the fault code without its prefix (Client/Server in SOAP 1.1, Sender/Receiver/
 * VersionMismatch in 1.2) and the vendor's error code from the detail (Nordlys `Feil/Kode`, Fjord
 * `ErrorCode`). The fault text is not read: it is the source's free text and may quote a patient by name.
 */
export type SoapFault = SoapFaultCodes;

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
  const nordlys = (fault.detail as Record<string, unknown> | undefined)?.Feil as Record<string, unknown> | undefined;
  const fjord = fault.Detail as Record<string, unknown> | undefined;
  return { ...soapFaultCodes(fault), vendorCode: codeToken(textOf(nordlys?.Kode) ?? textOf(fjord?.ErrorCode)) };
}
