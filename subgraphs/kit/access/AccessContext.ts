import type { Identity } from '../../../lib/identity';
import type { SubgraphName } from '../../../lib/subgraphs';
import type { AccessDecision } from './AccessDecision';
import { verifyAccessGrant } from './accessGrant';
import { planConsentGround, type PlanConsentDecision } from './planConsent';

/** A patient as a subgraph receives it: the key, and (outside the person subgraph) the grant it requires. */
export interface PatientParent {
  nin: string;
  accessGrant?: unknown;
}

/**
 * The reader and their decisions about patients, for one request. In the person subgraph decisions are
 * made (from the sources); in the others they are read from the person subgraph's signed grants.
 */
export class AccessContext {
  private readonly decisions = new Map<string, Promise<AccessDecision>>();
  private readonly resolved = new Map<string, AccessDecision>();
  private readonly consents = new Map<string, Promise<PlanConsentDecision>>();
  private readonly consentsGranted = new Map<string, string>();
  private planConsent?: (patient: PatientParent) => Promise<PlanConsentDecision>;

  constructor(
    readonly identity: Identity,
    readonly requestId: string,
    private readonly decide: (patient: PatientParent) => Promise<AccessDecision>,
  ) {}

  /** The decision about this patient, made or verified once per request. */
  decisionFor(patient: PatientParent): Promise<AccessDecision> {
    const key = memoKey(patient);
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.decide(patient).then((d) => {
        this.resolved.set(patient.nin, d);
        return d;
      });
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** The decisions made so far in this request, by identity number. */
  settled(): ReadonlyMap<string, AccessDecision> {
    return this.resolved;
  }

  /**
   * Where this subgraph can check a participant's consent in a patient's individual plan (the care subgraph, which
   * reads the plan); elsewhere no consent is ever found.
   */
  checkPlanConsentWith(check: (patient: PatientParent) => Promise<PlanConsentDecision>): void {
    this.planConsent = check;
  }

  /**
   * Whether a participant outside health care may read this patient's plan (rule planConsent), checked once per
   * request; a consent that granted is kept for the access log (consentGrounds).
   */
  planConsentFor(patient: PatientParent): Promise<PlanConsentDecision> {
    const key = memoKey(patient);
    let consent = this.consents.get(key);
    if (!consent) {
      const check = this.planConsent;
      consent = (check ? check(patient) : Promise.resolve<PlanConsentDecision>({ granted: false, refusal: 'NO_PLAN_CONSENT' })).then((c) => {
        if (c.granted) this.consentsGranted.set(patient.nin, planConsentGround(c.orgNumber));
        return c;
      });
      this.consents.set(key, consent);
    }
    return consent;
  }

  /** The consents that granted a participant a plan in this request, as access-log grounds, by identity number. */
  consentGrounds(): ReadonlyMap<string, string> {
    return this.consentsGranted;
  }

  /** The reader's organisation, when they are personnel. */
  get orgNumber(): string | null {
    return this.identity.kind === 'PERSONNEL' ? this.identity.orgNumber : null;
  }
}

/** A decision that grants nothing, for a patient without a valid grant (a direct or forged call). */
export const NO_GRANT: AccessDecision = {
  routing: { municipality: null, gpOffice: null, strictlyConfidential: null },
  grounds: [],
  refusal: 'INVALID_GRANT',
};

/**
 * Decisions read from grants: anything that does not verify for this subgraph, request, patient and reader
 * (the one the internal token names) grants nothing.
 */
export function grantReader(key: Buffer, audience: SubgraphName, requestId: string, reader: Identity): (patient: PatientParent) => Promise<AccessDecision> {
  return (patient) => {
    try {
      return Promise.resolve(verifyAccessGrant(key, audience, patient.accessGrant, requestId, patient.nin, reader));
    } catch {
      return Promise.resolve(NO_GRANT);
    }
  };
}

/**
 * The per-request memo's key for a patient as a field was given it: the number with the grant it came with, so that a
 * forged grant is never answered from another field's verified one. Lives only in this request's memory.
 */
function memoKey(patient: PatientParent): string {
  return `${patient.nin}\u0000${typeof patient.accessGrant === 'string' ? patient.accessGrant : ''}`;
}
