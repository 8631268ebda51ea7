import type { Person } from '../population';
import type { SimulatorContext } from './definition';
import { dialogAnswer, type AnsweringService } from './dialogAnswer';
import { addressRegister, answerTo, answeringParty, type HeldMessage, type HeldParty, type MessageKind, type Taking } from './messageStore';

/**
 * What every simulated system that takes dialogue messages does around its own protocol (issue 15): checks the
 * parties against the address register (organisations.json), takes a message id once (the instance's MessageStore),
 * counts what it received in its stats (`observed`: `message:received` for every message call, then
 * `message:QUESTION:OK`, `message:NOTE:REJECTED:E21`, `message:repeat` or `message:unreadable`; `message:answered`
 * when it answers a question), and answers a question after the instance's `answerDelayMs` with an answer
 * from the service asked back to the one that asked, in the same thread.
 */

/** Why a system refuses a message at application level, in Volven 8221's terms (each protocol writes its own form). */
export type MessageRefusal = { code: 'E21' | 'E35' | 'T02' | 'T10' | 'T99' | 'X99'; text: string };

export const REFUSAL_TEXT = {
  E21: 'Mottakeren finnes ikke på denne tjenesten',
  E35: 'Pasienten finnes ikke hos mottakeren',
  X99: 'Avsenderen finnes ikke i adresseregisteret',
} as const;

/** A judged message: the receipt to answer with, the message when taken, and what the stats count it as. */
export interface Judged<R> extends Taking<R> {
  kind: MessageKind | null;
  refusal: MessageRefusal | null;
}

export interface MessagingSystem {
  /** The kind of service that answers questions here. */
  service: AnsweringService;
  /** Whether the service `recipientHerId` holds the patient (a GP office's listed patient, the municipality's care recipient). */
  holds(nin: string, recipientHerId: string): boolean;
}

/** The services of the address register, and which this instance hosts. */
export function parties(context: SimulatorContext) {
  const register = addressRegister(context.orgs);
  return {
    register,
    /** The service by HER-id when this instance hosts it. */
    hosted: (herId: string): HeldParty | undefined => {
      const found = register.get(herId);
      return found?.instance === context.instance.id ? { herId, service: found.service, orgNumber: found.orgNumber, hprNumber: null, name: null } : undefined;
    },
    known: (herId: string) => register.has(herId),
  };
}

/**
 * The checks every system makes of a readable message, in order: a recipient it does not host (E21), a sender the
 * address register does not list (X99), a patient the recipient does not hold (E35). Null when it may be taken.
 */
export function checkParties(context: SimulatorContext, system: MessagingSystem, message: Pick<HeldMessage, 'sender' | 'recipient' | 'patientNin'>): MessageRefusal | null {
  const p = parties(context);
  if (!p.hosted(message.recipient.herId)) return { code: 'E21', text: REFUSAL_TEXT.E21 };
  if (!p.known(message.sender.herId)) return { code: 'X99', text: REFUSAL_TEXT.X99 };
  if (!system.holds(message.patientNin, message.recipient.herId)) return { code: 'E35', text: REFUSAL_TEXT.E35 };
  return null;
}

/**
 * Receives one message: `judge` runs the first time `id` comes from `senderHerId` (a later time answers the same
 * receipt, storing nothing); the outcome is counted in the stats, and a question taken is answered later.
 */
export function receiveMessage<R>(context: SimulatorContext, system: MessagingSystem, senderHerId: string, id: string, judge: () => Judged<R>): { receipt: R; repeated: boolean } {
  let judged: Judged<R> | undefined;
  context.observe('message:received');
  const taken = context.messages.take(senderHerId, id, () => (judged = judge()));
  if (taken.repeated || !judged) {
    context.observe('message:repeat');
    return { receipt: taken.receipt, repeated: true };
  }
  const kind = judged.kind ?? 'unreadable';
  context.observe(judged.refusal ? `message:${kind}:REJECTED:${judged.refusal.code}` : `message:${kind}:OK`);
  const question = taken.message;
  if (taken.message) void context.changed([taken.message.patientNin]);
  if (question?.kind === 'QUESTION') scheduleAnswer(context, system, question);
  return { receipt: taken.receipt, repeated: false };
}

function scheduleAnswer(context: SimulatorContext, system: MessagingSystem, question: HeldMessage): void {
  context.messages.later(context.answerDelayMs(), () => {
    const person: Person | undefined = context.population.byNin.get(question.patientNin);
    const service = parties(context).hosted(question.recipient.herId) ?? question.recipient;
    const from = answeringParty(service, person, context.population.practitioners);
    context.messages.add(answerTo(question, { ...dialogAnswer(question, system.service, from, person), from }));
    context.observe('message:answered');
    void context.changed([question.patientNin]);
  });
}

/** A patient's messages held by this instance that a service of `herIds` sent or received (all when `herIds` is absent). */
export function messagesOf(context: SimulatorContext, nin: string, herIds?: ReadonlySet<string>): HeldMessage[] {
  const all = context.messages.forPatient(nin);
  return herIds ? all.filter((m) => herIds.has(m.sender.herId) || herIds.has(m.recipient.herId)) : all;
}
