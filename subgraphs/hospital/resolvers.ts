import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { HospitalRecordModel, LabResultsModel } from '../../adapters/model';
import { parentOfChildWhoMayKeep, referralHidden, REFUSAL_TEXT, routedMunicipalities, type AccessDecision } from '../kit/access/AccessDecision';
import { careTeamEntry, placeVisible, referralItem, upcomingEntry } from '../kit/coordination';
import { blockedEncounters, documentBlocked, recordBlocked } from '../kit/access/blocks';
import { accessOf, inheritAccess, withAccess, type WithAccess } from '../kit/access/itemAccess';
import { itemAccessOf, revealToOwnOrganisation, sourceFor } from '../kit/access/placement';
import { forbidden } from '../kit/access/rules';
import { hospitalLabFacts, labResultFact } from '../kit/cdsFacts';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { noSourceGraphError, sectorStatuses, sourceGraphError, type SectorOutcome, type SourceOutcome } from '../kit/outcomes';
import { practitionerRef, provenance } from '../kit/provenance';
import { notApplicable, routingFailed, withheldFromParents } from '../kit/routing';
import { medicationEntry, messageEntry, newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { withRecordItemId } from '../kit/recordItemId';
import { connection, type ConnectionArgs } from '../kit/connection';
import { checkArguments } from '../../lib/argumentRules';
import { dayAndInstant } from '../../lib/dateScalars';

/**
 * Hospital subgraph: the records of the hospitals in the catchment area of the patient's municipality, and of the
 * municipalities the patient lived in before (within the look-back).
 */

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
}

const SECTOR = 'HOSPITAL' as const;

/** The hospitals of the catchment areas of today's municipality and the earlier ones, each once. */
function routedHospitals(ctx: SubgraphContext, decision: AccessDecision) {
  const seen = new Set<string>();
  return routedMunicipalities(decision.routing)
    .flatMap((m) => ctx.sources.hospitalsFor(m))
    .filter((h) => !seen.has(h.orgNumber) && seen.add(h.orgNumber));
}

/** The hospitals mark nothing a child kept from her parents: withheld from a parent of a child aged 12–15, not asked. */
const WITHHELD = withheldFromParents(SECTOR, 'hospital', "hospitals' part of the record (their records and their laboratories' results)");

async function hospitalOutcome(p: PatientRef, ctx: SubgraphContext): Promise<SectorOutcome<HospitalRecordModel>> {
  const decision = await ctx.access.decisionFor(p);
  if (parentOfChildWhoMayKeep(decision)) return { none: WITHHELD };
  const m = decision.routing.municipality;
  if (m === null) return { none: routingFailed(ctx, SECTOR, 'population') };
  if (m === '') return { none: notApplicable(SECTOR, 'hospital', 'The patient has no municipality of residence, so no catchment hospital') };
  const hospitals = routedHospitals(ctx, decision);
  if (hospitals.length === 0) return { none: notApplicable(SECTOR, 'hospital', "The patient's catchment area has no connected hospital") };
  // Every hospital is asked at once; each one's DataLoader batches all patients of this request.
  const routed = await Promise.all(
    hospitals.map(async (h) => {
      const named = ctx.sources.info(h.instance, { name: h.name, orgNumber: h.orgNumber });
      const outcome = await ctx.loaders.load(ctx.sources.adapter(h.instance, 'HospitalRecordModel'), p.nin, (k) => k, sourceFor(ctx.sources, decision, named));
      return revealToOwnOrganisation(outcome, named, ctx.access);
    }),
  );
  // A catchment hospital without a record, named only by its sector, would still tell where a protected
  // patient lives (by how many there are, and how long they took): it is left out of the statuses.
  return { routed: routed.filter((o) => !(o.source.masked && o.ok && o.value === null)) };
}

/**
 * The results of the laboratories of the catchment hospitals (organisations.json `laboratoryInstance`), each
 * asked through the kit like any source. Routing failures are the hospital records' to report.
 */
async function labOutcome(p: PatientRef, ctx: SubgraphContext): Promise<{ routed: SourceOutcome<LabResultsModel>[] }> {
  const decision = await ctx.access.decisionFor(p);
  const m = decision.routing.municipality;
  // Withheld from a parent of a child aged 12–15 with the hospitals (their status says so).
  if (!m || parentOfChildWhoMayKeep(decision)) return { routed: [] };
  const routed = await Promise.all(
    routedHospitals(ctx, decision).flatMap((h) => {
      const id = h.laboratoryInstance;
      if (!id) return [];
      const named = ctx.sources.info(id, { name: h.name, orgNumber: h.orgNumber });
      return [ctx.loaders.load(ctx.sources.adapter(id, 'LabResultsModel'), p.nin, (k) => k, sourceFor(ctx.sources, decision, named)).then((o) => revealToOwnOrganisation(o, named, ctx.access))];
    }),
  );
  // As for the hospitals: a masked laboratory without results would tell where a protected patient lives.
  return { routed: routed.filter((o) => !(o.source.masked && o.ok && o.value === null)) };
}

const abnormal = (l: { value: number | null; referenceLow: number | null; referenceHigh: number | null }) =>
  l.value === null || (l.referenceLow === null && l.referenceHigh === null)
    ? null
    : (l.referenceLow !== null && l.value < l.referenceLow) || (l.referenceHigh !== null && l.value > l.referenceHigh);

/**
 * The records this reader may see: a hospital's record whose block names the reader (or that covers the
 * whole record from them) is left out; the reader's own hospital's blocks were already applied to the
 * whole decision, these are the other hospitals'.
 */
function readable(outcome: SectorOutcome<HospitalRecordModel>, ctx: SubgraphContext): { value: HospitalRecordModel; source: SourceInfo }[] {
  if ('none' in outcome) return [];
  return outcome.routed.flatMap((o) => (o.ok && o.value && !recordBlocked(o.value.blocks, ctx.access.identity) ? [{ value: o.value, source: o.source }] : []));
}

/** One timeline event per sample a laboratory analysed: its analyses in the title. */
function labEvents(routed: SourceOutcome<LabResultsModel>[]) {
  return routed.flatMap((o) => {
    if (!o.ok || !o.value) return [];
    const source = o.source;
    const bySample = new Map<string, LabResultsModel['results']>();
    for (const r of o.value.results) bySample.set(r.time, [...(bySample.get(r.time) ?? []), r]);
    return [...bySample].map(([time, results]) =>
      timelineEvent(source, {
        date: time,
        kind: 'LAB_SAMPLE',
        title: `Laboratorieprøve: ${results.map((r) => r.code.display ?? r.code.code).join(', ')}`,
        detail: results.map((r) => `${r.code.display ?? r.code.code} ${r.value ?? ''} ${r.unit ?? ''}`.trim()).join('; '),
        codes: results.map((r) => r.code),
        recordId: results[0]?.id ?? null,
      }),
    );
  });
}

type HospitalRecordParent = WithAccess<HospitalRecordModel & { source: SourceInfo; patientNin: string }>;

/** A GP referral as the gateway hands it: its key (the GP system's id of it), and the patient and grant the gp subgraph put beside it. */
interface ReferralRef {
  sourceId: string;
  patientNin?: unknown;
  patientGrant?: unknown;
}

/**
 * The departments whose encounters a block hides from this reader: their physicians, contact persons, appointments
 * and waiting referrals are left out with them, so that "Psykiatrisk poliklinikk" does not tell what a hidden note is about.
 */
function hiddenDepartments(record: HospitalRecordModel, reader: SubgraphContext['access']['identity']): Set<string> {
  const hidden = blockedEncounters(record, reader);
  return new Set(record.encounters.filter((e) => hidden.has(e.id) && e.department).map((e) => e.department as string));
}


/** When the hospital received a referral: the day, and the instant where it gives the time. */
const received = dayAndInstant((a: { received: string }) => a.received);

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
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
      const decision = await ctx.access.decisionFor(p);
      return outcome.routed.flatMap((o: SourceOutcome<HospitalRecordModel>): (HospitalRecordParent | GraphQLError)[] => {
        if (!o.ok) return [sourceGraphError(o)];
        if (!o.value) return [];
        if (recordBlocked(o.value.blocks, ctx.access.identity)) return [forbidden('clinicalData', REFUSAL_TEXT.BLOCKED_BY_PATIENT, { reason: 'BLOCKED_BY_PATIENT' })];
        return [withAccess({ ...o.value, source: o.source, patientNin: p.nin }, itemAccessOf(decision, o.source, { blocks: o.value.blocks }))];
      });
    },
    hospitalMedicationEntries: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      readable(await hospitalOutcome(p, ctx), ctx).flatMap(({ value, source }) => value.medications.map((m) => medicationEntry(m, 'HOSPITAL_STATEMENT', source))),
    /** The laboratories' results and the readable hospital records' own, without those of encounters a block hides. */
    hospitalCdsFacts: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const [labs, hospitals] = await Promise.all([labOutcome(p, ctx), hospitalOutcome(p, ctx)]);
      return [
        ...labs.routed.flatMap((o) => (o.ok && o.value ? o.value.results.map((r) => labResultFact(r, o.source)) : [])),
        ...readable(hospitals, ctx).flatMap(({ value, source }) => hospitalLabFacts(value, source, ctx.access.identity)),
      ];
    },
    hospitalTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => [
      ...labEvents((await labOutcome(p, ctx)).routed),
      ...readable(await hospitalOutcome(p, ctx), ctx).flatMap(({ value, source }) => {
        const hidden = blockedEncounters(value, ctx.access.identity);
        return value.encounters.filter((e) => !hidden.has(e.id)).map((e) =>
          timelineEvent(source, {
            date: e.start,
            kind: e.class === 'INPATIENT' ? 'HOSPITAL_ADMISSION' : 'HOSPITAL_VISIT',
            title: `${e.class === 'INPATIENT' ? 'Innleggelse' : e.class === 'EMERGENCY' ? 'Akuttbesøk' : 'Poliklinisk besøk'}${e.department ? `, ${e.department}` : ''}`,
            detail: e.diagnoses.map((d) => `${d.code} ${d.display ?? ''}`.trim()).join('; ') || null,
            codes: e.diagnoses,
            recordId: e.id,
          }),
        );
      }),
    ],
    /** Every block on her record at the hospitals of her area (the rule patientOwn admits the patient alone). */
    blocks: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const outcome = await hospitalOutcome(p, ctx);
      if ('none' in outcome) {
        if (outcome.none.state === 'WITHHELD') throw noSourceGraphError(outcome.none);
        return [];
      }
      const decision = await ctx.access.decisionFor(p);
      return outcome.routed.flatMap((o) => {
        if (!o.ok) throw sourceGraphError(o);
        return (o.value?.blocks ?? []).map((b) =>
          withAccess(
            {
              id: b.id,
              kind: b.documentIds !== null ? 'DOCUMENT' : b.deniedPersons.length ? 'PRACTITIONER' : b.deniedOrganisations.length ? 'ORGANISATION' : 'EVERYONE',
              practitioner: practitionerRef(b.deniedPersons[0]),
              organisation: b.deniedOrganisations[0] ? (ctx.sources.organisationName(b.deniedOrganisations[0]) ?? null) : null,
              orgNumber: b.deniedOrganisations[0] ?? null,
              documentIds: b.documentIds ?? [],
              setByPatient: b.setByPatient === true,
              since: b.since ?? null,
              holder: o.source.organisation,
            },
            itemAccessOf(decision, o.source),
          ),
        );
      });
    },
    // A record the reader is blocked from (a block on the whole record) gives none of its messages.
    hospitalMessages: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      readable(await hospitalOutcome(p, ctx), ctx).flatMap(({ value, source }) => (value.messages ?? []).map((m) => messageEntry(m, source))),
    /** Each readable hospital's responsible physicians and contact persons, without those a block hides (coordinated). */
    hospitalCareTeam: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return readable(await hospitalOutcome(p, ctx), ctx).flatMap(({ value, source }) => {
        const hidden = hiddenDepartments(value, ctx.access.identity);
        return (value.careTeam ?? [])
          .filter((m) => !hidden.has(m.service))
          .map((m) => careTeamEntry(m, source, ctx.sources, placeVisible(decision, ctx.access, m.orgNumber ?? source.orgNumber)));
      });
    },
    /** Booked appointments and referrals waiting at each readable hospital, without those a block hides. */
    hospitalUpcoming: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      return readable(await hospitalOutcome(p, ctx), ctx).flatMap(({ value, source }) => {
        const hidden = hiddenDepartments(value, ctx.access.identity);
        const visible = placeVisible(decision, ctx.access, source.orgNumber);
        const referrals = (value.referralAssessments ?? []).flatMap((a) => referralItem(a) ?? []);
        return [...(value.appointments ?? []), ...referrals]
          .filter((i) => !(i.service && hidden.has(i.service)) && !(i.referralId && referralHidden(decision, { id: i.referralId, toOrgNumber: source.orgNumber })))
          .map((i) => upcomingEntry(i, source, ctx.sources, visible));
      });
    },
    hospitalSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => [
      ...sectorStatuses(await hospitalOutcome(p, ctx)),
      ...sectorStatuses(await labOutcome(p, ctx)),
    ],
    /** Every laboratory's results, newest first; a laboratory that failed is named by a partial error beside them. */
    labResults: (p: PatientRef, _: unknown, ctx: SubgraphContext, info: GraphQLResolveInfo) => laboratoryResults(p, ctx, info),
    labResultsConnection: async (p: PatientRef, args: ConnectionArgs, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkArguments('Patient', 'labResultsConnection', { ...args });
      // Keyed by the source's own id, as before global ids (cursors given then still read on).
      return connection(await laboratoryResults(p, ctx, info), args, { coordinate: 'Patient.labResultsConnection', key: (l) => `${l.sourceId}|${l.time}` });
    },
  },
  /**
   * A GP referral (the gp subgraph lists it) with the hospital's answer. The gateway hands the patient and the grant the
   * gp subgraph got; the decision is this subgraph's own reading of that grant, as for any patient field.
   */
  ReferralAssessment: { receivedDay: received.day, receivedAt: received.at },
  Referral: {
    __resolveReference: (ref: ReferralRef) => ({ ...ref, ...patientReference({ nin: String(ref.patientNin ?? '') }), accessGrant: ref.patientGrant }),
    assessment: async (ref: ReferralRef & PatientRef, _: unknown, ctx: SubgraphContext) => {
      const outcome = await hospitalOutcome(ref, ctx);
      if ('none' in outcome) {
        if (outcome.none.state === 'WITHHELD') throw noSourceGraphError(outcome.none);
        return null;
      }
      const decision = await ctx.access.decisionFor(ref);
      if (referralHidden(decision, { id: ref.sourceId, toOrgNumber: null })) return null;
      for (const o of outcome.routed) {
        const answer = o.ok ? o.value?.referralAssessments?.find((a) => a.referralId === ref.sourceId) : undefined;
        if (!answer || !o.ok || !o.value || recordBlocked(o.value.blocks, ctx.access.identity)) continue;
        return withAccess({ ...withRecordItemId('ReferralAssessment', { patientNin: ref.nin, source: o.source }, answer), department: answer.service, assessedBy: practitionerRef(answer.hprNumber), provenance: provenance(o.source, answer.id) }, itemAccessOf(decision, o.source));
      }
      // Not found where every hospital answered: none holds an answer. A hospital that failed may hold it.
      const failed = outcome.routed.find((o) => !o.ok);
      if (failed && !failed.ok) throw sourceGraphError(failed);
      return null;
    },
  },
  HospitalRecord: {
    hospital: (r: HospitalRecordParent) => r.source.organisation,
    orgNumber: (r: HospitalRecordParent) => r.source.orgNumber,
    provenance: (r: HospitalRecordParent) => provenance(r.source),
    encounters: (r: HospitalRecordParent, _: unknown, ctx: SubgraphContext) => {
      const hidden = blockedEncounters(r, ctx.access.identity);
      return inheritAccess(
        r,
        newestFirst(r.encounters, (e) => e.start)
          .filter((e) => !hidden.has(e.id))
          .map((e) => ({ ...withRecordItemId('Encounter', r, e), practitioner: practitionerRef(e.hprNumber) })),
      );
    },
    diagnoses: (r: HospitalRecordParent, _: unknown, ctx: SubgraphContext) => {
      const hidden = blockedEncounters(r, ctx.access.identity);
      return newestFirst(r.diagnoses, (d) => d.recorded)
        .filter((d) => !d.encounterId || !hidden.has(d.encounterId))
        .map((d) => withRecordItemId('Diagnosis', r, d));
    },
    medications: (r: HospitalRecordParent) => r.medications.map((m) => withRecordItemId('HospitalMedication', r, m)),
    /**
     * Every document is listed; whether its content reaches this reader is the documentContent rule's
     * decision (blocks, and what is withheld from the patient), made field by field.
     */
    documents: (r: HospitalRecordParent, _: unknown, ctx: SubgraphContext) =>
      inheritAccess(
        r,
        newestFirst(r.documents, (d) => d.date).map((d) => ({
          // The documentContent rule checks blocks by `sourceId`, the id blocks name; `id` is the global id.
          ...withRecordItemId('ClinicalDocument', r, d),
          blocked: documentBlocked(d.id, accessOf(r)?.blocks ?? r.blocks, ctx.access.identity),
          author: practitionerRef(d.authorHpr),
        })),
        (d) => ({ withheldFromPatient: d.withheldFromPatient }),
      ),
    labResults: (r: HospitalRecordParent, args: { code?: string | null; loinc?: string | null }, ctx: SubgraphContext) => recordLabResults(r, args, ctx),
    labResultsConnection: (r: HospitalRecordParent, args: ConnectionArgs & { code?: string | null }, ctx: SubgraphContext) => {
      checkArguments('HospitalRecord', 'labResultsConnection', { ...args });
      return connection(recordLabResults(r, args, ctx), args, { coordinate: 'HospitalRecord.labResultsConnection', key: (l) => `${l.sourceId}|${l.time}` });
    },
  },
};

/** Every laboratory's results, newest first; a laboratory that failed is named by a partial error beside them (at the field's path). */
async function laboratoryResults(p: PatientRef, ctx: SubgraphContext, info: GraphQLResolveInfo) {
  const decision = await ctx.access.decisionFor(p);
  if (parentOfChildWhoMayKeep(decision)) throw noSourceGraphError(WITHHELD);
  const path = responsePathAsArray(info.path);
  const items = (await labOutcome(p, ctx)).routed.flatMap((o) => {
    if (!o.ok) {
      const error = sourceGraphError(o);
      ctx.sideErrors.push(new GraphQLError(error.message, { path, extensions: { ...error.extensions, partial: true } }));
      return [];
    }
    const access = itemAccessOf(decision, o.source);
    const owner = { patientNin: p.nin, source: o.source };
    return (o.value?.results ?? []).map((r) => withAccess({ ...withRecordItemId('LabResult', owner, r), encounterId: null, abnormal: abnormal(r) }, access));
  });
  return newestFirst(items, (l) => l.time);
}

/** A hospital's own results, newest first, without those of an encounter whose note is blocked for this reader. */
function recordLabResults(r: HospitalRecordParent, args: { code?: string | null; loinc?: string | null }, ctx: SubgraphContext) {
  const hidden = blockedEncounters(r, ctx.access.identity);
  // `loinc` is the deprecated name of `code`; given both, a result must match both.
  const wanted = [args.code, args.loinc].filter((c): c is string => Boolean(c));
  return newestFirst(r.labResults, (l) => l.time)
    .filter((l) => wanted.every((c) => l.code.code === c) && (!l.encounterId || !hidden.has(l.encounterId)))
    .map((l) => ({
      ...withRecordItemId('LabResult', r, l),
      abnormal:
        l.value === null || (l.referenceLow === null && l.referenceHigh === null)
          ? null
          : (l.referenceLow !== null && l.value < l.referenceLow) || (l.referenceHigh !== null && l.value > l.referenceHigh),
    }));
}
