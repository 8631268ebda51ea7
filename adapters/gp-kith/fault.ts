import { readSoapFault, type SourceFault, type VendorCodeOf } from '../kit';

/**
 * Where the two GP products write their own error code in a SOAP fault's detail: Nordlys `detail/Feil/Kode`
 * (SOAP 1.1), Fjord `Detail/ErrorCode` (SOAP 1.2). The fault text is not read: it is the source's free text
 * and may quote a patient by name.
 */
export const gpVendorCode: VendorCodeOf = (fault) => {
  const nordlys = (fault.detail as Record<string, unknown> | undefined)?.Feil as Record<string, unknown> | undefined;
  const fjord = fault.Detail as Record<string, unknown> | undefined;
  return nordlys?.Kode ?? fjord?.ErrorCode;
};

/**
 * A SOAP Fault of either version in a response body, with the product's error code, or null when the body
 * is not a fault. Nordlys (SOAP 1.1) answers faults with HTTP 500; Fjord (SOAP 1.2) with 400 for Sender faults
 * and 500 for Receiver faults, and either may wrap one in HTTP 200, so the client asks this of every answer.
 */
export function readGpFault(body: unknown, status: number): SourceFault | null {
  return readSoapFault(body, gpVendorCode, status);
}
