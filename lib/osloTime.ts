/**
 * Norwegian wall-clock time ↔ UTC, for every system that writes local times (the municipal care systems and
 * the GP systems write them without an offset, the hospital and the summary record with one). Europe/Oslo
 * switches to summer time (UTC+2) at 01:00 UTC on the last Sunday of March and back to UTC+1 at 01:00 UTC on
 * the last Sunday of October. The rules come from the runtime's time-zone database through Intl, so history
 * and any future change are handled there, not here.
 *
 * Wall-clock times near a switch are not one-to-one with instants:
 * - in the spring gap (02:00–02:59 does not exist) a time is read with the offset before the switch, so
 *   02:30 becomes 03:30 summer time (what a clock that was not adjusted yet meant);
 * - in the autumn overlap (02:00–02:59 happens twice) the earlier instant (summer time) is chosen.
 * Both follow the "compatible" disambiguation of Temporal and of most calendar software.
 */
const ZONE = 'Europe/Oslo';
const HOUR = 3_600_000;

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Oslo wall-clock time in parts, as parsers that read the fields one by one (the GP systems) hold it. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallAt(utcMs: number): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(utcMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** How far the wall clock `w`, read at the instant `utcMs`, is ahead of UTC, in ms (sub-second part ignored). */
function offsetOf(w: WallClock, utcMs: number): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(utcMs / 1000) * 1000;
}

// Formatting through Intl is slow next to the arithmetic, and a care record holds hundreds of times.
// Oslo's offset changes only on whole UTC hours, so the offset is remembered per hour (bounded).
const offsetCache = new Map<number, number>();

/** Oslo's offset from UTC, in ms, at an instant. */
function offsetAt(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const offset = offsetOf(wallAt(hour * HOUR), hour * HOUR);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(hour, offset);
  return offset;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** True when `yyyy-mm-ddTHH:mm[:ss]` names a real calendar day and clock time. */
export function isValidLocalDateTime(local: string): boolean {
  const m = LOCAL.exec(local);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  return isValidDate(y, mo, d) && h <= 23 && mi <= 59 && s <= 59;
}

/** True when the numbers name a real calendar day (no 31 April, no 29 February in 2026). */
export function isValidDate(year: number, month: number, day: number): boolean {
  // Date.UTC reads years 0-99 as 1900-1999, so such a year would silently become another date.
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A wall-clock time in Oslo (`yyyy-mm-ddTHH:mm` or `…:ss`) as an ISO UTC date-time with Z
 * (`2026-07-15T06:00:00Z`). Throws a RangeError for anything that is not a real local time.
 */
export function osloLocalToUtc(local: string): string {
  if (!isValidLocalDateTime(local)) throw new RangeError('not a local date-time (yyyy-mm-ddTHH:mm[:ss])');
  const [y, mo, d, h, mi, s] = LOCAL.exec(local)!.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // The offsets a day either side bracket any switch near this time; a candidate is right when the
  // instant it gives really has that offset.
  const before = offsetAt(asUtc - 24 * HOUR);
  const after = offsetAt(asUtc + 24 * HOUR);
  const valid = [...new Set([before, after])].filter((offset) => offsetAt(asUtc - offset) === offset);
  // Overlap: two instants fit, take the earlier (the larger offset). Gap: none fits, read with the old offset.
  const offset = valid.length ? Math.max(...valid) : before;
  return isoUtc(asUtc - offset);
}

/** True when the parts name a real calendar day and time of day. */
export function isValidWallClock(w: WallClock): boolean {
  return isValidLocalDateTime(localOf(w));
}

/** Oslo wall-clock time in parts → ISO UTC with Z, by the rules of osloLocalToUtc. */
export function osloWallClockToUtc(w: WallClock): string {
  return osloLocalToUtc(localOf(w));
}

/** An instant (ISO with Z or an offset, or a Date) as Oslo wall-clock time `yyyy-mm-ddTHH:mm:ss` (no offset). */
export function utcToOsloLocal(instant: string | Date): string {
  return localOf(wallFromOffset(instantMs(instant)));
}

/**
 * The Oslo wall clock at an instant from the offset remembered per hour: the instant moved by the offset, read in UTC.
 * The same answer as formatting through Intl (osloTime.test.ts), without its cost on every call.
 */
function wallFromOffset(ms: number): WallClock {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetAt(ms));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/**
 * An instant (ISO with Z or an offset, or a Date) as Oslo wall-clock time with the offset in force then,
 * `yyyy-mm-ddTHH:mm:ss+HH:MM` (`+01:00` in winter, `+02:00` in summer): how FHIR servers such as DIPS
 * write instants.
 */
export function utcToOsloOffsetDateTime(instant: string | Date): string {
  const ms = instantMs(instant);
  const w = wallFromOffset(ms);
  const minutes = Math.round(offsetAt(ms) / 60_000);
  const abs = Math.abs(minutes);
  return `${localOf(w)}${minutes >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO UTC without milliseconds, the form the model uses. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function instantMs(instant: string | Date): number {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('not an ISO date-time');
  return ms;
}

function localOf(w: WallClock): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Today's date in Oslo (yyyy-mm-dd): the day a service or an episode of care is active on. */
export function todayInOslo(now: Date = new Date()): string {
  return utcToOsloLocal(now).slice(0, 10);
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const WITH_OFFSET = /(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * For a value that is a day or an instant (the timeline, what is planned, evidence for a warning): the day, in Oslo
 * for an instant. Null for null or for what is neither.
 */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  if (FULL_DATE.test(value)) return value;
  if (Number.isNaN(Date.parse(value)) || !WITH_OFFSET.test(value)) return null;
  return utcToOsloLocal(value).slice(0, 10);
}

/** For a value that is a day or an instant: the instant, or null where only the day is known. */
export function instantOf(value: string | null | undefined): string | null {
  if (!value || FULL_DATE.test(value)) return null;
  return !Number.isNaN(Date.parse(value)) && WITH_OFFSET.test(value) ? value : null;
}

/**
 * A FHIR `dateTime` that may hold only a day, for a field that is an instant: the start of that day in Oslo. FHIR lets a
 * server give `2026-03-01` where a time is expected; the field's description says what such a value means.
 */
export function startOfOsloDay(day: string): string {
  return osloLocalToUtc(`${day}T00:00:00`);
}
