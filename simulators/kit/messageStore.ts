import { randomUUID } from 'node:crypto';
import { isoUtc } from '../../lib/osloTime';
import type { Organisations } from '../../lib/config';
import type { Person } from '../population';

/**
 * The dialogue messages a simulated system holds (issue 15): those its services received and those they sent, per
 * patient, in memory like the rest of its data (nothing survives a restart of the simulators; `reset` gives the
 * seeded messages back). Every simulator that takes messages keeps one store per instance, owned by the instance
 * (simulators/kit/SimulatedInstance.ts), so that the messages outlive the instance going `down` and coming back.
 *
 * A message id is taken once: `take` runs the simulator's own handling the first time a sender sends an id and keeps
 * the receipt it gave; the same id again gets that same receipt and stores nothing new. This is the exactly-once
 * guarantee the graph's outbox relies on when it sends a message again after a timeout.
 *
 * A question is answered after a delay (`answerDelayMs` of the instance's behaviour: SIM_ANSWER_DELAY_MS, SIM_BEHAVIOUR
 * or the control API), by an answer from the service asked back to the one that asked, in the same thread.
 */
export type MessageKind = 'QUESTION' | 'ANSWER' | 'NOTE';

/** A party to a message, as the systems file it (the model's MessageParty). */
export interface HeldParty {
  herId: string;
  service: string;
  orgNumber: string | null;
  hprNumber: string | null;
  name: string | null;
}

export interface HeldMessage {
  id: string;
  /** The thread: the first message's id. */
  conversationRef: string;
  inReplyTo: string | null;
  kind: MessageKind;
  /** ISO UTC, to the second. */
  sentAt: string;
  sender: HeldParty;
  recipient: HeldParty;
  subject: string;
  text: string;
  patientNin: string;
}

/** KITH's message types for the kinds (Volven 8279). */
export const KITH_TYPE: Record<MessageKind, { V: string; DN: string }> = {
  QUESTION: { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' },
  ANSWER: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' },
  NOTE: { V: 'DIALOG_NOTAT', DN: 'Notat' },
};

export function kindOfKithType(type: string): MessageKind | undefined {
  return (Object.keys(KITH_TYPE) as MessageKind[]).find((k) => KITH_TYPE[k].V === type);
}

/** What a system made of a message it was sent: the receipt it answers with, and the message when it took it. */
export interface Taking<R> {
  receipt: R;
  message: HeldMessage | null;
}

export class MessageStore {
  private readonly byPatient = new Map<string, HeldMessage[]>();
  /** The receipt given for each message taken or refused, by sender and message id. */
  private readonly receipts = new Map<string, unknown>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly seeds: () => readonly HeldMessage[] = () => []) {
    this.load();
  }

  /** A patient's messages, oldest first. */
  forPatient(nin: string): HeldMessage[] {
    return [...(this.byPatient.get(nin) ?? [])].sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
  }

  /** Every message held, for tests. */
  all(): HeldMessage[] {
    return [...this.byPatient.values()].flat();
  }

  has(id: string): boolean {
    return this.all().some((m) => m.id === id);
  }

  /** A message by id, for a reply that names it. */
  find(id: string): HeldMessage | undefined {
    return this.all().find((m) => m.id === id);
  }

  /**
   * Takes the message `id` from `senderHerId` once: the first time, `handle` decides (and its message, if any, is
   * stored); any later time, the receipt given the first time is answered again (`repeated`) and nothing is stored.
   */
  take<R>(senderHerId: string, id: string, handle: () => Taking<R>): { receipt: R; repeated: boolean; message: HeldMessage | null } {
    const key = `${senderHerId}|${id}`;
    if (this.receipts.has(key)) return { receipt: this.receipts.get(key) as R, repeated: true, message: null };
    const taken = handle();
    this.receipts.set(key, taken.receipt);
    if (taken.message) this.add(taken.message);
    return { receipt: taken.receipt, repeated: false, message: taken.message };
  }

  add(message: HeldMessage): void {
    const list = this.byPatient.get(message.patientNin) ?? [];
    if (list.some((m) => m.id === message.id)) return;
    list.push(message);
    this.byPatient.set(message.patientNin, list);
  }

  /** Runs `task` after `delayMs` (0: on the next turn), unless the store is reset or closed first. */
  later(delayMs: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Pending answers: for tests that wait for them. */
  get pending(): number {
    return this.timers.size;
  }

  /** Back to the seeded messages: every message taken since, every receipt and every pending answer forgotten. */
  reset(): void {
    this.close();
    this.byPatient.clear();
    this.receipts.clear();
    this.load();
  }

  /** Cancels pending answers. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private load(): void {
    for (const message of this.seeds()) this.add(message);
  }
}

/** The services the address register (organisations.json) lists: GP offices, municipal units, hospital departments. */
export function addressRegister(orgs: Organisations): Map<string, HeldParty & { instance: string | null }> {
  const found = new Map<string, HeldParty & { instance: string | null }>();
  for (const o of orgs.gpOffices) found.set(o.herId, { herId: o.herId, service: o.name, orgNumber: o.orgNumber, hprNumber: null, name: null, instance: o.instance });
  for (const m of orgs.municipalities) {
    for (const s of m.services) found.set(s.herId, { herId: s.herId, service: s.name, orgNumber: m.orgNumber, hprNumber: null, name: null, instance: m.careInstance });
  }
  for (const h of orgs.hospitals) {
    for (const d of h.departments) found.set(d.herId, { herId: d.herId, service: d.name, orgNumber: h.orgNumber, hprNumber: null, name: null, instance: h.instance });
  }
  // The citizens' portal sends citizens' messages and takes the answers; no simulated system hosts it.
  const portal = orgs.national.citizenPortal;
  if (portal) found.set(portal.herId, { herId: portal.herId, service: portal.name, orgNumber: portal.orgNumber, hprNumber: null, name: null, instance: null });
  return found;
}

/** The answer to `question` from the service asked, in its thread, with `text` about its topic. */
export function answerTo(question: HeldMessage, answer: { subject: string; text: string; from: HeldParty }, now = Date.now()): HeldMessage {
  return {
    id: randomUUID(),
    conversationRef: question.conversationRef,
    inReplyTo: question.id,
    kind: 'ANSWER',
    sentAt: isoUtc(now),
    sender: answer.from,
    recipient: question.sender,
    subject: answer.subject,
    text: answer.text,
    patientNin: question.patientNin,
  };
}

/** The person answering for a service: the patient's GP for their GP office, otherwise the service itself. */
export function answeringParty(service: HeldParty, person: Person | undefined, practitioners: ReadonlyMap<string, { givenName: string; familyName: string }>): HeldParty {
  const gp = person?.gp && person.gp.officeHerId === service.herId ? practitioners.get(person.gp.hprNumber) : undefined;
  if (!gp || !person?.gp) return { ...service, hprNumber: null, name: null };
  return { ...service, hprNumber: person.gp.hprNumber, name: `${gp.givenName} ${gp.familyName}` };
}
