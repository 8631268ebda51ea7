import type { CdsFact } from '../kit/cdsFacts';
import type { Provenance } from '../kit/provenance';
import type { MedicationEntry } from '../kit/shapes';
import type { SourceStatus } from '../kit/outcomes';
import { clinicalWarnings, medicationKey, missingSourcesFrom } from './cds/clinicalWarnings';
import type { ClinicalWarning, ClinicalWarningsInput } from './cds/types';
import { mergeMedications, type MedicationListItem } from './mergeMedications';

/**
 * The record subgraph's side of decision support: the engine's input from what the sector subgraphs handed over
 * (through @requires), and its warnings in the schema's shape. What the sectors hand over is already what this
 * reader may see (blocks applied, places masked), so a warning can say nothing the record would not.
 */

/** What the record subgraph receives for the warnings, by field. */
export interface WarningFacts {
  entries: readonly MedicationEntry[];
  facts: readonly CdsFact[];
  birthDate?: string | null;
  sex?: string | null;
  deceasedDate?: string | null;
  statuses: readonly SourceStatus[];
}

/** A medicine about to be ordered (schema: ProposedMedication). */
export interface ProposedMedication {
  id: string;
  atc: string;
  name: string;
  amount?: number | null;
  unit?: string | null;
  timesPerDay?: number | null;
  asNeeded?: boolean | null;
  intervalDays?: number | null;
}

/** A warning as the schema has it. */
export type WarningOut = Omit<ClinicalWarning, 'partial'> & { partial: boolean; missingSources: string[] };

const DRAFT_SYSTEM = 'draft-order';

/** A proposed order as a merged medicine in use, from a draft (its provenance says so and is not shown). */
function proposedItem(p: ProposedMedication): MedicationListItem {
  const provenance: Provenance = { sourceId: DRAFT_SYSTEM, system: DRAFT_SYSTEM, sector: 'GP', organisation: 'Draft order', recordId: p.id };
  const entry: MedicationEntry = {
    atc: p.atc.trim().toUpperCase(),
    name: p.name,
    strength: p.amount != null && p.unit ? `${p.amount} ${p.unit}` : null,
    form: null,
    dose: { amount: p.amount ?? null, unit: p.unit ?? null, timesPerDay: p.timesPerDay ?? null, text: '', asNeeded: p.asNeeded ?? false, intervalDays: p.intervalDays ?? null },
    status: 'ACTIVE',
    startDate: null,
    endDate: null,
    lastDispensed: null,
    note: null,
    kind: 'GP_PRESCRIPTION',
    provenance,
  };
  return { atc: entry.atc, name: p.name, status: 'ACTIVE', entries: [entry], sources: [provenance], discrepancies: [], hasDiscrepancy: false };
}

/**
 * The engine's input. Every optional value is read as `?? null`: a gateway engine may hand over a required field's null
 * as absent (Hive's router leaves nulls out of @requires representations).
 */
function engineInput(facts: WarningFacts, today: string, medications: readonly MedicationListItem[]): ClinicalWarningsInput {
  const population = facts.statuses.find((s) => s.system === 'population-register');
  return {
    today,
    medications,
    criticalInformation: facts.facts
      .filter((f) => f.kind === 'CRITICAL_INFORMATION')
      .map((f) => ({
        id: f.id,
        type: (f.type ?? 'OTHER') as 'ALLERGY' | 'IMPLANT' | 'ANAESTHESIA_COMPLICATION' | 'OTHER',
        text: f.text ?? '',
        atc: f.atc ?? null,
        reaction: f.reaction ?? null,
        severity: (f.severity ?? null) as 'MILD' | 'MODERATE' | 'SEVERE' | null,
        recorded: f.time ?? null,
        verified: f.verified ?? false,
        recordedByHpr: null,
        provenance: f.provenance,
      })),
    labResults: facts.facts.flatMap((f) => (f.kind === 'LAB_RESULT' && f.code && f.time ? [{ id: f.id, time: f.time, code: f.code, value: f.value ?? null, unit: f.unit ?? null, provenance: f.provenance }] : [])),
    person: {
      birthDate: facts.birthDate ?? null,
      sex: facts.sex === 'FEMALE' || facts.sex === 'MALE' ? facts.sex : null,
      deceasedDate: facts.deceasedDate ?? null,
      provenance: population ? { sourceId: population.sourceId, system: population.system, sector: population.sector, organisation: population.organisation ?? 'Folkeregisteret', recordId: null } : null,
    },
    careServices: facts.facts.flatMap((f) =>
      f.kind === 'CARE_SERVICE' && f.time ? [{ id: f.id, type: f.type as ClinicalWarningsInput['careServices'][number]['type'], description: f.text ?? null, start: f.time, end: f.end ?? null, provenance: f.provenance }] : [],
    ),
    missingSources: missingSourcesFrom(facts.statuses),
  };
}

/**
 * The warnings on the record, with `proposed` checked as if in use (named `proposed:<id>`). The medication list is
 * merged here with stopped items, as the engine wants them (stopped items never warn).
 */
export function warningsOf(
  facts: WarningFacts,
  today: string,
  proposed: readonly ProposedMedication[] = [],
  merged: readonly MedicationListItem[] = mergeMedications(facts.entries, { includeStopped: true }),
): WarningOut[] {
  const medications = [...merged];
  const inUse = new Set(merged.map(medicationKey));
  /** Each proposed medicine's key → the orders' names; `alone`: keys only a proposed order has. */
  const orders = new Map<string, string[]>();
  const alone = new Set<string>();
  for (const p of proposed) {
    const item = proposedItem(p);
    const key = medicationKey(item);
    orders.set(key, [...(orders.get(key) ?? []), `proposed:${p.id}`]);
    // A medicine already in use is not added twice: its warnings name the order too.
    if (!inUse.has(key) && !alone.has(key)) {
      alone.add(key);
      medications.push(item);
    }
  }
  return clinicalWarnings(engineInput(facts, today, medications)).map(({ partial, ...w }) => ({
    ...w,
    medications: w.medications.flatMap((m) => [...(alone.has(m) ? [] : [m]), ...(orders.get(m) ?? [])]),
    evidence: w.evidence.map((e) => (e.provenance?.system === DRAFT_SYSTEM ? { ...e, provenance: null } : e)),
    partial: partial !== undefined,
    missingSources: (partial?.missingSources ?? []).map((s) => s.sourceId),
  }));
}

/** The warnings that concern one merged medicine. */
export function itemWarnings(warnings: readonly WarningOut[], item: Pick<MedicationListItem, 'atc' | 'name'>): WarningOut[] {
  const key = medicationKey(item);
  return warnings.filter((w) => w.medications.includes(key));
}
