import { graphError } from '../../lib/errorCodes';
import { globalIds } from '../../lib/globalId';
import { normaliseHprNumber } from '../../lib/identifiers';
import type { SubgraphContext } from '../kit/createSubgraph';

/**
 * `Query.node(id:)`: the object inside a global id (lib/globalId.ts). A Patient is handed to the very function
 * `patient(nin:)` uses, so the lookup, the access decision every field then awaits, and the report the gateway's
 * access log is written from are those of `patient(nin:)` with the number inside the id; the field's own rule is the
 * same too (schema/access/person.yaml). Nothing here decides access: a second path that decided would be a second
 * policy to keep in step.
 *
 * Fetches Patient and Practitioner, the entities this subgraph owns. The other types with ids are items of a record,
 * which their sector's system gives only with the whole record of a patient; they are refused as not fetchable.
 */
export async function resolveNode(
  id: string,
  ctx: SubgraphContext,
  lookUpPatient: (nin: string, ctx: SubgraphContext) => Promise<{ nin: string }>,
): Promise<{ __typename: 'Patient'; nin: string } | { __typename: 'Practitioner'; hprNumber: string }> {
  const decoded = globalIds().decode(id);
  // Forged, altered, or another key's: said alike, and nothing of the id is echoed (it may hold a patient).
  if (!decoded) throw graphError('INVALID_ID', 'Not an id this graph issued (altered, made up, or from before a key rotation)', { reason: 'UNREADABLE' });
  const [key] = decoded.key;
  if (decoded.type === 'Patient') {
    if (decoded.key.length !== 1 || !key) throw graphError('INVALID_ID', 'Not an id this graph issued', { reason: 'UNREADABLE' });
    return { ...(await lookUpPatient(key, ctx)), __typename: 'Patient' };
  }
  if (decoded.type === 'Practitioner') {
    const hprNumber = decoded.key.length === 1 ? normaliseHprNumber(key) : null;
    if (!hprNumber) throw graphError('INVALID_ID', 'Not an id this graph issued', { reason: 'UNREADABLE' });
    return { __typename: 'Practitioner', hprNumber };
  }
  // Items of a record and offices: ids for a cache, not fetched yet (see the file's comment). Every other type, so that
  // a sector's new item types need nothing here.
  throw graphError('INVALID_ID', '`node` does not fetch this kind of object yet; read it through its patient', { reason: 'NOT_FETCHABLE' });
}
