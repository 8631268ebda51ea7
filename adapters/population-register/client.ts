import { randomUUID } from 'node:crypto';
import { isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import type { ExtractCriteria, ExtractOptions, PopulationRegisterAdapter } from '../contracts';
import { SourceError, type AdapterKit, type ReadOptions } from '../kit';
import { noteCacheControl } from '../kit/readContext';
import type { RegistryPerson } from '../model';
import { manifest, type PopulationRegisterOptions } from './manifest';
import { mapBulkResponse, mapExtractBatch, mapExtractOrder } from './mapper';

const BULK_PATH = '/folkeregisteret/api/v1/personer/bulkoppslag';
const EXTRACT_PATH = '/folkeregisteret/api/v1/uttrekk/tilpasset';
const batchPath = (jobbId: string, batch: number) => `/folkeregisteret/api/v1/uttrekk/${encodeURIComponent(jobbId)}/batch/${batch}`;

/** How long an extract waits for an unfinished batch by default (the options' `extractWaitSeconds`). */
export const DEFAULT_EXTRACT_WAIT_SECONDS = 60;
/** The pauses between asking again for a batch the register has not finished: doubling from the first to the longest. */
const NOT_READY_PAUSE = { firstMs: 100, longestMs: 2000 } as const;

const NOT_READY = Symbol('not ready');

export function createPopulationRegisterAdapter(
  instance: InstanceConfig,
  options: PopulationRegisterOptions,
  kit: AdapterKit,
): PopulationRegisterAdapter {
  const http = kit.http(instance);
  const headers = { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' };
  const waitMs = (options.extractWaitSeconds ?? DEFAULT_EXTRACT_WAIT_SECONDS) * 1000;

  /**
   * One call of an extract to the register, through the kit as a read of one made-up key (operation `extract`): the
   * instance's deadline, its limits, breaker and retries, its logging and error codes. What the register answered
   * never reaches the cache: the answer is marked not to be kept (no-store), and the kit is handed a token while the
   * value goes back to the extract directly.
   */
  async function call<V>(fetch: (signal: AbortSignal) => Promise<V>, readOptions: ReadOptions, stop: AbortSignal | undefined): Promise<V> {
    stop?.throwIfAborted();
    const key = randomUUID();
    let answered: { value: V } | undefined;
    try {
      await kit.readMany<true>(
        instance,
        'extract',
        [key],
        async (_keys, signal) => {
          noteCacheControl('no-store', signal);
          try {
            answered = { value: await fetch(stop ? AbortSignal.any([signal, stop]) : signal) };
          } catch (error) {
            // The caller stopped the request: no failure of the register's (its breaker does not count it).
            if (!stop?.aborted) throw error;
          }
          return new Map([[key, true]]);
        },
        readOptions,
      );
    } catch (error) {
      // Stopped by the caller: their reason, not the request it cut short.
      if (stop?.aborted) throw stop.reason;
      throw error;
    }
    if (stop?.aborted) throw stop.reason;
    if (!answered) throw new SourceError('SOURCE_BAD_RESPONSE', instance.id, `${instance.id}: the extract's call was answered without reaching the register`);
    return answered.value;
  }

  /** One batch (from 0): its numbers, or null after the last; a batch the register has not finished is asked for again. */
  async function batch(jobbId: string, n: number, readOptions: ReadOptions, stop: AbortSignal | undefined): Promise<string[] | null> {
    const giveUpAt = Date.now() + waitMs;
    for (let pauseMs: number = NOT_READY_PAUSE.firstMs; ; pauseMs = Math.min(2 * pauseMs, NOT_READY_PAUSE.longestMs)) {
      const answer = await call(
        async (signal) => {
          try {
            const response = await http.get(batchPath(jobbId, n), { signal, headers });
            return mapExtractBatch(response.data);
          } catch (error) {
            // 404: the register has not finished this batch (or does not know the job: it answers both alike).
            if (isAxiosError(error) && error.response?.status === 404) return NOT_READY;
            throw error;
          }
        },
        readOptions,
        stop,
      );
      if (answer !== NOT_READY) return answer;
      const left = giveUpAt - Date.now();
      if (left <= 0) {
        throw new SourceError('SOURCE_UNAVAILABLE', instance.id, `${instance.id} did not finish a batch of the extract within ${waitMs / 1000} s (HTTP 404)`, { status: 404 });
      }
      await pause(Math.min(pauseMs, left), stop);
    }
  }

  return {
    instance,
    read: kit.reader<RegistryPerson>(instance, manifest, {
      operation: 'person',
      async fetchBatch(batch, signal) {
        const response = await http.post(BULK_PATH, { foedselsnumre: batch }, { signal, headers: { ...headers, 'Content-Type': 'application/json' } });
        // A person nobody asked about is dropped by the kit: someone else's data, not passed on.
        return mapBulkResponse(response.data);
      },
    }),

    /**
     * The custom extract: one job a municipality (the register takes one a job), ordered when the previous one is
     * read to its end, each read batch by batch to the register's end marker. Each number is yielded once.
     */
    async *extract(criteria: ExtractCriteria, extractOptions: ExtractOptions = {}) {
      const orders = extractOrders(criteria);
      // No `report`: a call that fails fails the extract, never a shorter list.
      const { signal: stop, report: _report, beforeCall, ...readOptions } = extractOptions;
      const seen = new Set<string>();
      for (const order of orders) {
        await beforeCall?.();
        const jobbId = await call(
          async (signal) => mapExtractOrder((await http.post(EXTRACT_PATH, order, { signal, headers: { ...headers, 'Content-Type': 'application/json' } })).data),
          readOptions,
          stop,
        );
        for (let n = 0; ; n += 1) {
          await beforeCall?.();
          const numbers = await batch(jobbId, n, readOptions, stop);
          if (numbers === null) break;
          const fresh: string[] = [];
          for (const nin of numbers) {
            if (seen.has(nin)) continue;
            seen.add(nin);
            fresh.push(nin);
          }
          if (fresh.length > 0) yield fresh;
        }
      }
    },
  };
}

/**
 * The register's criteria for each job of an extract: residents (`personstatustyper` bosatt), of one municipality a
 * job, or of the whole register where none is named; the years of birth as the register writes them. Criteria the
 * register would refuse are the caller's mistake, refused here before anything is sent.
 */
function extractOrders(criteria: ExtractCriteria): Record<string, unknown>[] {
  const { municipalities, birthYearFrom, birthYearTo } = criteria;
  if (municipalities?.some((m) => !/^\d{4}$/.test(m))) throw new TypeError('extract: municipalities are four-digit municipality numbers');
  for (const year of [birthYearFrom, birthYearTo]) {
    if (year !== undefined && !(Number.isInteger(year) && year >= 1000 && year <= 9999)) throw new TypeError('extract: a year of birth is a four-digit year');
  }
  const common = {
    personstatustyper: ['bosatt'],
    ...(birthYearFrom !== undefined ? { foedselsaarFraOgMed: String(birthYearFrom) } : {}),
    ...(birthYearTo !== undefined ? { foedselsaarTilOgMed: String(birthYearTo) } : {}),
  };
  if (!municipalities) return [common];
  return [...new Set(municipalities)].map((m) => ({ ...common, kommunenummer: { bostedskommunenummer: m } }));
}

/** Waits, or stops at once with the caller's reason. */
function pause(ms: number, stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stop?.aborted) {
      reject(stop.reason);
      return;
    }
    const done = () => {
      stop?.removeEventListener('abort', stopped);
      resolve();
    };
    const stopped = () => {
      clearTimeout(timer);
      reject(stop?.reason);
    };
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', stopped, { once: true });
  });
}
