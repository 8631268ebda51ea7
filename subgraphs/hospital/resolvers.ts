import type { GraphQLError } from 'graphql';
import type { HospitalRecordModel } from '../../adapters/model';
import type { SubgraphContext } from '../kit/createSubgraph';
import { noSourceGraphError, sectorStatuses, sourceGraphError, valuesOf, type SectorOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed, type RoutingKey } from '../kit/routing';
import { medicationEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';

/** Hospital subgraph: the records of the hospitals in the catchment area of the patient's municipality. */

interface PatientRef {
  nin: string;
  routingMunicipality?: RoutingKey;
  routingAddressProtected?: boolean | null;
}

const SECTOR = 'HOSPITAL' as const;

async function hospitalOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<HospitalRecordModel>> {
  const m = p.routingMunicipality;
  if (m === null || m === undefined) return { none: routingFailed(ctx, SECTOR, 'population') };
  if (m === '') return { none: notApplicable(SECTOR, 'hospital', 'The patient has no municipality of residence, so no catchment hospital') };
  const hospitals = ctx.sources.hospitalsFor(m);
  if (hospitals.length === 0) return { none: notApplicable(SECTOR, 'hospital', "The patient's catchment area has no connected hospital") };
  // Every hospital is asked at once; each one's DataLoader batches all patients of this request.
  const masked = p.routingAddressProtected === true;
  const routed = await Promise.all(
    hospitals.map((h) =>
      ctx.loaders.load(ctx.sources.adapter(h.instance, ['hospital-fhir']), p.nin, (k) => k, masked ? ctx.sources.masked(SECTOR) : ctx.sources.info(h.instance, h.name)),
    ),
  );
  // For a strictly confidential address, a catchment hospital without a record would only tell where the
  // patient lives: it is left out of the statuses.
  return { routed: masked ? routed.filter((o) => !o.ok || o.value !== null) : routed };
}

interface HospitalRecordParent extends HospitalRecordModel {
  source: SourceInfo;
}

function orgNumberOf(ctx: SubgraphContext, source: SourceInfo): string | null {
  if (source.masked) return null;
  return ctx.sources.orgs.hospitals.find((h) => h.instance === source.sourceId)?.orgNumber ?? null;
}

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => ref,
    /**
     * One item per hospital that holds a record. A failed hospital gives an Error item: GraphQL turns it into
     * a null item with an error at its index, and the other hospitals' records still arrive.
     */
    hospitalRecords: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const outcome = await hospitalOutcome(p, ctx);
      if ('none' in outcome) {
        if (outcome.none.state === 'NOT_APPLICABLE') return [];
        throw noSourceGraphError(outcome.none);
      }
      return outcome.routed.flatMap((o): (HospitalRecordParent | GraphQLError)[] => {
        if (!o.ok) return [sourceGraphError(o)];
        return o.value ? [{ ...o.value, source: o.source }] : [];
      });
    },
    hospitalMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await hospitalOutcome(p, ctx)).flatMap(({ value, source }) => value.medications.map((m) => medicationEntry(m, 'HOSPITAL_STATEMENT', source))),
    hospitalTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      valuesOf(await hospitalOutcome(p, ctx)).flatMap(({ value, source }) =>
        value.encounters.map((e) =>
          timelineEvent(source, {
            date: e.start,
            kind: e.class === 'INPATIENT' ? 'HOSPITAL_ADMISSION' : 'HOSPITAL_VISIT',
            title: `${e.class === 'INPATIENT' ? 'Innleggelse' : e.class === 'EMERGENCY' ? 'Akuttbesøk' : 'Poliklinisk besøk'}${e.department ? `, ${e.department}` : ''}`,
            detail: e.diagnoses.map((d) => `${d.code} ${d.display ?? ''}`.trim()).join('; ') || null,
            codes: e.diagnoses,
            recordId: e.id,
          }),
        ),
      ),
    hospitalSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await hospitalOutcome(p, ctx)),
  },
  HospitalRecord: {
    hospital: (r: HospitalRecordParent) => (r.source.masked ? null : r.source.organisation),
    orgNumber: (r: HospitalRecordParent, _: unknown, ctx: SubgraphContext) => orgNumberOf(ctx, r.source),
    provenance: (r: HospitalRecordParent) => provenance(r.source),
    encounters: (r: HospitalRecordParent) => newestFirst(r.encounters, (e) => e.start).map((e) => ({ ...e, practitioner: practitionerRef(e.hprNumber) })),
    diagnoses: (r: HospitalRecordParent) => newestFirst(r.diagnoses, (d) => d.recorded),
    documents: (r: HospitalRecordParent) =>
      newestFirst(r.documents, (d) => d.date).map((d) =>
        // A blocked document is listed so that its existence is known, but nothing of its content or author.
        d.blocked ? { ...d, title: null, text: null, author: null, encounterId: null } : { ...d, author: practitionerRef(d.authorHpr) },
      ),
    labResults: (r: HospitalRecordParent, args: { loinc?: string | null }) =>
      newestFirst(r.labResults, (l) => l.time)
        .filter((l) => !args.loinc || l.code.code === args.loinc)
        .map((l) => ({
          ...l,
          abnormal:
            l.value === null || (l.referenceLow === null && l.referenceHigh === null)
              ? null
              : (l.referenceLow !== null && l.value < l.referenceLow) || (l.referenceHigh !== null && l.value > l.referenceHigh),
        })),
  },
};
