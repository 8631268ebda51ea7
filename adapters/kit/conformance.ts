import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { containsNin, isValidNin } from '../../lib/nin';
import { adapterManifest, adapterModule, createAdapter } from '../index';
import { systemEntry } from '../registry';
import { isMessageSink, type OutgoingMessage, type PopulationRegisterAdapter, type SourceAdapter } from '../contracts';
import type { MessageParty } from '../model';
import { AdapterKit } from './AdapterKit';
import { SourceError, type SourceErrorCode } from './errors';
import type { ReadOptions } from './AdapterKit';

/**
 * The conformance kit: the checks an adapter's contract needs, run against one configured instance (the
 * simulator here, the vendor's real system there) through the adapter and the kit exactly as the graph reads
 * it, minus the cache and the breaker (so that every check reaches the source). `scripts/conformance.ts` is the
 * command (`npm run conformance -- <instance-id>`); this is the library it and the tests use.
 */
/** `warn`: the contract is met, but something is close to failing (a source slow for its timeout); the run still passes. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was seen: counts, codes and paths only, never a payload value or an identity number. */
  detail: string;
}

/** What the checks read: keys the source holds, keys it does not, and how to turn a key into the adapter's. */
export interface ConformanceKeys<K> {
  known: readonly K[];
  unknown: readonly K[];
  /** The key as the answer's map keys it (an identity number or HPR number). */
  id(key: K): string;
}

/** The simulator's control API, where fault modes can be switched on (a real system has none: those checks are skipped). */
export interface FaultControl {
  /** Sets the instance's mode (`fail`, `hang`, `garbage`, `invalid`, `down`, `normal`) and returns the one it had. */
  setMode(mode: string): Promise<string>;
  /** Delays every answer of the instance by this many ms and returns the delay it had (the abort check; skipped without it). */
  setLatency?(latencyMs: number): Promise<number>;
}

/**
 * For a system that takes dialogue messages (a MessageSink): whom a test message is about and goes between. The
 * checks send real messages (notes, which nobody is asked to answer), so they run only when these are given: against
 * the simulators, or a vendor's test system (`npm run conformance -- --messages`).
 */
export interface MessagingCheck<K> {
  /** A patient the recipient holds, and the key the system's record of them is read by. */
  patientNin: string;
  key: K;
  /** A service the system takes messages for. */
  recipient: MessageParty;
  /** A service of the address register that sends. */
  sender: MessageParty;
  /** A HER-id the system does not take messages for. */
  strangerHerId: string;
}

export interface ConformanceOptions<K> {
  instance: InstanceConfig;
  keys: ConformanceKeys<K>;
  control?: FaultControl;
  messaging?: MessagingCheck<K>;
  /** The deadline used by the timeout check (the source hangs, or is given this little time). */
  timeoutMs?: number;
  /**
   * How the adapter under test is made for an instance and a kit (default: its system's module, with the instance's
   * options validated). The kit's own tests pass one that misbehaves, to see the checks fail.
   */
  adapter?: (instance: InstanceConfig, kit: AdapterKit) => SourceAdapter<K, unknown>;
}

/**
 * The abort check: the source is made `slowSourceMs` slow and the read's signal aborted after `abortAfterMs`; the
 * adapter's work must end within `promptMs` of the abort, long before the source would have answered.
 */
// The margins are wide for a busy machine (the whole test suite on two cores delayed a prompt adapter past 500 ms):
// an adapter that ignores its signal still takes the whole 5 s, more than twice the bound.
export const ABORT_CHECK = { slowSourceMs: 5000, abortAfterMs: 100, promptMs: 2000 } as const;

/** A read that takes more than this share of its source's timeout is a warning: a busier day takes it past. */
export const SLOW_SHARE = 0.5;

/**
 * The extract check reads at most this many batches of a municipality's residents (a real register's municipality may
 * have thousands), and reads back at most this many of the numbers (one call of the register's bulk look-up).
 */
export const EXTRACT_CHECK = { batches: 20, readBack: 1000 } as const;

/** A system with the population register's custom extract. */
type Extractor = Pick<PopulationRegisterAdapter, 'extract'>;

function isExtractor(adapter: unknown): adapter is Extractor {
  return typeof (adapter as Partial<Extractor> | null)?.extract === 'function';
}

/** Every read says it is for treatment: sources that want a purpose of use (Kjernejournal) get one. */
const READ: ReadOptions = { purposeOfUse: 'TREAT', requestId: 'conformance' };

export async function runConformance<K>(options: ConformanceOptions<K>): Promise<CheckResult[]> {
  const { instance, keys, control } = options;
  const results: CheckResult[] = [];
  const check = async (name: string, run: () => Promise<string | { skip: string } | { warn: string }>) => {
    try {
      const outcome = await run();
      if (typeof outcome === 'string') results.push({ name, status: 'pass', detail: outcome });
      else if ('skip' in outcome) results.push({ name, status: 'skip', detail: outcome.skip });
      else results.push({ name, status: 'warn', detail: outcome.warn });
    } catch (error) {
      results.push({ name, status: 'fail', detail: error instanceof Error ? error.message : String(error) });
    }
  };
  // Every URL the adapter's requests go to, checked for identity numbers at the end (the kit's guard refuses
  // such a request before it leaves; this check also reports it, so a vendor sees it as a failure of theirs).
  const urls: string[] = [];
  const logger = createLogger('conformance');
  const kitFor = (inst: InstanceConfig) => {
    const kit = new AdapterKit(logger);
    kit.http(inst).interceptors.request.use((config) => {
      urls.push(`${config.baseURL ?? ''}${config.url ?? ''}${config.params ? JSON.stringify(config.params) : ''}`);
      return config;
    });
    return kit;
  };
  const entry = systemEntry(instance.system);
  const manifest = adapterManifest(instance.system);
  const build = options.adapter ?? ((inst: InstanceConfig, kit: AdapterKit) => adapterModule(inst.system).create(inst, createAdapterOptions(inst), kit) as SourceAdapter<K, unknown>);
  let adapter: SourceAdapter<K, unknown> | undefined;

  await check('configuration: the system is registered and the instance options are valid', async () => {
    adapter = options.adapter
      ? options.adapter(instance, kitFor(instance))
      : (createAdapter(instance, entry.contract, kitFor(instance)) as unknown as SourceAdapter<K, unknown>);
    return `${instance.system} (${entry.contract}, ${manifest.sector}), at most ${manifest.maxBatch} keys a call`;
  });
  if (!adapter) return results;
  const reader = adapter;
  // How long each normal read took (known, unknown, batching, messages), against the instance's timeout at the end.
  const durations: number[] = [];
  const read = async (batch: readonly K[]) => {
    const started = performance.now();
    try {
      return await reader.read(batch, READ);
    } finally {
      durations.push(performance.now() - started);
    }
  };

  let knownAnswers: Map<string, unknown> | undefined;
  await check('known patients: one batch read, every payload accepted by the mapper', async () => {
    if (keys.known.length === 0) throw new Error('no known keys to read: give some with --known');
    knownAnswers = await read(keys.known);
    const found = [...knownAnswers.values()].filter((v) => v !== null).length;
    if (found === 0) throw new Error(`none of ${keys.known.length} known keys was found`);
    return `${found} of ${keys.known.length} found`;
  });

  await check('unknown patients: answered null, not an error', async () => {
    const answers = await read(keys.unknown);
    const found = [...answers.values()].filter((v) => v !== null).length;
    if (found > 0) throw new Error(`${found} of ${keys.unknown.length} unknown keys were answered with a record`);
    if (answers.size !== new Set(keys.unknown.map(keys.id)).size) throw new Error('the answer does not hold exactly the keys asked');
    return `${keys.unknown.length} unknown keys, all null`;
  });

  await check('batching and paging: one large read equals the same keys read one at a time', async () => {
    const sample = keys.known.slice(0, 6);
    const large = [...keys.known, ...keys.unknown];
    const together = await read(large);
    for (const key of sample) {
      const alone = await read([key]);
      if (!isDeepStrictEqual(alone.get(keys.id(key)), together.get(keys.id(key)))) {
        throw new Error('a record read in a large batch differs from the same record read alone (paging or splitting loses or mixes data)');
      }
    }
    return `${large.length} keys in one read (split into calls of at most ${manifest.maxBatch}), ${sample.length} compared with single reads`;
  });

  await check('authentication: a read without valid credentials is refused', async () => {
    const wrong = manifest.conformance?.withoutCredentials;
    if (!wrong) return { skip: 'the system takes no credentials of its own' };
    // Straight to the module, past the options schema: the point is what the source does with them.
    const module = adapterModule(instance.system);
    const stranger = module.create(instance, wrong(instance.options), kitFor(instance)) as SourceAdapter<K, unknown>;
    const error = await failure(stranger.read(keys.known.slice(0, 3), READ));
    expectCode(error, 'SOURCE_UNAVAILABLE', 'a read with wrong credentials');
    return `refused: ${error.details.status ? `HTTP ${error.details.status}` : error.message.replace(`${instance.id} `, '')}`;
  });

  await check('timeout: a source that does not answer in time is SOURCE_TIMEOUT', async () => {
    const timeoutMs = options.timeoutMs ?? 300;
    const hurried = { ...instance, timeoutMs: control ? timeoutMs : 1 };
    const run = async () => {
      const slow = build(hurried, kitFor(hurried));
      const error = await failure(slow.read(keys.known.slice(0, 3), READ));
      expectCode(error, 'SOURCE_TIMEOUT', 'a read past its deadline');
    };
    if (control) await withMode(control, 'hang', run);
    else await run();
    return control ? `the source hung; the read gave up after ${timeoutMs} ms` : 'a 1 ms deadline was honoured';
  });

  await check('abort: a read whose signal is aborted stops at once, its requests cancelled, not waited out', async () => {
    const setLatency = control?.setLatency?.bind(control);
    if (!setLatency) return { skip: 'no control API to make the source slow (simulators only)' };
    return checkAbort(setLatency, instance, kitFor, build, keys.known.slice(0, 3));
  });

  const faults: [string, string, SourceErrorCode][] = [
    ['fail', 'an error answer of the protocol', 'SOURCE_UNAVAILABLE'],
    ['down', 'no connection', 'SOURCE_UNAVAILABLE'],
    ['garbage', 'a body that does not parse', 'SOURCE_BAD_RESPONSE'],
    ['invalid', 'a well-formed answer that breaks the protocol', 'SOURCE_BAD_RESPONSE'],
  ];
  for (const [mode, what, code] of faults) {
    await check(`fault: ${what} is ${code} (docs/errors.md)`, async () => {
      if (!control) return { skip: 'no control API to switch the source into this fault (simulators only)' };
      await withMode(control, mode, async () => {
        expectCode(await failure(reader.read(keys.known.slice(0, 3), READ)), code, `mode ${mode}`);
      });
      return `mode ${mode}: ${code}`;
    });
  }

  // The custom extract, for a system that has one (the population register): a municipality's residents are listed to
  // the end marker, each one the register holds, living there, and never a strictly confidential one (the extract would
  // place them); and a fault in the middle of an extract fails it rather than end it short.
  const extractor = isExtractor(reader) ? reader : undefined;
  await check("extract: the residents of a known patient's municipality, batch by batch, each one living there and none strictly confidential", async () => {
    if (!extractor) return { skip: 'the system has no extract' };
    const municipality = [...(knownAnswers?.values() ?? [])]
      .map((record) => (record as { municipalityNumber?: unknown } | null)?.municipalityNumber)
      .find((m): m is string => typeof m === 'string' && /^\d{4}$/.test(m));
    if (!municipality) return { skip: 'no known patient with a municipality to list the residents of' };
    const numbers: string[] = [];
    let batches = 0;
    let toTheEnd = true;
    for await (const batch of extractor.extract({ municipalities: [municipality] }, READ)) {
      batches += 1;
      numbers.push(...batch);
      if (batches >= EXTRACT_CHECK.batches) {
        toTheEnd = false;
        break;
      }
    }
    if (numbers.length === 0) throw new Error("the extract of a known patient's municipality was empty");
    const invalid = numbers.filter((n) => !isValidNin(n)).length;
    if (invalid > 0) throw new Error(`${invalid} of ${numbers.length} numbers in the extract are not identity numbers`);
    const repeated = numbers.length - new Set(numbers).size;
    if (repeated > 0) throw new Error(`${repeated} of ${numbers.length} numbers came more than once`);
    const sample = numbers.slice(0, EXTRACT_CHECK.readBack);
    // The register's keys are identity numbers.
    const records = await (reader as unknown as SourceAdapter<string, unknown>).read(sample, READ);
    let missing = 0;
    let elsewhere = 0;
    let hidden = 0;
    for (const nin of sample) {
      const record = records.get(nin) as { municipalityNumber?: unknown; addressProtection?: unknown } | null | undefined;
      if (!record) missing += 1;
      else {
        if (record.municipalityNumber !== municipality) elsewhere += 1;
        if (record.addressProtection === 'STRICTLY_CONFIDENTIAL' || record.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD') hidden += 1;
      }
    }
    if (hidden > 0) throw new Error(`${hidden} of ${sample.length} persons read back have a strictly confidential address: an extract by municipality must leave them out`);
    if (missing > 0) throw new Error(`${missing} of ${sample.length} persons read back are unknown to the register`);
    if (elsewhere > 0) throw new Error(`${elsewhere} of ${sample.length} persons read back live in another municipality`);
    const listed = toTheEnd ? `${batches} batch${batches > 1 ? 'es' : ''} to the end marker` : `the first ${batches} batches`;
    return `${numbers.length} residents in ${listed}; ${sample.length} read back, each found, living there, none strictly confidential`;
  });

  await check('extract: a fault in the middle of an extract is an error, never a shorter list', async () => {
    if (!extractor) return { skip: 'the system has no extract' };
    if (!control) return { skip: 'no control API to switch the source into a fault (simulators only)' };
    const seen: string[] = [];
    for (const [mode, code] of [
      ['invalid', 'SOURCE_BAD_RESPONSE'],
      ['fail', 'SOURCE_UNAVAILABLE'],
    ] as const) {
      const batches = extractor.extract({}, READ)[Symbol.asyncIterator]();
      try {
        if ((await batches.next()).done) throw new Error('the extract of the whole register was empty');
        await withMode(control, mode, async () => {
          expectCode(await failure(batches.next()), code, `the next batch in mode ${mode}`);
        });
      } finally {
        await batches.return?.(undefined);
      }
      seen.push(`mode ${mode}: ${code}`);
    }
    return `after the first batch, ${seen.join('; ')}`;
  });

  // The write side, for a system that takes messages: a message id is taken once, a stranger's HER-id is refused.
  const sink = isMessageSink(reader) ? reader : undefined;
  const messaging = options.messaging;
  const messagingSkip = { skip: sink ? 'sends a real message: run against the simulators, or a test system with --messages' : 'the system takes no messages' };
  const note = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => {
    const id = randomUUID();
    const m = messaging as MessagingCheck<K>;
    return {
      id,
      conversationRef: id,
      inReplyTo: null,
      kind: 'NOTE',
      sentAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sender: m.sender,
      recipient: m.recipient,
      subject: 'Konformanstest',
      text: 'Testmelding fra konformanssjekken (npm run conformance). Kan slettes.',
      patientNin: m.patientNin,
      ...over,
    };
  };

  await check('messages: a message is taken once (the same id again gets the same receipt, and is held once)', async () => {
    if (!sink || !messaging) return messagingSkip;
    const message = note();
    const first = await sink.sendMessage(message, { requestId: 'conformance' });
    if (first.status !== 'OK') throw new Error(`the message was refused (${first.code ?? 'no code'})`);
    const again = await sink.sendMessage(message, { requestId: 'conformance' });
    if (!isDeepStrictEqual(first, again)) throw new Error(`the same message again got another receipt (${again.status} ${again.code ?? ''})`);
    const record = (await read([messaging.key])).get(keys.id(messaging.key)) as { messages?: { id: string }[] } | null | undefined;
    if (!record?.messages) return 'taken, the same receipt twice (the record does not list messages)';
    const held = record.messages.filter((m) => m.id === message.id).length;
    if (held !== 1) throw new Error(`the record lists the message ${held} times`);
    return 'taken, the same receipt twice, held once in the patient\'s record';
  });

  await check('messages: a message to a service the system does not host is refused by receipt', async () => {
    if (!sink || !messaging) return messagingSkip;
    const receipt = await sink.sendMessage(note({ recipient: { ...messaging.recipient, herId: messaging.strangerHerId } }), { requestId: 'conformance' });
    if (receipt.status !== 'REJECTED') throw new Error('a message to a stranger was taken');
    return `refused (${receipt.code ?? 'no code'})`;
  });

  await check('speed: the slowest read takes at most half of the source\'s timeout', async () => {
    if (durations.length === 0) return { skip: 'no read to measure' };
    const slowest = Math.round(Math.max(...durations));
    const seen = `the slowest of ${durations.length} reads took ${slowest} ms, ${Math.round((100 * slowest) / instance.timeoutMs)} % of the ${instance.timeoutMs} ms timeout`;
    if (slowest > SLOW_SHARE * instance.timeoutMs) return { warn: `${seen}: a busier day takes it past (raise timeoutMs in the sources configuration, or make the source faster)` };
    return seen;
  });

  await check('privacy: no identity number in any URL the adapter requested', async () => {
    const leaking = urls.filter((u) => containsNin(u)).length;
    if (leaking > 0) throw new Error(`${leaking} of ${urls.length} requests carried an identity number in the URL`);
    return `${urls.length} requests, none with an identity number in its URL`;
  });
  return results;
}

/**
 * The abort check. The kit ends a read at its deadline whatever the adapter does (it races the two), so a read
 * always fails in time; what only the adapter can do is stop its own work then: cancel its requests and send no
 * more (else a slow source keeps a socket, and the source its work, for every read given up). So the source is
 * slowed, the signal the adapter gets aborted after a moment, and its work (all below the kit's middleware) must
 * end promptly, long before the source would have answered, with no HTTP request of it still open.
 */
async function checkAbort<K>(
  setLatency: (latencyMs: number) => Promise<number>,
  instance: InstanceConfig,
  kitFor: (instance: InstanceConfig) => AdapterKit,
  build: (instance: InstanceConfig, kit: AdapterKit) => SourceAdapter<K, unknown>,
  keys: readonly K[],
): Promise<string> {
  const { slowSourceMs, abortAfterMs, promptMs } = ABORT_CHECK;
  if (keys.length === 0) throw new Error('no known keys to read: give some with --known');
  // A deadline past the source's delay: neither the kit's deadline nor the HTTP client's own timeout (the same)
  // ends the read before the source answers. Only the signal can.
  const unhurried = { ...instance, timeoutMs: slowSourceMs + 2000 };
  const kit = kitFor(unhurried);
  const adapter = build(unhurried, kit);
  let sent = 0;
  let open = 0;
  const http = kit.http(unhurried);
  http.interceptors.request.use((config) => {
    sent++;
    open++;
    return config;
  });
  http.interceptors.response.use(
    (response) => {
      open--;
      return response;
    },
    (error: unknown) => {
      open--;
      return Promise.reject(error);
    },
  );
  const seen: { abortedAt?: number; endedAt?: number; openAtEnd?: number } = {};
  kit.use(async (call, next) => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      seen.abortedAt = performance.now();
      abort.abort(ABORTED);
    }, abortAfterMs);
    const work = await next({ ...call, signal: AbortSignal.any([call.signal, abort.signal]) }).then(
      (answer) => ({ answer }),
      (error: unknown) => ({ error }),
    );
    seen.endedAt = performance.now();
    seen.openAtEnd = open;
    clearTimeout(timer);
    // Once aborted the read is over, as after the kit's deadline, whatever the adapter made of it.
    if (abort.signal.aborted) throw new SourceError('SOURCE_TIMEOUT', instance.id, `${instance.id}: the read was aborted`);
    if ('error' in work) throw work.error;
    return work.answer;
  });

  const before = await setLatency(slowSourceMs);
  const started = performance.now();
  let failed: unknown;
  try {
    await adapter.read(keys, READ).catch((error: unknown) => (failed = error));
  } finally {
    await setLatency(before);
  }
  const { abortedAt, endedAt, openAtEnd = 0 } = seen;
  if (endedAt === undefined) throw new Error('the read did not go through the kit (kit.reader), which gives the adapter its signal');
  if (abortedAt === undefined) {
    const how = failed ? `failed (${failed instanceof Error ? failed.message : String(failed)})` : 'was answered';
    throw new Error(`the read ${how} after ${Math.round(endedAt - started)} ms, before its signal was aborted: the source was not slowed by ${slowSourceMs} ms`);
  }
  const after = Math.round(endedAt - abortedAt);
  if (after > promptMs) {
    throw new Error(`the adapter went on ${after} ms after the read's signal was aborted, until the slowed source answered: pass fetchBatch's signal to every request`);
  }
  if (openAtEnd > 0) throw new Error(`${openAtEnd} of ${sent} HTTP requests were still open when the adapter gave up: pass fetchBatch's signal to every request`);
  const requests = sent > 0 ? `; ${sent} HTTP request${sent > 1 ? 's' : ''}, none left open` : '';
  return `aborted after ${abortAfterMs} ms, the adapter stopped ${after} ms later (the source would have answered after ${slowSourceMs} ms)${requests}`;
}

/** The reason the abort check aborts a read's signal with (made once: see AdapterKit's OVER). */
const ABORTED = Object.assign(new Error('aborted by the conformance check'), { name: 'AbortError' });

/** The instance's options as the adapter takes them (validated, with the schema's defaults). */
function createAdapterOptions(instance: InstanceConfig): unknown {
  return adapterManifest(instance.system).options.parse(instance.options);
}

async function failure(read: Promise<unknown>): Promise<SourceError> {
  try {
    await read;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw new Error(`the read failed with ${error instanceof Error ? error.name : 'something'} instead of a SourceError`);
  }
  throw new Error('the read succeeded where it should have failed');
}

function expectCode(error: SourceError, code: SourceErrorCode, what: string): void {
  if (error.code !== code) throw new Error(`${what} gave ${error.code} (${error.message}), expected ${code}`);
}

async function withMode(control: FaultControl, mode: string, run: () => Promise<void>): Promise<void> {
  const before = await control.setMode(mode);
  try {
    await run();
  } finally {
    await control.setMode(before);
  }
}

/** The simulators' control API (`PUT /instances/<id>/behaviour`). */
export function controlApi(url: string, instanceId: string): Required<FaultControl> {
  const base = `${url.replace(/\/+$/, '')}/instances/${encodeURIComponent(instanceId)}`;
  /** Changes the instance's behaviour and returns the one it had. */
  const change = async (patch: { mode?: string; latencyMs?: number }): Promise<{ mode: string; latencyMs: number }> => {
    const current = await fetch(base);
    if (!current.ok) throw new Error(`the control API does not know instance ${instanceId} (HTTP ${current.status})`);
    const { behaviour } = (await current.json()) as { behaviour: { mode: string; latencyMs: number } };
    const response = await fetch(`${base}/behaviour`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(patch) });
    if (!response.ok) throw new Error(`the control API refused ${JSON.stringify(patch)} (HTTP ${response.status})`);
    return behaviour;
  };
  return {
    setMode: async (mode) => (await change({ mode })).mode,
    setLatency: async (latencyMs) => (await change({ latencyMs })).latencyMs,
  };
}
