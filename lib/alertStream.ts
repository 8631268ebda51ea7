import type Redis from 'ioredis';
import { CacheCrypto, cacheKeysFromEnv } from '../adapters/kit/cache/CacheCrypto';
import type { WelfareEventModel } from '../adapters/model';
import type { Logger } from './logger';
import { redisClient, type RedisConnection } from './redis';

/**
 * The gateway's stream of live alerts (welfare technology events a platform pushed, issue 20): every replica
 * publishes the events it takes and hears every replica's, and keeps them for a window (ALERT_REPLAY_SECONDS, 900
 * by default) so that a subscriber who reconnects within it gets what it missed (`after`, or Last-Event-ID).
 *
 * In process by default; over a Redis stream with REDIS_URL. Nothing in it names a patient in the clear: each entry
 * holds an HMAC of the identity number (what subscriptions match on) and the rest sealed (AES-256-GCM, the cache's
 * keys), so a Redis dump shows no identity number and no event.
 */
export interface Alert {
  /** The stream's id: `<milliseconds>-<sequence>`, increasing; what a subscriber resumes after. */
  id: string;
  /** HMAC of the patient's identity number (CacheCrypto.keyFor('alert', nin)). */
  patientKey: string;
  /** The patient's identity number (sealed wherever it is stored). */
  nin: string;
  /** The instance that pushed it (sources.json). */
  source: string;
  /** The platform's id of the event: `Patient.welfareEvent(sourceId:)`. */
  eventId: string;
  /** The event's kind (WelfareEventKind). */
  kind: string;
  /** The event as the platform pushed it (read by its adapter): `Patient.welfareEvent` answers from it while it is kept. */
  event: WelfareEventModel;
}

export type NewAlert = Omit<Alert, 'id'>;

/** What publishing did: the alert's id, and whether the same event (platform and event id) was in the stream already. */
export interface Published {
  id: string;
  /** The platform sent an event the stream holds (a retry after a lost answer, or a push to another replica): not published again. */
  repeated: boolean;
}

export interface AlertBus {
  /**
   * Publishes an alert once: resolves to its id once it is in the stream (every replica will hear it). The same event
   * of the same platform, pushed again within the window, is not published again: its first id comes back, `repeated`.
   */
  publish(alert: NewAlert): Promise<Published>;
  /** Calls `listener` with every alert published from now on, in order; returns what stops it. */
  listen(listener: (alert: Alert) => void): () => void;
  /** The alerts after `afterId`, oldest first; null when `afterId` lies before the window (some may be gone). */
  since(afterId: string): Promise<Alert[] | null>;
  close(): Promise<void>;
}

export const ALERT_ID = /^\d{1,15}-\d{1,10}$/;

/** How long alerts are kept for reconnecting subscribers: ALERT_REPLAY_SECONDS (default 900, 15 minutes). */
export function alertWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.ALERT_REPLAY_SECONDS ?? 900);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) throw new Error('ALERT_REPLAY_SECONDS must be a whole number of seconds from 1 to 86400');
  return seconds * 1000;
}

const parts = (id: string): [number, number] => {
  const [ms, seq] = id.split('-');
  return [Number(ms), Number(seq)];
};

/** Whether alert id `a` comes after `b`. */
export function isAfter(a: string, b: string): boolean {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am > bm || (am === bm && as > bs);
}

/** Whether an `afterId` lies before the window, so that alerts after it may have been dropped. */
const beforeWindow = (afterId: string, windowMs: number, now: number) => parts(afterId)[0] < now - windowMs;

export class MemoryAlertBus implements AlertBus {
  private readonly alerts: Alert[] = [];
  /** Each kept alert's id by its platform and event id. */
  private readonly byEvent = new Map<string, string>();
  private readonly listeners = new Set<(alert: Alert) => void>();
  private last = { ms: 0, seq: 0 };

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(alert: NewAlert): Promise<Published> {
    this.prune();
    const event = `${alert.source}\u0000${alert.eventId}`;
    const kept = this.byEvent.get(event);
    if (kept) return { id: kept, repeated: true };
    const ms = Math.max(this.now(), this.last.ms);
    this.last = ms === this.last.ms ? { ms, seq: this.last.seq + 1 } : { ms, seq: 0 };
    const stored = { ...alert, id: `${this.last.ms}-${this.last.seq}` };
    this.alerts.push(stored);
    this.byEvent.set(event, stored.id);
    for (const listener of this.listeners) listener(stored);
    return { id: stored.id, repeated: false };
  }

  listen(listener: (alert: Alert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async since(afterId: string): Promise<Alert[] | null> {
    this.prune();
    if (beforeWindow(afterId, this.windowMs, this.now())) return null;
    return this.alerts.filter((a) => isAfter(a.id, afterId));
  }

  private prune(): void {
    const oldest = this.now() - this.windowMs;
    let drop = 0;
    while (drop < this.alerts.length && parts(this.alerts[drop]!.id)[0] < oldest) drop += 1;
    for (const gone of this.alerts.splice(0, drop)) this.byEvent.delete(`${gone.source}\u0000${gone.eventId}`);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

const STREAM = 'pg:alerts';

/**
 * Publishes once, atomically: when the event's key is set, its alert id; otherwise XADD (trimmed to the window) and the
 * key set to the new id for the window. KEYS: the stream, the event's key. ARGV: the oldest id kept, the patient's
 * HMAC, the sealed alert, the window in milliseconds. Answers [id, 1 when repeated].
 */
const PUBLISH_ONCE = `
local kept = redis.call('GET', KEYS[2])
if kept then return {kept, 1} end
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'k', ARGV[2], 'v', ARGV[3])
redis.call('SET', KEYS[2], id, 'PX', ARGV[4])
return {id, 0}`;

/**
 * Over a Redis stream (XADD with MINID trimming to the window; one blocking XREAD loop per replica fans out to its
 * subscribers; XRANGE for a resume). Fields: `k` the HMAC of the identity number, `v` the rest, sealed under the
 * stream's name.
 */
export class RedisAlertBus implements AlertBus {
  private readonly listeners = new Set<(alert: Alert) => void>();
  private readonly reader: Redis;
  private closed = false;
  private readonly loop: Promise<void>;

  /** Whether the stream's connections are up (a test waits for it; a replica works on without it). */
  ready(): boolean {
    return (this.redis as Redis).status === 'ready' && this.reader.status === 'ready';
  }

  constructor(
    private readonly redis: RedisConnection,
    private readonly crypto: CacheCrypto,
    private readonly windowMs: number,
    private readonly logger: Logger,
  ) {
    // Its own connection, without the command timeout: XREAD blocks for up to a second.
    this.reader = (redis as Redis).duplicate({ commandTimeout: undefined, maxRetriesPerRequest: null });
    this.loop = this.readLoop();
  }

  async publish(alert: NewAlert): Promise<Published> {
    const { patientKey, ...rest } = alert;
    const minId = `${Date.now() - this.windowMs}-0`;
    // The event's key names neither the platform nor the event: an HMAC under the cache's key.
    const eventKey = `pg:alert-event:${this.crypto.keyFor('alert-event', `${alert.source}\u0000${alert.eventId}`)}`;
    const answer = (await this.redis.eval(PUBLISH_ONCE, 2, STREAM, eventKey, minId, patientKey, this.crypto.seal(STREAM, JSON.stringify(rest)), this.windowMs)) as [string, number] | null;
    if (!answer?.[0]) throw new Error('the alert stream did not take the alert');
    return { id: answer[0], repeated: answer[1] === 1 };
  }

  listen(listener: (alert: Alert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async since(afterId: string): Promise<Alert[] | null> {
    if (beforeWindow(afterId, this.windowMs, Date.now())) return null;
    const entries = await this.reader.xrange(STREAM, `(${afterId}`, '+', 'COUNT', 10_000);
    return entries.flatMap(([id, fields]) => this.alertOf(id, fields));
  }

  private alertOf(id: string, fields: string[]): Alert[] {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
    const opened = this.crypto.open(STREAM, map.get('v') ?? '');
    // Sealed under a key no longer listed, or not ours: skipped, as a cache entry that does not open is a miss.
    if (!opened) return [];
    return [{ ...(JSON.parse(opened) as Omit<Alert, 'id' | 'patientKey'>), id, patientKey: map.get('k') ?? '' }];
  }

  private async readLoop(): Promise<void> {
    // From the moment this replica started (not `$`): what was published while its connection came up is heard too.
    let last = `${Date.now()}-0`;
    let failures = 0;
    while (!this.closed) {
      try {
        const answer = await this.reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', STREAM, last);
        failures = 0;
        for (const [, entries] of answer ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            for (const alert of this.alertOf(id, fields)) for (const listener of this.listeners) listener(alert);
          }
        }
      } catch (error) {
        if (this.closed) break;
        failures += 1;
        if (failures === 1) this.logger.warn({ err: { message: (error as Error).message } }, 'alert stream unavailable: live alerts wait until Redis answers');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * failures)));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.reader.disconnect();
    await this.loop.catch(() => undefined);
    this.redis.disconnect();
  }
}

export function alertBusFromEnv(crypto: CacheCrypto, logger: Logger, env: NodeJS.ProcessEnv = process.env): AlertBus {
  const url = env.REDIS_URL?.trim();
  const windowMs = alertWindowMs(env);
  return url ? new RedisAlertBus(redisClient(url), crypto, windowMs, logger) : new MemoryAlertBus(windowMs);
}

export interface Alerts {
  bus: AlertBus;
  /** The HMAC of a patient's identity number that alerts are matched on. */
  patientKey(nin: string): string;
}

let shared: Alerts | undefined;

/**
 * The process's alert stream: the gateway publishes to it and reads it for its subscribers; the welfare subgraph reads
 * it to answer `welfareEvent` from what a platform pushed (in the gateway's process, the same stream; in a process of
 * its own, the Redis stream with REDIS_URL, or nothing: it then asks the platform). Made on first use.
 */
export function sharedAlerts(logger: Logger): Alerts {
  if (!shared) {
    const crypto = new CacheCrypto(cacheKeysFromEnv());
    const bus = alertBusFromEnv(crypto, logger);
    shared = { bus, patientKey: (nin) => crypto.keyFor('alert', nin) };
  }
  return shared;
}

/** Closes the process's alert stream (a gateway stopping); the next use makes a new one. */
export async function closeSharedAlerts(): Promise<void> {
  const closing = shared;
  shared = undefined;
  await closing?.bus.close();
}
