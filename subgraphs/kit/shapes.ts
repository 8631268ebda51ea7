import { scheduleFromText } from '../../adapters/kit/doseSchedule';
import type { Coding, Dose, MedicationModel, MessageModel } from '../../adapters/model';
import { provenance, type Provenance } from './provenance';
import type { SourceInfo } from './SourceDirectory';

/** The shared value types of schema/shared.graphql, as the sector subgraphs build them for the views. */

export type MedicationEntryKind = 'GP_PRESCRIPTION' | 'HOSPITAL_STATEMENT' | 'MUNICIPAL_CARE_LIST' | 'NATIONAL_DISPENSATION';

export interface MedicationEntry {
  atc: string | null;
  name: string;
  strength: string | null;
  form: string | null;
  dose: MedicationModel['dose'];
  status: MedicationModel['status'];
  startDate: string | null;
  endDate: string | null;
  lastDispensed: string | null;
  note: string | null;
  kind: MedicationEntryKind;
  provenance: Provenance;
}

/**
 * A dose with its schedule filled in: as needed (ved behov) or fixed, and the days between doses, as the source
 * structures them or else as its dose text says (KITH, PLO, vendor exports and Kjernejournal carry them in words).
 */
export function withSchedule(dose: Dose | null): Dose | null {
  if (!dose) return null;
  const fromText = scheduleFromText(dose.text);
  return { ...dose, asNeeded: dose.asNeeded ?? fromText.asNeeded, intervalDays: dose.intervalDays ?? fromText.intervalDays };
}

export function medicationEntry(m: MedicationModel, kind: MedicationEntryKind, source: SourceInfo): MedicationEntry {
  return {
    atc: m.atc,
    name: m.name,
    strength: m.strength,
    form: m.form,
    dose: withSchedule(m.dose),
    status: m.status,
    startDate: m.startDate,
    endDate: m.endDate,
    lastDispensed: null,
    note: m.note,
    kind,
    provenance: provenance(source, m.id),
  };
}

export type TimelineEventKind =
  | 'GP_CONSULTATION'
  | 'GP_REFERRAL'
  | 'HOSPITAL_ADMISSION'
  | 'HOSPITAL_VISIT'
  | 'LAB_SAMPLE'
  | 'CARE_SERVICE_STARTED'
  | 'CARE_SERVICE_ENDED'
  | 'DISPENSATION'
  | 'CRITICAL_INFORMATION_RECORDED'
  | 'DEATH'
  | 'WELFARE_ALARM'
  | 'DISPENSER_EVENT';

export interface TimelineEvent {
  date: string;
  sector: SourceInfo['sector'];
  kind: TimelineEventKind;
  title: string;
  detail: string | null;
  codes: Coding[];
  provenance: Provenance;
}

export function timelineEvent(
  source: SourceInfo,
  event: { date: string; kind: TimelineEventKind; title: string; detail?: string | null; codes?: Coding[]; recordId?: string | null },
): TimelineEvent {
  return {
    date: event.date,
    sector: source.sector,
    kind: event.kind,
    title: event.title,
    detail: event.detail ?? null,
    codes: event.codes ?? [],
    provenance: provenance(source, event.recordId ?? null),
  };
}

/** Newest first, for lists the schema promises in that order. */
export function newestFirst<T>(items: readonly T[], dateOf: (item: T) => string | null): T[] {
  return [...items].sort((a, b) => (dateOf(b) ?? '').localeCompare(dateOf(a) ?? ''));
}

/** A message as one system's record holds it, with that system as its provenance, for `Patient.messages`. */
export function messageEntry(m: MessageModel, source: SourceInfo) {
  return { ...m, provenance: provenance(source, m.id) };
}
