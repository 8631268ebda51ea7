import { Writable } from 'node:stream';
import { AxiosError } from 'axios';
import pino from 'pino';
import type { InstanceConfig } from '../../lib/config';
import { AdapterKit, BATCHES_AT_ONCE, classify, type ReadCall, type ReadMiddleware, type ReadNext, type ReadResult } from './AdapterKit';
import { BadResponseError, PrivacyGuardError, SourceError } from './errors';
import { sourceFailure } from './testing';

const NIN = '03864013065';
const instance = (timeoutMs = 1000): InstanceConfig => ({ id: 'kit-test', system: 'care-json', baseUrl: 'http://kit.test', timeoutMs, options: {} });

/** A real pino logger whose lines are kept, parsed, in memory. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug', timestamp: false, base: null }, stream), lines };
}

/** A fetch that answers `value:<key>` for every key it is given, and records what it was given. */
function recordingFetch() {
  const seen: string[][] = [];
  const fetch = async (keys: readonly string[]): Promise<ReadResult<string>> => {
    seen.push([...keys]);
    return new Map(keys.map((k) => [k, `value:${k}`]));
  };
  return { seen, fetch };
}


describe('adapter kit readMany', () => {
  it('splits a read larger than maxBatch into parts, at most BATCHES_AT_ONCE of them at a time, behind the middleware', async () => {
    const keys = Array.from({ length: 23 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    let running = 0;
    let mostAtOnce = 0;
    const parts: number[] = [];
    const fetch = async (part: readonly string[]): Promise<ReadResult<string>> => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      parts.push(part.length);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return new Map(part.map((k) => [k, `value:${k}`]));
    };
    const seenByMiddleware: number[] = [];
    const kit = new AdapterKit(capturingLogger().logger).use(async (call, next) => {
      seenByMiddleware.push(call.keys.length);
      return next(call);
    });
    const result = await kit.readMany(instance(), 'op', keys, fetch, { maxBatch: 4 });
    expect(seenByMiddleware).toEqual([23]);
    expect(parts.sort((a, b) => b - a)).toEqual([4, 4, 4, 4, 4, 3]);
    expect(mostAtOnce).toBe(BATCHES_AT_ONCE);
    expect([...result.keys()]).toEqual(keys);
    expect(result.get('k22')).toBe('value:k22');
  });

  it('lets a middleware answer some keys itself and pass the rest on: the fetch sees only the rest, the result merges both', async () => {
    const { logger } = capturingLogger();
    const held = new Map([['a', 'held:a']]);
    const cache: ReadMiddleware = async <V>(call: ReadCall, next: ReadNext<V>): Promise<ReadResult<V>> => {
      const rest = call.keys.filter((k) => !held.has(k));
      const answered = rest.length ? await next({ ...call, keys: rest }) : new Map<string, V | null>();
      for (const k of call.keys) if (held.has(k)) answered.set(k, held.get(k) as V);
      return answered;
    };
    const kit = new AdapterKit(logger).use(cache);
    const { seen, fetch } = recordingFetch();

    const result = await kit.readMany(instance(), 'op', ['a', 'b', 'c'], fetch);

    expect(seen).toEqual([['b', 'c']]);
    expect(result).toEqual(new Map([['a', 'held:a'], ['b', 'value:b'], ['c', 'value:c']]));
  });

  it('runs middleware in the order added, the first outermost', async () => {
    const order: string[] = [];
    const tracing = (name: string): ReadMiddleware => async (call, next) => {
      order.push(`${name} in`);
      const result = await next(call);
      order.push(`${name} out`);
      return result;
    };
    const kit = new AdapterKit(capturingLogger().logger).use(tracing('first')).use(tracing('second'));
    await kit.readMany(instance(), 'op', ['a'], async (keys) => {
      order.push('fetch');
      return new Map(keys.map((k) => [k, 1]));
    });
    expect(order).toEqual(['first in', 'second in', 'fetch', 'second out', 'first out']);
  });

  it('passes the operation, the instance and the deadline signal to middleware', async () => {
    const calls: { operation: string; id: string; aborted: boolean }[] = [];
    const kit = new AdapterKit(capturingLogger().logger).use(async (call, next) => {
      calls.push({ operation: call.operation, id: call.instance.id, aborted: call.signal.aborted });
      return next(call);
    });
    await kit.readMany(instance(), 'care-record', ['a'], recordingFetch().fetch);
    expect(calls).toEqual([{ operation: 'care-record', id: 'kit-test', aborted: false }]);
  });

  it('fires the deadline for a fetch that ignores its signal: SOURCE_TIMEOUT with timeoutMs', async () => {
    const kit = new AdapterKit(capturingLogger().logger);
    const started = Date.now();
    const error = await sourceFailure(kit.readMany(instance(50), 'op', ['a'], () => new Promise<ReadResult<string>>(() => undefined)));
    expect(error.code).toBe('SOURCE_TIMEOUT');
    expect(error.details.timeoutMs).toBe(50);
    expect(error.message).toBe('kit-test did not answer within 50 ms');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('aborts the signal it gave the fetch when the deadline passes', async () => {
    const kit = new AdapterKit(capturingLogger().logger);
    let given: AbortSignal | undefined;
    await sourceFailure(
      kit.readMany(instance(30), 'op', ['a'], (_keys, signal) => {
        given = signal;
        return new Promise<ReadResult<string>>(() => undefined);
      }),
    );
    expect(given?.aborted).toBe(true);
  });

  it('asks duplicate keys once', async () => {
    const { seen, fetch } = recordingFetch();
    const result = await new AdapterKit(capturingLogger().logger).readMany(instance(), 'op', ['a', 'b', 'a', 'b', 'a'], fetch);
    expect(seen).toEqual([['a', 'b']]);
    expect([...result.keys()]).toEqual(['a', 'b']);
  });

  it('maps keys the source does not answer to null, also when a middleware drops them', async () => {
    const kit = new AdapterKit(capturingLogger().logger);
    const result = await kit.readMany(instance(), 'op', ['a', 'b'], async () => new Map([['a', 'value:a']]));
    expect(result).toEqual(new Map([['a', 'value:a'], ['b', null]]));

    const dropping = new AdapterKit(capturingLogger().logger).use(async () => new Map());
    expect(await dropping.readMany(instance(), 'op', ['a'], recordingFetch().fetch)).toEqual(new Map([['a', null]]));
  });

  it('answers only the keys asked, whatever the fetch returned besides', async () => {
    const kit = new AdapterKit(capturingLogger().logger);
    const result = await kit.readMany(instance(), 'op', ['a'], async () => new Map([['a', 1], [NIN, 2]]));
    expect(result).toEqual(new Map([['a', 1]]));
  });

  it('reports a guard refusal (a next link echoing an identity number) as SOURCE_BAD_RESPONSE, not a crash', async () => {
    const kit = new AdapterKit(capturingLogger().logger);
    const error = await sourceFailure(
      kit.readMany(instance(), 'op', ['a'], async () => {
        throw new PrivacyGuardError('refused a request to kit-test: its URL would carry an identity number');
      }),
    );
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toBe('refused a request to kit-test: its URL would carry an identity number');
  });

  it('reports a fault in our own code as SOURCE_BAD_RESPONSE with a generic message, and logs it at error level without payload values', async () => {
    const { logger, lines } = capturingLogger();
    const kit = new AdapterKit(logger);
    const error = await sourceFailure(
      kit.readMany(instance(), 'op', [NIN], async () => {
        throw new TypeError(`Cannot read properties of undefined (patient ${NIN})`);
      }),
    );
    expect(error.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.message).toBe('kit-test: the answer could not be processed');

    const logged = lines.find((l) => l.msg === 'source read failed unexpectedly');
    expect(logged).toMatchObject({ level: 50, source: 'kit-test', error: { name: 'TypeError', message: 'Cannot read properties of undefined (patient [redacted])' } });
    expect(String((logged?.error as { stack?: string }).stack)).toMatch(/AdapterKit\.test\.ts/);
    expect(JSON.stringify(lines)).not.toContain(NIN);
  });

  it('reports a middleware that throws, or returns no map, as SOURCE_BAD_RESPONSE', async () => {
    const throwing = new AdapterKit(capturingLogger().logger).use(() => {
      throw new Error('bug');
    });
    expect((await sourceFailure(throwing.readMany(instance(), 'op', ['a'], recordingFetch().fetch))).code).toBe('SOURCE_BAD_RESPONSE');
    const broken = new AdapterKit(capturingLogger().logger).use(async () => undefined as unknown as Map<string, null>);
    expect((await sourceFailure(broken.readMany(instance(), 'op', ['a'], recordingFetch().fetch))).code).toBe('SOURCE_BAD_RESPONSE');
  });
});

describe('classify', () => {
  const inst = instance(300);

  it('never throws, whatever was thrown', () => {
    for (const thrown of [new Error('x'), new RangeError('x'), 'a string', undefined, null, 42, { message: 'object' }]) {
      const error = classify(thrown, inst, 300);
      expect(error).toBeInstanceOf(SourceError);
      expect(error.code).toBe('SOURCE_BAD_RESPONSE');
      expect(error.message).toBe('kit-test: the answer could not be processed');
    }
    const hostile = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
    expect(classify(hostile, inst, 300).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('masks identity numbers in every message, a source-chosen id included', () => {
    const bad = classify(new BadResponseError(`hospital record: MedicationStatement med-${NIN} names no medicine`), inst, 300);
    expect(bad.code).toBe('SOURCE_BAD_RESPONSE');
    expect(bad.message).toBe('kit-test answered something invalid: hospital record: MedicationStatement med-[redacted] names no medicine');
    const source = new SourceError('SOURCE_UNAVAILABLE', 'kit-test', `kit-test answered a SOAP fault (${NIN})`, { status: 500 });
    const masked = classify(source, inst, 300);
    expect(masked.message).toBe('kit-test answered a SOAP fault ([redacted])');
    expect(masked).toMatchObject({ code: 'SOURCE_UNAVAILABLE', sourceId: 'kit-test', details: { status: 500 } });
    const clean = new SourceError('SOURCE_UNAVAILABLE', 'kit-test', 'kit-test answered HTTP 503', { status: 503 });
    expect(classify(clean, inst, 300)).toBe(clean);
  });

  it('keeps the codes of the failures it knows', () => {
    expect(classify(new PrivacyGuardError('x'), inst, 300).code).toBe('SOURCE_BAD_RESPONSE');
    expect(classify(new SyntaxError('x'), inst, 300).code).toBe('SOURCE_BAD_RESPONSE');
    expect(classify(new AxiosError('refused', 'ECONNREFUSED'), inst, 300)).toMatchObject({ code: 'SOURCE_UNAVAILABLE', message: 'kit-test could not be reached (ECONNREFUSED)' });
    expect(classify(new AxiosError('canceled', 'ERR_CANCELED'), inst, 300)).toMatchObject({ code: 'SOURCE_TIMEOUT', details: { timeoutMs: 300 } });
  });
});
