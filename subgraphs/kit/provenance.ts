import type { RecordPeriod, SourceInfo } from './SourceDirectory';

/** The `Provenance` objects of the schema. */
export interface Provenance {
  sourceId: string;
  system: string;
  sector: string;
  organisation: string;
  recordId: string | null;
  /** Set for an item of a service the patient has left: when they belonged there (SourceInfo.period). */
  period?: RecordPeriod;
}

export function provenance(source: SourceInfo, recordId: string | null = null): Provenance {
  return { sourceId: source.sourceId, system: source.system, sector: source.sector, organisation: source.organisation, recordId, ...(source.period ? { period: source.period } : {}) };
}

/** A reference to a practitioner entity, resolved by the person subgraph; null without an HPR number. */
export function practitionerRef(hprNumber: string | null | undefined): { hprNumber: string } | null {
  return hprNumber ? { hprNumber } : null;
}
