/**
 * How a legacy call can fail, as the graph reports it. Adapters throw `BadResponseError` from mappers
 * (pure code that knows nothing of instances); the kit turns every failure into a `SourceError` that
 * names the instance and carries one of the registered codes.
 *
 * Privacy: messages name sources, operations and field paths, never values from the payload.
 */
export type SourceErrorCode = 'SOURCE_UNAVAILABLE' | 'SOURCE_TIMEOUT' | 'SOURCE_BAD_RESPONSE';

export class SourceError extends Error {
  override name = 'SourceError';

  constructor(
    readonly code: SourceErrorCode,
    readonly sourceId: string,
    message: string,
    /** `circuit`: the read was not sent, because the source's circuit breaker is open or it is saturated. */
    readonly details: { timeoutMs?: number; status?: number; circuit?: 'open' | 'saturated' } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A payload that does not follow its protocol; thrown by mappers and parsers. */
export class BadResponseError extends Error {
  override name = 'BadResponseError';
}

/** Thrown before a request leaves the process when its URL would carry an identity number. */
export class PrivacyGuardError extends Error {
  override name = 'PrivacyGuardError';
}

/**
 * What a source's fault says, by its codes: the protocol's fault code (SOAP `Client`/`Receiver`, an HTTP
 * status class, a vendor's `feilkode`), a subcode, the vendor's own error code, and the HTTP status it came
 * with. Never the fault's text: real systems quote patients by name in it.
 */
export interface FaultCodes {
  /** The kind of fault, for the message: `SOAP`, `FHIR OperationOutcome`, a vendor's format. */
  protocol: string;
  code: string;
  subcode?: string | null;
  vendorCode?: string | null;
  status?: number;
}

/**
 * The source answered with a fault of its protocol: it was reached and said no. Parsers and clients throw this
 * wherever they find one (a SOAP Fault, an OperationOutcome, a vendor's error body); the kit turns it into a
 * SourceError in one place (`classify`: SOURCE_UNAVAILABLE, named by its codes only).
 */
export class SourceFault extends Error {
  override name = 'SourceFault';

  constructor(readonly fault: FaultCodes) {
    super(faultDescription(fault));
  }
}

/** `answered a SOAP fault (Receiver), subcode InternalServiceFault, error code E900`: codes only, never the fault text. */
export function faultDescription(fault: FaultCodes): string {
  let message = `answered a ${fault.protocol} fault (${fault.code})`;
  if (fault.subcode) message += `, subcode ${fault.subcode}`;
  if (fault.vendorCode) message += `, error code ${fault.vendorCode}`;
  return message;
}
