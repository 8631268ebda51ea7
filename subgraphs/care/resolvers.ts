import type { CareRecordModel } from '../../adapters/model';
import type { SubgraphContext } from '../kit/createSubgraph';
import { recordWithSource, sectorStatuses, valuesOf, type SectorOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed, type RoutingKey } from '../kit/routing';
import { medicationEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';

/** Municipal care subgraph: the care record from the system of the patient's municipality. */

interface PatientRef {
  nin: string;
  routingMunicipality?: RoutingKey;
  routingAddressProtected?: boolean | null;
}

const SECTOR = 'MUNICIPAL_CARE' as const;

async function careOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<CareRecordModel>> {
  const m = p.routingMunicipality;
  if (m === null || m === undefined) return { none: routingFailed(ctx, SECTOR, 'population') };
  if (m === '') return { none: notApplicable(SECTOR, 'municipal-care', 'The patient has no municipality of residence') };
  const instanceId = ctx.sources.municipality(m)?.careInstance;
  if (!instanceId) return { none: notApplicable(SECTOR, 'municipal-care', "The patient's municipality has no connected care system") };
  const adapter = ctx.sources.adapter(instanceId, ['care-json', 'care-plo']);
  const info = p.routingAddressProtected ? ctx.sources.masked(SECTOR) : ctx.sources.info(instanceId);
  return { routed: [await ctx.loaders.load(adapter, p.nin, (k) => k, info)] };
}

interface CareRecordParent extends CareRecordModel {
  source: SourceInfo;
}

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => ref,
    careRecord: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<CareRecordParent | null> => recordWithSource(await careOutcome(p, ctx)),
    careMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) => value.medications.map((m) => medicationEntry(m, 'MUNICIPAL_CARE_LIST', source))),
    careTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await careOutcome(p, ctx)).flatMap(({ value, source }) =>
        value.services.flatMap((s) => [
          timelineEvent(source, { date: s.start, kind: 'CARE_SERVICE_STARTED', title: `${s.description} startet`, detail: s.unit, recordId: s.id }),
          ...(s.end ? [timelineEvent(source, { date: s.end, kind: 'CARE_SERVICE_ENDED', title: `${s.description} avsluttet`, detail: s.unit, recordId: s.id })] : []),
        ]),
      ),
    careSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await careOutcome(p, ctx)),
  },
  CareRecord: {
    municipality: (r: CareRecordParent) => (r.source.masked ? null : r.source.organisation),
    provenance: (r: CareRecordParent) => provenance(r.source),
    visits: (r: CareRecordParent, args: { last: number }) =>
      newestFirst(r.visits, (v) => v.time)
        .slice(0, Math.max(0, args.last))
        .map((v) => ({ ...v, performer: practitionerRef(v.hprNumber) })),
    functionalAssessment: (r: CareRecordParent) => {
      const fa = r.functionalAssessment;
      if (!fa) return null;
      const average = fa.scores.length ? Math.round((fa.scores.reduce((s, x) => s + x.score, 0) / fa.scores.length) * 10) / 10 : null;
      return { ...fa, average };
    },
    administrations: (r: CareRecordParent, args: { last: number }) =>
      newestFirst(r.administrations, (a) => a.time)
        .slice(0, Math.max(0, args.last))
        .map((a) => ({ ...a, performer: practitionerRef(a.hprNumber) })),
  },
};
