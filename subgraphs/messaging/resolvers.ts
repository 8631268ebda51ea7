import type { OutboxEntry } from '../../lib/outbox/Outbox';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import type { AccessDecision } from '../kit/access/AccessDecision';
import { withAccess } from '../kit/access/itemAccess';
import type { SubgraphContext } from '../kit/createSubgraph';
import { patientReference } from '../kit/entityLimits';
import type { SealedMessage } from './delivery';
import { messagingRuntime } from './runtime';
import { sendMessage, type SendMessageInput } from './sendMessage';
import { threadsOf, type ThreadMessage } from './threads';

interface PatientRef {
  nin: string;
  accessGrant?: unknown;
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
    sendMessage: async (_: unknown, args: { input: SendMessageInput }, ctx: SubgraphContext) => {
      const { message, replayed } = await sendMessage(args.input, ctx);
      const decision = await ctx.access.decisionFor({ nin: args.input.patient });
      return { message: placed(fromOutbox(message), decision), replayed };
    },
  },
  Patient: {
    __resolveReference: (ref: PatientRef) => patientReference(ref),
    messages: async (p: PatientRef, _: unknown, ctx: SubgraphContext) => {
      const runtime = messagingRuntime();
      const decision = await ctx.access.decisionFor(p);
      const entries = await runtime.outbox.byPatient(patientPseudonym(p.nin, runtime.pseudonymKey));
      return threadsOf(entries.map(fromOutbox)).map((t) => ({ ...t, messages: t.messages.map((m) => placed(m, decision)) }));
    },
  },
};
