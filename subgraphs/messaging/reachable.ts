import type { GpRecordKey, SourceAdapter } from '../../adapters/contracts';
import type { CareRecordModel, CareTeamMemberModel, GpRecordModel, HospitalRecordModel, MessageModel } from '../../adapters/model';
import { todayInOslo } from '../../lib/osloTime';
import { loadListing, loadPerson } from '../kit/access/decider';
import type { SubgraphContext } from '../kit/createSubgraph';
import type { AddressedService } from '../kit/SourceDirectory';

type Ctx = Omit<SubgraphContext, 'access'>;

/** How long after a hospital episode ends its department is still someone to ask about the stay. */
const AFTER_EPISODE_DAYS = 365;

/**
 * The services a message about this patient may go to: her care team, as the sources tell it now. Her GP
 * office (the GP register); the municipal units that serve her (the active services of her municipality's
 * care record, the coordinating unit, and any member the record names); the hospital departments that treat
 * her or treated her in the last year (each connected hospital's episodes of care and named members). Read
 * through the kit like every other read (cached, batched, named by sector in logs).
 */
export async function reachableServices(ctx: Ctx, nin: string): Promise<Map<string, AddressedService>> {
  const found = new Map<string, AddressedService>();
  const add = (service: AddressedService | undefined) => {
    if (service) found.set(service.herId, service);
  };
  const addMembers = (members: readonly CareTeamMemberModel[] | undefined, today: string) => {
    for (const m of members ?? []) if (m.herId && (m.end === null || m.end >= today)) add(ctx.sources.serviceByHerId(m.herId));
  };
  const today = todayInOslo();
  const [person, listing] = await Promise.all([loadPerson(ctx, nin), loadListing(ctx, nin)]);
  if (listing.ok && listing.value) add(ctx.sources.serviceByHerId(listing.value.office.herId));

  const municipalityNumber = person.ok ? person.value?.municipalityNumber : undefined;
  const municipality = municipalityNumber ? ctx.sources.municipality(municipalityNumber) : undefined;
  const hospitals = municipalityNumber ? ctx.sources.hospitalsFor(municipalityNumber) : ctx.sources.orgs.hospitals;
  const [care, ...records] = await Promise.all([
    municipality?.careInstance
      ? ctx.loaders.load<string, CareRecordModel>(ctx.sources.adapter(municipality.careInstance, 'CareRecordModel'), nin, (k) => k, ctx.sources.masked('MUNICIPAL_CARE'))
      : undefined,
    ...hospitals.map(async (h) => {
      const adapter = ctx.sources.adapter(h.instance, 'HospitalRecordModel');
      const access: SourceAdapter<string, HospitalRecordModel> = { instance: adapter.instance, read: (keys, options) => adapter.readAccess(keys, options) };
      return { orgNumber: h.orgNumber, outcome: await ctx.loaders.load(access, nin, (k) => k, ctx.sources.masked('HOSPITAL'), 'access') };
    }),
  ]);
  if (municipality && care?.ok && care.value) {
    const active = care.value.services.filter((s) => s.end === null || s.end >= today);
    for (const s of active) add(ctx.sources.serviceNamed(municipality.orgNumber, s.unit));
    if (active.length > 0) add(municipality.services.map((s) => ctx.sources.serviceByHerId(s.herId)).find((s) => s?.kind === 'COORDINATION'));
    addMembers(care.value.careTeam, today);
  }
  const since = new Date(Date.parse(`${today}T00:00:00Z`) - AFTER_EPISODE_DAYS * 86_400_000).toISOString().slice(0, 10);
  for (const { orgNumber, outcome } of records) {
    if (!outcome.ok || !outcome.value) continue;
    for (const e of outcome.value.careEpisodes) if (e.end === null || e.end.slice(0, 10) >= since) add(ctx.sources.serviceNamed(e.orgNumber ?? orgNumber, e.department));
    addMembers(outcome.value.careTeam, today);
  }
  return found;
}

/**
 * A message one of the patient's systems holds (a GP office's, her municipality's care system's, a hospital's
 * of her catchment area), by id: what an answer to a message the graph did not send (a GP's answer, a ward's
 * note) is checked against. Undefined when none of them holds it for this patient.
 */
export async function recordedMessage(ctx: Ctx, nin: string, id: string): Promise<MessageModel | undefined> {
  const [person, listing] = await Promise.all([loadPerson(ctx, nin), loadListing(ctx, nin)]);
  const municipalityNumber = person.ok ? person.value?.municipalityNumber : undefined;
  const municipality = municipalityNumber ? ctx.sources.municipality(municipalityNumber) : undefined;
  const office = listing.ok && listing.value ? ctx.sources.gpOffice(listing.value.office.herId) : undefined;
  const hospitals = municipalityNumber ? ctx.sources.hospitalsFor(municipalityNumber) : ctx.sources.orgs.hospitals;
  const reads: Promise<readonly MessageModel[]>[] = [];
  const messagesOf = async <V extends { messages?: MessageModel[] }>(read: Promise<{ ok: boolean; value?: V | null }>) => {
    const outcome = await read;
    return outcome.ok ? (outcome.value?.messages ?? []) : [];
  };
  if (office) {
    reads.push(messagesOf(ctx.loaders.load<GpRecordKey, GpRecordModel>(ctx.sources.adapter(office.instance, 'GpRecordModel'), { nin, officeHerId: office.herId }, (k) => k.nin, ctx.sources.masked('GP'))));
  }
  if (municipality?.careInstance) {
    reads.push(messagesOf(ctx.loaders.load<string, CareRecordModel>(ctx.sources.adapter(municipality.careInstance, 'CareRecordModel'), nin, (k) => k, ctx.sources.masked('MUNICIPAL_CARE'))));
  }
  for (const h of hospitals) {
    reads.push(messagesOf(ctx.loaders.load<string, HospitalRecordModel>(ctx.sources.adapter(h.instance, 'HospitalRecordModel'), nin, (k) => k, ctx.sources.masked('HOSPITAL'))));
  }
  return (await Promise.all(reads)).flat().find((m) => m.id === id);
}
