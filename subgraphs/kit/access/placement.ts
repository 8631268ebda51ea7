import { sector } from '../../../lib/sectors';
import type { SourceOutcome } from '../outcomes';
import type { SourceDirectory, SourceInfo } from '../SourceDirectory';
import type { AccessContext } from './AccessContext';
import { placesProtected, type AccessDecision } from './AccessDecision';
import type { ItemAccess } from './itemAccess';


/**
 * How a source is named when it is asked: by name; or, when the name would place a patient whose address is
 * strictly confidential (or whose grading is unknown), by its sector alone. Everything built from the
 * result (provenance, statuses, errors, timings, logs, the merged views' descriptions) then carries only
 * the sector.
 */
export function sourceFor(sources: SourceDirectory, decision: AccessDecision, info: SourceInfo): SourceInfo {
  return placesProtected(decision) && sector(info.sector).places ? sources.masked(info.sector) : info;
}

/**
 * The one exception: a reader in the very organisation that holds the patient's record sees it named. Only
 * where it does hold one: a catchment hospital without a record, named to its own staff, would still tell
 * them where the patient lives.
 */
export function revealToOwnOrganisation<V>(outcome: SourceOutcome<V>, named: SourceInfo, access: AccessContext): SourceOutcome<V> {
  const own = outcome.source.masked && named.orgNumber !== null && access.orgNumber === named.orgNumber;
  return own && outcome.ok && outcome.value !== null ? { ...outcome, source: named } : outcome;
}

/** What the rules on an item of this source need: the decision, and where the item places the patient. */
export function itemAccessOf(decision: AccessDecision, source: SourceInfo, extra: Partial<ItemAccess> = {}): ItemAccess {
  return { decision, places: [source.orgNumber], ...extra };
}
