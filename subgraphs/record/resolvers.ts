import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { SECTOR_NAMES, SECTORS, type SectorName } from '../../lib/sectors';
import { graphError, type ErrorCode } from '../../lib/errorCodes';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import type { SourceStatus } from '../kit/outcomes';
import type { MedicationEntry, TimelineEvent } from '../kit/shapes';
import { mergeMedications, withoutStopped } from './mergeMedications';
import { buildTimeline, orderedTimeline, timelineEventKey, type TimelineArgs } from './timeline';
import { connection, type ConnectionArgs } from '../kit/connection';
import { checkArguments } from '../../lib/argumentRules';
import { dayAndInstant } from '../../lib/dateScalars';
import { todayInOslo } from '../../lib/osloTime';
import { withAccess } from '../kit/access/itemAccess';
import type { CareTeamEntry, UpcomingEntry } from '../kit/coordination';
import { practitionerRef } from '../kit/provenance';
import { withRecordItemId } from '../kit/recordItemId';
import { mergeCareTeam, mergeUpcoming } from './coordination';
import type { CdsFact } from '../kit/cdsFacts';
import { itemWarnings, warningsOf, type ProposedMedication, type WarningFacts } from './warnings';

/**
 * Record subgraph: the one-record views. It calls no legacy system; the gateway hands it each sector's
 * normalised entries and source statuses (through @requires), and it merges them.
 */

/** A sector's field prefix (lib/sectors.ts): `careSourceStatus`, `gpTimelineEvents`, … */
type Prefix = (typeof SECTORS)[SectorName]['fieldPrefix'];

const SECTOR_OF = Object.fromEntries(SECTOR_NAMES.map((name) => [SECTORS[name].fieldPrefix, name])) as Record<Prefix, SectorName>;

const SUBGRAPH_OF = Object.fromEntries(SECTOR_NAMES.map((name) => [SECTORS[name].fieldPrefix, SECTORS[name].subgraph])) as Record<Prefix, string>;

type PatientRep = { nin: string } & Partial<Record<`${Prefix}SourceStatus`, SourceStatus[] | null>> &
  Partial<Record<`${Exclude<Prefix, 'registry'>}MedicationEntries`, MedicationEntry[] | null>> &
  Partial<Record<`${Prefix}TimelineEvents`, TimelineEvent[] | null>> &
  Partial<Record<'registryCareTeam' | 'careCareTeam' | 'hospitalCareTeam', CareTeamEntry[] | null>> &
  Partial<Record<'careUpcoming' | 'gpUpcoming' | 'hospitalUpcoming', UpcomingEntry[] | null>> &
  Partial<Record<'nationalCdsFacts' | 'hospitalCdsFacts' | 'careCdsFacts', CdsFact[] | null>> & { birthDate?: string | null; sex?: string | null; deceasedDate?: string | null } & {
    welfareDoseEvents?: DoseEventEntry[] | null;
    welfareDoseSourceStatus?: SourceStatus[] | null;
  };

/** A dispenser's dose event as the welfare subgraph hands it over (schema/shared.graphql DoseEventEntry). */
interface DoseEventEntry {
  id: string;
  kind: string;
  atc: string | null;
  name: string;
  scheduled: string | null;
  time: string;
  text: string;
  provenance: unknown;
}

/** The medicine a dose event is of, keyed as the merged list keys its items: ATC code, or name without one. */
const medicineKey = (m: { atc: string | null; name: string }) => (m.atc ? m.atc.trim().toUpperCase() : `name:${m.name.trim().toLowerCase()}`);

/** The dispensers' dose events by medicine, newest first, shaped as `MissedDose`. */
function missedDosesByMedicine(p: PatientRep): Map<string, object[]> {
  const byKey = new Map<string, object[]>();
  for (const d of [...(p.welfareDoseEvents ?? [])].sort((a, b) => b.time.localeCompare(a.time))) {
    const key = medicineKey(d);
    byKey.set(key, [...(byKey.get(key) ?? []), { kind: d.kind, scheduled: d.scheduled, reportedAt: d.time, text: d.text, provenance: d.provenance }]);
  }
  return byKey;
}

/** Each sector's statuses; a sector whose subgraph did not answer gets one UNAVAILABLE status of its own. */
function statuses(p: PatientRep, prefixes: readonly Prefix[]): SourceStatus[] {
  return prefixes.flatMap((prefix) => {
    const list = p[`${prefix}SourceStatus`];
    if (list) return list;
    return [
      {
        sourceId: `${SUBGRAPH_OF[prefix]}-subgraph`,
        system: 'subgraph',
        sector: SECTOR_OF[prefix],
        organisation: null,
        state: 'UNAVAILABLE',
        holdsRecord: null,
        errorCode: 'SUBGRAPH_UNAVAILABLE',
        message: `The ${SUBGRAPH_OF[prefix]} subgraph did not answer`,
        latencyMs: null,
        dataAgeSeconds: null,
      } satisfies SourceStatus,
    ];
  });
}

const FAILED = new Set(['UNAVAILABLE', 'TIMEOUT', 'BAD_RESPONSE', 'ROUTING_FAILED', 'WITHHELD']);

/**
 * A merged view that lacks a source's part is returned with what the others said, plus one error per
 * missing source at the view's path, so a client can tell a partial list from a complete one.
 */
function reportMissing(view: string, failed: SourceStatus[], info: GraphQLResolveInfo, ctx: SubgraphContext): void {
  const path = responsePathAsArray(info.path);
  for (const s of failed) {
    const code = (s.errorCode ?? 'SOURCE_UNAVAILABLE') as ErrorCode;
    const reason = (s.message ?? s.sourceId).replace(/^The /, 'the ');
    const error = graphError(code, `The ${view} is incomplete: ${reason}`, { source: s.sourceId, sector: s.sector, partial: true });
    ctx.sideErrors.push(new GraphQLError(error.message, { path, extensions: error.extensions }));
  }
}

const MEDICATION_SECTORS = ['gp', 'hospital', 'care', 'national'] as const;
/** The medication list's sources: the medicines' sectors, and the dispensers (whose missed doses it shows). */
function medicationListStatuses(p: PatientRep): SourceStatus[] {
  const doses = p.welfareDoseSourceStatus ?? statuses({ nin: p.nin }, ['welfare']);
  return [...statuses(p, MEDICATION_SECTORS), ...doses];
}
/** The sectors that know who is responsible (the GP register for the GP), and those that know what is planned. */
const CARE_TEAM_SECTORS = ['registry', 'care', 'hospital'] as const;
const UPCOMING_SECTORS = ['care', 'gp', 'hospital'] as const;
const ALL_SECTORS: readonly Prefix[] = SECTOR_NAMES.map((name) => SECTORS[name].fieldPrefix);
/** The sectors decision support reads: the medicines' and the registry (age, death), with their facts. */
const WARNING_SECTORS = ['registry', ...MEDICATION_SECTORS] as const;

const ATC = /^[A-Z][0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?$/;

/** Proposed orders: at most 50, each with an id and a valid ATC code (BAD_USER_INPUT names the argument). */
function checkProposed(proposed: readonly ProposedMedication[]): void {
  const bad = (argument: string, message: string) => graphError('BAD_USER_INPUT', message, { argument });
  if (proposed.length > 50) throw bad('proposed', '`proposed` takes at most 50 orders');
  proposed.forEach((p, i) => {
    if (!p.id.trim() || p.id.length > 64) throw bad(`proposed[${i}].id`, 'An order id is 1 to 64 characters');
    if (!ATC.test(p.atc.trim().toUpperCase())) throw bad(`proposed[${i}].atc`, 'Not an ATC code (for example `M01AE01`, or a class such as `M01A`)');
    if (!p.name.trim() || p.name.length > 200) throw bad(`proposed[${i}].name`, 'A name is 1 to 200 characters');
  });
}

/**
 * One patient's merged medication list and warnings (without proposed orders), kept with the entity the gateway
 * handed over for as long as it lives (one subgraph request): `medications`, its items' `warnings` and
 * `clinicalWarnings` asked together merge and compute once.
 */
const merges = new WeakMap<PatientRep, ReturnType<typeof mergeMedications>>();
const computed = new WeakMap<PatientRep, ReturnType<typeof warningsOf>>();

function mergedList(p: PatientRep, entries: WarningFacts['entries'] = MEDICATION_SECTORS.flatMap((s) => p[`${s}MedicationEntries`] ?? [])): ReturnType<typeof mergeMedications> {
  let merged = merges.get(p);
  if (!merged) merges.set(p, (merged = mergeMedications(entries, { includeStopped: true })));
  return merged;
}

function recordWarnings(p: PatientRep, facts = warningFacts(p)): ReturnType<typeof warningsOf> {
  let warnings = computed.get(p);
  if (!warnings) computed.set(p, (warnings = warningsOf(facts, todayInOslo(), [], mergedList(p, facts.entries))));
  return warnings;
}

/** What the warnings rest on, from what the gateway handed over. */
function warningFacts(p: PatientRep): WarningFacts {
  return {
    entries: MEDICATION_SECTORS.flatMap((s) => p[`${s}MedicationEntries`] ?? []),
    facts: [...(p.nationalCdsFacts ?? []), ...(p.hospitalCdsFacts ?? []), ...(p.careCdsFacts ?? [])],
    birthDate: p.birthDate,
    sex: p.sex,
    deceasedDate: p.deceasedDate,
    statuses: statuses(p, WARNING_SECTORS),
  };
}

export const resolvers = {
  UpcomingItem: dayAndInstant((u: { time: string }) => u.time),
  WarningEvidence: dayAndInstant((e: { date?: string | null }) => e.date),
  Patient: {
    __resolveReference: (ref: PatientRep) => patientReference(ref),
    medications: (p: PatientRep, args: { includeStopped?: boolean }, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      const entries = MEDICATION_SECTORS.flatMap((s) => p[`${s}MedicationEntries`] ?? []);
      reportMissing('medication list', medicationListStatuses(p).filter((s) => FAILED.has(s.state)), info, ctx);
      // Merged once: the warnings read the whole list (stopped medicines included), the answer shows what was asked.
      const merged = mergedList(p, entries);
      // Computed when an item's `warnings` is asked for, once for the list (a worklist asks for none).
      const all = () => recordWarnings(p);
      const shown = args.includeStopped === false ? withoutStopped(merged) : merged;
      const missed = missedDosesByMedicine(p);
      return shown.map((item) => ({ ...item, warnings: () => itemWarnings(all(), item), missedDoses: missed.get(medicineKey(item)) ?? [] }));
    },
    /** Decision support over the whole record (record/warnings.ts, record/cds): a missing source is named at this path. */
    clinicalWarnings: (p: PatientRep, args: { proposed?: ProposedMedication[] | null }, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkProposed(args.proposed ?? []);
      const facts = warningFacts(p);
      reportMissing('decision support', facts.statuses.filter((s) => FAILED.has(s.state)), info, ctx);
      // Without proposed orders, the same warnings the medication list's items show: computed once for both.
      return args.proposed?.length ? warningsOf(facts, todayInOslo(), args.proposed) : recordWarnings(p, facts);
    },
    timeline: (p: PatientRep, args: TimelineArgs, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkArguments('Patient', 'timeline', { ...args });
      const events = ALL_SECTORS.flatMap((s) => p[`${s}TimelineEvents`] ?? []);
      reportMissing('timeline', statuses(p, ALL_SECTORS).filter((s) => FAILED.has(s.state)), info, ctx);
      return buildTimeline(events, args);
    },
    timelineConnection: (p: PatientRep, args: Omit<TimelineArgs, 'first'> & ConnectionArgs, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkArguments('Patient', 'timelineConnection', { ...args });
      const events = ALL_SECTORS.flatMap((s) => p[`${s}TimelineEvents`] ?? []);
      reportMissing('timeline', statuses(p, ALL_SECTORS).filter((s) => FAILED.has(s.state)), info, ctx);
      const { first, after, last, before, ...filters } = args;
      return connection(orderedTimeline(events, filters), { first, after, last, before }, { coordinate: 'Patient.timelineConnection', key: timelineEventKey });
    },
    sources: (p: PatientRep) => statuses(p, ALL_SECTORS),
    /**
     * One care team across sectors. Each member carries what the place rule needs: the decision and the
     * organisation it would place the patient at (left out, and so refused, where the source withheld it).
     */
    careTeam: async (p: PatientRep, args: { includePast?: boolean }, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      const entries = CARE_TEAM_SECTORS.flatMap((s) => p[`${s}CareTeam`] ?? []);
      reportMissing('care team', statuses(p, CARE_TEAM_SECTORS).filter((s) => FAILED.has(s.state)), info, ctx);
      const decision = await ctx.access.decisionFor(p);
      return mergeCareTeam(entries, { today: todayInOslo(), includePast: args.includePast ?? true }).map((m) =>
        withAccess({ ...m, practitioner: practitionerRef(m.hprNumber), sector: m.provenance.sector }, { decision, places: [m.orgNumber] }),
      );
    },
    upcoming: async (p: PatientRep, _: unknown, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      const entries = UPCOMING_SECTORS.flatMap((s) => p[`${s}Upcoming`] ?? []);
      reportMissing('list of what happens next', statuses(p, UPCOMING_SECTORS).filter((s) => FAILED.has(s.state)), info, ctx);
      const decision = await ctx.access.decisionFor(p);
      // The id from the source as the entry's provenance names it (masked to the sector where the sector subgraph masked
      // it), and the kind: an appointment's and a referral answer's ids are ids of two kinds of FHIR resource.
      return mergeUpcoming(entries, { now: new Date() }).map((i) =>
        withAccess(
          { ...withRecordItemId('UpcomingItem', { patientNin: p.nin, source: i.provenance }, i, i.kind), practitioner: practitionerRef(i.hprNumber), sector: i.provenance.sector },
          { decision, places: [i.orgNumber] },
        ),
      );
    },
  },
};
