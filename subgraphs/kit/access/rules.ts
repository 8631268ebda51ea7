import type { GraphQLError, GraphQLResolveInfo } from 'graphql';
import { graphError } from '../../../lib/errorCodes';
import { validateNin } from '../../../lib/nin';
import type { AccessContext, PatientParent } from './AccessContext';
import { subjectOf } from '../../../lib/identity';
import type { RepresentationScope } from '../../../adapters/model';
import { citizenMay, grantsHealthData, placesProtected, REFUSAL_TEXT, type Refusal } from './AccessDecision';
import { documentBlocked } from './blocks';
import { accessOf } from './itemAccess';
import { PLAN_CONSENT_REFUSAL_TEXT } from './planConsent';
import { approvedProjectFor } from '../../../research/bulk/projects';
import { todayInOslo } from '../../../lib/osloTime';

/**
 * What each rule of schema/access/rules.yaml does, by name. A rule answers true (granted) or the
 * FORBIDDEN error to give for the field; a test checks that every rule of the catalogue has exactly one
 * implementation here and the other way round. The decisions themselves are made elsewhere (decideAccess,
 * blocks): the rules only read them, so one decision serves every field.
 */
export type RuleOutcome = true | GraphQLError;
export type RuleImplementation = (parent: unknown, args: unknown, ctx: { access: AccessContext }, info: GraphQLResolveInfo) => RuleOutcome | Promise<RuleOutcome>;

export function forbidden(rule: string, reason: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return graphError('FORBIDDEN', `Access denied by rule ${rule}: ${reason}`, { rule, ...extensions });
}

const isClinician = (access: AccessContext) => access.identity.role === 'CLINICIAN';
const isParticipant = (access: AccessContext) => access.identity.role === 'PARTICIPANT';
/**
 * Whether a citizen's login acts for this patient with `scope`: her own record, or the record of the person she
 * represents where the registers say she may (the decision's PARENTAL_RESPONSIBILITY or POWER_OF_ATTORNEY ground,
 * within the grant's scopes). `true`, or the reason it does not.
 */
async function citizenActsFor(access: AccessContext, patient: unknown, scope: RepresentationScope): Promise<true | Refusal> {
  const identity = access.identity;
  const nin = (patient as PatientParent)?.nin;
  if (identity.kind !== 'CITIZEN' || typeof nin !== 'string' || nin !== subjectOf(identity)) return 'NOT_OWN_RECORD';
  if (!identity.represents) return true;
  const decision = await access.decisionFor(patient as PatientParent);
  if (citizenMay(decision, scope)) return true;
  return decision.refusal ?? 'OUTSIDE_POWER_OF_ATTORNEY';
}

/** The FORBIDDEN of a citizen who does not act for this patient, with the reason. */
async function citizenRefusal(rule: string, access: AccessContext, patient: unknown, scope: RepresentationScope, fallback?: string): Promise<RuleOutcome> {
  const outcome = await citizenActsFor(access, patient, scope);
  if (outcome === true) return true;
  return forbidden(rule, outcome === 'NOT_OWN_RECORD' && fallback ? fallback : REFUSAL_TEXT[outcome], { reason: outcome });
}

function patientIdentity(rule: string) {
  return async (patient: unknown, _: unknown, { access }: { access: AccessContext }): Promise<RuleOutcome> => {
    if (isClinician(access)) return true;
    if (access.identity.kind === 'CITIZEN') return citizenRefusal(rule, access, patient, 'READ');
    return forbidden(rule, REFUSAL_TEXT.ROLE, { reason: 'ROLE' });
  };
}

/**
 * A name or number that places the patient (placeName, planPlace): released as its item unless the address may be
 * strictly confidential; then only to a reader in that very organisation (`orgs`: the reader's organisations the rule
 * counts), never to anyone else.
 */
function placeRule(rule: string, item: unknown, access: AccessContext, orgs: readonly (string | null)[]): RuleOutcome {
  const itemAccess = accessOf(item);
  if (!itemAccess) return forbidden(rule, 'no access decision is attached to this item', { reason: 'INVALID_GRANT' });
  if (!placesProtected(itemAccess.decision) || itemAccess.placesNothing) return true;
  const places = itemAccess.places ?? [];
  // Only a reader in that very organisation: an unknown place (null) matches no one.
  if (places.length > 0 && orgs.some((org) => org !== null && places.every((p) => p === org))) return true;
  return itemAccess.decision.routing.strictlyConfidential === null
    ? forbidden(rule, 'the population register did not answer, so it is unknown whether the address is strictly confidential; places are withheld until it answers', {
        reason: 'ADDRESS_GRADING_UNKNOWN',
      })
    : forbidden(rule, 'this would tell where a patient with a strictly confidential address is; only readers in that organisation see it', { reason: 'STRICTLY_CONFIDENTIAL' });
}

export const RULE_IMPLEMENTATIONS: Record<string, RuleImplementation> = {
  healthPersonnel: (_p, _a, { access }) => (isClinician(access) ? true : forbidden('healthPersonnel', 'only health personnel reading for treatment may look patients up', { reason: 'ROLE' })),

  // A participant outside health care looks a patient up to read the plan; every other field refuses them.
  patientLookup: (_p, _a, { access }) =>
    isClinician(access) || isParticipant(access)
      ? true
      : forbidden('patientLookup', 'only health personnel reading for treatment, and participants in an individual plan reading for coordination, may look patients up', { reason: 'ROLE' }),

  // The number the patient was looked up by: nothing the participant did not send.
  patientNumber: (patient, args, ctx) => (isParticipant(ctx.access) ? true : patientIdentity('patientNumber')(patient, args, ctx)),

  citizen: (_p, _a, { access }) => (access.identity.kind === 'CITIZEN' ? true : forbidden('citizen', '`me` is for citizens logged in through ID-porten; personnel use `patient`', { reason: 'ROLE' })),

  patientIdentity: patientIdentity('patientIdentity'),

  protectedAddress: async (patient, args, ctx, info) => {
    const identity = await patientIdentity('protectedAddress')(patient, args, ctx);
    if (identity !== true) return identity;
    const decision = await ctx.access.decisionFor(patient as PatientParent);
    return decision.routing.strictlyConfidential === false
      ? true
      : forbidden('protectedAddress', `${info.fieldName === 'address' ? 'a strictly confidential address' : 'the municipality of a strictly confidential address'} is released to no one`, {
          reason: 'STRICTLY_CONFIDENTIAL',
        });
  },

  clinicalData: async (patient, _a, { access }) => {
    const decision = await access.decisionFor(patient as PatientParent);
    if (grantsHealthData(decision)) return true;
    const refusal = decision.refusal ?? 'NO_RELATIONSHIP';
    return forbidden('clinicalData', REFUSAL_TEXT[refusal], { reason: refusal });
  },

  individualPlan: async (patient, _a, { access }) => {
    const decision = await access.decisionFor(patient as PatientParent);
    if (grantsHealthData(decision)) return true;
    // A participant outside health care: the plan's own consent decides, in the subgraph that reads the plan.
    if (isParticipant(access) && decision.refusal !== 'INVALID_GRANT') {
      const consent = await access.planConsentFor(patient as PatientParent);
      if (consent.granted) return true;
      return forbidden('individualPlan', PLAN_CONSENT_REFUSAL_TEXT[consent.refusal], { reason: consent.refusal });
    }
    const refusal = decision.refusal ?? 'NO_RELATIONSHIP';
    return forbidden('individualPlan', REFUSAL_TEXT[refusal], { reason: refusal });
  },

  planPlace: (item, _a, { access }) => placeRule('planPlace', item, access, [access.identity.kind === 'PERSONNEL' ? access.identity.childOrgNumber : null, access.orgNumber]),

  // The patient herself, or who acts for her: a parent of a child under 16, a power of attorney that names BLOCK.
  ownBlock: (_root, _args, { access }) =>
    access.identity.kind === 'CITIZEN'
      ? citizenRefusal('ownBlock', access, { nin: subjectOf(access.identity) }, 'BLOCK')
      : forbidden('ownBlock', 'only the patient herself (or who acts for her), logged in through ID-porten, sets and lifts blocks on her record', { reason: 'ROLE' }),

  patientOwn: (patient, _a, { access }) => citizenRefusal('patientOwn', access, patient, 'READ', 'only the patient sees the blocks on her record'),

  careMessage: async (_root, args, { access }) => {
    const nin = (args as { input?: { patient?: unknown } } | undefined)?.input?.patient;
    if (access.identity.kind === 'CITIZEN') {
      // A citizen writes about herself, or for the person she acts for where that covers messages.
      if (typeof nin !== 'string' || !validateNin(nin).valid) return graphError('INVALID_NIN', 'Not a valid national identity number', { argument: 'input.patient' });
      return citizenRefusal('careMessage', access, { nin }, 'MESSAGE', 'a citizen sends messages about herself, or about the person she acts for');
    }
    if (!isClinician(access)) return forbidden('careMessage', 'only health personnel reading for treatment, and the patient herself, may send messages about a patient', { reason: 'ROLE' });
    if (typeof nin !== 'string' || !validateNin(nin).valid) return graphError('INVALID_NIN', 'Not a valid national identity number', { argument: 'input.patient' });
    // Decided from the sources, as a read of the patient's health data is, before anything is stored or sent.
    const decision = await access.decisionFor({ nin });
    if (grantsHealthData(decision)) return true;
    const refusal = decision.refusal ?? 'NO_RELATIONSHIP';
    return forbidden('careMessage', REFUSAL_TEXT[refusal], { reason: refusal });
  },

  accessLogOwner: (patient, _a, { access }) => citizenRefusal('accessLogOwner', access, patient, 'READ', 'only the patient (or who acts for her) may read who has accessed their record'),

  withParent: () => true,

  // Research under an approval (HRESCH with a REK reference), or administration (HOPERAT): aggregates only.
  researchAggregate: (_root, _args, { access }) => {
    const identity = access.identity;
    if (identity.kind !== 'PERSONNEL' || (identity.role !== 'RESEARCHER' && identity.role !== 'ADMINISTRATOR'))
      return forbidden('researchAggregate', 'aggregates are for research under an approval (purpose HRESCH) and for administration (HOPERAT); records are read under the other rules', { reason: 'ROLE' });
    if (identity.role === 'RESEARCHER' && identity.purpose === 'HRESCH' && !identity.researchApproval)
      return forbidden('researchAggregate', "research needs the project's approval: a REK reference in the token's purpose-of-use details (REK 2026/123456)", { reason: 'NO_APPROVAL' });
    if (identity.role === 'ADMINISTRATOR' && identity.purpose !== 'HOPERAT')
      return forbidden('researchAggregate', 'administration asks for aggregates with purpose HOPERAT', { reason: 'PURPOSE' });
    return true;
  },

  // A pseudonymised extract: a researcher whose approval names a valid project with the reader's organisation as recipient.
  researchExport: (_root, _args, { access }) => {
    const identity = access.identity;
    if (identity.kind !== 'PERSONNEL' || identity.role !== 'RESEARCHER' || identity.purpose !== 'HRESCH')
      return forbidden('researchExport', 'extracts are for research under an approval (purpose HRESCH); administration asks for aggregates', { reason: 'ROLE' });
    if (!identity.researchApproval) return forbidden('researchExport', "an extract needs the project's approval: a REK reference in the token's purpose-of-use details", { reason: 'NO_APPROVAL' });
    const project = approvedProjectFor(identity.researchApproval, todayInOslo());
    if (!project) return forbidden('researchExport', 'the approval names no approved project that is still valid (config/research-projects.json)', { reason: 'NO_PROJECT' });
    if (project.recipient.orgNumber !== identity.orgNumber)
      return forbidden('researchExport', "the project's extracts go to its recipient, and the reader's organisation is not it", { reason: 'NOT_RECIPIENT' });
    return true;
  },

  placeName: (item, _a, { access }) => placeRule('placeName', item, access, [access.orgNumber]),

  documentContent: (document, _a, { access }) => {
    const itemAccess = accessOf(document);
    // Blocks name a document by the hospital's own id of it (`sourceId`); `id` is the global id, which no block names.
    const id = (document as { sourceId?: unknown })?.sourceId;
    if (!itemAccess || typeof id !== 'string') return forbidden('documentContent', 'no access decision is attached to this document', { reason: 'INVALID_GRANT' });
    if (documentBlocked(id, itemAccess.blocks ?? [], access.identity)) {
      return forbidden('documentContent', 'the patient has blocked this document for you (sperring, pjl § 17); emergency access does not lift it', { reason: 'BLOCKED_BY_PATIENT' });
    }
    if (access.identity.kind === 'CITIZEN' && itemAccess.withheldFromPatient) {
      return forbidden('documentContent', 'this document is withheld from your own access (pbrl § 5-1); ask the hospital why, and you may complain', { reason: 'WITHHELD_FROM_PATIENT' });
    }
    return true;
  },

  documentAuthor: async (document, args, ctx, info) => {
    const content = await RULE_IMPLEMENTATIONS.documentContent?.(document, args, ctx, info);
    if (content !== true) return content ?? forbidden('documentAuthor', 'no rule for the content');
    const place = await RULE_IMPLEMENTATIONS.placeName?.(document, args, ctx, info);
    return place === true ? true : forbidden('documentAuthor', (place?.message ?? '').replace(/^Access denied by rule placeName: /, ''), { reason: place?.extensions?.reason });
  },

  publicRegister: () => true,

  accessGrantIssue: () => true,

  federation: () => true,

  notServedHere: (_p, _a, _c, info) => forbidden('notServedHere', `${info.parentType.name}.${info.fieldName} is not served by this subgraph`),

  typeAnchor: (_p, _a, _c, info) => forbidden('typeAnchor', `${info.parentType.name}.${info.fieldName} is not a field to read`),
};
