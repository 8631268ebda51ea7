import { globalIds, type GlobalIdType } from '../../lib/globalId';
import type { SourceInfo } from './SourceDirectory';

/** A patient's record in one source, as far as the ids of its items need it. */
export interface RecordOwner {
  /** The patient's identity number: inside the id (encrypted), so that `node` can one day read the item through its patient. */
  patientNin: string;
  source: SourceInfo;
}

/**
 * The global id of an item of a patient's record (a medicine on a list, a diagnosis): the patient, the source as this
 * answer names it, and the source's own id of the item, encrypted (lib/globalId.ts). Stable from read to read. Where a
 * strictly confidential patient's source is named by its sector alone (SourceInfo.masked), the id is built from that
 * name too, as everything else in the answer is: nothing in the id is more than the reader was told.
 */
export function recordItemId(type: GlobalIdType, record: RecordOwner, sourceRecordId: string): string {
  return globalIds().encode(type, [record.patientNin, record.source.sourceId, sourceRecordId]);
}
