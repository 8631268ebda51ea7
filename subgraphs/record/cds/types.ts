import type { CareServiceType, Coding, SummaryRecordModel } from '../../../adapters/model';
import type { Provenance } from '../../kit/provenance';
import type { MedicationListItem } from '../mergeMedications';

/**
 * What the decision-support engine (clinicalWarnings.ts) reads and what it answers. Pure data: the record subgraph
 * builds the input from what the sector subgraphs hand it, with each item's provenance, and passes today's date.
 */

/** What a source supplies to the rules: a source that did not answer makes the rules that need its input partial. */
export type CdsInput = 'MEDICATIONS' | 'CRITICAL_INFORMATION' | 'LAB_RESULTS' | 'PERSON' | 'CARE_SERVICES';

/** A source that did not answer (a failed `SourceStatus`), with what it would have supplied. */
export interface MissingSource {
  sourceId: string;
  sector: string;
  /** As the source may be named to this reader (a masked source is named by its sector's organisation). */
  organisation: string | null;
  inputs: CdsInput[];
}

/** An allergy, intolerance or other critical information from the summary care record (Kjernejournal), with where it came from. */
export type CriticalInformationInput = SummaryRecordModel['criticalInformation'][number] & { provenance: Provenance };

/** A laboratory result (the laboratory's or a hospital's), with where it came from. */
export interface LabResultInput {
  id: string;
  /** When the sample was taken (ISO date or date-time). */
  time: string;
  code: Coding;
  value: number | null;
  /** UCUM. */
  unit: string | null;
  provenance: Provenance;
}

/** A municipal care service (CareRecordModel.services), with where it came from. */
export interface CareServiceInput {
  id: string;
  type: CareServiceType;
  description: string | null;
  start: string;
  end: string | null;
  provenance: Provenance;
}

export interface ClinicalWarningsInput {
  /** Today, ISO yyyy-mm-dd, in Norwegian time (lib/osloTime todayInOslo): the engine never reads the clock. */
  today: string;
  /** The merged medication list as mergeMedications gives it (stopped items included or not: stopped items never warn). */
  medications: readonly MedicationListItem[];
  criticalInformation: readonly CriticalInformationInput[];
  labResults: readonly LabResultInput[];
  person: {
    birthDate: string | null;
    /** Needed to estimate eGFR from creatinine (CKD-EPI 2021); null when unknown. */
    sex: 'FEMALE' | 'MALE' | null;
    deceasedDate: string | null;
    /** Where the registry facts came from (the population register). */
    provenance: Provenance | null;
  };
  careServices: readonly CareServiceInput[];
  /** Sources that did not answer: each names what it would have supplied. */
  missingSources: readonly MissingSource[];
}

export type WarningKind = 'INTERACTION' | 'DUPLICATION' | 'ALLERGY' | 'RENAL' | 'DECEASED' | 'NORGEP' | 'NORGEP_NH';

/**
 * HIGH, MODERATE, LOW: as CDS Hooks cards' indicator critical, warning, info (cdsIndicator). A partial notice (a
 * check that could not be made) is LOW.
 */
export type WarningSeverity = 'HIGH' | 'MODERATE' | 'LOW';

export interface WarningEvidence {
  /** What the item is, in words ("Allergy (Kjernejournal)", "P-Kreatinin", "Ibuprofen on the GP's list"). */
  what: string;
  /** Its value as the source gave it (or as the engine computed it, which `what` then says). */
  value: string;
  /** When (ISO date or date-time): recorded, sampled, prescribed or dispensed; null when the source gives none. */
  date: string | null;
  /** Which source said it; null for a value the engine computed (the inputs of the computation are their own evidence). */
  provenance: Provenance | null;
}

export interface WarningKnowledge {
  /** The knowledge file and item (`codelists/cds/interactions.json#VKA-NSAID`). */
  source: string;
  /** The file's version, and the cited source's version. */
  version: string;
  citation: string;
  /** True when the item could not be checked against its published source (every shipped item, today). */
  unverified: boolean;
}

export interface ClinicalWarning {
  /** Stable: CDS-INTERACTION-<pair>, CDS-DUPLICATION, CDS-ALLERGY, CDS-RENAL-<atc or class>, CDS-DECEASED, CDS-NORGEP-<n>, CDS-NORGEPNH-<n>; a check that could not be made: CDS-<KIND>-PARTIAL. */
  ruleId: string;
  kind: WarningKind;
  severity: WarningSeverity;
  /** At most 140 characters (CDS Hooks card summary), in English, naming medicines as the sources write them. */
  summary: string;
  detail: string;
  suggestedAction: string;
  knowledge: WarningKnowledge;
  evidence: WarningEvidence[];
  /** Keys of the merged medications it concerns (medicationKey: the ATC code, or `name:<lower-case name>`). */
  medications: string[];
  /** Set when a source the rule needs did not answer: the warning (or the check's absence) may be incomplete. */
  partial?: { missingSources: MissingSource[] };
}
