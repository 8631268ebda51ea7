import type { PurposeOfUse } from './purposeOfUse';

/**
 * Who is reading: the identity the gateway verified from the reader's token, in the form every process
 * of the graph shares (the gateway forwards it to the subgraphs inside the signed internal token).
 *
 * It carries only what the access rules and the access log need. Health personnel are known by HPR number
 * and organisation; their own personal identity number is checked at the gateway and then dropped. A citizen
 * is known by their personal identity number, because that is what makes "their own record".
 */
export type Role = 'CLINICIAN' | 'CITIZEN' | 'RESEARCHER' | 'ADMINISTRATOR';

export const ROLE_TEXT: Record<Role, string> = {
  CLINICIAN: 'health personnel with an HPR number, reading for treatment (TREAT, ETREAT or COC)',
  CITIZEN: 'a citizen logged in with ID-porten at the highest level, reading their own record',
  RESEARCHER: 'personnel reading for research (HRESCH)',
  ADMINISTRATOR: 'personnel reading for administration (HOPERAT), or without an HPR number',
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
}

export interface CitizenIdentity {
  kind: 'CITIZEN';
  role: 'CITIZEN';
  issuer: string;
  /** The citizen's own national identity number (ID-porten `pid`). */
  pid: string;
  /** A citizen reads at their own request. */
  purpose: 'PATRQT';
  emergencyReason: null;
}

export type Identity = PersonnelIdentity | CitizenIdentity;

/**
 * The role the rules reason with, from what the token says. Research and administration purposes are
 * roles of their own whatever else the token holds: such a reader never reads as a clinician. Personnel
 * without an HPR number are not authorised health personnel and read as administrators.
 */
export function personnelRole(hprNumber: string | null, purpose: PurposeOfUse): PersonnelIdentity['role'] {
  if (purpose === 'HRESCH') return 'RESEARCHER';
  if (purpose === 'HOPERAT' || !hprNumber) return 'ADMINISTRATOR';
  return 'CLINICIAN';
}

/** A short, non-personal description of the reader for log lines: role, issuer and organisation. */
export function describeReader(identity: Identity): Record<string, string | null> {
  return identity.kind === 'CITIZEN'
    ? { role: identity.role, issuer: identity.issuer }
    : { role: identity.role, issuer: identity.issuer, org: identity.orgNumber, purpose: identity.purpose };
}
