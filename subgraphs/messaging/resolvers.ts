import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { MessageModel } from '../../adapters/model';
import type { OutboxEntry } from '../../lib/outbox/Outbox';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { parentOfChildWhoMayKeep, type AccessDecision } from '../kit/access/AccessDecision';
import { noSourceGraphError } from '../kit/outcomes';
import { withheldFromParents } from '../kit/routing';
import { withAccess } from '../kit/access/itemAccess';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import type { SealedMessage } from './delivery';
import { liftBlock, setBlock, type LiftBlockInput, type SetBlockInput } from './blocks';
import { messagingRuntime } from './runtime';
import { sendMessage, type SendMessageInput } from './sendMessage';
import { threadsOf, type ThreadMessage } from './threads';
import { connection, type ConnectionArgs } from '../kit/connection';
import { checkArguments } from '../../lib/argumentRules';

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
  gpMessages?: MessageEntry[] | null;
  careMessages?: MessageEntry[] | null;
  hospitalMessages?: MessageEntry[] | null;
}

type MessageEntry = MessageModel & { provenance: unknown };

const SECTOR_LISTS = [
  ['gpMessages', 'GP'],
  ['careMessages', 'MUNICIPAL_CARE'],
  ['hospitalMessages', 'HOSPITAL'],
] as const;

/** A message a system's record holds: it reached that system, so it is DELIVERED (ANSWERED once answered). */
function fromRecord({ provenance: _provenance, ...m }: MessageEntry): ThreadMessage {
  return { ...m, status: 'DELIVERED', statusReason: null, attempts: null };
}

/** A message the graph holds in its outbox, as `Message` shows it (parties carry the place rule's facts). */
function fromOutbox(entry: OutboxEntry): ThreadMessage {
  const { message } = messagingRuntime().seal.open<SealedMessage>(entry.id, entry.sealed);
  const { patientNin: _patient, ...shown } = message;
  const reason = entry.receipt?.status === 'REJECTED' ? [entry.receipt.code, entry.receipt.text].filter(Boolean).join(': ') : entry.status === 'QUEUED' ? entry.lastError : null;
  return { ...shown, status: entry.status, statusReason: reason || null, attempts: entry.attempts };
}

/** Parties of a message place the patient (a GP office, a unit): their names follow the place rule. */
function placed(message: ThreadMessage, decision: AccessDecision) {
  return {
    ...message,
    sender: withAccess(message.sender, { decision, places: [message.sender.orgNumber] }),
    recipient: withAccess(message.recipient, { decision, places: [message.recipient.orgNumber] }),
  };
}

export const resolvers = {
  Mutation: {
    setBlock: (_: unknown, args: { input: SetBlockInput }, ctx: SubgraphContext) => setBlock(args.input, ctx),
    liftBlock: (_: unknown, args: { input: LiftBlockInput }, ctx: SubgraphContext) => liftBlock(args.input, ctx),
    sendMessage: async (_: unknown, args: { input: SendMessageInput }, ctx: SubgraphContext) => {
      const { message, replayed } = await sendMessage(args.input, ctx);
      const decision = await ctx.access.decisionFor({ nin: args.input.patient });
      return { message: placed(fromOutbox(message), decision), replayed };
    },
  },
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    messages: (p: PatientRef, _: unknown, ctx: SubgraphContext, info: GraphQLResolveInfo) => threadsFor(p, ctx, info),
    messagesConnection: async (p: PatientRef, args: ConnectionArgs, ctx: SubgraphContext, info: GraphQLResolveInfo) => {
      checkArguments('Patient', 'messagesConnection', { ...args });
      return connection(await threadsFor(p, ctx, info), args, { coordinate: 'Patient.messagesConnection', key: (t) => t.conversationRef });
    },
  },
};

/**
 * The patient's threads, newest first: the outbox's and those the sector records hold (a sector that could not be read
 * named by a partial error at the field's path).
 */
async function threadsFor(p: PatientRef, ctx: SubgraphContext, info: GraphQLResolveInfo) {
  const runtime = messagingRuntime();
  const decision = await ctx.access.decisionFor(p);
  // No system marks a message a child aged 12–15 kept from her parents: the threads are withheld from them whole.
  if (parentOfChildWhoMayKeep(decision)) throw noSourceGraphError(withheldFromParents('GP', 'messaging', 'list of messages between her services'));
  const entries = await runtime.outbox.byPatient(patientPseudonym(p.nin, runtime.pseudonymKey));
  const path = responsePathAsArray(info.path);
  const held: ThreadMessage[] = [];
  for (const [field, sector] of SECTOR_LISTS) {
    const list = p[field];
    // A sector that could not be read is named beside the threads, which still come (partial).
    if (list === null) ctx.sideErrors.push(new GraphQLError(`The messages are incomplete: the ${sector} records could not be read`, { path, extensions: { code: 'SOURCE_UNAVAILABLE', partial: true, sector } }));
    for (const m of list ?? []) held.push(fromRecord(m));
  }
  // The outbox first: its copy of a message knows where the message is (QUEUED, REJECTED, attempts).
  return threadsOf([...entries.map(fromOutbox), ...held]).map((t) => ({ ...t, messages: t.messages.map((m) => placed(m, decision)) }));
}
