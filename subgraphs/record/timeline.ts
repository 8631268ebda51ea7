import { osloLocalToUtc, utcToOsloLocal } from '../../lib/osloTime';
import { MAX_TIMELINE } from '../../lib/argumentRules';
import type { TimelineEvent } from '../kit/shapes';

export interface TimelineArgs {
  order?: 'NEWEST_FIRST' | 'OLDEST_FIRST';
  from?: string | null;
  to?: string | null;
  sectors?: TimelineEvent['sector'][] | null;
  first?: number | null;
}

/**
 * The Norwegian calendar day of an event, and an instant to sort it by. Sources give either a UTC
 * date-time or a day alone; a day alone is a day in Norway, so it sorts as Oslo midnight, and a date-time
 * belongs to the Oslo day it falls on (00:30 in Oslo on 1 March is still 28 February in UTC).
 */
function placed(e: TimelineEvent): { day: string; instant: string } {
  if (e.date.length === 10) return { day: e.date, instant: osloLocalToUtc(`${e.date}T00:00`) };
  return { day: utcToOsloLocal(e.date).slice(0, 10), instant: e.date };
}

/** Events from every sector in one date order, filtered by period (Norwegian days) and sector, the first `first` (100). Pure. */
export function buildTimeline(events: readonly TimelineEvent[], args: TimelineArgs = {}): TimelineEvent[] {
  const first = Math.min(Math.max(args.first ?? 100, 0), MAX_TIMELINE);
  return orderedTimeline(events, args).slice(0, first);
}

/** Every event in one date order, filtered by period (Norwegian days) and sector: what `timelineConnection` pages. Pure. */
export function orderedTimeline(events: readonly TimelineEvent[], args: Omit<TimelineArgs, 'first'> = {}): TimelineEvent[] {
  const from = args.from?.slice(0, 10);
  const to = args.to?.slice(0, 10);
  const sectors = args.sectors?.length ? new Set(args.sectors) : null;
  const selected = events
    .map((e) => ({ e, ...placed(e) }))
    .filter(({ e, day }) => (!from || day >= from) && (!to || day <= to) && (!sectors || sectors.has(e.sector)));
  selected.sort((a, b) => a.instant.localeCompare(b.instant) || a.e.kind.localeCompare(b.e.kind) || a.e.title.localeCompare(b.e.title));
  if ((args.order ?? 'NEWEST_FIRST') === 'NEWEST_FIRST') selected.reverse();
  return selected.map(({ e }) => e);
}

/**
 * What tells one event from another across reads, for its cursor: when, what, from which source and item. Two events
 * alike in all of it are told apart by their order among equals (subgraphs/kit/connection.ts).
 */
export function timelineEventKey(e: TimelineEvent): string {
  return [e.date, e.sector, e.kind, e.provenance.sourceId, e.provenance.recordId ?? '', e.title].join('|');
}
