import type { CitizenIdentity } from '../identity';
import type { Accessor } from './AccessRecord';
import { patientPseudonym } from './patientPseudonym';

/**
 * A citizen in the access log: the patient herself, or who acted for her, by a keyed pseudonym of that person's number
 * (the same key as the patient's): the log keeps no identity number, and the patient's view names the representative
 * by matching the pseudonym against the registers' parents and grantees (subgraphs/person/accessLog.ts).
 */
export function citizenAccessor(identity: CitizenIdentity, key: Buffer): Accessor {
  return identity.represents ? { kind: 'CITIZEN', representative: patientPseudonym(identity.pid, key) } : { kind: 'CITIZEN' };
}
