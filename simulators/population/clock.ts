import { osloLocalToUtc, todayInOslo } from '../../lib/osloTime';
import { addDays } from './random';
import type { Relative, When } from './types';

/** "Today" in the simulated world: every record is dated before it, whatever the machine's clock says. */
export const REFERENCE_DATE = '2026-11-01';

/**
 * The simulated world's today when a simulator answers: the reference date, or the machine's today (in Oslo)
 * once the clock has passed it. The records stay where the reference date put them; what is planned (an
 * appointment, a visit, a follow-up, an open referral) is stored relative to this day and dated when it is
 * sent, so that it stays ahead of the clock the graph judges "upcoming" by (lib/osloTime todayInOslo), on
 * whatever day the simulators run.
 */
export function worldToday(now: Date = new Date()): string {
  const today = todayInOslo(now);
  return today > REFERENCE_DATE ? today : REFERENCE_DATE;
}

/** The ISO date of a moment fixed in the world or relative to its today. */
export function dateOf(when: When, now: Date = new Date()): string {
  return typeof when === 'string' ? when.slice(0, 10) : addDays(worldToday(now), when.days);
}

/** The instant (ISO UTC) of a relative moment with a time of day (Oslo wall clock). */
export function instantOf(when: Relative & { time: string }, now: Date = new Date()): string {
  return osloLocalToUtc(`${dateOf(when, now)}T${when.time}`);
}
