import type { BlockModel, HospitalRecordModel } from '../../../adapters/model';
import type { Identity } from '../../../lib/identity';

/**
 * Whether a patient's block (sperring, pjl § 17) keeps this reader out. A named person is kept out even
 * where their organisation is excepted; nothing the reader states (emergency access included) lifts a
 * block. A patient's block never keeps the patient out of their own record.
 */
export function blockDenies(block: BlockModel, reader: Identity): boolean {
  if (reader.kind === 'CITIZEN') return false;
  const { hprNumber, orgNumber } = reader;
  if (hprNumber && block.deniedPersons.includes(hprNumber)) return true;
  if (orgNumber && block.deniedOrganisations.includes(orgNumber)) return true;
  if (!block.deniesEveryone) return false;
  const excepted = (orgNumber !== null && block.exceptOrganisations.includes(orgNumber)) || (hprNumber !== null && block.exceptPersons.includes(hprNumber));
  return !excepted;
}

/** Whether any block that covers the whole record at this source keeps the reader out. */
export function recordBlocked(blocks: readonly BlockModel[], reader: Identity): boolean {
  return blocks.some((b) => b.documentIds === null && blockDenies(b, reader));
}

/** Whether the document is blocked for the reader: by a block that names it, or one that covers the whole record. */
export function documentBlocked(documentId: string, blocks: readonly BlockModel[], reader: Identity): boolean {
  return blocks.some((b) => (b.documentIds === null || b.documentIds.includes(documentId)) && blockDenies(b, reader));
}

/**
 * The encounters a block reaches for this reader: those of the documents blocked for them. Their diagnoses, lab results
 * and timeline events (and the warnings built on them) go with them, so the note cannot be read back from what it was about.
 */
export function blockedEncounters(record: Pick<HospitalRecordModel, 'documents' | 'blocks'>, reader: Identity): Set<string> {
  return new Set(record.documents.flatMap((d) => (d.encounterId && documentBlocked(d.id, record.blocks, reader) ? [d.encounterId] : [])));
}
