import type { TimelineEvent } from '../kit/shapes';

export interface TimelineArgs {
  order?: 'NEWEST_FIRST' | 'OLDEST_FIRST';
  from?: string | null;
  to?: string | null;
  sectors?: TimelineEvent['sector'][] | null;
  first?: number | null;
}

export const MAX_TIMELINE = 1000;

/** Events from every sector in one date order, filtered by period and sector. Pure. */
export function buildTimeline(events: readonly TimelineEvent[], args: TimelineArgs = {}): TimelineEvent[] {
  const from = args.from?.slice(0, 10);
  const to = args.to?.slice(0, 10);
  const sectors = args.sectors?.length ? new Set(args.sectors) : null;
  const selected = events.filter((e) => {
    const day = e.date.slice(0, 10);
    return (!from || day >= from) && (!to || day <= to) && (!sectors || sectors.has(e.sector));
  });
  // Dates compare as text: date-times are UTC ISO, and a date alone sorts before any time on that day.
  selected.sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind) || a.title.localeCompare(b.title));
  if ((args.order ?? 'NEWEST_FIRST') === 'NEWEST_FIRST') selected.reverse();
  const first = Math.min(Math.max(args.first ?? 100, 0), MAX_TIMELINE);
  return selected.slice(0, first);
}
