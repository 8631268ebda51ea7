import type { SummaryRecordModel } from '../../adapters/model';
import { placesProtected, summaryRecordForReader, type AccessDecision } from '../kit/access/AccessDecision';
import { inheritAccess, withAccess, type WithAccess } from '../kit/access/itemAccess';
import { itemAccessOf } from '../kit/access/placement';
import { criticalInformationFact } from '../kit/cdsFacts';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { recordWithSource, sectorStatuses, valuesOf, type SectorOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { newestFirst, timelineEvent, withSchedule, type MedicationEntry } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { withRecordItemId } from '../kit/recordItemId';

/** National subgraph: the summary care record (critical information and dispensed medicines). */

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
}

async function nationalOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<SummaryRecordModel>> {
  const id = ctx.sources.orgs.national.summaryRecord;
  const [outcome, decision] = await Promise.all([ctx.loaders.load(ctx.sources.adapter(id, 'SummaryRecordModel'), p.nin, (k) => k, ctx.sources.info(id)), ctx.access.decisionFor(p)]);
  // A parent reading for a child sees no dispensation the child kept from the parents.
  return { routed: [outcome.ok && outcome.value ? { ...outcome, value: summaryRecordForReader(decision, outcome.value) } : outcome] };
}

type SummaryRecordParent = WithAccess<SummaryRecordModel & { source: SourceInfo; patientNin: string }>;

/** One entry per medicine: the latest dispensation stands for the series. */
function dispensedEntries(record: SummaryRecordModel, source: SourceInfo, decision: AccessDecision): MedicationEntry[] {
  const latest = new Map<string, SummaryRecordModel['dispensations'][number]>();
  for (const d of record.dispensations) {
    const key = d.atc ?? d.name.toLowerCase();
    const seen = latest.get(key);
    if (!seen || d.dispensed > seen.dispensed) latest.set(key, d);
  }
  return [...latest.values()].map((d) => ({
    atc: d.atc,
    name: d.name,
    strength: d.strength,
    form: d.form,
    dose: withSchedule(d.dose),
    status: 'ACTIVE',
    startDate: null,
    endDate: null,
    lastDispensed: d.dispensed,
    // The pharmacy places the patient: left out for a strictly confidential address (placeName).
    note: d.pharmacy && !placesProtected(decision) ? `Utlevert ved ${d.pharmacy}` : null,
    kind: 'NATIONAL_DISPENSATION',
    provenance: provenance(source, d.id),
  }));
}

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    summaryRecord: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<SummaryRecordParent | null> => {
      const record = recordWithSource(await nationalOutcome(p, ctx));
      return record && withAccess({ ...record, patientNin: p.nin }, itemAccessOf(await ctx.access.decisionFor(p), record.source));
    },
    nationalMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return valuesOf(await nationalOutcome(p, ctx)).flatMap(({ value, source }) => dispensedEntries(value, source, decision));
    },
    nationalCdsFacts: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await nationalOutcome(p, ctx)).flatMap(({ value, source }) => value.criticalInformation.map((c) => criticalInformationFact(c, source))),
    nationalTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const hidePlaces = placesProtected(await ctx.access.decisionFor(p));
      return valuesOf(await nationalOutcome(p, ctx)).flatMap(({ value, source }) => [
        ...value.dispensations.map((d) =>
          timelineEvent(source, {
            date: d.dispensed,
            kind: 'DISPENSATION',
            title: `Utlevert ${d.name}${d.strength ? ` ${d.strength}` : ''}`,
            detail: hidePlaces ? null : d.pharmacy,
            codes: d.atc ? [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7180', code: d.atc, display: d.name }] : [],
            recordId: d.id,
          }),
        ),
        ...value.criticalInformation
          .filter((c) => c.recorded)
          .map((c) =>
            timelineEvent(source, {
              date: c.recorded ?? '',
              kind: 'CRITICAL_INFORMATION_RECORDED',
              title: `Kritisk informasjon registrert: ${c.text}`,
              detail: c.reaction,
              recordId: c.id,
            }),
          ),
      ]);
    },
    nationalSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await nationalOutcome(p, ctx)),
  },
  SummaryRecord: {
    provenance: (r: SummaryRecordParent) => provenance(r.source),
    criticalInformation: (r: SummaryRecordParent) => inheritAccess(r, r.criticalInformation.map((c) => ({ ...withRecordItemId('CriticalInformation', r, c), recordedBy: practitionerRef(c.recordedByHpr) }))),
    dispensedMedications: (r: SummaryRecordParent) =>
      inheritAccess(
        r,
        newestFirst(r.dispensations, (d) => d.dispensed).map((d) => ({ ...withRecordItemId('DispensedMedication', r, d), prescriber: practitionerRef(d.prescriberHpr) })),
      ),
  },
};
