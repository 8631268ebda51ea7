import { municipalityInstances } from '../../lib/config';
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { adapterManifest } from '../../adapters';
import type { WelfareEventModel, WelfarePart, WelfareRecordModel } from '../../adapters/model';
import { dayAndInstant } from '../../lib/dateScalars';
import { dayOf } from '../../lib/osloTime';
import { parentOfChildWhoMayKeep, type AccessDecision } from '../kit/access/AccessDecision';
import { withAccess } from '../kit/access/itemAccess';
import { itemAccessOf, revealToOwnOrganisation, sourceFor } from '../kit/access/placement';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { noSourceGraphError, sectorStatuses, sourceGraphError, type SectorOutcome, type SourceOutcome } from '../kit/outcomes';
import { provenance } from '../kit/provenance';
import { withRecordItemId } from '../kit/recordItemId';
import { notApplicable, routingFailed, withheldFromParents } from '../kit/routing';
import { newestFirst, timelineEvent } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { checkArguments } from '../../lib/argumentRules';
import { outOfRange, seriesOf } from './monitoring';
import { pushedEvent } from './pushedEvents';

/**
 * Welfare subgraph: the municipality's welfare technology platforms (organisations.json `sectorInstances.WELFARE_TECHNOLOGY`): the
 * national integration hub for welfare technology and medicine-dispenser vendors, each through its adapter. Home
 * measurements, alarms and dose events are health data under the clinical-data rule; where a device stands, the
 * response centre and who handled an alarm are place names.
 */

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
}

const SECTOR = 'WELFARE_TECHNOLOGY' as const;
const SECTOR_ID = 'welfare-technology';

/** The platforms mark nothing a child kept from her parents: withheld from a parent of a child aged 12–15, as care's record is. */
const WITHHELD = withheldFromParents(SECTOR, SECTOR_ID, 'welfare technology platforms\' part of the record');

/**
 * Every platform of the patient's municipality, asked side by side through the kit; with `part`, only those that hold
 * it (their manifest's `holds`).
 */
async function welfareOutcome(p: PatientRef, ctx: SubgraphContext, part?: WelfarePart): Promise<SectorOutcome<WelfareRecordModel>> {
  const decision = await ctx.access.decisionFor(p);
  if (parentOfChildWhoMayKeep(decision)) return { none: WITHHELD };
  const m = decision.routing.municipality;
  if (m === null) return { none: routingFailed(ctx, SECTOR, 'population') };
  if (m === '') return { none: notApplicable(SECTOR, SECTOR_ID, 'The patient has no municipality of residence') };
  const municipality = ctx.sources.municipality(m);
  const ids = (municipality ? municipalityInstances(municipality, SECTOR) : []).filter((id) => !part || (adapterManifest(ctx.sources.info(id).system).holds?.includes(part) ?? true));
  if (!municipality || ids.length === 0) return { none: notApplicable(SECTOR, SECTOR_ID, "The patient's municipality has no connected welfare technology platform") };
  const routed = await Promise.all(
    ids.map((id) => {
      // The platform holds the municipality's services' data: named as the municipality's, as its care record is.
      const named = ctx.sources.info(id, { name: `${municipality.name} kommune`, orgNumber: municipality.orgNumber });
      return ctx.loaders.load(ctx.sources.adapter(id, 'WelfareRecordModel'), p.nin, (k) => k, sourceFor(ctx.sources, decision, named)).then((o) => revealToOwnOrganisation(o, named, ctx.access));
    }),
  );
  // A platform named by its sector alone that holds nothing would still tell, by how many there are, which
  // municipality a protected patient lives in (as the laboratories): left out.
  return { routed: routed.filter((o) => !(o.source.masked && o.ok && o.value === null)) };
}

interface Held {
  value: WelfareRecordModel;
  source: SourceInfo;
}

/**
 * What the platforms hold, each with its source; a platform that failed is named by a partial error at the field's
 * path (the others' data still arrives). Without a path (the hidden fields) the statuses tell the record subgraph.
 */
async function held(p: PatientRef, ctx: SubgraphContext, info?: GraphQLResolveInfo, part?: WelfarePart): Promise<{ held: Held[]; decision: AccessDecision; outcome: SectorOutcome<WelfareRecordModel> }> {
  const [outcome, decision] = await Promise.all([welfareOutcome(p, ctx, part), ctx.access.decisionFor(p)]);
  if ('none' in outcome) {
    if (outcome.none.state === 'WITHHELD' && info) throw noSourceGraphError(outcome.none);
    return { held: [], decision, outcome };
  }
  const path = info ? responsePathAsArray(info.path) : undefined;
  const found = outcome.routed.flatMap((o: SourceOutcome<WelfareRecordModel>) => {
    if (!o.ok) {
      if (path) {
        const error = sourceGraphError(o);
        ctx.sideErrors.push(new GraphQLError(error.message, { path, extensions: { ...error.extensions, partial: true } }));
      }
      return [];
    }
    return o.value ? [{ value: o.value, source: o.source }] : [];
  });
  return { held: found, decision, outcome };
}

/** Where an item of this platform places the patient: the municipality whose services it holds. */
const owner = (p: PatientRef, source: SourceInfo) => ({ patientNin: p.nin, source });

function events(p: PatientRef, found: Held[], decision: AccessDecision) {
  return found.flatMap(({ value, source }) => {
    const kinds = new Map(value.devices.map((d) => [d.id, d.kind]));
    const access = itemAccessOf(decision, source);
    return value.events.map((e) => withAccess({ ...withRecordItemId('WelfareEvent', owner(p, source), e), deviceKind: e.deviceId ? (kinds.get(e.deviceId) ?? null) : null, provenance: provenance(source, e.id) }, access));
  });
}

/**
 * An event a platform of the patient's municipality pushed (subgraphs/welfare/pushedEvents.ts), as the platform's
 * record would give it: named or masked as any item of that platform, under the same rules. Its device's kind is
 * looked up in the platform's record only when asked.
 */
async function pushedItem(p: PatientRef, eventId: string, ctx: SubgraphContext) {
  const decision = await ctx.access.decisionFor(p);
  const m = decision.routing.municipality;
  const municipality = m ? ctx.sources.municipality(m) : undefined;
  if (!municipality || parentOfChildWhoMayKeep(decision)) return null;
  const pushed = pushedEvent(p.nin, eventId, municipalityInstances(municipality, SECTOR));
  if (!pushed) return null;
  const named = ctx.sources.info(pushed.source, { name: `${municipality.name} kommune`, orgNumber: municipality.orgNumber });
  const source = sourceFor(ctx.sources, decision, named);
  const e = pushed.event;
  const deviceKind = async () => {
    if (!e.deviceId) return null;
    const { held: found } = await held(p, ctx);
    return found.find((h) => h.source.sourceId === source.sourceId)?.value.devices.find((d) => d.id === e.deviceId)?.kind ?? null;
  };
  return withAccess({ ...withRecordItemId('WelfareEvent', owner(p, source), e), deviceKind, provenance: provenance(source, e.id) }, itemAccessOf(decision, source));
}

const ALARMS = new Set<WelfareEventModel['kind']>(['ALARM', 'FALL', 'DOOR', 'MEASUREMENT_OUT_OF_RANGE']);
const DOSES = new Set<WelfareEventModel['kind']>(['DOSE_MISSED', 'DOSE_LATE']);

export const resolvers = {
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    homeMonitoring: async (p: PatientRef, _: unknown, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      const { held: found, decision } = await held(p, ctx, info, 'measurements');
      const followed = found.filter(({ value }) => value.measurements.length > 0);
      if (followed.length === 0) return null;
      const measurements = followed.flatMap(({ value, source }) => {
        const access = itemAccessOf(decision, source);
        return value.measurements.map((m) => withAccess({ ...withRecordItemId('HomeMeasurement', owner(p, source), m), provenance: provenance(source, m.id) }, access));
      });
      const thresholds = followed.flatMap(({ value }) => value.thresholds);
      const series = seriesOf(measurements, thresholds, Date.now()).map((s) => {
        const shown = s.measurements.map((m) => ({ ...m, outOfRange: outOfRange(m.value, s.threshold) }));
        const [latest] = shown;
        return { ...s, code: latest?.code, latest, measurements: shown };
      });
      return {
        series,
        outOfRangeCount: series.filter((s) => s.outOfRange).length,
        provenance: followed.map(({ source }) => provenance(source)),
      };
    },
    welfareDevices: async (p: PatientRef, _: unknown, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      const { held: found, decision } = await held(p, ctx, info);
      return found.flatMap(({ value, source }) => {
        const access = itemAccessOf(decision, source);
        return value.devices.map((d) => withAccess({ ...withRecordItemId('WelfareDevice', owner(p, source), d), inUse: d.until === null, provenance: provenance(source, d.id) }, access));
      });
    },
    welfareEvents: async (p: PatientRef, args: { kinds?: WelfareEventModel['kind'][] | null; from?: string | null; last?: number | null }, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkArguments('Patient', 'welfareEvents', { ...args });
      const { held: found, decision } = await held(p, ctx, info);
      const kinds = args.kinds?.length ? new Set(args.kinds) : null;
      const from = args.from ?? null;
      const chosen = events(p, found, decision).filter((e) => (!kinds || kinds.has(e.kind)) && (!from || (dayOf(e.time) ?? '') >= from));
      return newestFirst(chosen, (e) => e.time).slice(0, args.last ?? 50);
    },
    welfareEvent: async (p: PatientRef, args: { sourceId: string }, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkArguments('Patient', 'welfareEvent', { ...args });
      const fromPush = await pushedItem(p, args.sourceId, ctx);
      if (fromPush) return fromPush;
      const { held: found, decision } = await held(p, ctx, info);
      return events(p, found, decision).find((e) => e.sourceId === args.sourceId) ?? null;
    },
    welfareTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const { held: found } = await held(p, ctx);
      return found.flatMap(({ value, source }) =>
        value.events
          .filter((e) => ALARMS.has(e.kind) || DOSES.has(e.kind) || e.kind === 'DISPENSER_FAULT')
          .map((e) =>
            timelineEvent(source, {
              date: e.time,
              kind: ALARMS.has(e.kind) ? 'WELFARE_ALARM' : 'DISPENSER_EVENT',
              title: e.text,
              // Who handled an alarm (a response centre) places the patient: not named where the source is not.
              detail: e.handled === null ? null : e.handled ? (source.masked || !e.handledBy ? 'Håndtert' : `Håndtert av ${e.handledBy}`) : 'Ikke håndtert',
              codes: e.medication?.atc ? [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7180', code: e.medication.atc, display: e.medication.name }] : [],
              recordId: e.id,
            }),
          ),
      );
    },
    welfareDoseEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const { held: found } = await held(p, ctx, undefined, 'doses');
      return found.flatMap(({ value, source }) =>
        value.events.flatMap((e) =>
          DOSES.has(e.kind) && e.medication
            ? [{ id: e.id, kind: e.kind, atc: e.medication.atc, name: e.medication.name, scheduled: e.medication.scheduled, time: e.time, text: e.text, provenance: provenance(source, e.id) }]
            : [],
        ),
      );
    },
    welfareSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await welfareOutcome(p, ctx)),
    /** The statuses of the platforms that hold doses only: what the medication list's missed doses rest on. */
    welfareDoseSourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => sectorStatuses(await welfareOutcome(p, ctx, 'doses')),
  },
  HomeMeasurement: dayAndInstant((m: { time: string }) => m.time),
  WelfareEvent: dayAndInstant((e: { time: string }) => e.time),
  MeasurementSeries: {
    measurements: (s: { measurements: unknown[] }, args: { last?: number | null }) => {
      checkArguments('MeasurementSeries', 'measurements', { ...args });
      return s.measurements.slice(0, args.last ?? 30);
    },
  },
};
