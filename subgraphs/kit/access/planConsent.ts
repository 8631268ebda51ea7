import type { IndividualPlanModel, PlanSector } from '../../../adapters/model';
import { serviceOrgNumber, type Identity } from '../../../lib/identity';

/**
 * Whether a participant outside health care may read a patient's individual plan (rule planConsent): the patient's
 * consent recorded in the plan names the reader's service, by its unit's organisation number, and is in force today.
 * Decided in the care subgraph, where the plan is read; the person subgraph's decision gives such a reader no ground
 * for health data, and this decision opens nothing but the plan. Pure: the same plan, reader and day give the same
 * answer.
 */

/** Why a participant is refused the plan. */
export type PlanConsentRefusal = 'NO_PLAN_CONSENT' | 'PLAN_CONSENT_UNVERIFIED';

export const PLAN_CONSENT_REFUSAL_TEXT: Record<PlanConsentRefusal, string> = {
  NO_PLAN_CONSENT:
    "no individual plan of this patient records a consent in force that names your service (a participant outside health care reads the plan only while the patient's consent names their unit, and reads nothing else)",
  PLAN_CONSENT_UNVERIFIED: "the municipality's care system, which keeps the plan and its consents, did not answer, so the consent could not be checked; try again",
};

export type PlanConsentDecision = { granted: true; orgNumber: string } | { granted: false; refusal: PlanConsentRefusal };

/** The sectors outside health care whose participation rests on the patient's consent. */
export const OUTSIDE_HEALTH: ReadonlySet<PlanSector> = new Set(['NAV', 'SCHOOL', 'PPT', 'CHILD_WELFARE']);

/** `PLAN_CONSENT:991500014`, as the access log writes the ground. */
export function planConsentGround(orgNumber: string): string {
  return `PLAN_CONSENT:${orgNumber}`;
}

/**
 * The consent that lets this reader read this plan today (ISO date, Oslo), or why not. Only a participant
 * (role PARTICIPANT) can be granted; the consent must be on a participant outside health care whose unit is the
 * reader's service (`orgnr_child`, else `orgnr_parent`), begun on or before today and not ended before it.
 */
export function decidePlanConsent(plan: IndividualPlanModel | null | undefined, reader: Identity, today: string): PlanConsentDecision {
  const refused: PlanConsentDecision = { granted: false, refusal: 'NO_PLAN_CONSENT' };
  if (reader.kind !== 'PERSONNEL' || reader.role !== 'PARTICIPANT' || !plan) return refused;
  const unit = serviceOrgNumber(reader);
  if (!unit) return refused;
  const named = plan.participants.some((p) => OUTSIDE_HEALTH.has(p.sector) && p.orgNumber === unit && p.consent !== null && consentInForce(p.consent, today));
  return named ? { granted: true, orgNumber: unit } : refused;
}

/** Whether a consent is in force on the day (ISO dates): begun, and not ended before it. */
export function consentInForce(consent: { from: string; to: string | null }, today: string): boolean {
  return consent.from <= today && (consent.to === null || consent.to >= today);
}
