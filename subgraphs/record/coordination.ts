import { utcToOsloLocal } from '../../lib/osloTime';
import type { CareTeamEntry, CareTeamRole, UpcomingEntry } from '../kit/coordination';

/**
 * The merged views of working together: `Patient.careTeam` (who is responsible, across sectors) and
 * `Patient.upcoming` (what happens next). Pure: the same entries and the same clock give the same list.
 */

/** Roles in the order a clinician looks for them: the GP first, the hospital last. */
const ROLE_ORDER: readonly CareTeamRole[] = ['REGULAR_GP', 'GP_OFFICE', 'PRIMARY_CONTACT', 'MUNICIPAL_COORDINATOR', 'PLAN_COORDINATOR', 'RESPONSIBLE_PHYSICIAN', 'CONTACT_PERSON'];

export interface CareTeamMember extends CareTeamEntry {
  current: boolean;
}

/** A member whose period has not ended by `today` (ISO date, Oslo): no end, or an end today or later. */
function isCurrent(e: CareTeamEntry, today: string): boolean {
  return e.end === null || e.end.slice(0, 10) >= today;
}

/**
 * One care team from every source's members: the same member told twice (same role, person, service and start)
 * once; current members first, by role, the latest arrival first; then past members, the latest to leave first, so
 * that a handover reads as the new member above and the one they took over from below.
 */
export function mergeCareTeam(entries: readonly CareTeamEntry[], options: { today: string; includePast?: boolean }): CareTeamMember[] {
  const seen = new Set<string>();
  const members: CareTeamMember[] = [];
  for (const e of entries) {
    const key = JSON.stringify([e.role, e.hprNumber, e.name, e.service, e.orgNumber, e.start, e.end]);
    if (seen.has(key)) continue;
    seen.add(key);
    members.push({ ...e, current: isCurrent(e, options.today) });
  }
  const rank = (role: CareTeamRole) => ROLE_ORDER.indexOf(role);
  members.sort(
    (a, b) =>
      Number(b.current) - Number(a.current) ||
      (a.current ? rank(a.role) - rank(b.role) || (b.start ?? '').localeCompare(a.start ?? '') : (b.end ?? '').localeCompare(a.end ?? '') || rank(a.role) - rank(b.role)),
  );
  return options.includePast === false ? members.filter((m) => m.current) : members;
}

/**
 * The instant an item is at, to sort and to compare with now: a date-time as it is, a day alone as the end of that
 * day in Oslo for "is it past" (it lasts the whole day) and its start for sorting.
 */
function day(e: UpcomingEntry): string | null {
  return e.time.length === 10 ? e.time : null;
}

/**
 * What happens next, soonest first, from every source's items. Nothing in the past: an item whose time is before
 * `now` (a day alone: before today in Oslo) is left out, except a referral still being assessed after its answer was
 * due, which is still waiting. Ties keep a stable order: by kind, then title.
 */
export function mergeUpcoming(entries: readonly UpcomingEntry[], options: { now: Date }): UpcomingEntry[] {
  const nowMs = options.now.getTime();
  const today = utcToOsloLocal(options.now.toISOString()).slice(0, 10);
  const ahead = entries.filter((e) => {
    if (e.kind === 'REFERRAL' && e.status === 'RECEIVED') return true;
    const d = day(e);
    return d !== null ? d >= today : Date.parse(e.time) >= nowMs;
  });
  const sortKey = (e: UpcomingEntry) => {
    const d = day(e);
    // In Oslo wall-clock time; a day alone sorts at the start of that day, before the timed items of the day.
    return d !== null ? `${d}T00:00:00` : utcToOsloLocal(e.time);
  };
  return [...ahead].sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.kind.localeCompare(b.kind) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
}
