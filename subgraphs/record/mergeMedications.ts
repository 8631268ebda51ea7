import { scheduleFromText } from '../../adapters/kit/doseSchedule';
import type { Provenance } from '../kit/provenance';
import type { MedicationEntry, MedicationEntryKind } from '../kit/shapes';
import { forPatient } from './forPatient';

/**
 * The merged medication list (legemiddelsamstemming, medication reconciliation): entries from every source
 * about the same medicine (same ATC code, or the same name where a source has no code) become one item, with
 * a discrepancy wherever the sources disagree. Each rule says in its text what it found and why it matters:
 * - STATUS: stopped by one source, in use by another (or dispensed after the stop);
 * - OMISSION: in use, but missing from a list that should hold it (see `omissionDiscrepancies`);
 * - AS_NEEDED: taken as needed (ved behov, PRN) according to one source, on a fixed schedule by another;
 * - SCHEDULE: the days between doses differ (every day vs once a week);
 * - DOSE: the amount per dosing day differs between fixed-schedule entries;
 * - FORMULATION: the pharmaceutical form differs (a depot tablet is not a plain tablet).
 * Pure, so that the rules are testable alone.
 */

export interface DiscrepancyValue {
  value: string;
  sources: Provenance[];
}

export type DiscrepancyKind = 'STATUS' | 'OMISSION' | 'AS_NEEDED' | 'SCHEDULE' | 'DOSE' | 'FORMULATION';

export interface MedicationDiscrepancy {
  kind: DiscrepancyKind;
  description: string;
  values: DiscrepancyValue[];
  /** The same in plain Norwegian for the patient, with what to do (forPatient.ts); set on the merged item. */
  forPatient?: string;
}

export interface MedicationListItem {
  atc: string | null;
  name: string;
  status: 'ACTIVE' | 'STOPPED' | 'UNKNOWN';
  entries: MedicationEntry[];
  sources: Provenance[];
  discrepancies: MedicationDiscrepancy[];
  hasDiscrepancy: boolean;
}

// Which source names an item when several do: the prescriber's record first.
const NAME_PRIORITY: MedicationEntry['kind'][] = ['GP_PRESCRIPTION', 'HOSPITAL_STATEMENT', 'MUNICIPAL_CARE_LIST', 'NATIONAL_DISPENSATION'];

/**
 * The lists a patient has, by the record that keeps each: the GP's prescriptions, the care service's list.
 * A list is taken to exist when its source holds a record of the patient; by default, when it mentions any
 * medicine at all (a source that answered with an empty list should be named here by the caller).
 */
export interface ListHolders {
  gp: boolean;
  care: boolean;
}

/** The items some source has in use (or whose status is unknown): `includeStopped: false`. */
export function withoutStopped<T extends { status: MedicationListItem['status'] }>(items: readonly T[]): T[] {
  return items.filter((i) => i.status !== 'STOPPED');
}

export function mergeMedications(
  entries: readonly MedicationEntry[],
  options: { includeStopped?: boolean; holders?: Partial<ListHolders> } = {},
): MedicationListItem[] {
  const groups = new Map<string, MedicationEntry[]>();
  for (const entry of entries) {
    const key = entry.atc ? entry.atc.trim().toUpperCase() : `name:${entry.name.trim().toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const holders: ListHolders = {
    gp: options.holders?.gp ?? entries.some((e) => e.kind === 'GP_PRESCRIPTION' && !earlier(e)),
    care: options.holders?.care ?? entries.some((e) => e.kind === 'MUNICIPAL_CARE_LIST' && !earlier(e)),
  };
  const items = [...groups.values()].map((group) => toItem(group, holders));
  const shown = options.includeStopped === false ? withoutStopped(items) : items;
  return shown.sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.name.localeCompare(b.name, 'nb'));
}

/**
 * The status to show. The records (prescriptions, hospital statements, the care list) decide; a pharmacy
 * dispensation counts as "in use" only when it came after the latest stop, or when no record mentions the
 * medicine at all. A dispensation before the stop is history: it must not make a stopped drug look active.
 */
function itemStatus(entries: readonly MedicationEntry[]): MedicationListItem['status'] {
  const records = entries.filter((e) => e.kind !== 'NATIONAL_DISPENSATION');
  const dispensations = entries.filter((e) => e.kind === 'NATIONAL_DISPENSATION');
  if (records.length === 0) return dispensations.length ? 'ACTIVE' : 'UNKNOWN';
  if (records.some((e) => e.status === 'ACTIVE')) return 'ACTIVE';
  const stopDate = latestStop(records);
  if (dispensations.some((d) => d.lastDispensed && (stopDate === null || d.lastDispensed > stopDate))) return 'ACTIVE';
  return records.every((e) => e.status === 'STOPPED') ? 'STOPPED' : 'UNKNOWN';
}

function latestStop(entries: readonly MedicationEntry[]): string | null {
  return entries.filter((e) => e.status === 'STOPPED').map((e) => e.endDate).filter((d): d is string => !!d).sort().at(-1) ?? null;
}

function statusRank(status: MedicationListItem['status']): number {
  return status === 'ACTIVE' ? 0 : status === 'UNKNOWN' ? 1 : 2;
}

/**
 * An entry of a service the patient has left (an earlier municipality's list, an earlier GP office's prescriptions):
 * its provenance carries the period. It is listed, with its source, as history; it does not make a medicine in use,
 * and the lists compared for discrepancies are today's (the earlier list stopped being kept when the patient left).
 */
function earlier(entry: MedicationEntry): boolean {
  return entry.provenance.period !== undefined && entry.provenance.period !== null;
}

function toItem(entries: MedicationEntry[], holders: ListHolders): MedicationListItem {
  // Today's entries before the earlier ones of the same kind.
  const ordered = [...entries].sort((a, b) => NAME_PRIORITY.indexOf(a.kind) - NAME_PRIORITY.indexOf(b.kind) || Number(earlier(a)) - Number(earlier(b)));
  const first = ordered[0] as MedicationEntry;
  const today = ordered.filter((e) => !earlier(e));
  // Known only from services the patient has left: whether it is still taken, no list today says.
  const status = today.length ? itemStatus(today) : 'UNKNOWN';
  const discrepancies = [
    statusDiscrepancy(today),
    ...omissionDiscrepancies(today, status, holders),
    asNeededDiscrepancy(today),
    scheduleDiscrepancy(today),
    doseDiscrepancy(today),
    formulationDiscrepancy(today),
  ]
    .filter((d): d is MedicationDiscrepancy => d !== null)
    .map((d) => ({ ...d, forPatient: forPatient(d, first.name) }));
  return {
    atc: first.atc,
    name: first.name,
    status,
    entries: ordered,
    sources: distinctSources(ordered),
    discrepancies,
    hasDiscrepancy: discrepancies.length > 0,
  };
}

function distinctSources(entries: readonly MedicationEntry[]): Provenance[] {
  const seen = new Map<string, Provenance>();
  for (const e of entries) {
    // A source named by its sector alone is told apart from the same sector's earlier one by the period.
    const key = `${e.provenance.sourceId}|${e.provenance.organisation}|${e.provenance.period?.to ?? ''}`;
    if (!seen.has(key)) seen.set(key, { ...e.provenance, recordId: null });
  }
  return [...seen.values()];
}

function label(p: Provenance): string {
  return p.organisation;
}

/**
 * A status conflict: a source that says stopped while another (not a pharmacy) says in use, or a pharmacy
 * dispensing it after the date a source stopped it. A dispensation before the stop is history, not conflict.
 */
function statusDiscrepancy(entries: readonly MedicationEntry[]): MedicationDiscrepancy | null {
  const stopped = entries.filter((e) => e.status === 'STOPPED');
  if (stopped.length === 0) return null;
  const stopDate = latestStop(stopped);
  const activeRecords = entries.filter((e) => e.status === 'ACTIVE' && e.kind !== 'NATIONAL_DISPENSATION');
  const dispensedAfter = entries.filter(
    (e) => e.kind === 'NATIONAL_DISPENSATION' && e.lastDispensed && (stopDate === null || e.lastDispensed > stopDate),
  );
  if (activeRecords.length === 0 && dispensedAfter.length === 0) return null;
  const parts = [
    `Stopped according to ${stopped.map((e) => label(e.provenance)).join(', ')}${stopDate ? ` (${stopDate})` : ''}`,
    ...(activeRecords.length ? [`in use according to ${activeRecords.map((e) => label(e.provenance)).join(', ')}`] : []),
    ...(dispensedAfter.length ? [`dispensed after it was stopped (${dispensedAfter.map((e) => e.lastDispensed).join(', ')})`] : []),
  ];
  return {
    kind: 'STATUS',
    description: `${parts.join('; ')}.`,
    values: [
      { value: 'STOPPED', sources: distinctSources(stopped) },
      { value: 'ACTIVE', sources: distinctSources([...activeRecords, ...dispensedAfter]) },
    ],
  };
}

const MG_PER_UNIT: Record<string, number> = { g: 1000, mg: 1, mikrog: 0.001, 'µg': 0.001, mcg: 0.001, ug: 0.001 };

/** The strength in mg, where the source wrote a single strength in a mass unit ("2,5 mg", "100 mikrog"). */
export function strengthInMg(strength: string | null): number | null {
  const match = strength ? /^\s*(\d+(?:[.,]\d+)?)\s*(g|mg|mikrog|µg|mcg|ug)\s*$/i.exec(strength) : null;
  if (!match?.[1] || !match[2]) return null;
  const factor = MG_PER_UNIT[match[2].toLowerCase()];
  return factor === undefined ? null : Number(match[1].replace(',', '.')) * factor;
}

/** How an entry says the medicine is taken: structured where the source structures it, else read from its text. */
export function scheduleOf(entry: MedicationEntry): { asNeeded: boolean | null; intervalDays: number | null } {
  const fromText = scheduleFromText(entry.dose?.text);
  return {
    asNeeded: entry.dose?.asNeeded ?? fromText.asNeeded,
    intervalDays: entry.dose?.intervalDays ?? fromText.intervalDays,
  };
}

/** The daily dose as a comparable value: in mg where computable, else the strength and dose as written. */
export function dailyDose(entry: MedicationEntry): string | null {
  const dose = entry.dose;
  if (!dose || dose.amount === null || dose.timesPerDay === null) return null;
  const mg = strengthInMg(entry.strength);
  if (mg !== null) return `${formatNumber(mg * dose.amount * dose.timesPerDay)} mg/day`;
  if (!entry.strength) return null;
  return `${entry.strength.replace(/\s+/g, ' ').trim()} × ${formatNumber(dose.amount)} ${dose.unit ?? ''} × ${dose.timesPerDay}/day`.replace(/\s+/g, ' ');
}

function formatNumber(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** Entries that say the medicine is in use (a dispensation counts: the patient collected it). */
const inUse = (entries: readonly MedicationEntry[]) => entries.filter((e) => e.status === 'ACTIVE');

/** Fixed-schedule entries: as-needed entries have no dose per day to compare. */
const fixed = (entries: readonly MedicationEntry[]) => inUse(entries).filter((e) => scheduleOf(e).asNeeded !== true);

function grouped(entries: readonly MedicationEntry[], valueOf: (e: MedicationEntry) => string | null): DiscrepancyValue[] {
  const byValue = new Map<string, MedicationEntry[]>();
  for (const e of entries) {
    const value = valueOf(e);
    if (value !== null) byValue.set(value, [...(byValue.get(value) ?? []), e]);
  }
  return [...byValue].map(([value, es]) => ({ value, sources: distinctSources(es) }));
}

const said = (v: DiscrepancyValue) => `${v.value} (${v.sources.map(label).join(', ')})`;

/** A dose conflict: fixed-schedule entries in use give different amounts per dosing day. */
function doseDiscrepancy(entries: readonly MedicationEntry[]): MedicationDiscrepancy | null {
  const values = grouped(fixed(entries), (e) => {
    const daily = dailyDose(e);
    const every = scheduleOf(e).intervalDays ?? 1;
    if (!daily || every === 1) return daily;
    // A weekly 70 mg tablet is 70 mg on its dosing day, not 10 mg a day.
    return daily.replace('/day', every === 7 ? '/week' : ` every ${every} days`);
  });
  const perDay = new Set(values.map((v) => v.value.replace(/\/week$| every \d+ days$/, '/day')));
  if (perDay.size < 2) return null;
  return { kind: 'DOSE', description: `Daily dose differs: ${values.map(said).join(' vs ')}.`, values };
}

const intervalWords = (days: number) => (days === 1 ? 'every day' : days === 7 ? 'once a week' : `every ${days} days`);

/**
 * A schedule conflict: the days between doses differ (alendronate 70 mg is one tablet a week; given every day
 * it is seven times the dose). As-needed entries have no schedule and are left to AS_NEEDED.
 */
function scheduleDiscrepancy(entries: readonly MedicationEntry[]): MedicationDiscrepancy | null {
  const values = grouped(fixed(entries), (e) => {
    const days = scheduleOf(e).intervalDays;
    return days === null ? null : intervalWords(days);
  });
  if (values.length < 2) return null;
  const days = fixed(entries).map((e) => scheduleOf(e).intervalDays).filter((d): d is number => d !== null);
  const ratio = Math.max(...days) / Math.min(...days);
  return {
    kind: 'SCHEDULE',
    description: `Dosing interval differs: ${values.map(said).join(' vs ')}. Taken on the shorter interval, the same dose adds up to ${formatNumber(ratio)} times as much.`,
    values,
  };
}

/** As needed (ved behov, PRN) according to one source and a fixed schedule according to another. */
function asNeededDiscrepancy(entries: readonly MedicationEntry[]): MedicationDiscrepancy | null {
  const values = grouped(inUse(entries), (e) => {
    const asNeeded = scheduleOf(e).asNeeded;
    return asNeeded === null ? null : asNeeded ? 'as needed' : 'fixed schedule';
  });
  if (values.length < 2) return null;
  const need = values.find((v) => v.value === 'as needed') as DiscrepancyValue;
  const sched = values.find((v) => v.value === 'fixed schedule') as DiscrepancyValue;
  return {
    kind: 'AS_NEEDED',
    description:
      `Taken as needed (ved behov, PRN) according to ${need.sources.map(label).join(', ')}; on a fixed schedule according to ${sched.sources.map(label).join(', ')}. ` +
      'A reliever given on a schedule, or a regular medicine given only when asked for, is a different treatment.',
    values,
  };
}

const normalForm = (form: string) => form.trim().toLowerCase().replace(/\s+/g, ' ');

/** The pharmaceutical form differs between sources that name one (a source without a form says nothing). */
function formulationDiscrepancy(entries: readonly MedicationEntry[]): MedicationDiscrepancy | null {
  const values = grouped(inUse(entries), (e) => (e.form?.trim() ? normalForm(e.form) : null));
  if (values.length < 2) return null;
  return {
    kind: 'FORMULATION',
    description:
      `Formulation differs: ${values.map(said).join(' vs ')}. Forms are not interchangeable mg for mg: a depot (modified-release) ` +
      'tablet must not be swapped for a plain one, nor an enteric-coated capsule opened.',
    values,
  };
}

const KIND_WORDS: Record<MedicationEntryKind, string> = {
  GP_PRESCRIPTION: 'prescription',
  HOSPITAL_STATEMENT: 'discharge list',
  MUNICIPAL_CARE_LIST: 'care list',
  NATIONAL_DISPENSATION: 'dispensed',
};

function evidence(entries: readonly MedicationEntry[]): string {
  return entries
    .map((e) => `${label(e.provenance)} (${KIND_WORDS[e.kind]}${e.kind === 'NATIONAL_DISPENSATION' ? ` ${e.lastDispensed ?? ''}`.trimEnd() : e.startDate ? `, from ${e.startDate}` : ''})`)
    .join(', ');
}

/**
 * Omissions: a medicine in use that is missing from a list that should hold it. Two lists must be complete:
 * - the regular GP's (fastlegens legemiddelliste): the GP keeps the patient's complete list, the one everyone
 *   else reconciles against, so anything in use by any account (a discharge list, the care list, a dispensation
 *   after any stop) belongs on it;
 * - the municipal care service's (legemiddelliste i hjemmetjenesten / sykehjem), where there is one: nurses give
 *   the patient's medicines from it, so a medicine a prescriber has in use (the GP, or the hospital at discharge
 *   when the GP has no entry yet) and the care list lacks is a medicine the patient is probably not getting.
 * Not flagged: absence from a hospital discharge list (a snapshot of one stay; later starts are not on it), and
 * absence from Kjernejournal's dispensations (nursing homes and multidose supply, hospital stock and unfilled or
 * over-the-counter medicines are legitimately not there).
 */
function omissionDiscrepancies(entries: readonly MedicationEntry[], status: MedicationListItem['status'], holders: ListHolders): MedicationDiscrepancy[] {
  if (status !== 'ACTIVE') return [];
  const active = inUse(entries);
  const of = (kind: MedicationEntryKind) => entries.filter((e) => e.kind === kind);
  const out: MedicationDiscrepancy[] = [];
  if (holders.gp && of('GP_PRESCRIPTION').length === 0) {
    const evidenceEntries = active.filter((e) => e.kind !== 'GP_PRESCRIPTION');
    out.push({
      kind: 'OMISSION',
      description:
        `Missing from the GP's list (fastlegens legemiddelliste): in use according to ${evidence(evidenceEntries)}. ` +
        'The regular GP keeps the complete list that others reconcile against; add it there, or record why it was left off.',
      values: [
        { value: 'IN_USE', sources: distinctSources(evidenceEntries) },
        { value: 'NOT_ON_GP_LIST', sources: [] },
      ],
    });
  }
  const gpActive = of('GP_PRESCRIPTION').filter((e) => e.status === 'ACTIVE');
  const prescribed = gpActive.length ? gpActive : of('GP_PRESCRIPTION').length ? [] : of('HOSPITAL_STATEMENT').filter((e) => e.status === 'ACTIVE');
  if (holders.care && of('MUNICIPAL_CARE_LIST').length === 0 && prescribed.length) {
    out.push({
      kind: 'OMISSION',
      description:
        `Missing from the municipal care service's medication list (legemiddelliste i hjemme- eller sykehjemstjenesten): prescribed by ${evidence(prescribed)}. ` +
        'The nurses give medicines from that list, so the patient is probably not getting it.',
      values: [
        { value: 'PRESCRIBED', sources: distinctSources(prescribed) },
        { value: 'NOT_ON_CARE_LIST', sources: [] },
      ],
    });
  }
  return out;
}
