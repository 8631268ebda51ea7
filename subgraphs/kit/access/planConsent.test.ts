import type { GraphQLError, GraphQLResolveInfo } from 'graphql';
import type { IndividualPlanModel, PlanPartyModel } from '../../../adapters/model';
import { personnelRole, type Identity, type PersonnelIdentity } from '../../../lib/identity';
import { AccessContext, NO_GRANT, type PatientParent } from './AccessContext';
import type { AccessDecision } from './AccessDecision';
import { decidePlanConsent, planConsentGround, type PlanConsentDecision } from './planConsent';
import { RULE_IMPLEMENTATIONS } from './rules';

/**
 * The rule planConsent: a participant outside health care reads a patient's individual plan only while the patient's
 * consent recorded in the plan names their service's unit, and the rule individualPlan that uses it.
 */
const NAV_BERGENHUS = '991500014';
const NAV_ARSTAD = '991500022';
const NAV = '889640782';
const TODAY = '2026-12-06';

const participant = (p: Partial<PersonnelIdentity> = {}): Identity => ({
  kind: 'PERSONNEL',
  role: 'PARTICIPANT',
  issuer: 'test',
  hprNumber: null,
  orgNumber: NAV,
  childOrgNumber: NAV_BERGENHUS,
  herId: null,
  profession: null,
  purpose: 'COC',
  emergencyReason: null,
  ...p,
});

const party = (p: Partial<PlanPartyModel>): PlanPartyModel => ({ sector: 'NAV', role: 'Veileder', hprNumber: null, name: null, service: 'NAV Bergenhus', orgNumber: NAV_BERGENHUS, herId: null, consent: null, ...p });

const plan = (participants: PlanPartyModel[]): IndividualPlanModel => ({
  id: 'ip-1',
  established: '2026-03-25',
  revised: '2026-08-05',
  goals: [],
  measures: [],
  coordinator: null,
  nextMeeting: null,
  participants,
});

describe('planConsent: a participant outside health care and the consent in the plan', () => {
  const running = { from: '2026-06-04', to: '2027-06-05' };

  it('grants the plan while the consent names the reader’s unit and is in force, with the unit as the ground', () => {
    expect(decidePlanConsent(plan([party({ consent: running })]), participant(), TODAY)).toEqual({ granted: true, orgNumber: NAV_BERGENHUS });
    // A consent until withdrawn, and the first and the last day of one.
    expect(decidePlanConsent(plan([party({ consent: { from: '2026-06-04', to: null } })]), participant(), TODAY).granted).toBe(true);
    expect(decidePlanConsent(plan([party({ consent: { from: TODAY, to: TODAY } })]), participant(), TODAY).granted).toBe(true);
    expect(planConsentGround(NAV_BERGENHUS)).toBe('PLAN_CONSENT:991500014');
  });

  it('refuses without a consent, when it has ended or not begun, and for another NAV office', () => {
    const refused: PlanConsentDecision = { granted: false, refusal: 'NO_PLAN_CONSENT' };
    expect(decidePlanConsent(plan([party({ consent: null })]), participant(), TODAY)).toEqual(refused);
    expect(decidePlanConsent(plan([party({ consent: { from: '2026-04-15', to: '2026-09-22' } })]), participant(), TODAY)).toEqual(refused);
    expect(decidePlanConsent(plan([party({ consent: { from: '2026-12-07', to: null } })]), participant(), TODAY)).toEqual(refused);
    expect(decidePlanConsent(plan([party({ consent: running })]), participant({ childOrgNumber: NAV_ARSTAD }), TODAY)).toEqual(refused);
    // NAV as a whole is not the office the consent names: a login without the unit reads as its legal entity.
    expect(decidePlanConsent(plan([party({ consent: running })]), participant({ childOrgNumber: null }), TODAY)).toEqual(refused);
    // No plan, or a plan naming no one outside health care.
    expect(decidePlanConsent(null, participant(), TODAY)).toEqual(refused);
    expect(decidePlanConsent(plan([]), participant(), TODAY)).toEqual(refused);
  });

  it('counts a consent only on a participant outside health care, and grants only the role PARTICIPANT', () => {
    // A consent on a health service or the family (which need none) opens nothing for a reader of that number.
    for (const sector of ['HEALTH_AND_CARE', 'FAMILY'] as const) {
      expect(decidePlanConsent(plan([party({ sector, consent: running })]), participant(), TODAY).granted).toBe(false);
    }
    // A login whose unit is its legal entity (a service registered without sub-units) reads as that entity.
    expect(decidePlanConsent(plan([party({ orgNumber: NAV, consent: running })]), participant({ childOrgNumber: null }), TODAY).granted).toBe(true);
    for (const role of ['CLINICIAN', 'ADMINISTRATOR', 'RESEARCHER'] as const) {
      expect(decidePlanConsent(plan([party({ consent: running })]), participant({ role, hprNumber: role === 'CLINICIAN' ? '1111111' : null }), TODAY).granted).toBe(false);
    }
    expect(decidePlanConsent(plan([party({ consent: running })]), { kind: 'CITIZEN', role: 'CITIZEN', issuer: 't', pid: '03864013065', represents: null, purpose: 'PATRQT', emergencyReason: null }, TODAY).granted).toBe(false);
  });

  it('reads a personnel login without an HPR number as a participant only for coordination (COC)', () => {
    expect(personnelRole(null, 'COC')).toBe('PARTICIPANT');
    expect(personnelRole(null, 'TREAT')).toBe('ADMINISTRATOR');
    expect(personnelRole(null, 'ETREAT')).toBe('ADMINISTRATOR');
    expect(personnelRole(null, 'HOPERAT')).toBe('ADMINISTRATOR');
    expect(personnelRole(null, 'HRESCH')).toBe('RESEARCHER');
    expect(personnelRole('1111111', 'COC')).toBe('CLINICIAN');
  });
});

describe('the rule individualPlan', () => {
  const patient: PatientParent = { nin: '12889940199', accessGrant: 'grant' };
  const routing = { municipality: '4601', gpOffice: '81241', strictlyConfidential: false };
  const refusedRole: AccessDecision = { routing, grounds: [], refusal: 'ROLE' };
  const info = {} as GraphQLResolveInfo;
  const rule = RULE_IMPLEMENTATIONS.individualPlan!;
  const contextFor = (identity: Identity, decision: AccessDecision, consent?: PlanConsentDecision) => {
    const access = new AccessContext(identity, 'r-1', () => Promise.resolve(decision));
    const checked: PatientParent[] = [];
    if (consent) {
      access.checkPlanConsentWith((p) => {
        checked.push(p);
        return Promise.resolve(consent);
      });
    }
    return { access, checked };
  };
  const reasonOf = (outcome: unknown) => (outcome as GraphQLError).extensions?.reason;

  it('grants a participant whose consent the plan records, once per request, and keeps the ground for the access log', async () => {
    const { access, checked } = contextFor(participant(), refusedRole, { granted: true, orgNumber: NAV_BERGENHUS });
    expect(await rule(patient, {}, { access }, info)).toBe(true);
    expect(await rule(patient, {}, { access }, info)).toBe(true);
    expect(checked).toHaveLength(1);
    expect([...access.consentGrounds()]).toEqual([[patient.nin, 'PLAN_CONSENT:991500014']]);
  });

  it('refuses a participant without a consent in force, naming no more than that', async () => {
    const { access } = contextFor(participant(), refusedRole, { granted: false, refusal: 'NO_PLAN_CONSENT' });
    const outcome = await rule(patient, {}, { access }, info);
    expect((outcome as GraphQLError).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'individualPlan', reason: 'NO_PLAN_CONSENT' });
    expect(access.consentGrounds().size).toBe(0);
    // In a subgraph that does not read the plan no consent is ever found.
    const elsewhere = contextFor(participant(), refusedRole);
    expect(reasonOf(await rule(patient, {}, { access: elsewhere.access }, info))).toBe('NO_PLAN_CONSENT');
  });

  it('asks for no consent without a valid grant, and never for health personnel or citizens', async () => {
    const forged = contextFor(participant(), NO_GRANT, { granted: true, orgNumber: NAV_BERGENHUS });
    expect(reasonOf(await rule(patient, {}, { access: forged.access }, info))).toBe('INVALID_GRANT');
    expect(forged.checked).toEqual([]);
    const clinician = contextFor(participant({ role: 'CLINICIAN', hprNumber: '1111111', purpose: 'TREAT' }), { routing, grounds: [], refusal: 'NO_RELATIONSHIP' }, { granted: true, orgNumber: NAV_BERGENHUS });
    expect(reasonOf(await rule(patient, {}, { access: clinician.access }, info))).toBe('NO_RELATIONSHIP');
    expect(clinician.checked).toEqual([]);
    // As clinicalData: a care relationship found in the sources grants.
    const related = contextFor(participant({ role: 'CLINICIAN', hprNumber: '1111111', purpose: 'TREAT' }), { routing, grounds: [{ kind: 'MUNICIPAL_SERVICE', orgNumber: '964338531' }], refusal: null });
    expect(await rule(patient, {}, { access: related.access }, info)).toBe(true);
  });

  it('lets a participant look a patient up and see the number, and nothing of the registers', async () => {
    const { access } = contextFor(participant(), refusedRole);
    expect(await RULE_IMPLEMENTATIONS.patientLookup!(null, {}, { access }, info)).toBe(true);
    expect(await RULE_IMPLEMENTATIONS.patientNumber!(patient, {}, { access }, info)).toBe(true);
    expect(reasonOf(await RULE_IMPLEMENTATIONS.patientIdentity!(patient, {}, { access }, info))).toBe('ROLE');
    expect(reasonOf(await RULE_IMPLEMENTATIONS.clinicalData!(patient, {}, { access }, info))).toBe('ROLE');
    expect(reasonOf(await RULE_IMPLEMENTATIONS.healthPersonnel!(null, {}, { access }, info))).toBe('ROLE');
  });
});
