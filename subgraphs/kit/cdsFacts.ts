import type { CareRecordModel, Coding, HospitalRecordModel, LabResultsModel, SummaryRecordModel } from '../../adapters/model';
import type { Identity } from '../../lib/identity';
import { blockedEncounters } from './access/blocks';
import { provenance, type Provenance } from './provenance';
import type { SourceInfo } from './SourceDirectory';

/**
 * The facts the sector subgraphs hand the record subgraph for decision support (schema: CdsFact), each with where it
 * came from. Only what the rules read: nothing that places the patient (a care service's unit, a pharmacy) is passed.
 */
export interface CdsFact {
  kind: 'CRITICAL_INFORMATION' | 'LAB_RESULT' | 'CARE_SERVICE';
  id: string;
  time: string | null;
  end: string | null;
  type: string | null;
  text: string | null;
  atc: string | null;
  reaction: string | null;
  severity: string | null;
  verified: boolean | null;
  code: Coding | null;
  value: number | null;
  unit: string | null;
  provenance: Provenance;
}

const EMPTY = { time: null, end: null, type: null, text: null, atc: null, reaction: null, severity: null, verified: null, code: null, value: null, unit: null };

export function criticalInformationFact(c: SummaryRecordModel['criticalInformation'][number], source: SourceInfo): CdsFact {
  return { ...EMPTY, kind: 'CRITICAL_INFORMATION', id: c.id, time: c.recorded, type: c.type, text: c.text, atc: c.atc, reaction: c.reaction, severity: c.severity, verified: c.verified, provenance: provenance(source, c.id) };
}

export function labResultFact(r: Pick<LabResultsModel['results'][number], 'id' | 'time' | 'code' | 'value' | 'unit'>, source: SourceInfo): CdsFact {
  return { ...EMPTY, kind: 'LAB_RESULT', id: r.id, time: r.time, code: r.code, value: r.value, unit: r.unit, provenance: provenance(source, r.id) };
}

export function careServiceFact(s: CareRecordModel['services'][number], source: SourceInfo): CdsFact {
  return { ...EMPTY, kind: 'CARE_SERVICE', id: s.id, time: s.start, end: s.end, type: s.type, text: s.description, provenance: provenance(source, s.id) };
}

/**
 * A hospital record's results as facts for this reader: none from an encounter whose document a block hides from them
 * (the result would tell what the hidden note was about, and a warning built on it would say so).
 */
export function hospitalLabFacts(record: Pick<HospitalRecordModel, 'documents' | 'blocks' | 'labResults'>, source: SourceInfo, reader: Identity): CdsFact[] {
  const hidden = blockedEncounters(record, reader);
  return record.labResults.filter((l) => !l.encounterId || !hidden.has(l.encounterId)).map((l) => labResultFact(l, source));
}
