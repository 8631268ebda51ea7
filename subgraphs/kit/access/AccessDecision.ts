/**
 * The reader's access to one patient's health data, decided once per request by the person subgraph
 * (decideAccess) from what the sources say, and handed to the other subgraphs inside a signed grant.
 */

/** What grants health data, with the organisation whose relationship it is. */
export type Ground =
  | { kind: 'GP_LIST'; orgNumber: string }
  | { kind: 'MUNICIPAL_SERVICE'; orgNumber: string }
  | { kind: 'HOSPITAL_EPISODE'; orgNumber: string }
  | { kind: 'EMERGENCY' }
  | { kind: 'OWN_RECORD' };

/** Why health data is refused when no ground holds. */
export type Refusal =
  | 'NO_RELATIONSHIP'
  | 'RELATIONSHIP_UNVERIFIED'
  | 'BLOCKED_BY_PATIENT'
  | 'EMERGENCY_REASON_MISSING'
  | 'NOT_OWN_RECORD'
  | 'ROLE'
  | 'INVALID_GRANT';

export const REFUSAL_TEXT: Record<Refusal, string> = {
  NO_RELATIONSHIP:
    'no care relationship with this patient was found in the sources (GP list, an active municipal service or an active hospital episode of care in your organisation); emergency access needs purpose ETREAT and a stated reason',
  RELATIONSHIP_UNVERIFIED: 'the sources that would show a care relationship (or a block) did not answer, so access could not be verified; try again',
  BLOCKED_BY_PATIENT: 'the patient has blocked you by name (sperring, pjl § 17); no purpose, emergency access included, lifts such a block',
  EMERGENCY_REASON_MISSING: 'emergency access (ETREAT) needs a stated reason (purpose_of_use_details) in the login',
  NOT_OWN_RECORD: 'a citizen may read only their own record',
  ROLE: 'your role does not read personal health data (research and administration purposes, or no HPR number); a participant in an individual plan outside health care reads the plan only',
  INVALID_GRANT: 'the request carries no valid access decision for this patient',
};

/**
 * Where the patient's records live. `null` means the registry that routes it did not answer; an empty
 * string that the patient has none (no municipality, no GP).
 */
export interface Routing {
  municipality: string | null;
  gpOffice: string | null;
  /** True for a strictly confidential address (codes 6, 19); null when the population register did not answer. */
  strictlyConfidential: boolean | null;
  /** Since when the patient has lived in `municipality` and been listed with `gpOffice` (ISO dates), where the registers date it. */
  municipalitySince?: string;
  gpOfficeSince?: string;
  /**
   * The municipalities the patient lived in before and the GP offices they were listed with before, within the
   * look-back (RECORD_LOOKBACK_YEARS), each with the period they belonged there, oldest first: their records are
   * asked beside today's (pjl § 19: a care relationship now reaches what earlier services recorded). Today's place is
   * never among them. Absent when there are none, or when the registry did not answer.
   */
  earlierMunicipalities?: EarlierPlace[];
  earlierGpOffices?: EarlierPlace[];
}

/** A place the patient belonged to before: a municipality (its number) or a GP office (its HER-id), and when. */
export interface EarlierPlace {
  id: string;
  /** ISO date, where the register dates it. */
  from: string | null;
  /** ISO date the patient left. */
  to: string;
}

/** Every municipality the graph routes to for this patient: today's, then the earlier ones. */
export function routedMunicipalities(routing: Routing): string[] {
  return [...(routing.municipality ? [routing.municipality] : []), ...(routing.earlierMunicipalities ?? []).map((m) => m.id)];
}

export interface AccessDecision {
  routing: Routing;
  /** Health data is released when at least one ground holds. */
  grounds: Ground[];
  /** Why not, when no ground holds; null otherwise. */
  refusal: Refusal | null;
  /**
   * Hospitals (organisation numbers) whose consents could not be read when a relationship granted access:
   * a block by name there was not ruled out. Logged with the disclosure, for follow-up.
   */
  blocksUnchecked?: string[];
  /**
   * The GP record's referrals (their ids) that led to a hospital document blocked for this reader: hidden with
   * the note, as its encounter is, so that "Henvisning til Psykiatrisk poliklinikk" and its diagnosis do not
   * tell what the hidden note is about. Referrals to a hospital in `blocksUnchecked` are hidden too, as
   * whether they lead to a blocked note is not known.
   */
  hiddenReferrals?: string[];
}

/** Whether the GP record's referral is hidden from this reader with a blocked note it led to (hiddenReferrals). */
export function referralHidden(decision: AccessDecision, referral: { id: string; toOrgNumber: string | null }): boolean {
  return (decision.hiddenReferrals ?? []).includes(referral.id) || (referral.toOrgNumber !== null && (decision.blocksUnchecked ?? []).includes(referral.toOrgNumber));
}

export function grantsHealthData(decision: AccessDecision): boolean {
  return decision.grounds.length > 0;
}

/** Grounds as the access log writes them: `GP_LIST:923456783`, `EMERGENCY`. */
export function groundLabel(ground: Ground): string {
  return 'orgNumber' in ground ? `${ground.kind}:${ground.orgNumber}` : ground.kind;
}

/**
 * A strictly confidential patient, or one whose grading is unknown because the register did not answer:
 * both are treated as protected, so a registry outage cannot release a protected person's whereabouts.
 */
export function placesProtected(decision: AccessDecision): boolean {
  return decision.routing.strictlyConfidential !== false;
}
