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
