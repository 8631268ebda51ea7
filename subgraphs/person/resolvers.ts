import { GraphQLError } from 'graphql';
import type { ReadOptions } from '../../adapters/kit';
import type { CareTeamMemberModel, PersonName, PractitionerModel } from '../../adapters/model';
import { graphError } from '../../lib/errorCodes';
import { subjectOf } from '../../lib/identity';
import { normaliseHprNumber } from '../../lib/identifiers';
import { validateNin } from '../../lib/nin';
import { accessGrantSecret, signAccessGrant } from '../kit/access/accessGrant';
import { withAccess } from '../kit/access/itemAccess';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import { noSourceGraphError, sourceGraphError, statusOf, type SourceOutcome } from '../kit/outcomes';
import { provenance } from '../kit/provenance';
import { careTeamEntry, placeVisible, type CareTeamEntry } from '../kit/coordination';
import { accessLogConnectionOf, accessLogOf } from './accessLog';
import type { ConnectionArgs } from '../kit/connection';
import { auditPseudonymKey } from '../../lib/secrets';
import { parentOfChildWhoMayKeep } from '../kit/access/AccessDecision';
import { withheldFromParents } from '../kit/routing';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { loadRepresentation } from '../kit/access/decider';
import { loadListing, loadPerson } from './decisions';
import { globalIds } from '../../lib/globalId';
import { resolveNode } from './node';

/**
 * Person subgraph: the entry points and what the national registries say. It also answers the routing
 * fields the sector subgraphs require (municipality, GP office), so one registry look-up serves all.
 */

export const MAX_PATIENTS = 100;

interface PatientRef {
  nin: string;
}

/**
 * Gets the reader's Kjernejournal ticket for the patient into the shared stash (adapters/summary-record). A
 * ticket is a permission for one purpose of use, not health data; the summary itself is read only by the
 * national subgraph, after the access decision. A failure costs nothing but the head start.
 */
function prefetchSummaryTicket(ctx: SubgraphContext, nin: string): Promise<unknown> {
  const id = ctx.sources.orgs.national.summaryRecord;
  const adapter = ctx.sources.adapter(id, 'SummaryRecordModel');
  const ahead = { instance: adapter.instance, read: (nins: readonly string[], options?: ReadOptions) => adapter.prefetch(nins, options).then(() => new Map()) };
  return ctx.loaders.load(ahead, nin, (k) => k, ctx.sources.info(id), 'ticket');
}

function loadPractitioner(ctx: SubgraphContext, hpr: string): Promise<SourceOutcome<PractitionerModel>> {
  const id = ctx.sources.orgs.registries.practitioners;
  return ctx.loaders.load(ctx.sources.adapter(id, 'PractitionerModel'), hpr, (k) => k, ctx.sources.info(id));
}

/** The value for a public field: the source's record, or a thrown error naming the source. */
function unwrap<V>(outcome: SourceOutcome<V>): V | null {
  if (!outcome.ok) throw sourceGraphError(outcome);
  return outcome.value;
}

async function valueOf<V>(outcome: Promise<SourceOutcome<V>>): Promise<V | null> {
  return unwrap(await outcome);
}

function humanName(name: PersonName) {
  return { ...name, text: [name.given, name.middle, name.family].filter(Boolean).join(' ') };
}

async function resolvePatient(nin: string, ctx: SubgraphContext): Promise<PatientRef> {
  const validation = validateNin(nin);
  if (!validation.valid) {
    throw graphError('INVALID_NIN', 'Not a valid national identity number', { reasons: validation.reasons });
  }
  // The access decision reads the registries and, for clinicians, every hospital's access facts: start it
  // now, so that those reads go out together with the population register's instead of after it (one legacy
  // round trip before the sectors are asked, not two). Every field's rule then awaits the same decision.
  ctx.access.decisionFor({ nin }).catch(() => undefined);
  // The GP register routes the GP record: asked now too (the decision asks it only for some readers).
  loadListing(ctx, nin).catch(() => undefined);
  // When the plan reads the summary record next, its ticket is fetched now, alongside the registries, so
  // that the national subgraph's read costs one call to Kjernejournal, not two. The patient is answered
  // once both are done: the national subgraph, asked next, then finds the ticket held.
  const ticket = ctx.plan.includes('national') ? prefetchSummaryTicket(ctx, nin).catch(() => undefined) : undefined;
  const [person] = await Promise.all([loadPerson(ctx, nin), ticket]);
  // A participant outside health care is not told whether the register knows the number: they read only a plan whose
  // consent names their service, and are refused one alike for a person without one and a number nobody has.
  if (person.ok && person.value === null && ctx.access.identity.role !== 'PARTICIPANT') {
    throw graphError('PATIENT_NOT_FOUND', 'No person with this number in the population register', { source: person.source.sourceId });
  }
  // When the register failed, the patient is still returned: other sectors can answer, and the
  // registry fields carry the register's error.
  return { nin };
}

/**
 * Who may act for the patient, by pseudonym (the access log's key) and name: those with parental responsibility in the
 * population register and the holders of her powers of attorney in the representation register, ended ones included
 * (an entry from before a grant ended is still theirs). A register that fails leaves its people unnamed.
 */
async function representativeNames(ctx: SubgraphContext, nin: string): Promise<Map<string, string | null>> {
  const [person, grants] = await Promise.all([loadPerson(ctx, nin), loadRepresentation(ctx, nin)]);
  const candidates = new Set([...(person.ok ? (person.value?.parentalResponsibility ?? []) : []), ...(grants.ok ? (grants.value?.grants ?? []).map((g) => g.representativeNin) : [])]);
  const key = auditPseudonymKey();
  const named = await Promise.all(
    [...candidates].map(async (c) => {
      const found = await loadPerson(ctx, c);
      return [patientPseudonym(c, key), found.ok && found.value ? humanName(found.value.name).text : null] as const;
    }),
  );
  return new Map(named);
}

const STRICT = new Set(['STRICTLY_CONFIDENTIAL', 'STRICTLY_CONFIDENTIAL_ABROAD']);

export const resolvers = {
  Query: {
    patient: (_: unknown, args: { nin: string }, ctx: SubgraphContext) => resolvePatient(args.nin, ctx),
    // The field rule (citizen) admits only citizens; the number is always the login's own.
    // The person the login acts for: herself, or the person she represents (decided per field, from the registers).
    me: (_: unknown, _args: unknown, ctx: SubgraphContext) => (ctx.access.identity.kind === 'CITIZEN' ? resolvePatient(subjectOf(ctx.access.identity), ctx) : null),
    // A Patient id is read as patient(nin:) reads the number inside it: the same lookup, decision and log (node.ts).
    node: (_: unknown, args: { id: string }, ctx: SubgraphContext) => resolveNode(args.id, ctx, resolvePatient),
    patients: async (_: unknown, args: { nins: string[] }, ctx: SubgraphContext) => {
      if (args.nins.length > MAX_PATIENTS) {
        throw graphError('BAD_USER_INPUT', `At most ${MAX_PATIENTS} patients per request`, { max: MAX_PATIENTS });
      }
      // Each item succeeds or fails alone: an Error in a list becomes a null item with its own error.
      return Promise.all(args.nins.map((nin) => resolvePatient(nin, ctx).catch((e: unknown) => (e instanceof GraphQLError ? e : Promise.reject(e)))));
    },
  },
  Patient: {
    __resolveReference: (ref: PatientRef) => ({ nin: patientReference(ref).nin }),
    id: (p: PatientRef) => globalIds().encode('Patient', [p.nin]),
    identifierType: (p: PatientRef) => {
      const v = validateNin(p.nin);
      return v.valid ? v.info.kind : null;
    },
    syntheticIdentity: (p: PatientRef) => {
      const v = validateNin(p.nin);
      return v.valid && v.info.synthetic;
    },
    name: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const person = await valueOf(loadPerson(ctx, p.nin));
      return person && humanName(person.name);
    },
    birthDate: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => (await valueOf(loadPerson(ctx, p.nin)))?.birthDate ?? null,
    sex: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => (await valueOf(loadPerson(ctx, p.nin)))?.sex ?? null,
    deceasedDate: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => (await valueOf(loadPerson(ctx, p.nin)))?.deceasedDate ?? null,
    address: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const person = await valueOf(loadPerson(ctx, p.nin));
      // Never release a strictly confidential address, whatever an adapter returned.
      return person && !STRICT.has(person.addressProtection) ? person.address : null;
    },
    addressProtection: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => (await valueOf(loadPerson(ctx, p.nin)))?.addressProtection ?? null,
    municipality: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const person = await valueOf(loadPerson(ctx, p.nin));
      // The municipality of a strictly confidential address is itself a clue to where the person lives.
      if (!person?.municipalityNumber || STRICT.has(person.addressProtection)) return null;
      return { number: person.municipalityNumber, name: ctx.sources.municipality(person.municipalityNumber)?.name ?? null };
    },
    generalPractitioner: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const outcome = await loadListing(ctx, p.nin);
      const listing = unwrap(outcome);
      if (!listing) return null;
      const office = ctx.sources.gpOffice(listing.office.herId);
      const officeOrg = listing.office.orgNumber ?? office?.orgNumber ?? null;
      // The office and its GP place the patient: for a strictly confidential address the rule (placeName)
      // releases them only to readers at that office.
      const decision = await ctx.access.decisionFor(p);
      return withAccess({
        gp: listing.gpHprNumber ? { hprNumber: listing.gpHprNumber, listedName: listing.gpName } : null,
        office: {
          ...listing.office,
          // The register names the office; the organisation directory fills in what it leaves out.
          name: listing.office.name || office?.name || listing.office.herId,
          orgNumber: listing.office.orgNumber ?? office?.orgNumber ?? null,
        },
        since: listing.since,
        provenance: provenance(outcome.source),
      }, { decision, places: [officeOrg] });
    },
    accessGrant: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      signAccessGrant(accessGrantSecret(), ctx.requestId, p.nin, ctx.access.identity, await ctx.access.decisionFor(p)),
    accessLog: async (p: PatientRef, args: { last: number }, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      // Who read a child's record tells where she was treated (a youth clinic, a department): for a child of 12–15,
      // who may keep entries from her parents, her log is withheld from them whole.
      if (parentOfChildWhoMayKeep(decision)) throw noSourceGraphError(withheldFromParents('REGISTRY', 'access-log', 'access log (who has read her record)'));
      return accessLogOf(p.nin, args.last, ctx.sources, ctx.loaders, decision, () => representativeNames(ctx, p.nin));
    },
    accessLogConnection: async (p: PatientRef, args: ConnectionArgs, ctx: SubgraphContext) => {
      const decision = await ctx.access.decisionFor(p);
      // Withheld from a parent of a child of 12–15 as `accessLog` is.
      if (parentOfChildWhoMayKeep(decision)) throw noSourceGraphError(withheldFromParents('REGISTRY', 'access-log', 'access log (who has read her record)'));
      return accessLogConnectionOf(p.nin, args, ctx.sources, ctx.loaders, decision, () => representativeNames(ctx, p.nin));
    },
    registrySourceStatus: async (p: PatientRef, _: unknown, ctx: SubgraphContext) =>
      (await Promise.all([loadPerson(ctx, p.nin), loadListing(ctx, p.nin)])).map(statusOf),
    registryTimelineEvents: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const outcome = await loadPerson(ctx, p.nin);
      if (!outcome.ok || !outcome.value?.deceasedDate) return [];
      return [
        { date: outcome.value.deceasedDate, sector: 'REGISTRY', kind: 'DEATH', title: 'Død', detail: null, codes: [], provenance: provenance(outcome.source) },
      ];
    },
    /**
     * The GP listing as the care team's first two members: the regular GP and the office, reached through the office's
     * HER-id and phone. The office places the patient: for a strictly confidential address, who and where are left out
     * unless the reader works at that office (coordination.ts). A failed register is the record subgraph's to report.
     */
    registryCareTeam: async (p: PatientRef, _: unknown, ctx: SubgraphContext): Promise<CareTeamEntry[]> => {
      const outcome = await loadListing(ctx, p.nin);
      const listing = outcome.ok ? outcome.value : null;
      if (!listing) return [];
      const office = ctx.sources.gpOffice(listing.office.herId);
      const orgNumber = listing.office.orgNumber ?? office?.orgNumber ?? null;
      const visible = placeVisible(await ctx.access.decisionFor(p), ctx.access, orgNumber);
      const service = listing.office.name || office?.name || listing.office.herId;
      const member = (role: 'REGULAR_GP' | 'GP_OFFICE', hprNumber: string | null, name: PersonName | null): CareTeamMemberModel => ({
        role,
        hprNumber,
        name,
        service,
        orgNumber,
        herId: listing.office.herId,
        phone: null,
        start: listing.since,
        end: null,
      });
      const members = [...(listing.gpHprNumber || listing.gpName ? [member('REGULAR_GP', listing.gpHprNumber, listing.gpName)] : []), member('GP_OFFICE', null, null)];
      return members.map((m) => careTeamEntry(m, outcome.source, ctx.sources, visible));
    },
  },
  GpOffice: {
    id: (o: { herId: string }) => globalIds().encode('GpOffice', [o.herId]),
  },
  Node: {
    __resolveType: (node: { __typename?: string }) => node.__typename ?? null,
  },
  Practitioner: {
    // One normal form (lib/identifiers.ts), whatever the subgraph that named the practitioner wrote.
    __resolveReference: (ref: PractitionerRef) => ({ ...ref, hprNumber: normaliseHprNumber(ref.hprNumber) ?? ref.hprNumber }),
    // From the normal form, so that every subgraph's way of writing the number gives one id.
    id: (p: PractitionerRef) => globalIds().encode('Practitioner', [normaliseHprNumber(p.hprNumber) ?? p.hprNumber]),
    name: async (p: PractitionerRef, _: unknown, ctx: SubgraphContext) => {
      // The GP register already names the GP: no need to ask the practitioner register for that.
      const name = p.listedName ?? (await valueOf(loadPractitioner(ctx, p.hprNumber)))?.name;
      return name ? humanName(name) : null;
    },
    authorisations: async (p: PractitionerRef, _: unknown, ctx: SubgraphContext) => (await valueOf(loadPractitioner(ctx, p.hprNumber)))?.authorisations ?? null,
    specialities: async (p: PractitionerRef, _: unknown, ctx: SubgraphContext) => (await valueOf(loadPractitioner(ctx, p.hprNumber)))?.specialities ?? null,
  },
};

interface PractitionerRef {
  hprNumber: string;
  listedName?: PersonName | null;
}
