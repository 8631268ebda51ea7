/**
 * The dosing schedule a Norwegian dose text states, for protocols that carry the schedule only in words:
 * KITH journals, PLO and vendor care exports, Kjernejournal dispensations. Whether a medicine is taken as
 * needed (ved behov, PRN) or on a fixed schedule, and how many days lie between dosing days, matters for
 * medication reconciliation: "2 inhalasjoner 4 ganger daglig" and "2 inhalasjoner ved behov, inntil 4 ganger
 * daglig" have the same numbers and mean different treatments; "1 tablett 1 gang i uken" is not a daily dose.
 */
export interface DoseSchedule {
  /** True for ved behov (as needed), false for a fixed schedule, null when the text says neither. */
  asNeeded: boolean | null;
  /** Days between dosing days (1 daily, 7 weekly); null when the text does not say. */
  intervalDays: number | null;
}

// "ved behov", "v.b.", "vb", "etter behov", "behovsmedisin", "PRN"
const AS_NEEDED = /\b(ved|etter)\s+behov\b|\bv\.\s?b\.|\bvb\b|\bbehovsmedisin|\bp\.?r\.?n\.?\b/i;
const WEEKLY = /\b(i|per|pr\.?)\s+uke(n)?\b|\bukentlig\b|\bhver\s+uke\b|\b[1-9]\s*x\s*(per|pr\.?|i)\s+uke\b/i;
const EVERY_OTHER_DAY = /\bhver\s+annen\s+dag\b|\bannenhver\s+dag\b/i;
const EVERY_NTH_DAY = /\bhver\s+(\d{1,2})\.\s*dag\b/i;
const DAILY = /\bdaglig\b|\b(i|per|pr\.?)\s+døgn(et)?\b|\bom\s+dagen\b|\bmorgen\b|\bkveld\b/i;

export function scheduleFromText(text: string | null | undefined): DoseSchedule {
  const t = text ?? '';
  const asNeeded = AS_NEEDED.test(t) ? true : t.trim() ? false : null;
  let intervalDays: number | null = null;
  const nth = EVERY_NTH_DAY.exec(t);
  if (WEEKLY.test(t)) intervalDays = 7;
  else if (EVERY_OTHER_DAY.test(t)) intervalDays = 2;
  else if (nth?.[1]) intervalDays = Number(nth[1]);
  else if (DAILY.test(t)) intervalDays = 1;
  return { asNeeded, intervalDays };
}
