import { createHmac, randomUUID } from 'node:crypto';
import { adapterManifest } from '../../adapters';
import { isBlockSink, type BlockOutcome, type BlockSink, type SourceAdapter } from '../../adapters/contracts';
import type { BlockModel, HospitalRecordModel, PractitionerModel } from '../../adapters/model';
import { checkArguments } from '../../lib/argumentRules';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { graphError } from '../../lib/errorCodes';
import { normaliseHprNumber, normaliseOrgNumber } from '../../lib/identifiers';
import { subjectOf, type CitizenIdentity } from '../../lib/identity';
import { citizenAccessor } from '../../lib/audit/citizenAccessor';
import { groundLabel } from '../kit/access/AccessDecision';
import type { SubgraphContext } from '../kit/createSubgraph';
import { messagingRuntime } from './runtime';

export interface SetBlockInput {
  idempotencyKey: string;
  kind: 'PRACTITIONER' | 'ORGANISATION' | 'DOCUMENT';
  hprNumber?: string | null;
  orgNumber?: string | null;
  documentId?: string | null;
}

export interface LiftBlockInput {
  idempotencyKey: string;
  blockId: string;
}

type Hospital = SubgraphContext['sources']['orgs']['hospitals'][number];

const BAD = (argument: string) => ({ argument });

/**
 * The citizen's own blocks (sperring, pjl § 17), set and lifted on her own record through the hospitals that hold
 * it (their FHIR Consents, the BlockSink contract). Everything is checked before anything is written: the
 * practitioner exists in the practitioner register, the organisation is one the graph knows, the document is
 * hers. The action is logged first; then written; then the shared source cache forgets the hospital's answers
 * about her, so the block holds for the next request of every reader on every process (the hospital also sends a
 * change notice, for processes that keep their cache in memory). The access rule `ownBlock` has admitted only a
 * citizen by now.
 */
export async function setBlock(input: SetBlockInput, ctx: SubgraphContext): Promise<{ blockId: string; replayed: boolean }> {
  checkArguments('Mutation', 'setBlock', { input });
  const identity = ctx.access.identity as CitizenIdentity;
  // Her own record, or the record of the person she acts for (the rule ownBlock has checked that she may).
  const nin = subjectOf(identity);
  const request = { patientNin: nin, key: keyOf('setBlock', `${nin}:${identity.pid}`, input.idempotencyKey), deniedPersons: [] as string[], deniedOrganisations: [] as string[], documentIds: [] as string[] };
  let target: Hospital | undefined;
  if (input.kind === 'PRACTITIONER') {
    const hpr = normaliseHprNumber(input.hprNumber);
    if (!hpr) throw graphError('BAD_USER_INPUT', 'A practitioner block names the practitioner by HPR number', BAD('input.hprNumber'));
    if (!(await practitionerExists(ctx, hpr))) throw graphError('PRACTITIONER_UNKNOWN', 'No practitioner with this HPR number in the practitioner register; nothing was blocked', BAD('input.hprNumber'));
    request.deniedPersons.push(hpr);
  } else if (input.kind === 'ORGANISATION') {
    const org = normaliseOrgNumber(input.orgNumber);
    if (!org) throw graphError('BAD_USER_INPUT', 'An organisation block names the organisation by its number (9 digits, valid check digit)', BAD('input.orgNumber'));
    if (!ctx.sources.organisationName(org)) throw graphError('ORGANISATION_UNKNOWN', 'The graph knows no organisation with this number; nothing was blocked', BAD('input.orgNumber'));
    request.deniedOrganisations.push(org);
  } else {
    if (!input.documentId) throw graphError('BAD_USER_INPUT', 'A document block names the document', BAD('input.documentId'));
    target = await holderOf(ctx, nin, input.documentId);
    if (!target) throw graphError('DOCUMENT_NOT_YOURS', 'This document is not in your records at the hospitals; nothing was blocked', BAD('input.documentId'));
    request.documentIds.push(input.documentId);
  }
  // A block on a person or an organisation applies wherever it is found (every hospital's blocks are read for
  // every decision): it is kept by the first hospital of her area that holds her record.
  target ??= await firstHolder(ctx, nin);
  if (!target) throw graphError('BLOCK_NOT_POSSIBLE', 'No connected hospital holds a record of you to keep the block; nothing was blocked');
  const sink = sinkOf(ctx, target);
  await logAction(ctx, identity, 'Mutation.setBlock');
  const outcome = await sink.setBlock(request, { requestId: ctx.requestId });
  if (!outcome.ok) throw refusal(outcome);
  if (!outcome.created) {
    // The same key again: the same block, or the key is being reused for another.
    const existing = (await accessFacts(ctx, target, nin, true))?.blocks.find((b) => b.id === outcome.id);
    const same = existing && sameTargets(existing, request);
    if (!same) throw graphError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another block; nothing was changed', { argument: 'input.idempotencyKey' });
  }
  await forget(ctx, target, nin);
  return { blockId: outcome.id, replayed: !outcome.created };
}

export async function liftBlock(input: LiftBlockInput, ctx: SubgraphContext): Promise<{ blockId: string; replayed: boolean }> {
  checkArguments('Mutation', 'liftBlock', { input });
  const identity = ctx.access.identity as CitizenIdentity;
  // Her own record, or the record of the person she acts for (the rule ownBlock has checked that she may).
  const nin = subjectOf(identity);
  const hospitals = ctx.sources.orgs.hospitals;
  const found = (await Promise.all(hospitals.map(async (h) => ({ h, block: (await accessFacts(ctx, h, nin))?.blocks.find((b) => b.id === input.blockId) })))).find((x) => x.block);
  if (found?.block && !found.block.setByPatient) {
    throw graphError('BLOCK_NOT_YOURS', 'This block was registered by the hospital, not by you: ask the hospital to change it; nothing was changed');
  }
  await logAction(ctx, identity, 'Mutation.liftBlock');
  if (found) {
    const outcome = await sinkOf(ctx, found.h).liftBlock(input.blockId, { requestId: ctx.requestId });
    if (!outcome.ok) throw refusal(outcome);
    await forget(ctx, found.h, nin);
    return { blockId: input.blockId, replayed: false };
  }
  // Not among her active blocks: lifted already (a replay), or no block of hers.
  for (const h of hospitals) {
    const outcome = await sinkOf(ctx, h).liftBlock(input.blockId, { requestId: ctx.requestId });
    if (outcome.ok) return { blockId: input.blockId, replayed: true };
    if (outcome.status === 403) throw graphError('BLOCK_NOT_YOURS', 'This block was registered by the hospital, not by you; nothing was changed');
  }
  throw graphError('BLOCK_NOT_FOUND', 'You have no block with this id; nothing was changed', BAD('input.blockId'));
}

/** Her key for one action: a keyed hash of who she is and the key her client chose (no identity number in it). */
function keyOf(action: string, nin: string, clientKey: string): string {
  return createHmac('sha256', messagingRuntime().pseudonymKey).update(JSON.stringify([action, nin, clientKey])).digest('base64url');
}

function sameTargets(block: BlockModel, request: { deniedPersons: string[]; deniedOrganisations: string[]; documentIds: string[] }): boolean {
  const sorted = (values: readonly string[] | null) => JSON.stringify([...(values ?? [])].sort());
  return sorted(block.deniedPersons) === sorted(request.deniedPersons) && sorted(block.deniedOrganisations) === sorted(request.deniedOrganisations) && sorted(block.documentIds) === sorted(request.documentIds);
}

function sinkOf(ctx: SubgraphContext, hospital: Hospital): BlockSink {
  const adapter = ctx.sources.adapter(hospital.instance, 'HospitalRecordModel');
  if (!isBlockSink(adapter)) throw graphError('BLOCK_NOT_POSSIBLE', "The hospital's system takes no blocks through the graph; nothing was blocked");
  return adapter;
}

/** The hospital's access facts about her (blocks, episodes), through the kit; `fresh` reads past the shared cache's memory of this request. */
async function accessFacts(ctx: SubgraphContext, hospital: Hospital, nin: string, fresh = false): Promise<HospitalRecordModel | null> {
  const adapter = ctx.sources.adapter(hospital.instance, 'HospitalRecordModel');
  if (fresh) return (await adapter.readAccess([nin], { requestId: `${ctx.requestId}:${randomUUID()}` })).get(nin) ?? null;
  const access: SourceAdapter<string, HospitalRecordModel> = { instance: adapter.instance, read: (keys, options) => adapter.readAccess(keys, options) };
  const outcome = await ctx.loaders.load(access, nin, (k) => k, ctx.sources.masked('HOSPITAL'), 'access');
  return outcome.ok ? outcome.value : null;
}

/** The hospitals of her area that hold a record of her, first one first. */
async function firstHolder(ctx: SubgraphContext, nin: string): Promise<Hospital | undefined> {
  for (const h of await hospitalsOf(ctx, nin)) if (await accessFacts(ctx, h, nin)) return h;
  return undefined;
}

async function hospitalsOf(ctx: SubgraphContext, nin: string): Promise<readonly Hospital[]> {
  const id = ctx.sources.orgs.registries.population;
  const person = await ctx.loaders.load(ctx.sources.adapter(id, 'RegistryPerson'), nin, (k) => k, ctx.sources.info(id));
  const municipality = person.ok ? person.value?.municipalityNumber : undefined;
  return municipality ? ctx.sources.hospitalsFor(municipality) : ctx.sources.orgs.hospitals;
}

/** The hospital whose record of her holds the document. */
async function holderOf(ctx: SubgraphContext, nin: string, documentId: string): Promise<Hospital | undefined> {
  for (const h of ctx.sources.orgs.hospitals) {
    const outcome = await ctx.loaders.load<string, HospitalRecordModel>(ctx.sources.adapter(h.instance, 'HospitalRecordModel'), nin, (k) => k, ctx.sources.masked('HOSPITAL'));
    if (outcome.ok && outcome.value?.documents.some((d) => d.id === documentId)) return h;
  }
  return undefined;
}

async function practitionerExists(ctx: SubgraphContext, hpr: string): Promise<boolean> {
  const id = ctx.sources.orgs.registries.practitioners;
  const outcome = await ctx.loaders.load<string, PractitionerModel>(ctx.sources.adapter(id, 'PractitionerModel'), hpr, (k) => k, ctx.sources.info(id));
  if (!outcome.ok) throw graphError('SOURCE_UNAVAILABLE', 'The practitioner register could not be asked whether the practitioner exists; nothing was blocked', { source: outcome.source.sourceId });
  return outcome.value !== null;
}

/** The system's refusal, as the graph says it. */
function refusal(outcome: Extract<BlockOutcome, { ok: false }>) {
  if (outcome.status === 403) return graphError('BLOCK_NOT_YOURS', 'The hospital refused: this is not yours to change; nothing was changed');
  if (outcome.status === 422 && outcome.code === 'not-found') return graphError('DOCUMENT_NOT_YOURS', 'The hospital holds no such document of yours; nothing was blocked', BAD('input.documentId'));
  return graphError('BLOCK_NOT_POSSIBLE', `The hospital refused the block (${outcome.code}); nothing was changed`);
}

/** The shared source cache forgets what the hospital said about her (every process that shares it). */
async function forget(ctx: SubgraphContext, hospital: Hospital, nin: string): Promise<void> {
  const instance = ctx.sources.adapter(hospital.instance, 'HospitalRecordModel').instance;
  await messagingRuntime().cache.invalidate(instance, adapterManifest(instance.system).operations, [nin]);
}

async function logAction(ctx: SubgraphContext, identity: CitizenIdentity, field: string): Promise<void> {
  const runtime = messagingRuntime();
  const nin = subjectOf(identity);
  const decision = await ctx.access.decisionFor({ nin });
  const record: AccessRecord = {
    id: randomUUID(),
    time: new Date().toISOString(),
    requestId: ctx.requestId,
    accessor: citizenAccessor(identity, runtime.pseudonymKey),
    patient: patientPseudonym(nin, runtime.pseudonymKey),
    purpose: identity.purpose,
    emergencyReason: null,
    basis: decision.grounds.map(groundLabel),
    fields: [field],
    denied: [],
  };
  try {
    await runtime.actions.append([record]);
  } catch {
    throw graphError('AUDIT_UNAVAILABLE', 'The access log could not record this change, so nothing was changed; try again later');
  }
}
