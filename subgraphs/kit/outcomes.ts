import DataLoader from 'dataloader';
import { type GraphQLError } from 'graphql';
import type { SourceAdapter } from '../../adapters/contracts';
import { readReport, SourceError } from '../../adapters/kit';
import { SECTORS, type SectorName } from '../../lib/sectors';
import { graphError } from '../../lib/errorCodes';
import type { PurposeOfUse } from '../../lib/purposeOfUse';
import type { RecordPeriod, SourceInfo } from './SourceDirectory';

/**
 * What one source said about one key in this request. Loaders resolve to outcomes and never reject for
 * a source's failure, so that one failure can be reported in several ways: as a field error on the
 * sector's record, as a status in `Patient.sources`, and as a missing part of a merged view.
 */
export type SourceOutcome<V> =
  /** `staleAgeMs`: the source failed and this answer came from the cache, this old. */
  | { ok: true; value: V | null; source: SourceInfo; ms: number; staleAgeMs?: number }
  | { ok: false; error: SourceError; source: SourceInfo; ms: number };

/** Why no source could be asked for a sector. */
export interface NoSource {
  /** WITHHELD: the sector is not shown to this reader (a parent of a child aged 12–15; parentOfChildWhoMayKeep). */
  state: 'ROUTING_FAILED' | 'NOT_APPLICABLE' | 'WITHHELD';
  sector: SectorName;
  /** The registry whose failure prevented routing, or the sector's name. */
  sourceId: string;
  message: string;
}

/** The outcome of asking a sector about a patient: the routed sources' outcomes, or why none was asked. */
export type SectorOutcome<V> = { routed: SourceOutcome<V>[] } | { none: NoSource };

/**
 * Per-request DataLoaders, one per source instance: every key asked of an instance during one request
 * becomes one batch call (so a 50-patient worklist costs one call per source, not fifty).
 */
type RawOutcome = { ok: true; value: unknown; ms: number; staleAgeMs?: number } | { ok: false; error: SourceError; ms: number };

export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, RawOutcome, string>>();
  /** Keys read for a source that may only be named by its sector, with that sector's id. */
  private readonly maskedAs = new Map<string, string>();

  constructor(
    private readonly requestId: string,
    private readonly options: { purposeOfUse?: PurposeOfUse } = {},
  ) {}

  /**
   * Loads one key through the instance's loader; `info` describes the source for this key (its organisation
   * may differ per key). `kind` tells apart reads of one instance for different data (a hospital's record and
   * its access facts), which must not share a loader.
   */
  async load<K, V>(adapter: SourceAdapter<K, V>, key: K, keyOf: (key: K) => string, info: SourceInfo, kind = 'record'): Promise<SourceOutcome<V>> {
    const id = `${adapter.instance.id}\u0000${kind}`;
    if (info.masked) this.maskedAs.set(keyOf(key), info.sourceId);
    let loader = this.loaders.get(id);
    if (!loader) {
      loader = new DataLoader<unknown, RawOutcome, string>(
        async (keys) => {
          const started = performance.now();
          // A batch that holds a patient whose sources are named by sector only is logged the same way: the
          // instance id, next to a request id, would tell where that patient lives.
          const masked = keys.map((k) => this.maskedAs.get(keyOf(k as K))).find((m) => m !== undefined);
          try {
            // A report: with the cache in front, one key can be stale or fail while the others arrive.
            const report = readReport();
            const result = await adapter.read(keys as K[], { requestId: this.requestId, purposeOfUse: this.options.purposeOfUse, report, ...(masked ? { logAs: masked } : {}) });
            const ms = Math.round(performance.now() - started);
            return keys.map((k): RawOutcome => {
              const id = keyOf(k as K);
              const failed = report.failed.get(id);
              if (failed) return { ok: false, error: failed, ms };
              const staleAgeMs = report.stale.get(id);
              return { ok: true, value: result.get(id) ?? null, ms, ...(staleAgeMs !== undefined ? { staleAgeMs } : {}) };
            });
          } catch (error) {
            if (!(error instanceof SourceError)) throw error;
            const ms = Math.round(performance.now() - started);
            return keys.map(() => ({ ok: false as const, error, ms }));
          }
        },
        { cacheKeyFn: (k) => keyOf(k as K) },
      );
      this.loaders.set(id, loader);
    }
    const raw = await loader.load(key);
    return { ...raw, source: info } as SourceOutcome<V>;
  }
}

/** The GraphQL error a failed source gives its fields: the registered code, naming the source. */
export function sourceGraphError(outcome: Extract<SourceOutcome<unknown>, { ok: false }>): GraphQLError {
  const { error, source } = outcome;
  return graphError(error.code, messageOf(outcome), {
    source: source.sourceId,
    system: source.system,
    sector: source.sector,
    // A timeout is a setting of one instance: for a source named by sector alone it is left out.
    ...(error.details.timeoutMs && !source.masked ? { timeoutMs: error.details.timeoutMs } : {}),
    // `open`: the source's circuit breaker is open, it was not asked; `saturated`: too many reads in progress.
    ...(error.details.circuit && !source.masked ? { circuit: error.details.circuit } : {}),
  });
}

export function noSourceGraphError(none: NoSource): GraphQLError {
  return graphError(none.state === 'WITHHELD' ? 'WITHHELD_FROM_PARENTS' : 'ROUTING_FAILED', none.message, { source: none.sourceId, sector: none.sector });
}

const STATE: Record<SourceError['code'], 'UNAVAILABLE' | 'TIMEOUT' | 'BAD_RESPONSE'> = {
  SOURCE_UNAVAILABLE: 'UNAVAILABLE',
  SOURCE_TIMEOUT: 'TIMEOUT',
  SOURCE_BAD_RESPONSE: 'BAD_RESPONSE',
};

/** The `SourceStatus` objects of the schema. */
export interface SourceStatus {
  sourceId: string;
  system: string;
  sector: SectorName;
  organisation: string | null;
  state: 'OK' | 'STALE' | 'UNAVAILABLE' | 'TIMEOUT' | 'BAD_RESPONSE' | 'ROUTING_FAILED' | 'NOT_APPLICABLE' | 'WITHHELD';
  holdsRecord: boolean | null;
  errorCode: string | null;
  message: string | null;
  latencyMs: number | null;
  /** For a STALE source: how old the answer served from the cache is, in seconds. */
  dataAgeSeconds: number | null;
  /** For the source of a service the patient has left: when they belonged there. */
  period?: RecordPeriod;
}

export function statusOf(outcome: SourceOutcome<unknown>): SourceStatus {
  const base = {
    sourceId: outcome.source.sourceId,
    system: outcome.source.system,
    sector: outcome.source.sector,
    organisation: outcome.source.organisation,
    // How long a source took tells which region's system answered: no timing for a source named by sector.
    latencyMs: outcome.source.masked ? null : outcome.ms,
    ...(outcome.source.period ? { period: outcome.source.period } : {}),
  };
  if (outcome.ok && outcome.staleAgeMs !== undefined) {
    const age = Math.round(outcome.staleAgeMs / 1000);
    return {
      ...base,
      state: 'STALE',
      holdsRecord: outcome.value !== null,
      errorCode: null,
      message: `The source did not answer; its answer from ${age} s ago is shown`,
      dataAgeSeconds: age,
    };
  }
  if (outcome.ok) return { ...base, state: 'OK', holdsRecord: outcome.value !== null, errorCode: null, message: null, dataAgeSeconds: null };
  return { ...base, state: STATE[outcome.error.code], holdsRecord: null, errorCode: outcome.error.code, message: messageOf(outcome), dataAgeSeconds: null };
}


const CODE_TEXT: Record<SourceError['code'], string> = {
  SOURCE_UNAVAILABLE: 'could not be reached or answered with an error',
  SOURCE_TIMEOUT: 'did not answer in time',
  SOURCE_BAD_RESPONSE: 'answered something invalid',
};

/** The failure in words; for a source that may not be named, without its name. */
function messageOf(outcome: Extract<SourceOutcome<unknown>, { ok: false }>): string {
  if (!outcome.source.masked) return outcome.error.message;
  return `The ${SECTORS[outcome.source.sector].text} ${CODE_TEXT[outcome.error.code]}`;
}

export function statusOfNone(none: NoSource): SourceStatus {
  return {
    sourceId: none.sourceId,
    system: 'routing',
    sector: none.sector,
    organisation: null,
    state: none.state,
    holdsRecord: none.state === 'NOT_APPLICABLE' ? false : null,
    errorCode: none.state === 'ROUTING_FAILED' ? 'ROUTING_FAILED' : none.state === 'WITHHELD' ? 'WITHHELD_FROM_PARENTS' : null,
    message: none.message,
    latencyMs: null,
    dataAgeSeconds: null,
  };
}

export function sectorStatuses(outcome: SectorOutcome<unknown>): SourceStatus[] {
  return 'none' in outcome ? [statusOfNone(outcome.none)] : outcome.routed.map(statusOf);
}

/**
 * The value of a single-source sector, for a public field: the record (or null when the source holds none),
 * or a thrown error naming the source.
 */
export function valueOrThrow<V>(outcome: SectorOutcome<V>): V | null {
  if ('none' in outcome) {
    if (outcome.none.state === 'NOT_APPLICABLE') return null;
    throw noSourceGraphError(outcome.none);
  }
  const [first] = outcome.routed;
  if (!first) return null;
  if (!first.ok) throw sourceGraphError(first);
  return first.value;
}

/** A single-source sector's record with where it came from, for the record types' resolvers. */
export function recordWithSource<V extends object>(outcome: SectorOutcome<V>): (V & { source: SourceInfo }) | null {
  const record = valueOrThrow(outcome);
  if (!record || 'none' in outcome || !outcome.routed[0]) return null;
  return { ...record, source: outcome.routed[0].source };
}

/** The values that arrived, for internal fields feeding the merged views (failures are in the statuses). */
export function valuesOf<V>(outcome: SectorOutcome<V>): { value: V; source: SourceInfo }[] {
  if ('none' in outcome) return [];
  return outcome.routed.flatMap((o) => (o.ok && o.value !== null ? [{ value: o.value, source: o.source }] : []));
}
