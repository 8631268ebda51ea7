import { createHmac, randomUUID } from 'node:crypto';
import type { ContractName, OutgoingMessage } from '../../adapters/contracts';
import type { MessageModel, PractitionerModel } from '../../adapters/model';
import { checkArguments } from '../../lib/argumentRules';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { graphError } from '../../lib/errorCodes';
import type { Identity } from '../../lib/identity';
import { citizenAccessor } from '../../lib/audit/citizenAccessor';
import { loadPerson } from '../kit/access/decider';
import { normaliseHerId } from '../../lib/identifiers';
import type { OutboxEntry } from '../../lib/outbox/Outbox';
import { groundLabel, type AccessDecision } from '../kit/access/AccessDecision';
import type { SubgraphContext } from '../kit/createSubgraph';
import type { AddressedService } from '../kit/SourceDirectory';
import type { SealedMessage } from './delivery';
import { reachableServices, recordedMessage } from './reachable';
import { messagingRuntime } from './runtime';

export interface SendMessageInput {
  idempotencyKey: string;
  patient: string;
  recipientHerId: string;
  kind: MessageModel['kind'];
  inReplyTo?: string | null;
  subject: string;
  text: string;
}

/** Which record contract a sector's system fulfils: the adapter that takes its messages is that one. */
const CONTRACT_OF_SECTOR: Partial<Record<AddressedService['sector'], ContractName>> = {
  GP: 'GpRecordModel',
  MUNICIPAL_CARE: 'CareRecordModel',
  HOSPITAL: 'HospitalRecordModel',
};

// No HTTP status here: the subgraph answers the gateway 200 with the error, and the gateway gives the client
// the status the code means (gateway/requests/actionStatus.ts).
const BAD = (argument: string) => ({ argument });

/**
 * `sendMessage`: checks everything before anything is stored, in this order, so that a refused message leaves
 * no trace but its refusal: the arguments (again: the gateway checked them before planning), the reader's
 * access to the patient (the field rule `careMessage` has decided by now), that the reader's service can be
 * answered, that the recipient is a service of the patient's care team whose system takes messages, that a
 * reply answers a message of this patient. Then, once per idempotency key: the action is written to the
 * access log, the message to the outbox (durably), and delivery is started; the answer says QUEUED (or what
 * the first send of this key became).
 */
export async function sendMessage(input: SendMessageInput, ctx: SubgraphContext): Promise<{ message: OutboxEntry; replayed: boolean }> {
  checkArguments('Mutation', 'sendMessage', { input });
  const runtime = messagingRuntime();
  const identity = ctx.access.identity;
  const nin = input.patient;
  const patient = patientPseudonym(nin, runtime.pseudonymKey);
  const who = identity.kind === 'CITIZEN' ? ['CITIZEN', identity.pid, identity.represents] : [identity.hprNumber, identity.orgNumber];
  const key = createHmac('sha256', runtime.pseudonymKey).update(JSON.stringify(['sendMessage', identity.issuer, ...who, input.idempotencyKey])).digest('base64url');
  const fingerprint = { patient, recipientHerId: normaliseHerId(input.recipientHerId), kind: input.kind, inReplyTo: input.inReplyTo ?? null, subject: input.subject, text: input.text };

  // The same key again: what it did the first time, if it is the same message.
  const earlier = await runtime.outbox.byKey(key);
  if (earlier) return { message: sameMessage(earlier, fingerprint), replayed: true };

  // Health personnel write from their service (the login's her_id); a citizen from the citizens' portal, which takes
  // the answer for her (as helsenorge.no does).
  const senderHerId = identity.kind === 'CITIZEN' ? ctx.sources.orgs.national.citizenPortal?.herId : identity.herId;
  const sender = senderHerId ? ctx.sources.serviceByHerId(senderHerId) : undefined;
  if (!sender) {
    throw graphError(
      'SENDER_NOT_ADDRESSABLE',
      identity.kind === 'CITIZEN'
        ? 'No citizens\' portal is configured (organisations.json national.citizenPortal), so an answer could not reach you; nothing was sent'
        : 'Your login names no service the graph knows (her_id), so an answer could not reach you; nothing was sent',
    );
  }
  const recipient = ctx.sources.serviceByHerId(fingerprint.recipientHerId ?? '');
  const contract = recipient ? CONTRACT_OF_SECTOR[recipient.sector] : undefined;
  if (!recipient || !recipient.instance || !contract) {
    throw graphError('MESSAGE_RECIPIENT_UNKNOWN', 'The recipient HER-id names no service whose system takes messages through the graph; nothing was sent', BAD('input.recipientHerId'));
  }
  const reachable = await reachableServices(ctx, nin);
  if (!reachable.has(recipient.herId)) {
    throw graphError('MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM', "The recipient is not a service of this patient's care team; nothing was sent", BAD('input.recipientHerId'));
  }
  let conversationRef: string | undefined;
  if (input.inReplyTo) {
    const answered = await runtime.outbox.get(input.inReplyTo);
    // A message the graph sent about another patient, or none of this patient's records holds: refused alike.
    const found = answered ? (answered.patient === patient ? answered.conversationRef : undefined) : (await recordedMessage(ctx, nin, input.inReplyTo))?.conversationRef;
    if (!found) throw graphError('MESSAGE_THREAD_UNKNOWN', 'inReplyTo names no message of this patient; nothing was sent', BAD('input.inReplyTo'));
    conversationRef = found;
  } else if (input.kind === 'ANSWER') {
    throw graphError('BAD_USER_INPUT', 'An ANSWER needs inReplyTo: the message it answers', BAD('input.inReplyTo'));
  }

  const id = randomUUID();
  // Who wrote: the practitioner by the HPR register, a citizen (or who acts for her) by the population register.
  const writer = identity.kind === 'CITIZEN' ? await citizenName(ctx, identity.pid) : await practitionerName(ctx, identity.hprNumber);
  const hprNumber = identity.kind === 'CITIZEN' ? null : identity.hprNumber;
  const message: OutgoingMessage = {
    id,
    conversationRef: conversationRef ?? id,
    inReplyTo: input.inReplyTo ?? null,
    kind: input.kind,
    sentAt: new Date().toISOString(),
    sender: { herId: sender.herId, service: sender.name, orgNumber: sender.orgNumber, hprNumber, name: writer },
    recipient: { herId: recipient.herId, service: recipient.name, orgNumber: recipient.orgNumber, hprNumber: null, name: null },
    subject: input.subject.trim(),
    text: input.text,
    patientNin: nin,
    // Who asks, where the protocol codes it (a KITH question from care or from a doctor).
    senderSector: sender.sector,
  };
  const decision = await ctx.access.decisionFor({ nin });
  // Logged before it is stored: what is not on record is not sent (pjl § 22). A failure refuses the message.
  try {
    await runtime.actions.append([actionRecord(ctx, identity, patient, decision)]);
  } catch {
    throw graphError('AUDIT_UNAVAILABLE', 'The access log could not record this action, so nothing was sent; try again later');
  }
  const now = new Date().toISOString();
  const sealed: SealedMessage = { message, contract };
  let stored: { entry: OutboxEntry; created: boolean };
  try {
    stored = await runtime.outbox.add({
      id,
      key,
      conversationRef: message.conversationRef,
      patient,
      instance: recipient.instance,
      createdAt: now,
      status: 'QUEUED',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      receipt: null,
      deliveredAt: null,
      sealed: runtime.seal.seal(id, sealed),
    });
  } catch {
    throw graphError('OUTBOX_UNAVAILABLE', 'The message could not be stored, so it was not accepted; retry with the same idempotency key');
  }
  runtime.delivery.kick();
  return { message: stored.created ? stored.entry : sameMessage(stored.entry, fingerprint), replayed: !stored.created };
}

/** The earlier message of this key, if it is the message asked for now; otherwise the key is being reused. */
function sameMessage(entry: OutboxEntry, fingerprint: Record<string, unknown>): OutboxEntry {
  const runtime = messagingRuntime();
  const { message } = runtime.seal.open<SealedMessage>(entry.id, entry.sealed);
  const earlier = {
    patient: entry.patient,
    recipientHerId: message.recipient.herId,
    kind: message.kind,
    inReplyTo: message.inReplyTo,
    subject: message.subject,
    text: message.text,
  };
  const same = JSON.stringify(earlier) === JSON.stringify({ ...fingerprint, subject: String(fingerprint.subject).trim() });
  if (!same) throw graphError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another message; nothing was sent', { argument: 'input.idempotencyKey' });
  return entry;
}

async function citizenName(ctx: SubgraphContext, pid: string): Promise<string | null> {
  const outcome = await loadPerson(ctx, pid);
  const name = outcome.ok ? outcome.value?.name : null;
  return name ? [name.given, name.middle, name.family].filter(Boolean).join(' ') : null;
}

async function practitionerName(ctx: SubgraphContext, hpr: string | null): Promise<string | null> {
  if (!hpr) return null;
  const id = ctx.sources.orgs.registries.practitioners;
  const outcome = await ctx.loaders.load<string, PractitionerModel>(ctx.sources.adapter(id, 'PractitionerModel'), hpr, (k) => k, ctx.sources.info(id));
  const name = outcome.ok ? outcome.value?.name : null;
  return name ? [name.given, name.middle, name.family].filter(Boolean).join(' ') : null;
}

/** The access log's record of the action: who, which patient, on what ground, that a message was sent. */
function actionRecord(ctx: SubgraphContext, identity: Identity, patient: string, decision: AccessDecision): AccessRecord {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    requestId: ctx.requestId,
    accessor:
      identity.kind === 'CITIZEN'
        ? citizenAccessor(identity, messagingRuntime().pseudonymKey)
        : {
            kind: 'PERSONNEL',
            hprNumber: identity.hprNumber,
            orgNumber: identity.orgNumber,
            childOrgNumber: identity.childOrgNumber,
            herId: identity.herId,
            profession: identity.profession,
          },
    patient,
    purpose: identity.purpose,
    emergencyReason: identity.purpose === 'ETREAT' ? identity.emergencyReason : null,
    basis: decision.grounds.map(groundLabel),
    // An action, told apart from a read by its field: the access log shows it as "sent a message".
    fields: ['Mutation.sendMessage'],
    denied: [],
  };
}
