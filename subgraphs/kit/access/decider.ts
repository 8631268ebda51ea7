import { LRUCache } from 'lru-cache';
import type { ContractName, SourceAdapter } from '../../../adapters/contracts';
import type { CareRecordModel, GpListingModel, HospitalRecordModel, RegistryPerson, RepresentationModel } from '../../../adapters/model';
import { ConfigError } from '../../../lib/config';
import type { Identity } from '../../../lib/identity';
import { todayInOslo } from '../../../lib/osloTime';
import type { SubgraphContext } from '../createSubgraph';
import type { SourceOutcome } from '../outcomes';
import type { PatientParent } from './AccessContext';
import type { AccessDecision } from './AccessDecision';
import { decideAccess, DEFAULT_LOOKBACK_YEARS, yearsBefore } from './decideAccess';

/**
 * RECORD_LOOKBACK_YEARS: how many years back the graph follows a patient to the municipalities they lived in and the
 * GP offices they were listed with before (default 10; 0: today's places only). A value that is no whole number of
 * years from 0 to 100 stops the process at start (the person subgraph reads it then).
 */
export function recordLookbackYears(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RECORD_LOOKBACK_YEARS?.trim();
  if (!raw) return DEFAULT_LOOKBACK_YEARS;
  const value = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || value > 100) throw new ConfigError(`RECORD_LOOKBACK_YEARS must be a whole number of years from 0 to 100 (got ${JSON.stringify(raw.slice(0, 20))})`);
  return value;
}

/**
 * Decisions from the sources: the person subgraph decides every reader's access to every patient of a request,
 * once (the others read its signed grant), and the messaging subgraph decides before it sends anything. From the
 * sources: the registries it reads anyway, plus the reader's own organisation's system when the reader
 * works for the patient's municipality or a connected hospital. Other subgraphs receive the decision in
 * the signed access grant; the gateway receives it (by patient pseudonym) for the access log.
 */
type BaseContext = Omit<SubgraphContext, 'access'>;

export function loadPerson(ctx: BaseContext, nin: string): Promise<SourceOutcome<RegistryPerson>> {
  const id = ctx.sources.orgs.registries.population;
  return ctx.loaders.load(ctx.sources.adapter(id, 'RegistryPerson'), nin, (k) => k, ctx.sources.info(id));
}

export function loadListing(ctx: BaseContext, nin: string): Promise<SourceOutcome<GpListingModel>> {
  const id = ctx.sources.orgs.registries.gpList;
  return ctx.loaders.load(ctx.sources.adapter(id, 'GpListingModel'), nin, (k) => k, ctx.sources.info(id));
}

/** The grants a person gave in the representation register (powers of attorney). */
export async function loadRepresentation(ctx: BaseContext, nin: string): Promise<SourceOutcome<RepresentationModel | null>> {
  const id = ctx.sources.orgs.registries.representation;
  // No register connected: no power of attorney can be shown (parental responsibility still can).
  if (!id) return { ok: true, value: null, source: ctx.sources.info(ctx.sources.orgs.registries.population), ms: 0 };
  return ctx.loaders.load(ctx.sources.adapter(id, 'RepresentationModel'), nin, (k) => k, ctx.sources.info(id));
}

export function decider(ctx: BaseContext, reader: Identity): (patient: PatientParent) => Promise<AccessDecision> {
  return ({ nin }) => remembered(ctx, reader, nin);
}

/**
 * ACCESS_DECISION_CACHE_SECONDS (default 10, or 0 with SOURCE_CACHE=off; 0: off): how long this process reuses a reader's decision about a patient,
 * made from sources that all answered, for the same reader (every claim of the token alike: organisation, purpose,
 * emergency reason) on the same day. The facts under it are cached for longer already (the source cache's TTL), so
 * this adds no staleness they do not have: it spares reading and parsing them again for every request (a subscriber's
 * live alerts are a read each). A change notice about the patient from any source forgets her decisions at once
 * (forgetDecisions), as it forgets the facts; a decision from a source that failed is never kept.
 */
export function decisionCacheSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ACCESS_DECISION_CACHE_SECONDS?.trim();
  // Without the source cache every read asks the sources: so does every decision.
  if (!raw) return env.SOURCE_CACHE?.trim() === 'off' ? 0 : 10;
  const value = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || value > 60) throw new ConfigError(`ACCESS_DECISION_CACHE_SECONDS must be a whole number of seconds from 0 to 60 (got ${JSON.stringify(raw.slice(0, 20))})`);
  return value;
}

// Read on first use (a bad value stops the process at start, when the person subgraph's first checks read it).
let kept: { ttlMs: number; decisions: LRUCache<string, AccessDecision> } | undefined;
const decisionCache = () => {
  if (!kept) {
    const ttlMs = decisionCacheSeconds() * 1000;
    kept = { ttlMs, decisions: new LRUCache<string, AccessDecision>({ max: 20_000, ttl: Math.max(1, ttlMs) }) };
  }
  return kept;
};
/** The keys of each patient's kept decisions, so that a change notice forgets them without a scan. */
const keysByPatient = new Map<string, Set<string>>();

/** The contracts of the systems a decision is made from: a change notice from one of them forgets the patient's decisions. */
export const DECISION_CONTRACTS: ReadonlySet<string> = new Set<ContractName>(['RegistryPerson', 'GpListingModel', 'CareRecordModel', 'HospitalRecordModel', 'RepresentationModel']);

/** Forgets every kept decision about these patients (a source said their data changed). */
export function forgetDecisions(patients: readonly string[]): void {
  if (!kept) return;
  for (const nin of patients) {
    for (const key of keysByPatient.get(nin) ?? []) kept.decisions.delete(key);
    keysByPatient.delete(nin);
  }
}

async function remembered(ctx: BaseContext, reader: Identity, nin: string): Promise<AccessDecision> {
  const { ttlMs, decisions } = decisionCache();
  if (ttlMs === 0) return (await decide(ctx, reader, nin)).decision;
  const key = `${JSON.stringify(reader)}\u0000${todayInOslo()}\u0000${nin}`;
  const reused = decisions.get(key);
  if (reused) return reused;
  const { decision, complete } = await decide(ctx, reader, nin);
  if (complete) {
    decisions.set(key, decision);
    let keys = keysByPatient.get(nin);
    if (!keys) keysByPatient.set(nin, (keys = new Set()));
    // Bounded with the cache: a key the cache dropped is dropped here when the set is next used or the patient forgotten.
    if (keys.size > 64) for (const k of keys) if (!decisions.has(k)) keys.delete(k);
    keys.add(key);
  }
  return decision;
}

async function decide(ctx: BaseContext, reader: Identity, nin: string): Promise<{ decision: AccessDecision; complete: boolean }> {
  const clinician = reader.kind === 'PERSONNEL' && reader.role === 'CLINICIAN' ? reader : undefined;
  // Everything at once, whoever the patient is: the registries, every connected hospital's access facts (for
  // blocks by name and episodes of care), and the reader's own municipality's care record. Named by sector
  // only in logs: which instance answered for which request would tell where a patient lives.
  const municipality = clinician?.orgNumber ? ctx.sources.municipalityByOrg(clinician.orgNumber) : undefined;
  const representative = reader.kind === 'CITIZEN' && reader.represents === nin ? reader : undefined;
  const [person, listing, readerCare, hospitals, representation] = await Promise.all([
    loadPerson(ctx, nin),
    loadListing(ctx, nin),
    clinician && municipality?.careInstance
      ? ctx.loaders.load<string, CareRecordModel>(ctx.sources.adapter(municipality.careInstance, 'CareRecordModel'), nin, (k) => k, ctx.sources.masked('MUNICIPAL_CARE'))
      : undefined,
    clinician
      ? Promise.all(
          ctx.sources.orgs.hospitals.map(async (h) => {
            const adapter = ctx.sources.adapter(h.instance, 'HospitalRecordModel');
            const access: SourceAdapter<string, HospitalRecordModel> = { instance: adapter.instance, read: (keys, options) => adapter.readAccess(keys, options) };
            return { orgNumber: h.orgNumber, outcome: await ctx.loaders.load(access, nin, (k) => k, ctx.sources.masked('HOSPITAL'), 'access') };
          }),
        )
      : [],
    // The powers of attorney the patient gave, for a citizen acting for her.
    representative ? loadRepresentation(ctx, nin) : undefined,
  ]);
  const today = todayInOslo();
  // Kept only when every source it rests on answered (and none from a stale copy served while its source failed).
  const complete = [person, listing, readerCare, representation, ...hospitals.map((h) => h.outcome)].every((o) => o === undefined || (o.ok && o.staleAgeMs === undefined));
  const officeHerId = listing.ok ? listing.value?.office.herId : undefined;
  const gpOfficeOrgNumber = (listing.ok ? listing.value?.office.orgNumber : null) ?? (officeHerId ? (ctx.sources.gpOffice(officeHerId)?.orgNumber ?? null) : null);
  const decision = decideAccess({
    reader,
    nin,
    person,
    listing,
    gpOfficeOrgNumber,
    ...(readerCare ? { readerCare } : {}),
    hospitals,
    catchment: (m) => ctx.sources.hospitalsFor(m).map((h) => h.orgNumber),
    today,
    lookbackFrom: yearsBefore(today, recordLookbackYears()),
    ...(representation ? { representation } : {}),
  });
  return { decision, complete };
}

