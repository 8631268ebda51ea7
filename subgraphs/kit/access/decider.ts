import type { SourceAdapter } from '../../../adapters/contracts';
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
  return ({ nin }) => decide(ctx, reader, nin);
}

async function decide(ctx: BaseContext, reader: Identity, nin: string): Promise<AccessDecision> {
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
  const officeHerId = listing.ok ? listing.value?.office.herId : undefined;
  const gpOfficeOrgNumber = (listing.ok ? listing.value?.office.orgNumber : null) ?? (officeHerId ? (ctx.sources.gpOffice(officeHerId)?.orgNumber ?? null) : null);
  return decideAccess({
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
}

