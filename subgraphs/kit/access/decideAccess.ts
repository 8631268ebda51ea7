import type { CareRecordModel, GpListingModel, HospitalRecordModel, RegistryPerson, RepresentationModel } from '../../../adapters/model';
import type { Identity } from '../../../lib/identity';
import type { SourceOutcome } from '../outcomes';
import { routedMunicipalities, type AccessDecision, type EarlierPlace, type Ground, type Refusal, type Routing } from './AccessDecision';
import { documentBlocked, recordBlocked } from './blocks';

/**
 * The facts a decision rests on, as the sources gave them in this request. The person subgraph gathers
 * them all at once, alongside each other: the registries; every connected hospital's access facts (its
 * episodes of care and the patient's blocks, nothing clinical); and, for a reader who works for a
 * municipality, that municipality's care record of the patient. Asked whoever the patient is and wherever
 * they live, so that neither the answer's time nor its reason tells where a patient lives.
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
  /** The reader's municipality's care record of the patient, when the reader works for a connected municipality. */
  readerCare?: SourceOutcome<CareRecordModel>;
  /** Every connected hospital's access facts about the patient (`careEpisodes` and `blocks`). */
  hospitals: { orgNumber: string; outcome: SourceOutcome<HospitalRecordModel> }[];
  /** The hospitals of a municipality's catchment area (organisation numbers). */
  catchment: (municipality: string) => readonly string[];
  /** Today (ISO date), for services and episodes that end. */
  today: string;
  /**
   * The first day of the look-back (ISO date): earlier places the patient left before it are not routed to
   * (RECORD_LOOKBACK_YEARS before today; by default ten years).
   */
  lookbackFrom?: string;
  /**
   * The grants the patient gave in the representation register (powers of attorney), read when a citizen acts for
   * someone else (the token's `represents`); absent otherwise.
   */
  representation?: SourceOutcome<RepresentationModel | null>;
}

/** Whole years between an ISO birth date and an ISO day. */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.slice(0, 10).split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Parents act for a child until she is 16 (pbrl § 3-4), minus what a child from 12 (CHILD_MAY_KEEP_FROM) keeps from
 * them: the sources that mark such entries are filtered, the others withheld from the parent (parentOfChildWhoMayKeep).
 */
export const PARENTAL_AGE_LIMIT = 16;
export const CHILD_MAY_KEEP_FROM = 12;

/**
 * A citizen acting for someone else: for a child under 16 she has parental responsibility for (the population
 * register), or within a power of attorney in force that the person gave her (the representation register). A
 * register that did not answer leaves it unverified (refused, fail closed). The grant's scopes travel with the ground:
 * READ for reads, MESSAGE and BLOCK for the actions (citizenMay).
 */
function decideRepresentation(facts: AccessFacts, reader: Extract<Identity, { kind: 'CITIZEN' }>): { grounds: Ground[]; refusal: Refusal | null } {
  const person = facts.person.ok ? facts.person.value : undefined;
  const age = person?.birthDate ? ageOn(person.birthDate, facts.today) : null;
  if (person && !person.deceasedDate && age !== null && age < PARENTAL_AGE_LIMIT && (person.parentalResponsibility ?? []).includes(reader.pid)) {
    return { grounds: [{ kind: 'PARENTAL_RESPONSIBILITY', ...(age >= CHILD_MAY_KEEP_FROM ? { childMayKeep: true as const } : {}) }], refusal: null };
  }
  const grants = facts.representation;
  if (grants?.ok) {
    const grant = (grants.value?.grants ?? []).find((g) => g.granterNin === facts.nin && g.representativeNin === reader.pid && g.from <= facts.today && (g.to === null || g.to >= facts.today));
    if (grant) return { grounds: [{ kind: 'POWER_OF_ATTORNEY', grantId: grant.id, scopes: [...grant.scopes] }], refusal: null };
  }
  if (!facts.person.ok || !grants?.ok) return { grounds: [], refusal: 'REPRESENTATION_UNVERIFIED' };
  return { grounds: [], refusal: 'NOT_REPRESENTED' };
}

/** How many years back the graph follows a patient to the places they lived and were listed before. */
export const DEFAULT_LOOKBACK_YEARS = 10;

/** The day `years` whole years before an ISO date (29 February falls back to the 28th). */
export function yearsBefore(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y - years, m - 1, d));
  if (day.getUTCMonth() !== m - 1) day.setUTCDate(0);
  return day.toISOString().slice(0, 10);
}

/**
 * Earlier places, one per place (periods in the same place joined), without today's, without those left before the
 * look-back began, oldest first.
 */
function earlierPlaces(periods: readonly { id: string; from: string | null; to: string | null }[], today: string | null, since: string): EarlierPlace[] {
  const byId = new Map<string, EarlierPlace>();
  for (const p of periods) {
    if (p.to === null || p.id === today || p.to < since) continue;
    const known = byId.get(p.id);
    byId.set(p.id, known ? { id: p.id, from: known.from === null || p.from === null ? null : known.from < p.from ? known.from : p.from, to: known.to > p.to ? known.to : p.to } : { id: p.id, from: p.from, to: p.to });
  }
  return [...byId.values()].sort((a, b) => (a.from ?? '').localeCompare(b.from ?? '') || a.to.localeCompare(b.to));
}

const STRICT = new Set(['STRICTLY_CONFIDENTIAL', 'STRICTLY_CONFIDENTIAL_ABROAD']);

export function routingOf(facts: Pick<AccessFacts, 'person' | 'listing'> & Partial<Pick<AccessFacts, 'today' | 'lookbackFrom'>>): Routing {
  const { person, listing } = facts;
  const municipality = person.ok ? (person.value?.municipalityNumber ?? '') : null;
  const gpOffice = listing.ok ? (listing.value?.office.herId ?? '') : null;
  const since = facts.lookbackFrom ?? yearsBefore(facts.today ?? new Date().toISOString(), DEFAULT_LOOKBACK_YEARS);
  const residences = person.ok ? (person.value?.residenceHistory ?? []) : [];
  const movedIn = residences.find((r) => r.to === null && r.municipalityNumber === municipality)?.from;
  const earlierMunicipalities = earlierPlaces(residences.map((r) => ({ id: r.municipalityNumber, from: r.from, to: r.to })), municipality, since);
  const listings = listing.ok ? (listing.value?.history ?? []) : [];
  const earlierGpOffices = earlierPlaces(listings.map((l) => ({ id: l.office.herId, from: l.from, to: l.to })), gpOffice, since);
  const listedSince = listing.ok ? listing.value?.since : null;
  return {
    municipality,
    gpOffice,
    strictlyConfidential: person.ok ? STRICT.has(person.value?.addressProtection ?? 'NONE') : null,
    ...(movedIn ? { municipalitySince: movedIn } : {}),
    ...(listedSince ? { gpOfficeSince: listedSince } : {}),
    ...(earlierMunicipalities.length ? { earlierMunicipalities } : {}),
    ...(earlierGpOffices.length ? { earlierGpOffices } : {}),
  };
}

/**
 * Decides whether the reader may read the patient's health data, and on what ground. Pure: the same facts
 * give the same decision, so every rule of it is tested without a source.
 *
 * Order matters and is the policy: a block on the reader by name, in any hospital's record, wins over
 * everything (pjl § 17); then a care relationship found in the sources (hpl § 21a: need to know); then
 * emergency access with a stated reason. When a hospital that would be asked for this patient did not
 * answer, a block there cannot be ruled out: emergency access is refused, while a relationship found in the
 * sources still grants, with the unchecked hospitals named in the decision (and so in the access log) for
 * follow-up. Refusing every clinician every patient of a catchment area while one hospital is down would
 * put patients at risk for the sake of a rare block; the cache serves a hospital's last known consents
 * during an outage, which makes even this rare. A relationship that could not be checked refuses (fail
 * closed). For a patient whose address may be strictly confidential, "could not be checked" is told as "no
 * relationship": which check failed would say which region's systems hold the patient.
 */
export function decideAccess(facts: AccessFacts): AccessDecision {
  const routing = routingOf(facts);
  const refuse = (refusal: Refusal): AccessDecision => ({
    routing,
    grounds: [],
    refusal: refusal === 'RELATIONSHIP_UNVERIFIED' && routing.strictlyConfidential !== false ? 'NO_RELATIONSHIP' : refusal,
  });
  const { reader } = facts;
  if (reader.kind === 'CITIZEN') {
    if (!reader.represents) return reader.pid === facts.nin ? { routing, grounds: [{ kind: 'OWN_RECORD' }], refusal: null } : refuse('NOT_OWN_RECORD');
    // Acting for someone else reaches that person's record only (not her own, nor a third person's).
    if (reader.represents !== facts.nin) return refuse('NOT_OWN_RECORD');
    const represented = decideRepresentation(facts, reader);
    return represented.refusal ? refuse(represented.refusal) : { routing, grounds: represented.grounds, refusal: null };
  }
  if (reader.role !== 'CLINICIAN') return refuse('ROLE');

  // Blocks by name: found in any hospital's record, they apply to all the patient's health data.
  if (facts.hospitals.some((h) => h.outcome.ok && h.outcome.value && recordBlocked(h.outcome.value.blocks, reader))) return refuse('BLOCKED_BY_PATIENT');
  // The hospitals the graph would ask for this patient (today's catchment and the earlier municipalities'); all of
  // them while the municipality is unknown.
  const relevant = routing.municipality === null ? null : new Set(routedMunicipalities(routing).flatMap((m) => facts.catchment(m)));
  const unchecked = facts.hospitals.filter((h) => !h.outcome.ok && (relevant === null || relevant.has(h.orgNumber))).map((h) => h.orgNumber);

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
  const own = facts.hospitals.find((h) => h.orgNumber === org);
  if (org && own?.outcome.ok && own.outcome.value && hospitalEpisodeActive(own.outcome.value, facts.today)) {
    grounds.push({ kind: 'HOSPITAL_EPISODE', orgNumber: org });
  }
  const hidden = hiddenReferrals(facts);
  const extras = { ...(unchecked.length ? { blocksUnchecked: unchecked } : {}), ...(hidden.length ? { hiddenReferrals: hidden } : {}) };
  if (grounds.length > 0) return { routing, grounds, refusal: null, ...extras };
  if (unchecked.length > 0) return refuse('RELATIONSHIP_UNVERIFIED');

  if (reader.purpose === 'ETREAT') {
    return reader.emergencyReason ? { routing, grounds: [{ kind: 'EMERGENCY' }], refusal: null, ...extras } : refuse('EMERGENCY_REASON_MISSING');
  }
  const unverified = !facts.listing.ok || (care !== undefined && !care.ok) || (own !== undefined && !own.outcome.ok);
  return refuse(unverified ? 'RELATIONSHIP_UNVERIFIED' : 'NO_RELATIONSHIP');
}

/**
 * The GP referrals that led to a document blocked for this reader, in any hospital that answered: a block on a
 * note reaches its encounter (documentContent), and so the referral that asked for it, in the GP record.
 */
function hiddenReferrals(facts: AccessFacts): string[] {
  const ids = facts.hospitals.flatMap(({ outcome }) => {
    const record = outcome.ok ? outcome.value : null;
    if (!record) return [];
    return (record.documentReferrals ?? []).flatMap((d) => (documentBlocked(d.documentId, record.blocks, facts.reader) ? d.referralIds : []));
  });
  return [...new Set(ids)].sort();
}

/** The hospital is treating the patient now: an active episode of care, or an encounter still open. */
export function hospitalEpisodeActive(record: HospitalRecordModel, today: string): boolean {
  return (
    record.careEpisodes.some((e) => e.status === 'ACTIVE' && (e.end === null || e.end.slice(0, 10) >= today)) ||
    record.encounters.some((e) => e.end === null)
  );
}
