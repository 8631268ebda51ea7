import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import type { InstanceConfig } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import type { ReadCall, ReadMiddleware, ReadNext, ReadResult } from './AdapterKit';
import { classify } from './AdapterKit';
import { SourceError } from './errors';

/**
 * Resilience per source instance, as kit middleware (cockatiel's policies, not hand-written ones):
 * - a concurrency limit (bulkhead): an old system gets at most `maxConcurrent` reads at once, a few more
 *   wait, the rest fail at once rather than pile up;
 * - a circuit breaker: after `breakAfter` failures in a row (down, or too slow), reads fail at once for
 *   `halfOpenAfterMs`, then one is let through to see whether the source is back;
 * - one retry, after a short jittered pause, of a read that failed on the way (connection refused or
 *   reset, a 5xx): reads are idempotent, so asking again is safe. Never after a timeout: the read's
 *   deadline has passed, and a slow source should not be asked twice as hard.
 * The kit's deadline still bounds the whole read, retries included.
 */
export interface ResilienceSettings {
  maxConcurrent: number;
  queue: number;
  breakAfter: number;
  halfOpenAfterMs: number;
  retries: number;
}

export const DEFAULT_RESILIENCE: ResilienceSettings = { maxConcurrent: 8, queue: 256, breakAfter: 5, halfOpenAfterMs: 10_000, retries: 1 };

/** The instance's settings from sources.json `resilience`, over the defaults. */
export function resilienceSettings(instance: InstanceConfig): ResilienceSettings {
  const given = instance.resilience ?? {};
  return {
    maxConcurrent: given.maxConcurrent ?? DEFAULT_RESILIENCE.maxConcurrent,
    queue: given.queue ?? DEFAULT_RESILIENCE.queue,
    breakAfter: given.breakAfter ?? DEFAULT_RESILIENCE.breakAfter,
    halfOpenAfterMs: given.halfOpenAfterSeconds !== undefined ? given.halfOpenAfterSeconds * 1000 : DEFAULT_RESILIENCE.halfOpenAfterMs,
    retries: given.retries ?? DEFAULT_RESILIENCE.retries,
  };
}

export type BreakerState = 'closed' | 'half-open' | 'open';

const STATE: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};
const GAUGE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

function retryable(error: SourceError): boolean {
  return error.code === 'SOURCE_UNAVAILABLE' && (error.details.status === undefined || error.details.status >= 500);
}

function breaks(error: SourceError): boolean {
  return error.code === 'SOURCE_UNAVAILABLE' || error.code === 'SOURCE_TIMEOUT';
}

export class Resilience {
  private readonly policies = new Map<string, { policy: IPolicy; breaker: CircuitBreakerPolicy }>();

  constructor(
    private readonly logger: Logger,
    private readonly settingsFor: (instance: InstanceConfig) => ResilienceSettings = resilienceSettings,
  ) {}

  /** Each instance's breaker state, for /health. */
  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.policies].map(([id, p]) => [id, STATE[p.breaker.state]]));
  }

  private policyFor(instance: InstanceConfig): IPolicy {
    let entry = this.policies.get(instance.id);
    if (!entry) {
      const s = this.settingsFor(instance);
      const classified = (error: Error) => classify(error, instance, instance.timeoutMs);
      const breaker = circuitBreaker(
        handleWhen((e) => breaks(classified(e))),
        { halfOpenAfter: s.halfOpenAfterMs, breaker: new ConsecutiveBreaker(s.breakAfter) },
      );
      breaker.onStateChange((state) => {
        const named = STATE[state];
        metrics().circuitState.set({ source: instance.id }, GAUGE[named]);
        this.logger[named === 'closed' ? 'info' : 'warn']({ source: instance.id, breaker: named }, 'circuit breaker changed state');
      });
      metrics().circuitState.set({ source: instance.id }, 0);
      const retrying = retry(
        handleWhen((e) => retryable(classified(e))),
        { maxAttempts: s.retries, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 200 }) },
      );
      entry = { policy: wrap(bulkhead(s.maxConcurrent, s.queue), breaker, retrying), breaker };
      this.policies.set(instance.id, entry);
    }
    return entry.policy;
  }

  middleware(): ReadMiddleware {
    return async <V>(call: ReadCall, next: ReadNext<V>): Promise<ReadResult<V>> => {
      const id = call.instance.id;
      try {
        return (await this.policyFor(call.instance).execute(() => next(call))) as ReadResult<V>;
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new SourceError('SOURCE_UNAVAILABLE', id, `${id} is failing: its circuit breaker is open, so it is not asked for now`, { circuit: 'open' });
        }
        if (error instanceof BulkheadRejectedError) {
          throw new SourceError('SOURCE_UNAVAILABLE', id, `${id} has too many reads in progress: this one was not sent`, { circuit: 'saturated' });
        }
        throw error;
      }
    };
  }
}
