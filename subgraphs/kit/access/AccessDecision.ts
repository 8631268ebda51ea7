import type { GpRecordModel, RepresentationScope, SummaryRecordModel } from '../../../adapters/model';

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
  | { kind: 'OWN_RECORD' }
  /**
   * A parent reading for a child under 16 (the population register's foreldreansvar; pbrl § 3-4). `childMayKeep`: the
   * child is 12 or older, so she may keep entries from the parents (parentMayNotSee).
   */
  | { kind: 'PARENTAL_RESPONSIBILITY'; childMayKeep?: true }
  /** A representative reading or acting within a power of attorney (the representation register's grant). */
  | { kind: 'POWER_OF_ATTORNEY'; grantId: string; scopes: RepresentationScope[] };

/** Why health data is refused when no ground holds. */
export type Refusal =
  | 'NO_RELATIONSHIP'
  | 'RELATIONSHIP_UNVERIFIED'
  | 'BLOCKED_BY_PATIENT'
  | 'EMERGENCY_REASON_MISSING'
  | 'NOT_OWN_RECORD'
  | 'ROLE'
  | 'INVALID_GRANT'
  | 'NOT_REPRESENTED'
  | 'REPRESENTATION_UNVERIFIED'
  | 'OUTSIDE_POWER_OF_ATTORNEY';

export const REFUSAL_TEXT: Record<Refusal, string> = {
  NO_RELATIONSHIP:
    'no care relationship with this patient was found in the sources (GP list, an active municipal service or an active hospital episode of care in your organisation); emergency access needs purpose ETREAT and a stated reason',
  RELATIONSHIP_UNVERIFIED: 'the sources that would show a care relationship (or a block) did not answer, so access could not be verified; try again',
  BLOCKED_BY_PATIENT: 'the patient has blocked you by name (sperring, pjl § 17); no purpose, emergency access included, lifts such a block',
  EMERGENCY_REASON_MISSING: 'emergency access (ETREAT) needs a stated reason (purpose_of_use_details) in the login',
  NOT_OWN_RECORD: 'a citizen may read only their own record',
  ROLE: 'your role does not read personal health data (research and administration purposes, or no HPR number); a participant in an individual plan outside health care reads the plan only',
  INVALID_GRANT: 'the request carries no valid access decision for this patient',
  NOT_REPRESENTED:
    'you may act for this person only with parental responsibility for a child under 16 (the population register) or with a power of attorney in force that this person gave you (the representation register); neither was found',
  REPRESENTATION_UNVERIFIED: 'the register that would show that you may act for this person did not answer, so it could not be verified; try again',
  OUTSIDE_POWER_OF_ATTORNEY: 'the power of attorney this person gave you does not cover this; ask them to extend it',
};

/** What a citizen does for the person her login acts for: READ the record, send a MESSAGE, set or lift a BLOCK. */
export function citizenMay(decision: AccessDecision, scope: RepresentationScope): boolean {
  return decision.grounds.some((g) => g.kind === 'OWN_RECORD' || g.kind === 'PARENTAL_RESPONSIBILITY' || (g.kind === 'POWER_OF_ATTORNEY' && g.scopes.includes(scope)));
}

/** A parent reading for a child: what the child (12–15) has kept from the parents is left out (pbrl § 3-4). */
export function readsAsParent(decision: AccessDecision): boolean {
  return decision.grounds.some((g) => g.kind === 'PARENTAL_RESPONSIBILITY');
}

/**
 * A parent reading for a child of 12 to 15, who may keep entries from her parents (pbrl § 3-4 second paragraph). A
 * source that does not mark such entries cannot tell what she kept, so it is withheld from the parent whole
 * (WITHHELD_FROM_PARENTS, partial), never shown unfiltered: the GP systems' extract and the summary record's
 * dispensations mark them; the hospitals, the laboratories and the municipal care systems do not.
 */
export function parentOfChildWhoMayKeep(decision: AccessDecision): boolean {
  return decision.grounds.some((g) => g.kind === 'PARENTAL_RESPONSIBILITY' && g.childMayKeep === true);
}

/**
 * The GP record as a parent reading for a child may see it: without the consultations, prescriptions, referrals and
 * planned consultations the child has kept from the parents, and without a problem-list entry whose code only such a
 * consultation gave (it would tell what the hidden consultation was about). The office's messages mark nothing: for a
 * child who may keep entries they are left out (the messaging subgraph withholds the messages view from her parents as
 * a whole, WITHHELD_FROM_PARENTS). Anyone else gets the record as it is.
 */
export function gpRecordForReader(decision: AccessDecision, record: GpRecordModel): GpRecordModel {
  if (!readsAsParent(decision)) return record;
  const kept = record.consultations.filter((c) => c.keptFromParents);
  const marked = [...kept, ...record.prescriptions, ...record.referrals, ...(record.plannedFollowUps ?? [])].some((x) => x.keptFromParents);
  const messages = parentOfChildWhoMayKeep(decision) && record.messages?.length ? { messages: [] } : {};
  if (!marked && !('messages' in messages)) return record;
  const consultations = record.consultations.filter((c) => !c.keptFromParents);
  const shown = new Set(consultations.flatMap((c) => [...c.diagnoses, ...(c.reason ? [c.reason] : [])].map((d) => `${d.system}|${d.code}`)));
  const hiddenOnly = new Set(kept.flatMap((c) => [...c.diagnoses, ...(c.reason ? [c.reason] : [])].map((d) => `${d.system}|${d.code}`)).filter((k) => !shown.has(k)));
  return {
    ...record,
    consultations,
    prescriptions: record.prescriptions.filter((m) => !m.keptFromParents),
    referrals: record.referrals.filter((r) => !r.keptFromParents),
    problems: record.problems.filter((p) => !hiddenOnly.has(`${p.code.system}|${p.code.code}`)),
    ...(record.plannedFollowUps ? { plannedFollowUps: record.plannedFollowUps.filter((f) => !f.keptFromParents) } : {}),
    ...messages,
  };
}

/** The summary record as a parent reading for a child may see it: without the dispensations the child kept from them. */
export function summaryRecordForReader(decision: AccessDecision, record: SummaryRecordModel): SummaryRecordModel {
  return readsAsParent(decision) && record.dispensations.some((d) => d.keptFromParents) ? { ...record, dispensations: record.dispensations.filter((d) => !d.keptFromParents) } : record;
}

/** Items without what a child has kept from the parents, for a parent reading for her (readsAsParent). */
export function withoutKeptFromParents<T extends { keptFromParents?: boolean }>(decision: AccessDecision, items: readonly T[]): T[] {
  return readsAsParent(decision) ? items.filter((i) => !i.keptFromParents) : [...items];
}

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
  // A power of attorney reads only where it grants READ.
  return decision.grounds.some((g) => g.kind !== 'POWER_OF_ATTORNEY' || g.scopes.includes('READ'));
}

/** Grounds as the access log writes them: `GP_LIST:923456783`, `EMERGENCY`. */
export function groundLabel(ground: Ground): string {
  if (ground.kind === 'POWER_OF_ATTORNEY') return `${ground.kind}:${ground.grantId}`;
  return 'orgNumber' in ground ? `${ground.kind}:${ground.orgNumber}` : ground.kind;
}

/**
 * A strictly confidential patient, or one whose grading is unknown because the register did not answer:
 * both are treated as protected, so a registry outage cannot release a protected person's whereabouts.
 */
export function placesProtected(decision: AccessDecision): boolean {
  return decision.routing.strictlyConfidential !== false;
}
