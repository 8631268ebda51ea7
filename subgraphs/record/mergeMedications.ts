import type { Provenance } from '../kit/provenance';
import type { MedicationEntry } from '../kit/shapes';

/**
 * The merged medication list: entries from every source about the same medicine (same ATC code, or the
 * same name where a source has no code) become one item, with a discrepancy wherever the sources disagree
 * on the daily dose or on whether the medicine is in use. Pure, so that the rules are testable alone.
 */

export interface DiscrepancyValue {
  value: string;
  sources: Provenance[];
}

export interface MedicationDiscrepancy {
  kind: 'DOSE' | 'STATUS';
  description: string;
  values: DiscrepancyValue[];
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

export function mergeMedications(entries: readonly MedicationEntry[], options: { includeStopped?: boolean } = {}): MedicationListItem[] {
  const groups = new Map<string, MedicationEntry[]>();
  for (const entry of entries) {
    const key = entry.atc ? entry.atc.trim().toUpperCase() : `name:${entry.name.trim().toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const items = [...groups.values()].map(toItem);
  const shown = options.includeStopped === false ? items.filter((i) => i.status !== 'STOPPED') : items;
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

function toItem(entries: MedicationEntry[]): MedicationListItem {
  const ordered = [...entries].sort((a, b) => NAME_PRIORITY.indexOf(a.kind) - NAME_PRIORITY.indexOf(b.kind));
  const first = ordered[0] as MedicationEntry;
  const status = itemStatus(ordered);
  const discrepancies = [statusDiscrepancy(ordered), doseDiscrepancy(ordered)].filter((d): d is MedicationDiscrepancy => d !== null);
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
    const key = `${e.provenance.sourceId}|${e.provenance.organisation}`;
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

/** A dose conflict: sources that list it as in use give different daily doses. */
function doseDiscrepancy(entries: readonly MedicationEntry[]): MedicationDiscrepancy | null {
  const byValue = new Map<string, MedicationEntry[]>();
  for (const e of entries) {
    if (e.status !== 'ACTIVE') continue;
    const value = dailyDose(e);
    if (value) byValue.set(value, [...(byValue.get(value) ?? []), e]);
  }
  if (byValue.size < 2) return null;
  const values = [...byValue].map(([value, es]) => ({ value, sources: distinctSources(es) }));
  return {
    kind: 'DOSE',
    description: `Daily dose differs: ${values.map((v) => `${v.value} (${v.sources.map(label).join(', ')})`).join(' vs ')}.`,
    values,
  };
}
