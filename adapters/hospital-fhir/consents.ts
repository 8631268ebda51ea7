import { normaliseHprNumber, normaliseOrgNumber } from '../../lib/identifiers';
import type { BlockModel } from '../model';
import { CITIZEN_BLOCK_SYSTEM, SYSTEM, type Consent, type ConsentProvision, type FhirCodeableConcept, type FhirReference } from './fhir';
import { referencedId } from './references';

/**
 * A patient's blocks (sperring, pjl § 17) read from a FHIR Consent. Pure. The reading fails closed: what
 * we cannot interpret keeps more readers out, never fewer.
 * - Every `deny` provision is a block: the root one, and any nested one (a denial inside an exception
 *   still denies). Its direct `permit` children are its exceptions.
 * - A deny with no actor, or with an actor we cannot read (no identifier, a system that is neither HPR
 *   nor organisation number, a role that is not a recipient), denies everyone: a refusal we cannot read
 *   is honoured for all.
 * - A deny covers the documents its `data` names by instance; any other data (another resource type, a
 *   relation other than the instance itself, an identifier instead of a reference) widens it to the
 *   patient's whole record at this source, as does a deny with no data.
 * - An exception counts only as far as we read it: a permit narrowed by something the mapper does not
 *   read (data, period, security label, purpose, ...) excepts no one, nor does an actor we cannot read.
 * Elements of a deny the mapper does not read (a period, an action) can only narrow it: ignoring them
 * widens the block, which is safe.
 */

/** The actor roles that name who would receive the information. */
const RECIPIENT_ROLES = new Set(['IRCP', 'PRCP']);
/** The elements of a permit that do not narrow it: a permit with any other element is not honoured. */
const PLAIN_PERMIT = new Set(['id', 'extension', 'type', 'actor', 'action', 'provision']);

type Actor = { kind: 'person' | 'organisation'; id: string } | { kind: 'unreadable' };

function actorOf(role: FhirCodeableConcept | undefined, reference: FhirReference): Actor {
  const recipient = role?.coding?.some((c) => (c.system === undefined || c.system === SYSTEM.participationType) && RECIPIENT_ROLES.has(c.code ?? ''));
  const { system, value = '' } = reference.identifier ?? {};
  if (!recipient) return { kind: 'unreadable' };
  // In normal form (lib/identifiers.ts), as the reader's token is: "09429915" names the same person as "9429915".
  const hpr = system === SYSTEM.hpr ? normaliseHprNumber(value) : null;
  if (hpr) return { kind: 'person', id: hpr };
  const org = system === SYSTEM.orgNumber ? normaliseOrgNumber(value) : null;
  if (org) return { kind: 'organisation', id: org };
  return { kind: 'unreadable' };
}

const unique = (values: string[]) => [...new Set(values)];

/** The documents a deny covers by instance, or null for the whole record. */
function documentIdsOf(provision: ConsentProvision): string[] | null {
  const data = provision.data ?? [];
  if (data.length === 0) return null;
  const ids = data.map((d) => (d.meaning === 'instance' ? referencedId(d.reference.reference, 'DocumentReference') : null));
  return ids.every((id): id is string => id !== null) ? unique(ids) : null;
}

function blockOf(id: string, deny: ConsentProvision, consent: Consent): BlockModel {
  const actors = (deny.actor ?? []).map((a) => actorOf(a.role, a.reference));
  const exceptions = (deny.provision ?? [])
    .filter((p) => p.type === 'permit' && Object.keys(p).every((element) => PLAIN_PERMIT.has(element)))
    .flatMap((p) => (p.actor ?? []).map((a) => actorOf(a.role, a.reference)));
  const ids = (list: Actor[], kind: 'person' | 'organisation') => unique(list.flatMap((a) => (a.kind === kind ? [a.id] : [])));
  return {
    id,
    documentIds: documentIdsOf(deny),
    deniesEveryone: actors.length === 0 || actors.some((a) => a.kind === 'unreadable'),
    deniedPersons: ids(actors, 'person'),
    deniedOrganisations: ids(actors, 'organisation'),
    exceptOrganisations: ids(exceptions, 'organisation'),
    exceptPersons: ids(exceptions, 'person'),
    // Only on a block the patient set herself through the graph: hers to lift (the others are the hospital's).
    ...(consent.identifier?.some((i) => i.system === CITIZEN_BLOCK_SYSTEM) ? { setByPatient: true, since: consent.dateTime ? consent.dateTime.slice(0, 10) : null } : {}),
  };
}

/** The blocks one Consent records (the caller decides whether the Consent is in force). */
export function blocksOf(consent: Consent): BlockModel[] {
  const blocks: BlockModel[] = [];
  // A nested deny is named by its path from the root, so that each block of one Consent has its own id.
  const visit = (provision: ConsentProvision, path: string) => {
    if (provision.type === 'deny') blocks.push(blockOf(`${consent.id}${path}`, provision, consent));
    (provision.provision ?? []).forEach((nested, i) => visit(nested, `${path}/${i}`));
  };
  if (consent.provision) visit(consent.provision, '');
  return blocks;
}
