import { isMessageSink, type MessageSink, type OutgoingMessage } from '../../adapters/contracts';
import { SourceError } from '../../adapters/kit';
import type { ContractName } from '../../adapters/contracts';
import type { Logger } from '../../lib/logger';
import type { Outbox, OutboxEntry } from '../../lib/outbox/Outbox';
import type { OutboxSeal } from '../../lib/outbox/sealing';
import { isProduction } from '../../lib/secrets';
import type { SourceDirectory } from '../kit/SourceDirectory';

/** What the outbox seals for an entry: the message as it goes, and the sector that names its system in logs. */
export interface SealedMessage {
  message: OutgoingMessage;
  contract: ContractName;
}

export interface DeliveryOptions {
  /** How often the worker looks for due entries. */
  intervalMs: number;
  /** How long an attempt holds its entry: longer than any system's timeout. */
  leaseMs: number;
  /** The first retry's wait; each further one doubles it (with jitter), up to `maxBackoffMs`. */
  retryBaseMs: number;
  maxBackoffMs: number;
  /** After this many failed attempts the message is given up: REJECTED, UNDELIVERABLE. */
  maxAttempts: number;
}

export function deliveryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryOptions {
  const number = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of milliseconds (or attempts) of 0 or more`);
    return value;
  };
  return {
    intervalMs: number('MESSAGING_INTERVAL_MS', 1000),
    leaseMs: number('MESSAGING_LEASE_MS', 60_000),
    retryBaseMs: number('MESSAGING_RETRY_BASE_MS', 2000),
    maxBackoffMs: number('MESSAGING_MAX_BACKOFF_MS', 300_000),
    maxAttempts: number('MESSAGING_MAX_ATTEMPTS', 200),
  };
}

/** The wait before attempt `attempts + 1`: doubling from the base, capped, ±20 % so that retries spread out. */
export function backoffMs(attempts: number, options: Pick<DeliveryOptions, 'retryBaseMs' | 'maxBackoffMs'>, random = Math.random): number {
  const plain = Math.min(options.maxBackoffMs, options.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

/**
 * Delivers what the outbox holds: claims due entries, sends each to its system through the adapter's write side
 * (`MessageSink.sendMessage`, one message per call, the message id travelling with it), and records the
 * receipt: DELIVERED on OK, REJECTED with the system's code. A system that cannot be reached (down, hanging, its
 * breaker open) leaves the entry QUEUED with its error and a later attempt (exponential backoff); after
 * `maxAttempts` it is given up (REJECTED, UNDELIVERABLE). The same message may reach a system twice (an attempt
 * whose receipt was lost in a crash is made again): the system takes an id once, so it is delivered once.
 */
export class Delivery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly seal: OutboxSeal,
    private readonly sources: SourceDirectory,
    private readonly logger: Logger,
    private readonly options: DeliveryOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due entries now (after a new message), or right after the round under way. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error: unknown) => this.logger.warn({ code: (error as { code?: string }).code ?? (error as Error).name }, 'message delivery round failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async round(): Promise<void> {
    for (;;) {
      const due = await this.outbox.claimDue(new Date(), 10, this.options.leaseMs);
      if (due.length === 0) return;
      await Promise.all(due.map((entry) => this.attempt(entry)));
      if (this.stopped) return;
    }
  }

  private sink(entry: OutboxEntry, contract: ContractName): MessageSink | undefined {
    try {
      const adapter = this.sources.adapter(entry.instance, contract);
      return isMessageSink(adapter) ? adapter : undefined;
    } catch {
      return undefined;
    }
  }

  private async attempt(entry: OutboxEntry): Promise<void> {
    let sealed: SealedMessage;
    try {
      sealed = this.seal.open<SealedMessage>(entry.id, entry.sealed);
    } catch {
      // Sealed under a key no longer configured: it can never go; said once, by code.
      await this.outbox.update(entry.id, { status: 'REJECTED', receipt: { status: 'REJECTED', code: 'UNREADABLE', text: 'the outbox entry does not open with the configured key' } });
      this.logger.error({ message: entry.id }, 'outbox entry cannot be opened: given up');
      return;
    }
    const sink = this.sink(entry, sealed.contract);
    const attempts = entry.attempts + 1;
    if (!sink) {
      await this.fail(entry, attempts, 'NO_MESSAGE_SINK');
      return;
    }
    try {
      const receipt = await sink.sendMessage(sealed.message, { requestId: `outbox:${entry.id}` });
      crashAfterSendForTests();
      if (receipt.status === 'OK') {
        await this.outbox.update(entry.id, { status: 'DELIVERED', attempts, receipt, deliveredAt: new Date().toISOString(), lastError: null });
      } else {
        await this.outbox.update(entry.id, { status: 'REJECTED', attempts, receipt, lastError: null });
      }
      this.logger.info({ message: entry.id, instance: entry.instance, receipt: receipt.status, code: receipt.code }, 'message delivered to its system');
    } catch (error) {
      await this.fail(entry, attempts, error instanceof SourceError ? error.code : 'SOURCE_BAD_RESPONSE');
    }
  }

  private async fail(entry: OutboxEntry, attempts: number, code: string): Promise<void> {
    if (attempts >= this.options.maxAttempts) {
      await this.outbox.update(entry.id, { status: 'REJECTED', attempts, lastError: code, receipt: { status: 'REJECTED', code: 'UNDELIVERABLE', text: `not delivered after ${attempts} attempts (${code})` } });
      this.logger.warn({ message: entry.id, instance: entry.instance, attempts, code }, 'message given up');
      return;
    }
    const next = new Date(Date.now() + backoffMs(attempts, this.options)).toISOString();
    await this.outbox.update(entry.id, { attempts, lastError: code, nextAttemptAt: next });
    this.logger.info({ message: entry.id, instance: entry.instance, attempts, code }, 'message not delivered yet: will retry');
  }
}

/**
 * For the crash test only (test/e2e/messaging): `MESSAGING_CRASH_AFTER_SEND=1` kills the process right after a
 * system took a message and before its receipt is recorded, the worst moment for "exactly once". Never in
 * production.
 */
function crashAfterSendForTests(): void {
  if (process.env.MESSAGING_CRASH_AFTER_SEND === '1' && !isProduction()) process.kill(process.pid, 'SIGKILL');
}
