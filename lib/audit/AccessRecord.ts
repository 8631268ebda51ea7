import type { PurposeOfUse } from '../purposeOfUse';

/**
 * One disclosure of one patient's data to one reader, as the access log keeps it (pjl § 22, Normen fact
 * sheet 15): who, which patient, what, why, when, and which request. Written by the gateway before the answer
 * leaves; read back by the patient through `me { accessLog }` (pjl § 18).
 *
 * Minimal by design: the patient is a keyed pseudonym (never the identity number), the reader is named by HPR
 * number and organisation number (never by name or personal identity number), and no field value is kept,
 * only the names of the fields that were disclosed.
 */
export interface AccessRecord {
  /** Unique id of the record (UUID). */
  id: string;
  /** When the answer was disclosed (ISO date-time, UTC). */
  time: string;
  /** The request id the gateway gave the request (also in the operational logs). */
  requestId: string;
  /** Who read. */
  accessor: Accessor;
  /** The patient, as a keyed pseudonym of the identity number (see `patientPseudonym`). */
  patient: string;
  /** The purpose of use from the reader's token. */
  purpose: PurposeOfUse;
  /** The reason stated for emergency access (purpose ETREAT); null otherwise. */
  emergencyReason: string | null;
  /**
   * What granted access, one entry per ground, for example `GP_LIST:923456783`, `MUNICIPAL_SERVICE:964338531`,
   * `HOSPITAL_EPISODE:983974724`, `EMERGENCY`, `OWN_RECORD`, `HEALTH_PERSONNEL` (registry data only).
   */
  basis: string[];
  /** The fields disclosed, as `Type.field`, sorted, for example `Patient.name`, `CareService.unit`. */
  fields: string[];
  /** The fields asked for and refused, as `Type.field`, sorted. */
  denied: string[];
}

export type Accessor =
  | {
      kind: 'PERSONNEL';
      /** HPR number; null for personnel without one (administrators, researchers). */
      hprNumber: string | null;
      /** Organisation number of the legal entity (HelseID `orgnr_parent`). */
      orgNumber: string | null;
      /** Organisation number of the unit (HelseID `orgnr_child`), where given. */
      childOrgNumber: string | null;
      /** HER-id of the reader's unit, where given. */
      herId: string | null;
      /** Profession code from the token (`LE`, `SP`, …), where given. */
      profession: string | null;
    }
  | {
      /** The patient themselves (ID-porten); their identity is the record's `patient`. */
      kind: 'CITIZEN';
      /**
       * Who acted for the patient, where not the patient herself (a parent, a representative with a power of attorney):
       * a keyed pseudonym of that person's identity number, as `patient` is; the ground is in `basis`.
       */
      representative?: string;
    };
