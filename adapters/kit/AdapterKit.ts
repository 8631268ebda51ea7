import type { AxiosInstance } from 'axios';
import { isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { BadResponseError, SourceError } from './errors';
import { createHttpClient } from './http';

/**
 * The shared adapter kit: every legacy call passes through `readMany`, so that it is the one place where
 * timeouts, error classification and access logging live today, and where caching and circuit breakers
 * attach tomorrow (as middleware: each sees the batch and may answer some keys itself and pass the rest on).
 */

/** One batch read against one instance. Keys are identity numbers or HPR numbers: never log them. */
export interface ReadCall {
  instance: InstanceConfig;
  /** A name for what is read, for example `patient-record`; used in logs, metrics and cache keys. */
  operation: string;
  keys: readonly string[];
  /** Aborted when the per-source deadline passes; pass it to every request the read makes. */
  signal: AbortSignal;
}

export type ReadResult<V> = Map<string, V | null>;
export type ReadNext<V> = (call: ReadCall) => Promise<ReadResult<V>>;
/** Middleware around every read: call `next` (perhaps with fewer keys) or answer without it. */
export type ReadMiddleware = <V>(call: ReadCall, next: ReadNext<V>) => Promise<ReadResult<V>>;

export interface ReadOptions {
  /** A request id to correlate log lines; never personal data. */
  requestId?: string;
}

export class AdapterKit {
  private readonly clients = new Map<string, AxiosInstance>();
  private readonly middleware: ReadMiddleware[] = [];

  constructor(private readonly logger: Logger) {}

  /** Adds middleware; the first added is the outermost. */
  use(middleware: ReadMiddleware): this {
    this.middleware.push(middleware);
    return this;
  }

  /** The instance's HTTP client (one per instance, reused). */
  http(instance: InstanceConfig): AxiosInstance {
    let client = this.clients.get(instance.id);
    if (!client) {
      client = createHttpClient(instance);
      this.clients.set(instance.id, client);
    }
    return client;
  }

  /**
   * Reads many keys from one instance. Duplicate keys are asked once; keys the source does not know map
   * to null. Throws a SourceError naming the instance if the source fails, hangs past its timeout or
   * answers garbage.
   */
  async readMany<V>(
    instance: InstanceConfig,
    operation: string,
    keys: readonly string[],
    fetch: (keys: readonly string[], signal: AbortSignal) => Promise<ReadResult<V>>,
    options: ReadOptions = {},
  ): Promise<ReadResult<V>> {
    const unique = [...new Set(keys)];
    const started = performance.now();
    const controller = new AbortController();
    const timeoutMs = instance.timeoutMs;
    const timer = setTimeout(() => controller.abort(new DeadlineError(timeoutMs)), timeoutMs);
    const call: ReadCall = { instance, operation, keys: unique, signal: controller.signal };

    const chain = this.middleware.reduceRight<ReadNext<V>>(
      (next, mw) => (c) => mw(c, next),
      async (c) => {
        const result = await fetch(c.keys, c.signal);
        for (const key of c.keys) if (!result.has(key)) result.set(key, null);
        return result;
      },
    );
    // The deadline also covers code that ignores the signal: whichever settles first wins.
    const deadline = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    try {
      const result = await Promise.race([chain(call), deadline]);
      this.logger.debug(
        { source: instance.id, system: instance.system, operation, keys: unique.length, ms: elapsed(started), requestId: options.requestId },
        'source read',
      );
      return result;
    } catch (error) {
      const classified = classify(error, instance, timeoutMs);
      this.logger.warn(
        {
          source: instance.id,
          system: instance.system,
          operation,
          keys: unique.length,
          ms: elapsed(started),
          code: classified.code,
          reason: classified.message,
          requestId: options.requestId,
        },
        'source read failed',
      );
      throw classified;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}

class DeadlineError extends Error {
  override name = 'DeadlineError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/** Turns any failure of a read into a SourceError with a registered code. */
export function classify(error: unknown, instance: InstanceConfig, timeoutMs: number): SourceError {
  const id = instance.id;
  if (error instanceof SourceError) return error;
  if (error instanceof DeadlineError) {
    return new SourceError('SOURCE_TIMEOUT', id, `${id} did not answer within ${timeoutMs} ms`, { timeoutMs });
  }
  if (error instanceof BadResponseError) {
    return new SourceError('SOURCE_BAD_RESPONSE', id, `${id} answered something invalid: ${error.message}`, {}, { cause: error });
  }
  if (isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.code === 'ERR_CANCELED') {
      return new SourceError('SOURCE_TIMEOUT', id, `${id} did not answer within ${timeoutMs} ms`, { timeoutMs });
    }
    if (error.response) {
      const status = error.response.status;
      return new SourceError('SOURCE_UNAVAILABLE', id, `${id} answered HTTP ${status}`, { status });
    }
    if (error.code && UNREACHABLE.has(error.code)) {
      return new SourceError('SOURCE_UNAVAILABLE', id, `${id} could not be reached (${error.code})`);
    }
    return new SourceError('SOURCE_UNAVAILABLE', id, `${id} failed (${error.code ?? 'network error'})`);
  }
  if (error instanceof SyntaxError) {
    return new SourceError('SOURCE_BAD_RESPONSE', id, `${id} answered something that does not parse`);
  }
  // Anything else is a fault in our own code: let it surface as an internal error, not as the source's.
  throw error;
}
