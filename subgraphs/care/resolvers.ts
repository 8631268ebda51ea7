import type { CareRecordModel } from '../../adapters/model';
import type { IndividualPlanModel, PlanPartyModel } from '../../adapters/model';
import { todayInOslo } from '../../lib/osloTime';
import { accessOf } from '../kit/access/itemAccess';
import { consentInForce, decidePlanConsent, type PlanConsentDecision } from '../kit/access/planConsent';
import { inheritAccess, withAccess, type WithAccess } from '../kit/access/itemAccess';
import { itemAccessOf, revealToOwnOrganisation, sourceFor } from '../kit/access/placement';
import { careServiceFact } from '../kit/cdsFacts';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { noSourceGraphError, recordWithSource, sectorStatuses, sourceGraphError, statusOf, valuesOf, type SectorOutcome, type SourceOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed, withheldFromParents } from '../kit/routing';
import { parentOfChildWhoMayKeep } from '../kit/access/AccessDecision';
import { medicationEntry, messageEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { checkArguments } from '../../lib/argumentRules';
import { careTeamEntry, placeVisible, upcomingEntry } from '../kit/coordination';
import { withRecordItemId } from '../kit/recordItemId';
import { connection, type ConnectionArgs } from '../kit/connection';

/**
 * Municipal care subgraph: the care record from the system of the patient's municipality, and the records of the
 * municipalities the patient lived in before (within the look-back), each labelled with the period she lived there.
 */

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
}

const SECTOR = 'MUNICIPAL_CARE' as const;

/** The care systems mark nothing a child kept from her parents: withheld from a parent of a child aged 12–15. */
const CARE_WITHHELD = withheldFromParents(SECTOR, 'municipal-care', 'municipal care record (and the individual plan)');

/** The record, from the instance the patient's municipality (in the access grant) names. */
async function careOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<CareRecordModel>> {
  const decision = await ctx.access.decisionFor(p);
  if (parentOfChildWhoMayKeep(decision)) return { none: CARE_WITHHELD };
  const m = decision.routing.municipality;
  if (m === null) return { none: routingFailed(ctx, SECTOR, 'population') };
  if (m === '') return { none: notApplicable(SECTOR, 'municipal-care', 'The patient has no municipality of residence') };
  const instanceId = ctx.sources.municipality(m)?.careInstance;
  if (!instanceId) return { none: notApplicable(SECTOR, 'municipal-care', "The patient's municipality has no connected care system") };
  const adapter = ctx.sources.adapter(instanceId, 'CareRecordModel');
  const named = ctx.sources.info(instanceId);
  const outcome = await ctx.loaders.load(adapter, p.nin, (k) => k, sourceFor(ctx.sources, decision, named));
  return { routed: [revealToOwnOrganisation(outcome, named, ctx.access)] };
}

/**
 * The records of the municipalities the patient lived in before (the grant's `earlierMunicipalities`), each from its
 * own care system, asked alongside today's, newest first, each source labelled with the period she lived there. A
 * system that is today's too is not asked again (its answer is today's record). An earlier municipality without a
 * record, named by its sector only, is left out: how many there were would tell a protected patient's moves.
 */
async function earlierCareOutcomes(p: PatientRef, ctx: SubgraphContext): Promise<SourceOutcome<CareRecordModel>[]> {
  const decision = await ctx.access.decisionFor(p);
  // Withheld with today's (careOutcome says so).
  if (parentOfChildWhoMayKeep(decision)) return [];
  const today = decision.routing.municipality ? ctx.sources.municipality(decision.routing.municipality)?.careInstance : undefined;
  const asked = new Set(today ? [today] : []);
  const reads = [...(decision.routing.earlierMunicipalities ?? [])].reverse().flatMap((m) => {
    const municipality = ctx.sources.municipality(m.id);
    const instanceId = municipality?.careInstance;
    if (!municipality || !instanceId || asked.has(instanceId)) return [];
    asked.add(instanceId);
    const period = { from: m.from, to: m.to };
    const named = { ...ctx.sources.info(instanceId, { name: `${municipality.name} kommune`, orgNumber: municipality.orgNumber }), period };
    const adapter = ctx.sources.adapter(instanceId, 'CareRecordModel');
    return [ctx.loaders.load(adapter, p.nin, (k) => k, { ...sourceFor(ctx.sources, decision, named), period }).then((o) => revealToOwnOrganisation(o, named, ctx.access))];
  });
  return (await Promise.all(reads)).filter((o) => !(o.source.masked && o.ok && o.value === null));
}

/** Today's record and the earlier ones, read alongside each other, for the views. */
async function allCareOutcomes(p: PatientRef, ctx: SubgraphContext): Promise<{ today: SectorOutcome<CareRecordModel>; earlier: SourceOutcome<CareRecordModel>[] }> {
  const [today, earlier] = await Promise.all([careOutcome(p, ctx), earlierCareOutcomes(p, ctx)]);
  return { today, earlier };
}

const allValues = (o: Awaited<ReturnType<typeof allCareOutcomes>>) => [...valuesOf(o.today), ...valuesOf({ routed: o.earlier })];

type CareRecordParent = WithAccess<CareRecordModel & { source: SourceInfo; since?: string | null; patientNin: string }>;

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    careRecord: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<CareRecordParent | null> => {
      const record = recordWithSource(await careOutcome(p, ctx));
      const decision = await ctx.access.decisionFor(p);
      return record && withAccess({ ...record, since: decision.routing.municipalitySince ?? null, patientNin: p.nin }, itemAccessOf(decision, record.source));
    },
    /**
     * One item per earlier municipality that holds a record, newest first. A failed system gives an Error item: a null
     * item with an error at its index, the others still arrive.
     */
    earlierCareRecords: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<(CareRecordParent | Error)[]> => {
      const decision = await ctx.access.decisionFor(p);
      // Withheld with today's from a parent of a child aged 12–15 (decided without waiting for today's read).
      if (parentOfChildWhoMayKeep(decision)) throw noSourceGraphError(CARE_WITHHELD);
      return (await earlierCareOutcomes(p, ctx)).flatMap((o): (CareRecordParent | Error)[] => {
        if (!o.ok) return [sourceGraphError(o)];
        return o.value ? [withAccess({ ...o.value, source: o.source, patientNin: p.nin }, itemAccessOf(decision, o.source))] : [];
      });
    },
    careMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      allValues(await allCareOutcomes(p, ctx)).flatMap(({ value, source }) => value.medications.map((m) => medicationEntry(m, 'MUNICIPAL_CARE_LIST', source))),
    careCdsFacts: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      allValues(await allCareOutcomes(p, ctx)).flatMap(({ value, source }) => value.services.map((s) => careServiceFact(s, source))),
    careTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      allValues(await allCareOutcomes(p, ctx)).flatMap(({ value, source }) =>
        value.services.flatMap((s) => {
          // The unit (a nursing home, a home-care district) places the patient: not named where the source is not.
          const detail = source.masked ? null : s.unit;
          return [
            timelineEvent(source, { date: s.start, kind: 'CARE_SERVICE_STARTED', title: `${s.description} startet`, detail, recordId: s.id }),
            ...(s.end ? [timelineEvent(source, { date: s.end, kind: 'CARE_SERVICE_ENDED', title: `${s.description} avsluttet`, detail, recordId: s.id })] : []),
          ];
        }),
      ),
    careSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const { today, earlier } = await allCareOutcomes(p, ctx);
      return [...sectorStatuses(today), ...earlier.map(statusOf)];
    },
    /**
     * Primary contacts, the coordinator and the plan's coordinator, each placed at the municipality (coordination.ts);
     * an earlier municipality's, past, with their periods.
     */
    careCareTeam: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return allValues(await allCareOutcomes(p, ctx)).flatMap(({ value, source }) =>
        (value.careTeam ?? []).map((m) => careTeamEntry(m, source, ctx.sources, placeVisible(decision, ctx.access, m.orgNumber ?? source.orgNumber))),
      );
    },
    careUpcoming: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) =>
        (value.plannedVisits ?? []).map((v) => upcomingEntry(v, source, ctx.sources, placeVisible(decision, ctx.access, source.orgNumber))),
      );
    },
    careMessages: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) => (value.messages ?? []).map((m) => messageEntry(m, source))),
    /**
     * The individual plan, from today's municipality's care system (its coordinating unit keeps it). Reached only when
     * the rule `individualPlan` granted: a care relationship, the patient, or a participant's consent in this very plan
     * (planConsentOf, asked by the rule with the same request's read).
     */
    individualPlan: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<PlanParent | null> => {
      const record = recordWithSource(await careOutcome(p, ctx));
      if (!record?.individualPlan) return null;
      const owner = { patientNin: p.nin, source: record.source };
      return withAccess({ ...withRecordItemId('IndividualPlan', owner, record.individualPlan), ...owner }, itemAccessOf(await ctx.access.decisionFor(p), record.source));
    },
  },
  CareRecord: {
    municipality: (r: CareRecordParent) => r.source.organisation,
    provenance: (r: CareRecordParent) => provenance(r.source),
    period: (r: CareRecordParent) => r.source.period ?? (r.since ? { from: r.since, to: null } : null),
    current: (r: CareRecordParent) => r.source.period === undefined,
    services: (r: CareRecordParent) => inheritAccess(r, r.services.map((s) => withRecordItemId('CareService', r, s))),
    medications: (r: CareRecordParent) => r.medications.map((m) => withRecordItemId('CareMedication', r, m)),
    welfareTechnology: (r: CareRecordParent) => r.welfareTechnology.map((d) => withRecordItemId('WelfareTechnologyDevice', r, d)),
    visits: (r: CareRecordParent, args: { last: number }) => {
      checkArguments('CareRecord', 'visits', args);
      return visitsOf(r).slice(0, args.last);
    },
    visitsConnection: (r: CareRecordParent, args: ConnectionArgs) => {
      checkArguments('CareRecord', 'visitsConnection', { ...args });
      // Keyed by the source's own id, as before global ids (cursors given then still read on).
      return connection(visitsOf(r), args, { coordinate: 'CareRecord.visitsConnection', key: (v) => `${v.sourceId}|${v.time}` });
    },
    functionalAssessment: (r: CareRecordParent) => {
      const fa = r.functionalAssessment;
      if (!fa) return null;
      const average = fa.scores.length ? Math.round((fa.scores.reduce((s, x) => s + x.score, 0) / fa.scores.length) * 10) / 10 : null;
      return { ...fa, average };
    },
    administrations: (r: CareRecordParent, args: { last: number }) => {
      checkArguments('CareRecord', 'administrations', args);
      return administrationsOf(r).slice(0, args.last);
    },
    administrationsConnection: (r: CareRecordParent, args: ConnectionArgs) => {
      checkArguments('CareRecord', 'administrationsConnection', { ...args });
      // Keyed by the source's own id (the global id is derived from it), never by anything of the patient.
      return connection(administrationsOf(r), args, { coordinate: 'CareRecord.administrationsConnection', key: (a) => `${a.sourceId}|${a.time}` });
    },
  },
  IndividualPlan: {
    provenance: (r: PlanParent) => provenance(r.source),
    coordinator: (r: PlanParent) => r.coordinator && planParty(r, r.coordinator),
    participants: (r: PlanParent) => r.participants.map((x) => planParty(r, x)),
    goals: (r: PlanParent) => r.goals.map((g) => withRecordItemId('PlanGoal', r, g)),
    // goalId stays the care system's id of the goal (PlanGoal.sourceId), as every reference between items does.
    measures: (r: PlanParent) => inheritAccess(r, r.measures.map((m) => withRecordItemId('PlanMeasure', r, m))),
    // The meeting is held where the coordinating unit says: placed at its organisation.
    nextMeeting: (r: PlanParent) => {
      const access = accessOf(r);
      return r.nextMeeting && access ? withAccess(r.nextMeeting, { ...access, places: [r.coordinator?.orgNumber ?? r.source.orgNumber] }) : r.nextMeeting;
    },
  },
  PlanMeasure: {
    responsible: (m: WithAccess<IndividualPlanModel['measures'][number]>) => planParty(m, m.responsible),
  },
  PlanParty: {
    name: (x: PlanPartyModel) => (x.name ? [x.name.given, x.name.middle, x.name.family].filter(Boolean).join(' ') : null),
    consent: (x: PlanPartyModel) => x.consent && { ...x.consent, inForce: consentInForce(x.consent, todayInOslo()) },
  },
};

/** The record's visits, newest first, each with the record's access: the whole list the list field and the connection cut. */
function visitsOf(r: CareRecordParent) {
  return inheritAccess(
    r,
    newestFirst(r.visits, (v) => v.time).map((v) => ({ ...withRecordItemId('CareVisit', r, v), performer: practitionerRef(v.hprNumber) })),
  );
}

/** The record's administrations, newest first, as visitsOf. */
function administrationsOf(r: CareRecordParent) {
  return inheritAccess(
    r,
    newestFirst(r.administrations, (a) => a.time).map((a) => ({ ...withRecordItemId('MedicationAdministration', r, a), performer: practitionerRef(a.hprNumber) })),
  );
}

type PlanParent = WithAccess<Omit<IndividualPlanModel, 'id'> & { sourceId: string; source: SourceInfo; patientNin: string }>;

/** A party to the plan, placed at its organisation; the family places no one. */
function planParty(parent: unknown, party: PlanPartyModel): PlanPartyModel {
  const access = accessOf(parent);
  if (!access) return party;
  return withAccess(party, { ...access, ...(party.sector === 'FAMILY' ? { placesNothing: true, places: [] } : { places: [party.orgNumber] }) });
}

/**
 * Whether a participant outside health care may read the patient's plan (rule planConsent), decided here, where the
 * plan is read: from today's municipality's care record, through the request's loader (the plan's own read is the
 * same one). A source that failed, or a register that did not route, leaves the consent unverified; for a patient
 * whose address may be strictly confidential that is told as no consent, as a relationship's failure is.
 */
export async function planConsentOf(ctx: SubgraphContext, p: PatientRef): Promise<PlanConsentDecision> {
  const decision = await ctx.access.decisionFor(p);
  const unverified: PlanConsentDecision = { granted: false, refusal: decision.routing.strictlyConfidential === false ? 'PLAN_CONSENT_UNVERIFIED' : 'NO_PLAN_CONSENT' };
  if (decision.refusal === 'INVALID_GRANT') return { granted: false, refusal: 'NO_PLAN_CONSENT' };
  const outcome = await careOutcome(p, ctx);
  if ('none' in outcome) return outcome.none.state === 'ROUTING_FAILED' ? unverified : { granted: false, refusal: 'NO_PLAN_CONSENT' };
  const [today] = outcome.routed;
  if (!today?.ok) return unverified;
  return decidePlanConsent(today.value?.individualPlan, ctx.access.identity, todayInOslo());
}
