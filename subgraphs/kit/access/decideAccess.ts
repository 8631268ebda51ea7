import type { CareRecordModel, GpListingModel, HospitalRecordModel, RegistryPerson } from '../../../adapters/model';
import type { Identity } from '../../../lib/identity';
import type { SourceOutcome } from '../outcomes';
import type { AccessDecision, Ground, Refusal, Routing } from './AccessDecision';
import { recordBlocked } from './blocks';

/**
 * The facts a decision rests on, as the sources gave them in this request. The person subgraph gathers
 * them: the registries for every patient, and the reader's own organisation's care or hospital system only
 * when the reader belongs to one (so a reader with no possible relationship costs no extra legacy call).
 */
export interface AccessFacts {
  reader: Identity;
  nin: string;
  /** The population register's answer (routing, address grading). */
  person: SourceOutcome<RegistryPerson>;
  /** The GP register's answer (the GP list). */
  listing: SourceOutcome<GpListingModel>;
  /** Organisation number of the office that runs the patient's GP list, from the register or the directory. */
  gpOfficeOrgNumber: string | null;
  /** The reader's municipality's care record of the patient, when the reader works for the patient's municipality. */
  readerCare?: SourceOutcome<CareRecordModel>;
  /** The reader's hospital's record of the patient, when the reader works at a connected hospital. */
  readerHospital?: SourceOutcome<HospitalRecordModel>;
  /** Today (ISO date), for services and episodes that end. */
  today: string;
}

const STRICT = new Set(['STRICTLY_CONFIDENTIAL', 'STRICTLY_CONFIDENTIAL_ABROAD']);

export function routingOf(facts: Pick<AccessFacts, 'person' | 'listing'>): Routing {
  const { person, listing } = facts;
  return {
    municipality: person.ok ? (person.value?.municipalityNumber ?? '') : null,
    gpOffice: listing.ok ? (listing.value?.office.herId ?? '') : null,
    strictlyConfidential: person.ok ? STRICT.has(person.value?.addressProtection ?? 'NONE') : null,
  };
}

/**
 * Decides whether the reader may read the patient's health data, and on what ground. Pure: the same facts
 * give the same decision, so every rule of it is tested without a source.
 *
 * Order matters and is the policy: a block on the reader by name wins over everything (pjl § 17); then a
 * care relationship found in the sources (hpl § 21a: need to know); then emergency access with a stated
 * reason; a relationship that could not be checked because a source failed refuses (fail closed), and so
 * does a block check that could not be made.
 */
export function decideAccess(facts: AccessFacts): AccessDecision {
  const routing = routingOf(facts);
  const refuse = (refusal: Refusal): AccessDecision => ({ routing, grounds: [], refusal });
  const { reader } = facts;
  if (reader.kind === 'CITIZEN') {
    return reader.pid === facts.nin ? { routing, grounds: [{ kind: 'OWN_RECORD' }], refusal: null } : refuse('NOT_OWN_RECORD');
  }
  if (reader.role !== 'CLINICIAN') return refuse('ROLE');

  const hospital = facts.readerHospital;
  if (hospital?.ok && hospital.value && recordBlocked(hospital.value.blocks, reader)) return refuse('BLOCKED_BY_PATIENT');

  const grounds: Ground[] = [];
  const org = reader.orgNumber;
  const listing = facts.listing.ok ? facts.listing.value : null;
  if (listing && ((reader.hprNumber !== null && listing.gpHprNumber === reader.hprNumber) || (org !== null && facts.gpOfficeOrgNumber === org))) {
    grounds.push({ kind: 'GP_LIST', orgNumber: facts.gpOfficeOrgNumber ?? org ?? '' });
  }
  const care = facts.readerCare;
  if (org && care?.ok && care.value?.services.some((s) => s.start <= facts.today && (s.end === null || s.end >= facts.today))) {
    grounds.push({ kind: 'MUNICIPAL_SERVICE', orgNumber: org });
  }
  if (org && hospital?.ok && hospital.value && hospitalEpisodeActive(hospital.value, facts.today)) {
    grounds.push({ kind: 'HOSPITAL_EPISODE', orgNumber: org });
  }
  // A block by name could sit in the reader's hospital record: unknown when that source failed.
  const blockUnknown = hospital !== undefined && !hospital.ok;
  if (grounds.length > 0 && !blockUnknown) return { routing, grounds, refusal: null };
  if (blockUnknown) return refuse('RELATIONSHIP_UNVERIFIED');

  if (reader.purpose === 'ETREAT') {
    return reader.emergencyReason ? { routing, grounds: [{ kind: 'EMERGENCY' }], refusal: null } : refuse('EMERGENCY_REASON_MISSING');
  }
  const unverified = !facts.listing.ok || (care !== undefined && !care.ok);
  return refuse(unverified ? 'RELATIONSHIP_UNVERIFIED' : 'NO_RELATIONSHIP');
}

/** The hospital is treating the patient now: an active episode of care, or an encounter still open. */
export function hospitalEpisodeActive(record: HospitalRecordModel, today: string): boolean {
  return (
    record.careEpisodes.some((e) => e.status === 'ACTIVE' && (e.end === null || e.end.slice(0, 10) >= today)) ||
    record.encounters.some((e) => e.end === null)
  );
}
