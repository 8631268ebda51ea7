import type { GpRecordModel } from '../../adapters/model';
import { gpRecordForReader, referralHidden, type AccessDecision } from '../kit/access/AccessDecision';
import { accessOf, inheritAccess, withAccess, type WithAccess } from '../kit/access/itemAccess';
import { itemAccessOf, revealToOwnOrganisation, sourceFor } from '../kit/access/placement';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { recordWithSource, sectorStatuses, sourceGraphError, statusOf, valuesOf, type SectorOutcome, type SourceOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed } from '../kit/routing';
import { medicationEntry, messageEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { checkArguments } from '../../lib/argumentRules';
import { connection, type ConnectionArgs } from '../kit/connection';
import { placeVisible, upcomingEntry } from '../kit/coordination';
import { withRecordItemId, type RecordOwner } from '../kit/recordItemId';

/**
 * GP subgraph: the GP record from the record system the patient's GP office runs, and the records of the offices the
 * patient was listed with before (within the look-back), each labelled with the period of that listing.
 */

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
  return { routed: [forReader(revealToOwnOrganisation(outcome, named, ctx.access), decision)] };
}

/** A record as this reader may see it: a parent reading for a child not what the child kept from the parents. */
function forReader(outcome: SourceOutcome<GpRecordModel>, decision: AccessDecision): SourceOutcome<GpRecordModel> {
  return outcome.ok && outcome.value ? { ...outcome, value: gpRecordForReader(decision, outcome.value) } : outcome;
}

/**
 * The records of the offices the patient was listed with before (the grant's `earlierGpOffices`), asked alongside
 * today's, newest first, each source labelled with the period of the listing. Each office is a read of its own (a
 * loader per office): one system may host both offices, and keeps a record at each. An earlier office without a
 * connected system is not asked; one without a record, named by its sector only, is left out (as for care).
 */
async function earlierGpOutcomes(p: PatientRef, ctx: SubgraphContext): Promise<SourceOutcome<GpRecordModel>[]> {
  const decision = await ctx.access.decisionFor(p);
  const reads = [...(decision.routing.earlierGpOffices ?? [])].reverse().flatMap((e) => {
    const office = ctx.sources.gpOffice(e.id);
    if (!office || e.id === decision.routing.gpOffice) return [];
    const period = { from: e.from, to: e.to };
    const named = { ...ctx.sources.info(office.instance, { name: office.name, orgNumber: office.orgNumber }), period };
    const adapter = ctx.sources.adapter(office.instance, 'GpRecordModel');
    return [
      ctx.loaders
        .load(adapter, { nin: p.nin, officeHerId: office.herId }, (k) => k.nin, { ...sourceFor(ctx.sources, decision, named), period }, `earlier:${office.herId}`)
        .then((o) => forReader(revealToOwnOrganisation(o, named, ctx.access), decision)),
    ];
  });
  return (await Promise.all(reads)).filter((o) => !(o.source.masked && o.ok && o.value === null));
}

/** Today's record and the earlier offices', read alongside each other, for the views. */
async function allGpOutcomes(p: PatientRef, ctx: SubgraphContext): Promise<{ today: SectorOutcome<GpRecordModel>; earlier: SourceOutcome<GpRecordModel>[] }> {
  const [today, earlier] = await Promise.all([gpOutcome(p, ctx), earlierGpOutcomes(p, ctx)]);
  return { today, earlier };
}

const allValues = (o: Awaited<ReturnType<typeof allGpOutcomes>>) => [...valuesOf(o.today), ...valuesOf({ routed: o.earlier })];

type GpRecordParent = WithAccess<GpRecordModel & { source: SourceInfo; patient: PatientRef; since?: string | null }>;

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    gpRecord: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<GpRecordParent | null> => {
      const record = recordWithSource(await gpOutcome(p, ctx));
      const decision = await ctx.access.decisionFor(p);
      // The patient and the grant go with the record, for its referrals' answers (the hospital subgraph's `assessment`).
      return record && withAccess({ ...record, patient: { nin: p.nin, accessGrant: p.accessGrant }, since: decision.routing.gpOfficeSince ?? null }, itemAccessOf(decision, record.source));
    },
    /**
     * One item per earlier office that holds a record, newest first. A failed system gives an Error item: a null item
     * with an error at its index, the others still arrive.
     */
    earlierGpRecords: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<(GpRecordParent | Error)[]> => {
      const decision = await ctx.access.decisionFor(p);
      return (await earlierGpOutcomes(p, ctx)).flatMap((o): (GpRecordParent | Error)[] => {
        if (!o.ok) return [sourceGraphError(o)];
        return o.value ? [withAccess({ ...o.value, source: o.source, patient: { nin: p.nin, accessGrant: p.accessGrant } }, itemAccessOf(decision, o.source))] : [];
      });
    },
    gpMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      allValues(await allGpOutcomes(p, ctx)).flatMap(({ value, source }) => value.prescriptions.map((m) => medicationEntry(m, 'GP_PRESCRIPTION', source))),
    gpTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return allValues(await allGpOutcomes(p, ctx)).flatMap(({ value, source }) => [
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
    gpSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const { today, earlier } = await allGpOutcomes(p, ctx);
      return [...sectorStatuses(today), ...earlier.map(statusOf)];
    },
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
    period: (r: GpRecordParent) => r.source.period ?? (r.since ? { from: r.since, to: null } : null),
    current: (r: GpRecordParent) => r.source.period === undefined,
    consultations: (r: GpRecordParent, args: { last: number }) => {
      checkArguments('GpRecord', 'consultations', args);
      return consultationsOf(r).slice(0, args.last);
    },
    consultationsConnection: (r: GpRecordParent, args: ConnectionArgs) => {
      checkArguments('GpRecord', 'consultationsConnection', { ...args });
      // Keyed by the source's own id, as before global ids (cursors given then still read on).
      return connection(consultationsOf(r), args, { coordinate: 'GpRecord.consultationsConnection', key: (c) => `${c.sourceId}|${c.time}` });
    },
    prescriptions: (r: GpRecordParent) => inheritAccess(r, r.prescriptions.map((m) => ({ ...withRecordItemId('Prescription', ownerOf(r), m), prescriber: practitionerRef(m.hprNumber) }))),
    /**
     * Without those that led to a hospital note blocked for this reader (AccessDecision.hiddenReferrals). The entity's
     * key is the GP system's id (`sourceId`), which the hospitals record with the referral; `id` is the global id.
     */
    referrals: (r: GpRecordParent) => {
      const decision = accessOf(r)?.decision;
      return inheritAccess(
        r,
        newestFirst(r.referrals, (x) => x.date)
          .filter((x) => decision !== undefined && !referralHidden(decision, x))
          .map((x) => ({ ...withRecordItemId('Referral', ownerOf(r), x), practitioner: practitionerRef(x.hprNumber), patientNin: r.patient.nin, patientGrant: typeof r.patient.accessGrant === 'string' ? r.patient.accessGrant : '' })),
      );
    },
  },
};

/**
 * The record's consultations, newest first, each with the record's access: the whole list the list field and the
 * connection cut (for a parent reading a child of 12 to 15, already without those the child kept from her parents).
 */
function consultationsOf(r: GpRecordParent) {
  return inheritAccess(
    r,
    newestFirst(r.consultations, (c) => c.time).map((c) => ({ ...withRecordItemId('Consultation', ownerOf(r), c), practitioner: practitionerRef(c.hprNumber) })),
  );
}

/** Whose record, from which source as this answer names it: what the ids of its items are made of (recordItemId). */
function ownerOf(r: GpRecordParent): RecordOwner {
  return { patientNin: r.patient.nin, source: r.source };
}
