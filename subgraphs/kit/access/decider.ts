import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ContractName, SourceAdapter } from '../../../adapters/contracts';
import type { KitStorage } from '../../../adapters/kit/AdapterKit';
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
 * ACCESS_DECISION_CACHE_SECONDS (default 10, or 0 with SOURCE_CACHE=off; 0: off): how long this process reuses a
 * reader's decision about a patient, made from sources that all answered, for the same reader (every claim of the token
 * alike: organisation, purpose, emergency reason) on the same day. The facts under it are cached for longer already
 * (the source cache's TTL), so this adds no staleness they do not have: it spares reading and parsing them again for
 * every request (a subscriber's live alerts are a read each). A change notice about the patient from a system access is
 * decided from forgets her decisions at once in every process: it sets a fresh mark for her in the shared store (where
 * the facts are forgotten too), and a kept decision is used only while the mark it was made under is still the mark.
 * A decision from a source that failed is never kept; nor is any while the shared store does not answer.
 */
export function decisionCacheSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ACCESS_DECISION_CACHE_SECONDS?.trim();
  // Without the source cache every read asks the sources: so does every decision.
  if (!raw) return env.SOURCE_CACHE?.trim() === 'off' ? 0 : 10;
  const value = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || value > 60) throw new ConfigError(`ACCESS_DECISION_CACHE_SECONDS must be a whole number of seconds from 0 to 60 (got ${JSON.stringify(raw.slice(0, 20))})`);
  return value;
}

/** The contracts of the systems a decision is made from: a change notice from one of them forgets the patient's decisions. */
export const DECISION_CONTRACTS: ReadonlySet<string> = new Set<ContractName>(['RegistryPerson', 'GpListingModel', 'CareRecordModel', 'HospitalRecordModel', 'RepresentationModel']);

interface Kept {
  decision: AccessDecision;
  /** The patient's mark in the shared store when the decision was made ('' for none). */
  mark: string;
}

// Read on first use (a bad value stops the process at start, when the person subgraph's first checks read it).
let kept: { ttlMs: number; decisions: LRUCache<string, Kept> } | undefined;
const decisionCache = () => {
  if (!kept) {
    const ttlMs = decisionCacheSeconds() * 1000;
    kept = { ttlMs, decisions: new LRUCache<string, Kept>({ max: 20_000, ttl: Math.max(1, ttlMs) }) };
  }
  return kept;
};

const markKey = (storage: KitStorage, nin: string) => storage.crypto.keyFor('dmark', nin);

/** The patient's mark in the shared store, '' for none; undefined when the store cannot say (then nothing kept is used). */
async function markOf(storage: KitStorage, nin: string): Promise<string | undefined> {
  if (!storage.store.available()) return undefined;
  const key = markKey(storage, nin);
  return (await storage.store.getMany([key])).get(key) ?? '';
}

/**
 * Forgets every kept decision about these patients, in every process that shares the store (a source said their data
 * changed). Throws when the shared store does not take the marks: the notice is then answered 503 and sent again.
 */
export async function forgetDecisions(storage: KitStorage, patients: readonly string[]): Promise<void> {
  const ttlMs = Math.max(2 * decisionCacheSeconds() * 1000, 60_000);
  await storage.store.setMany(patients.map((nin) => ({ key: markKey(storage, nin), value: randomBytes(12).toString('base64url'), ttlMs })));
  if (!storage.store.available()) throw new Error('the shared store did not take the marks');
}

async function remembered(ctx: BaseContext, reader: Identity, nin: string): Promise<AccessDecision> {
  const { ttlMs, decisions } = decisionCache();
  if (ttlMs === 0) return (await decide(ctx, reader, nin)).decision;
  // An HMAC of the reader's claims, the day and the patient: no identity number in a key, even in process memory.
  const key = ctx.sources.storage.crypto.keyFor('decision', JSON.stringify(reader), todayInOslo(), nin);
  // The mark first: a notice that lands while the decision is being made leaves it under the old mark, unused.
  const mark = await markOf(ctx.sources.storage, nin);
  const reused = decisions.get(key);
  if (reused && mark !== undefined && reused.mark === mark) return reused.decision;
  const { decision, complete } = await decide(ctx, reader, nin);
  if (complete && mark !== undefined) decisions.set(key, { decision, mark });
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

