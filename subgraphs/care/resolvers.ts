import type { CareRecordModel } from '../../adapters/model';
import { inheritAccess, withAccess, type WithAccess } from '../kit/access/itemAccess';
import { itemAccessOf, revealToOwnOrganisation, sourceFor } from '../kit/access/placement';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { recordWithSource, sectorStatuses, valuesOf, type SectorOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed } from '../kit/routing';
import { medicationEntry, messageEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { checkArguments } from '../../lib/argumentRules';
import { careTeamEntry, placeVisible, upcomingEntry } from '../kit/coordination';

/** Municipal care subgraph: the care record from the system of the patient's municipality. */

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
}

const SECTOR = 'MUNICIPAL_CARE' as const;

/** The record, from the instance the patient's municipality (in the access grant) names. */
async function careOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<CareRecordModel>> {
  const decision = await ctx.access.decisionFor(p);
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

type CareRecordParent = WithAccess<CareRecordModel & { source: SourceInfo }>;

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    careRecord: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<CareRecordParent | null> => {
      const record = recordWithSource(await careOutcome(p, ctx));
      return record && withAccess(record, itemAccessOf(await ctx.access.decisionFor(p), record.source));
    },
    careMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) => value.medications.map((m) => medicationEntry(m, 'MUNICIPAL_CARE_LIST', source))),
    careTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) =>
        value.services.flatMap((s) => {
          // The unit (a nursing home, a home-care district) places the patient: not named where the source is not.
          const detail = source.masked ? null : s.unit;
          return [
            timelineEvent(source, { date: s.start, kind: 'CARE_SERVICE_STARTED', title: `${s.description} startet`, detail, recordId: s.id }),
            ...(s.end ? [timelineEvent(source, { date: s.end, kind: 'CARE_SERVICE_ENDED', title: `${s.description} avsluttet`, detail, recordId: s.id })] : []),
          ];
        }),
      ),
    careSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await careOutcome(p, ctx)),
    /** Primary contacts, the coordinator and the plan's coordinator, each placed at the municipality (coordination.ts). */
    careCareTeam: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) =>
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
  },
  CareRecord: {
    municipality: (r: CareRecordParent) => r.source.organisation,
    provenance: (r: CareRecordParent) => provenance(r.source),
    services: (r: CareRecordParent) => inheritAccess(r, r.services),
    visits: (r: CareRecordParent, args: { last: number }) => {
      checkArguments('CareRecord', 'visits', args);
      return inheritAccess(
        r,
        newestFirst(r.visits, (v) => v.time)
          .slice(0, args.last)
          .map((v) => ({ ...v, performer: practitionerRef(v.hprNumber) })),
      );
    },
    functionalAssessment: (r: CareRecordParent) => {
      const fa = r.functionalAssessment;
      if (!fa) return null;
      const average = fa.scores.length ? Math.round((fa.scores.reduce((s, x) => s + x.score, 0) / fa.scores.length) * 10) / 10 : null;
      return { ...fa, average };
    },
    administrations: (r: CareRecordParent, args: { last: number }) => {
      checkArguments('CareRecord', 'administrations', args);
      return inheritAccess(
        r,
        newestFirst(r.administrations, (a) => a.time)
          .slice(0, args.last)
          .map((a) => ({ ...a, performer: practitionerRef(a.hprNumber) })),
      );
    },
  },
};
