import { context as context_, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AxiosInstance } from 'axios';
import { isAxiosError } from 'axios';
import { cachePolicy, type CachePolicy, type InstanceConfig } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import { redactNins } from '../../lib/nin';
import type { PurposeOfUse } from '../../lib/purposeOfUse';
import { BadResponseError, PrivacyGuardError, SourceError, SourceFault } from './errors';
import { CacheCrypto, randomCacheKeys } from './cache/CacheCrypto';
import { MemoryCacheStore, type CacheStore } from './cache/CacheStore';
import { Stash } from './cache/Stash';
import { chunk } from './chunk';
import { bindReadContext, type ReadContext } from './readContext';
import { createHttpClient } from './http';

/**
 * The shared adapter kit: every legacy call passes through `readMany`, so that it is the one place where
 * timeouts, error classification and access logging live today, and where caching and circuit breakers
 * attach tomorrow (as middleware: each sees the batch and may answer some keys itself and pass the rest on).
 */

/** One batch read against one instance. Keys are identity numbers or HPR numbers: never log them. */
export interface ReadCall {
  instance: InstanceConfig;
  /**
   * A name for what is read, for example `hospital-record`: the kind of data. The kit writes it in log lines
   * and metrics; the cache keys what it keeps by instance, operation and key, and takes its TTL per operation.
   */
  operation: string;
  keys: readonly string[];
  /** Aborted when the per-source deadline passes; pass it to every request the read makes. */
  signal: AbortSignal;
  /** The options the adapter's caller gave (request id, purpose of use, report). */
  options: ReadOptions;
  /** How long this kind of data of this instance may be kept (sources.json `cache`). */
  policy: CachePolicy;
  /** True once the source has said, for this read, that its answer must not be kept (Cache-Control). */
  uncacheable(): boolean;
  /** Where per-key outcomes go (stale answers, keys that failed), when the caller asked for them. */
  report?: ReadReport;
}

/**
 * Per-key outcomes of a read, for callers that can use them: a key answered from the cache after the source
 * failed (`stale`, with the answer's age in ms), and a key that failed while others of the batch did not
 * (`failed`). With a report the read resolves even when some keys failed; without one it fails whole.
 */
export interface ReadReport {
  stale: Map<string, number>;
  failed: Map<string, SourceError>;
}

export function readReport(): ReadReport {
  return { stale: new Map(), failed: new Map() };
}

export type ReadResult<V> = Map<string, V | null>;
export type ReadNext<V> = (call: ReadCall) => Promise<ReadResult<V>>;
/** Middleware around every read: call `next` (perhaps with fewer keys) or answer without it. */
export type ReadMiddleware = <V>(call: ReadCall, next: ReadNext<V>) => Promise<ReadResult<V>>;

export interface ReadOptions {
  /** A request id to correlate log lines, and to remember what one client request has read; never personal data. */
  requestId?: string;
  /**
   * The most keys one call to the source may carry (the adapter's manifest.maxBatch). Larger reads are
   * split, and the parts are fetched side by side, at most BATCHES_AT_ONCE at a time.
   */
  maxBatch?: number;
  /**
   * The reader's purpose of use, from their verified token (TREAT, ETREAT, COC, PATRQT, ...). Adapters of
   * sources that take one (Kjernejournal's `X-KJ-Purpose`) must send it, and refuse to read without it
   * rather than attest a purpose the reader never stated; the other adapters ignore it.
   */
  purposeOfUse?: PurposeOfUse;
  /**
   * Name the read by this (a sector id such as `municipal-care`) instead of the instance id and system, in
   * log lines, spans and metrics labels: set when the batch holds a patient whose sources may only be named by
   * their sector.
   */
  logAs?: string;
  /** Per-key outcomes: see ReadReport. */
  report?: ReadReport;
}

/** What the caller of a write passes to the kit: the request it serves, and a sector to name it by (logAs). */
export interface WriteOptions {
  requestId?: string;
  logAs?: string;
}

/**
 * What an adapter supplies for one kind of data: one call's worth of fetching. The kit does the rest around it
 * (`AdapterKit.reader`): dedupe, splitting by the manifest's `maxBatch`, the deadline and its signal, the cache
 * and the breaker, keeping only the keys asked for, and turning every failure into a SourceError.
 */
export interface BatchFetcher<V> {
  /** The kind of data (one of the manifest's `operations`): the cache keys and forgets by it. */
  operation: string;
  /**
   * Keys the source can be asked about. Others are answered null without a call: a malformed number that
   * would make the source refuse the whole batch (the registries), or a key the protocol cannot express.
   */
  askable?: (key: string) => boolean;
  /**
   * One call to the source: at most `maxBatch` distinct, askable keys. Answers may leave keys out (no record:
   * null); a key not asked is dropped, never passed on. Pass `signal` to every request; throw BadResponseError
   * from the mapper, SourceFault for the source's own fault answers, or let the HTTP client's errors through.
   */
  fetchBatch(keys: readonly string[], signal: AbortSignal, options: ReadOptions): Promise<ReadResult<V>>;
}

/** How many parts of one split read go to a source at the same time: parallel, but gentle on old systems. */
export const BATCHES_AT_ONCE = 4;

export interface KitStorage {
  store: CacheStore;
  crypto: CacheCrypto;
}

const tracer = trace.getTracer('patient-graph-adapter-kit');

/**
 * The reason a read's or a write's signal is aborted with once it is over (what is still running for it stops):
 * one shared error, since `abort()` without a reason builds a DOMException with its stack on every read.
 */
const OVER = Object.assign(new Error('the read or write is over'), { name: 'AbortError' });

export class AdapterKit {
  private readonly clients = new Map<string, AxiosInstance>();
  private readonly middleware: ReadMiddleware[] = [];
  /** Where the cache and adapters' stashes keep what they keep; in-process with random keys unless given. */
  readonly storage: KitStorage;

  constructor(
    private readonly logger: Logger,
    storage?: KitStorage,
  ) {
    this.storage = storage ?? { store: new MemoryCacheStore(), crypto: new CacheCrypto(randomCacheKeys()) };
  }

  /** A sealed key-value stash for an adapter's own state (tickets), on the cache's store. */
  stash(namespace: string): Stash {
    return new Stash(this.storage.store, this.storage.crypto, namespace);
  }

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
   * The adapter skeleton: a batch read of one kind of data from one instance, built from the adapter's
   * `fetchBatch` alone. Everything an adapter used to repeat (the readMany wrapping, `maxBatch`, filtering the
   * answer to the keys asked) happens here.
   */
  reader<V>(instance: InstanceConfig, manifest: { maxBatch: number }, fetcher: BatchFetcher<V>): (keys: readonly string[], options?: ReadOptions) => Promise<ReadResult<V>> {
    return (keys, options = {}) =>
      this.readMany<V>(
        instance,
        fetcher.operation,
        keys,
        async (batch, signal) => {
          const asked = fetcher.askable ? batch.filter(fetcher.askable) : batch;
          const result: ReadResult<V> = new Map();
          if (asked.length === 0) return result;
          const answer = await fetcher.fetchBatch(asked, signal, options);
          // Only what this call asked: a record for anyone else is the source's mistake, and someone else's data.
          for (const key of asked) if (answer.has(key)) result.set(key, answer.get(key) ?? null);
          return result;
        },
        { ...options, maxBatch: manifest.maxBatch },
      );
  }

  private named(instance: InstanceConfig, options: ReadOptions): { source: string; system?: string } {
    return options.logAs ? { source: options.logAs } : { source: instance.id, system: instance.system };
  }

  /**
   * Reads many keys from one instance. Duplicate keys are asked once; keys the source does not know map
   * to null, and the answer holds exactly the keys asked (whatever the fetch or a middleware returned
   * besides is dropped). Throws a SourceError naming the instance if the source fails, hangs past its
   * timeout or answers garbage, and never anything else.
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
    const context: ReadContext = { uncacheable: false };
    bindReadContext(controller.signal, context);
    // The source, or only its sector where the batch holds a patient whose address is strictly confidential:
    // in spans, log lines and metrics labels alike (a counter that moves right after a request names the
    // instance that answered as well as a log line would).
    const named = this.named(instance, options);
    const call: ReadCall = {
      instance,
      operation,
      keys: unique,
      signal: controller.signal,
      options,
      policy: cachePolicy(instance, operation),
      uncacheable: () => context.uncacheable,
      ...(options.report ? { report: options.report } : {}),
    };
    // The deadline also covers code that ignores the signal: whichever settles first wins. It bounds the
    // source's part (below the middleware), so that the cache can still answer from what it holds.
    const deadline = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    // Handled even if the race below is never reached: the abort in `finally` must not be an unhandled rejection.
    deadline.catch(() => undefined);

    const chain = this.middleware.reduceRight<ReadNext<V>>(
      // async, so that a middleware that throws at once rejects like any other failure
      (next, mw) => async (c) => mw(c, next),
      async (c) => {
        const fetchAll = async () => {
          // The signal the adapter gets is the one its answers are noted under (a middleware may have passed another).
          if (c.signal !== controller.signal) bindReadContext(c.signal, context);
          const result = new Map<string, V | null>();
          const parts = chunk(c.keys, options.maxBatch ?? Math.max(1, c.keys.length));
          for (let i = 0; i < parts.length; i += BATCHES_AT_ONCE) {
            const answers = await Promise.all(parts.slice(i, i + BATCHES_AT_ONCE).map((part) => fetch(part, c.signal)));
            for (const answer of answers) for (const [key, value] of answer) result.set(key, value);
          }
          for (const key of c.keys) if (!result.has(key)) result.set(key, null);
          return result;
        };
        const sourceStarted = performance.now();
        try {
          const answer = await Promise.race([fetchAll(), deadline]);
          this.measure(named.source, 'ok', sourceStarted);
          return answer;
        } catch (error) {
          this.measure(named.source, classify(error, instance, timeoutMs).code, sourceStarted);
          throw error;
        }
      },
    );
    // A span per read (a no-op unless tracing is configured, lib/telemetry.ts): the source (as named above),
    // the kind of data and how many keys.
    const span = tracer.startSpan('source.read', {
      kind: SpanKind.CLIENT,
      attributes: { 'patient_graph.source': named.source, 'patient_graph.operation': operation, 'patient_graph.keys': unique.length },
    });
    try {
      const answered = await context_.with(trace.setSpan(context_.active(), span), () => chain(call));
      const result: ReadResult<V> = new Map(unique.map((key) => [key, answered.get(key) ?? null]));
      span.setAttribute('patient_graph.failed_keys', options.report?.failed.size ?? 0);
      const failed = options.report?.failed.size ?? 0;
      this.logger[failed ? 'warn' : 'debug'](
        { ...this.named(instance, options), operation, keys: unique.length, ms: elapsed(started), requestId: options.requestId, ...(failed ? { failedKeys: failed } : {}) },
        failed ? 'source read failed for some keys' : 'source read',
      );
      return result;
    } catch (error) {
      const classified = classify(error, instance, timeoutMs, this.logger);
      span.setStatus({ code: SpanStatusCode.ERROR, message: classified.code });
      this.logger.warn(
        {
          ...this.named(instance, options),
          operation,
          keys: unique.length,
          ms: elapsed(started),
          code: classified.code,
          // The reason names the instance: not for a read that may only be named by its sector.
          reason: options.logAs ? undefined : classified.message,
          requestId: options.requestId,
        },
        'source read failed',
      );
      throw classified;
    } finally {
      span.end();
      clearTimeout(timer);
      controller.abort(OVER);
    }
  }

  /**
   * The write side: one call that changes something in a legacy system (sending a message), with the
   * instance's deadline, every failure classified as a SourceError naming the instance (never anything else),
   * a log line and a span without personal data, and a metric by outcome. No retry here: whether a write may
   * be sent again is the caller's to know (a message with the same id is taken once by the systems, so the
   * outbox may send it again; a write without such a key must not be). `operation` names the kind of write.
   */
  async write<R>(instance: InstanceConfig, operation: string, send: (signal: AbortSignal) => Promise<R>, options: WriteOptions = {}): Promise<R> {
    const started = performance.now();
    const controller = new AbortController();
    const timeoutMs = instance.timeoutMs;
    const timer = setTimeout(() => controller.abort(new DeadlineError(timeoutMs)), timeoutMs);
    const deadline = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    deadline.catch(() => undefined);
    const named = this.named(instance, options);
    const span = tracer.startSpan('source.write', { kind: SpanKind.CLIENT, attributes: { 'patient_graph.source': named.source, 'patient_graph.operation': operation } });
    try {
      const result = await context_.with(trace.setSpan(context_.active(), span), () => Promise.race([send(controller.signal), deadline]));
      metrics().sourceWrites.inc({ source: named.source, operation, outcome: 'ok' });
      this.logger.info({ ...named, operation, ms: elapsed(started), requestId: options.requestId }, 'source write');
      return result;
    } catch (error) {
      const classified = classify(error, instance, timeoutMs, this.logger);
      span.setStatus({ code: SpanStatusCode.ERROR, message: classified.code });
      metrics().sourceWrites.inc({ source: named.source, operation, outcome: classified.code });
      this.logger.warn({ ...named, operation, ms: elapsed(started), code: classified.code, requestId: options.requestId }, 'source write failed');
      throw classified;
    } finally {
      span.end();
      clearTimeout(timer);
      controller.abort(OVER);
    }
  }

  /** `source`: the instance id, or the sector alone for a read that may only be named so. */
  private measure(source: string, outcome: string, started: number): void {
    metrics().sourceReads.inc({ source, outcome });
    metrics().sourceReadSeconds.observe({ source }, (performance.now() - started) / 1000);
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

/**
 * Turns any failure of a read into a SourceError with a registered code; never throws. A fault in our own
 * code (or anything else unforeseen) is reported as the source's SOURCE_BAD_RESPONSE with a generic message,
 * so that one read failing costs that source's fields and not the whole sector, and is logged at error level
 * (name, message and stack, identity numbers masked) through `logger` so that it is not lost.
 *
 * Every message passes through `redactNins` on the way out: messages are built from codes and paths, but
 * a source chooses the ids that some of them name.
 */
export function classify(error: unknown, instance: InstanceConfig, timeoutMs: number, logger?: Logger): SourceError {
  try {
    return withRedactedMessage(classifyKnown(error, instance, timeoutMs) ?? unexpected(error, instance, logger));
  } catch {
    return new SourceError('SOURCE_BAD_RESPONSE', instance.id, `${instance.id}: the answer could not be processed`);
  }
}

function classifyKnown(error: unknown, instance: InstanceConfig, timeoutMs: number): SourceError | undefined {
  const id = instance.id;
  if (error instanceof SourceError) return error;
  // The one place a source's fault becomes an error: by its codes (never its text), as SOURCE_UNAVAILABLE.
  if (error instanceof SourceFault) {
    return new SourceError('SOURCE_UNAVAILABLE', id, `${id} ${error.message}`, error.fault.status ? { status: error.fault.status } : {});
  }
  if (error instanceof DeadlineError) {
    return new SourceError('SOURCE_TIMEOUT', id, `${id} did not answer within ${timeoutMs} ms`, { timeoutMs });
  }
  if (error instanceof BadResponseError) {
    return new SourceError('SOURCE_BAD_RESPONSE', id, `${id} answered something invalid: ${error.message}`, {}, { cause: error });
  }
  if (error instanceof PrivacyGuardError) {
    // Our guard refused to send a URL holding an identity number: typically a FHIR next link that echoes
    // the search's identifiers. The source's answer led there, and nothing left the process.
    return new SourceError('SOURCE_BAD_RESPONSE', id, `refused a request to ${id}: its URL would carry an identity number`);
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
  // A transport of the source's own (a TCP protocol such as MLLP): Node's network errors, as for HTTP above.
  // (Not `instanceof Error`: errors made in another realm, as under jest, are errors too.)
  const code = typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new SourceError('SOURCE_UNAVAILABLE', id, `${id} could not be reached (${code})`);
  }
  if (error instanceof SyntaxError) {
    return new SourceError('SOURCE_BAD_RESPONSE', id, `${id} answered something that does not parse`);
  }
  return undefined;
}

/** Anything unforeseen: logged for us in full (numbers masked), reported to the caller in general terms. */
function unexpected(error: unknown, instance: InstanceConfig, logger: Logger | undefined): SourceError {
  try {
    const e = error instanceof Error ? error : undefined;
    logger?.error(
      {
        source: instance.id,
        system: instance.system,
        error: {
          name: e?.name ?? typeof error,
          message: e ? redactNins(String(e.message)) : undefined,
          stack: e?.stack ? redactNins(e.stack) : undefined,
        },
      },
      'source read failed unexpectedly',
    );
  } catch {
    // A logger that fails must not turn a handled failure into an unhandled one.
  }
  return new SourceError('SOURCE_BAD_RESPONSE', instance.id, `${instance.id}: the answer could not be processed`);
}

function withRedactedMessage(error: SourceError): SourceError {
  const message = redactNins(error.message);
  if (message === error.message) return error;
  return new SourceError(error.code, error.sourceId, message, error.details, { cause: error.cause });
}
