import type { GpRecordModel } from '../../adapters/model';
import { referralHidden } from '../kit/access/AccessDecision';
import { accessOf, inheritAccess, withAccess, type WithAccess } from '../kit/access/itemAccess';
import { itemAccessOf, revealToOwnOrganisation, sourceFor } from '../kit/access/placement';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { recordWithSource, sectorStatuses, valuesOf, type SectorOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed } from '../kit/routing';
import { medicationEntry, messageEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { checkArguments } from '../../lib/argumentRules';
import { placeVisible, upcomingEntry } from '../kit/coordination';

/** GP subgraph: the GP record from the record system the patient's GP office runs. */

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
}

const SECTOR = 'GP' as const;

/** The record, from the system of the GP office the access grant names (from the GP register). */
async function gpOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<GpRecordModel>> {
  const decision = await ctx.access.decisionFor(p);
  const herId = decision.routing.gpOffice;
  if (herId === null) return { none: routingFailed(ctx, SECTOR, 'gpList') };
  if (herId === '') return { none: notApplicable(SECTOR, 'gp', 'The patient is not listed with a GP') };
  const office = ctx.sources.gpOffice(herId);
  if (!office) return { none: notApplicable(SECTOR, 'gp', "The patient's GP office has no connected record system") };
  const adapter = ctx.sources.adapter(office.instance, 'GpRecordModel');
  const named = ctx.sources.info(office.instance, { name: office.name, orgNumber: office.orgNumber });
  const outcome = await ctx.loaders.load(adapter, { nin: p.nin, officeHerId: herId }, (k) => k.nin, sourceFor(ctx.sources, decision, named));
  return { routed: [revealToOwnOrganisation(outcome, named, ctx.access)] };
}

type GpRecordParent = WithAccess<GpRecordModel & { source: SourceInfo; patient: PatientRef }>;

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    gpRecord: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<GpRecordParent | null> => {
      const record = recordWithSource(await gpOutcome(p, ctx));
      // The patient and the grant go with the record, for its referrals' answers (the hospital subgraph's `assessment`).
      return record && withAccess({ ...record, patient: { nin: p.nin, accessGrant: p.accessGrant } }, itemAccessOf(await ctx.access.decisionFor(p), record.source));
    },
    gpMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await gpOutcome(p, ctx)).flatMap(({ value, source }) => value.prescriptions.map((m) => medicationEntry(m, 'GP_PRESCRIPTION', source))),
    gpTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return valuesOf(await gpOutcome(p, ctx)).flatMap(({ value, source }) => [
        ...value.consultations.map((c) =>
          timelineEvent(source, {
            date: c.time,
            kind: 'GP_CONSULTATION',
            title: `Konsultasjon hos fastlege${c.reason?.display ? `: ${c.reason.display}` : ''}`,
            detail: c.note,
            codes: c.diagnoses,
            recordId: c.id,
          }),
        ),
        ...value.referrals.filter((r) => !referralHidden(decision, r)).map((r) =>
          timelineEvent(source, {
            date: r.date,
            kind: 'GP_REFERRAL',
            title: `Henvisning${r.toDepartment ? ` til ${r.toDepartment}` : ''}`,
            detail: r.text,
            codes: r.reason ? [r.reason] : [],
            recordId: r.id,
          }),
        ),
      ]);
    },
    gpSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await gpOutcome(p, ctx)),
    /** The planned follow-ups, at the office (placed there, coordination.ts). */
    gpUpcoming: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return valuesOf(await gpOutcome(p, ctx)).flatMap(({ value, source }) => {
        const visible = placeVisible(decision, ctx.access, source.orgNumber);
        return (value.plannedFollowUps ?? []).map((f) => upcomingEntry(f, source, ctx.sources, visible, source.masked ? null : source.organisation));
      });
    },
    gpMessages: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await gpOutcome(p, ctx)).flatMap(({ value, source }) => (value.messages ?? []).map((m) => messageEntry(m, source))),
  },
  GpRecord: {
    office: (r: GpRecordParent) => r.source.organisation,
    provenance: (r: GpRecordParent) => provenance(r.source),
    consultations: (r: GpRecordParent, args: { last: number }) => {
      checkArguments('GpRecord', 'consultations', args);
      return inheritAccess(
        r,
        newestFirst(r.consultations, (c) => c.time)
          .slice(0, args.last)
          .map((c) => ({ ...c, practitioner: practitionerRef(c.hprNumber) })),
      );
    },
    prescriptions: (r: GpRecordParent) => inheritAccess(r, r.prescriptions.map((m) => ({ ...m, prescriber: practitionerRef(m.hprNumber) }))),
    /** Without those that led to a hospital note blocked for this reader (AccessDecision.hiddenReferrals). */
    referrals: (r: GpRecordParent) => {
      const decision = accessOf(r)?.decision;
      return inheritAccess(
        r,
        newestFirst(r.referrals, (x) => x.date)
          .filter((x) => decision !== undefined && !referralHidden(decision, x))
          .map((x) => ({ ...x, practitioner: practitionerRef(x.hprNumber), patientNin: r.patient.nin, patientGrant: typeof r.patient.accessGrant === 'string' ? r.patient.accessGrant : '' })),
      );
    },
  },
};
