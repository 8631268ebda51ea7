import { GLOBAL_ID_TYPES, globalIds, type GlobalIdType } from '../../lib/globalId';
import type { SourceInfo } from './SourceDirectory';

/** A patient's record in one source, as far as the ids of its items need it. */
export interface RecordOwner {
  /** The patient's identity number: inside the id (encrypted), so that `node` can one day read the item through its patient. */
  patientNin: string;
  /** The source as this answer names it (for a strictly confidential patient, masked to its sector). */
  source: Pick<SourceInfo, 'sourceId'>;
}

/** What an item's global id is made of, carried with the item (through spreads, as its access is) until `id` is asked. */
const ITEM_ID = Symbol('what a record item global id is made of');

interface ItemIdParts {
  type: GlobalIdType;
  key: string[];
}

/** The types whose `id` is a record item's global id (the rest of GLOBAL_ID_TYPES are entities of the person subgraph). */
export const RECORD_ITEM_TYPES = (Object.keys(GLOBAL_ID_TYPES) as GlobalIdType[]).filter((t) => t !== 'Patient' && t !== 'Practitioner' && t !== 'GpOffice');

/**
 * An item as the API gives it: `sourceId` the source's own id of it (what other items refer to it by: `encounterId`,
 * `goalId`, `referralId`, a block's `documentIds`), and its global `id` (resolved by `recordItemGlobalId`): the patient,
 * the source as this answer names it, and the source's own id of the item, encrypted (lib/globalId.ts). Stable from
 * read to read. Where a strictly confidential patient's source is named by its sector alone (SourceInfo.masked), the
 * id is built from that name too, as everything else in the answer is: nothing in the id is more than the reader was
 * told.
 *
 * The id is encrypted only when a client selects it (an AES-GCM and an HMAC each: a record of hundreds of visits would
 * otherwise pay for ids on every read, and for items a page or a `last:` cuts away). `kind` goes before the source's id
 * where that id is unique only within a kind of item of the source (an appointment's and a referral answer's ids are
 * FHIR ids of two resource types).
 */
export function withRecordItemId<T extends { id: string }>(type: GlobalIdType, record: RecordOwner, item: T, ...kind: string[]): Omit<T, 'id'> & { sourceId: string } {
  const { id, ...rest } = item;
  const parts: ItemIdParts = { type, key: [record.patientNin, record.source.sourceId, ...kind, id] };
  return { ...rest, sourceId: id, [ITEM_ID]: parts };
}

/** The `id` resolver of every record item type (subgraphs/kit/sharedResolvers.ts). */
export function recordItemGlobalId(item: object): string {
  const parts = (item as { [ITEM_ID]?: ItemIdParts })[ITEM_ID];
  // A fault of ours (an item built without withRecordItemId): refused rather than answered with the source's id.
  if (!parts) throw new Error('a record item without the parts of its global id');
  return globalIds().encode(parts.type, parts.key);
}
