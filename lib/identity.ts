import type { PurposeOfUse } from './purposeOfUse';

/**
 * Who is reading: the identity the gateway verified from the reader's token, in the form every process
 * of the graph shares (the gateway forwards it to the subgraphs inside the signed internal token).
 *
 * It carries only what the access rules and the access log need. Health personnel are known by HPR number
 * and organisation; their own personal identity number is checked at the gateway and then dropped. A citizen
 * is known by their personal identity number, because that is what makes "their own record".
 */
export type Role = 'CLINICIAN' | 'CITIZEN' | 'PARTICIPANT' | 'RESEARCHER' | 'ADMINISTRATOR';

export const ROLE_TEXT: Record<Role, string> = {
  CLINICIAN: 'health personnel with an HPR number, reading for treatment (TREAT, ETREAT or COC)',
  CITIZEN: 'a citizen logged in with ID-porten at the highest level, reading their own record',
  PARTICIPANT:
    "a participant in a patient's individual plan outside health care (NAV, school, PPT, child welfare): a personnel login without an HPR number, for its service's unit (orgnr_child), reading for coordination (COC); reads the plan of a patient whose recorded consent names that unit, and nothing else",
  RESEARCHER: 'personnel reading for research (HRESCH)',
  ADMINISTRATOR: 'personnel reading for administration (HOPERAT), or without an HPR number for any purpose but coordination',
};

export interface PersonnelIdentity {
  kind: 'PERSONNEL';
  role: Exclude<Role, 'CITIZEN'>;
  /** The issuer's short name (`helseid`, `dev-helseid`), for logs and the access log. */
  issuer: string;
  hprNumber: string | null;
  /** The legal entity the reader acts for (HelseID `orgnr_parent`). */
  orgNumber: string | null;
  /** The unit (HelseID `orgnr_child`), where given. */
  childOrgNumber: string | null;
  herId: string | null;
  /** Profession code from the practitioner register (`LE` doctor, `SP` nurse, `HF` health worker). */
  profession: string | null;
  purpose: PurposeOfUse;
  /** The stated reason for emergency access (purpose ETREAT); null otherwise. */
  emergencyReason: string | null;
  /**
   * For research (purpose HRESCH): the approval the project reads under, as the token's purpose-of-use details carry it
   * (a REK reference such as `REK 2026/123456`, or the number alone); null otherwise, or when the details are not one.
   */
  researchApproval?: string | null;
}

export interface CitizenIdentity {
  kind: 'CITIZEN';
  role: 'CITIZEN';
  issuer: string;
  /** The citizen's own national identity number (ID-porten `pid`): who reads or acts. */
  pid: string;
  /**
   * The person the citizen reads and acts for, where not herself (the token's `represents`): a child she has parental
   * responsibility for, or a person who gave her a power of attorney. The token only says for whom; whether she may is
   * decided from the registers (the population register's parental responsibility, the representation register's
   * grants) for every request, and the access log records both. Null when she acts for herself.
   */
  represents: string | null;
  /** A citizen reads at their own request. */
  purpose: 'PATRQT';
  emergencyReason: null;
}

export type Identity = PersonnelIdentity | CitizenIdentity;

/**
 * The role the rules reason with, from what the token says. Research and administration purposes are
 * roles of their own whatever else the token holds: such a reader never reads as a clinician. Personnel
 * without an HPR number are not authorised health personnel: reading for coordination of care (COC) they are
 * participants in individual plans outside health care, otherwise administrators.
 *
 * A participant outside health care (a NAV counsellor, a teacher, a PPT adviser, a child-welfare officer) logs in
 * with the personnel issuer as other staff do (the simplest faithful choice: an identity at the highest level, the
 * legal entity in `orgnr_parent`, the service's own unit in `orgnr_child`), with no HPR number and the trust
 * framework's purpose of use for coordination, COC. The role grants nothing by itself: whether such a reader may
 * read a patient's plan is decided by the plan, from the patient's consent recorded in it naming that unit
 * (rule planConsent, in the care subgraph), and every other field refuses them.
 */
export function personnelRole(hprNumber: string | null, purpose: PurposeOfUse): PersonnelIdentity['role'] {
  if (purpose === 'HRESCH') return 'RESEARCHER';
  if (purpose === 'HOPERAT') return 'ADMINISTRATOR';
  if (!hprNumber) return purpose === 'COC' ? 'PARTICIPANT' : 'ADMINISTRATOR';
  return 'CLINICIAN';
}

/**
 * The service a reader acts for, as a consent names it: the unit (HelseID `orgnr_child`: a NAV office, a school)
 * where the login gives one, else the legal entity. A NAV office's counsellor logs in under Arbeids- og
 * velferdsetaten and a school's teacher under the municipality; only the unit tells which office or school.
 */
export function serviceOrgNumber(identity: Identity): string | null {
  return identity.kind === 'PERSONNEL' ? (identity.childOrgNumber ?? identity.orgNumber) : null;
}

/** The person whose record a citizen's login reads and acts on: the one she represents, or herself. */
export function subjectOf(identity: CitizenIdentity): string {
  return identity.represents ?? identity.pid;
}

/** A short, non-personal description of the reader for log lines: role, issuer and organisation. */
export function describeReader(identity: Identity): Record<string, string | null> {
  return identity.kind === 'CITIZEN'
    ? { role: identity.role, issuer: identity.issuer }
    : { role: identity.role, issuer: identity.issuer, org: identity.orgNumber, purpose: identity.purpose };
}
