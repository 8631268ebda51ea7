import { randomUUID } from 'node:crypto';
import { isAxiosError } from 'axios';
import { z } from 'zod';
import { createLogger, type Logger } from '../../lib/logger';
import { utcToOsloLocal } from '../../lib/osloTime';
import { BadResponseError, SourceFault } from './errors';
import { codeToken } from './soap';

/**
 * KITH application receipts (AppRec 1.0, namespace 2004-11-21) on the graph's side of the KITH exchanges
 * (adapters/gp-kith, adapters/care-plo). A receiving application answers every message it received with one:
 * status 1 OK when it took the message, status 2 Avvist with an error of Volven 8221 when it refused it, referring to
 * the message by its type, issue date and id (OriginalMsgId), from the receiver to the sender by HER-id. The adapters
 * send one for every answer message they read, and read the ones a source sends instead of an answer when it refuses
 * a request. An AppRec is never itself acknowledged.
 *
 * Receipts are fire-and-forget relative to the read: sent after the answer is judged, outside the read's deadline and
 * context, never awaited by it; a receipt that fails is logged by its codes (never a value from the message) and costs
 * the read nothing. The codes are written out here rather than read from codelists/ (the simulators' source), so that
 * the two sides do not share one idea of them; codelists/codelists.test.ts checks both against the lists.
 */
export const APPREC_NS = 'http://www.kith.no/xmlstds/apprec/2004-11-21';
export const APPREC_MIG_VERSION = '1.0 2004-11-21';

/** Volven 8279: an application receipt (a CS: no S attribute). */
const APPREC_TYPE = { V: 'APPREC', DN: 'Applikasjonskvittering' } as const;

/** Volven 8258 Status for mottak av melding (a CS: no S attribute). */
export const APPREC_STATUS = { ok: { V: '1', DN: 'OK' }, rejected: { V: '2', DN: 'Avvist' } } as const;

/** Volven 8221, the general errors of an application receipt. */
export const APPREC_ERROR_SYSTEM = '2.16.578.1.12.4.1.1.8221';

/**
 * The 8221 codes the adapters give, with the list's texts, and what they give them for (`refuse`): where the list has
 * no code for a refusal of the dialogue pattern, the nearest is taken and OT says what was wrong.
 * - E10 Ugyldig meldingsidentifikator: an answer whose ConversationRef names no request of the batch (an inference:
 *   the list has no "refers to an unknown message");
 * - E21 Mottaker finnes ikke: an answer addressed to someone other than us;
 * - E31 Pasientens fødselsnummer er feil: an answer about another patient than its request (the number is wrong for
 *   the conversation; an inference);
 * - T02 XML validerer ikke: an answer that does not follow the message's schema;
 * - T10 Støtter ikke meldingsformatet: a message of a type the adapter does not take as an answer;
 * - T99 Annen feil på format: a well-formed answer whose content breaks the profile (a topic of another code list or
 *   version, a topic that contradicts the attachments, two extracts);
 * - X99 Annen feil: an answer from another party than the one asked, or a second answer to one request.
 */
export const APPREC_ERRORS = {
  E10: 'Ugyldig meldingsidentifikator',
  E21: 'Mottaker finnes ikke',
  E31: 'Pasientens fødselsnummer er feil',
  T02: 'XML validerer ikke',
  T10: 'Støtter ikke meldingsformatet',
  T99: 'Annen feil på format',
  X99: 'Annen feil',
} as const;
export type AppRecError = keyof typeof APPREC_ERRORS;

/**
 * A message of an answer that breaks the protocol (thrown by the mappers), with what its application receipt says:
 * the error of Volven 8221 and a text in the source's language that names no value from the message.
 */
export class MalformedMessageError extends BadResponseError {
  constructor(
    message: string,
    readonly appRecError: AppRecError,
    readonly appRecText: string,
  ) {
    super(message);
  }
}

/** A party by HER-id, with the name its messages give it. */
export interface AppRecParty {
  herId: string;
  name: string;
}

/** What an application receipt refers to and whom it goes to, read from the message's MsgHead. */
export interface ReceivedMessage {
  /** MsgInfo/Type: V and, if given, DN. */
  type: { V: string; DN: string | null };
  /** MsgInfo/GenDate as the sender wrote it: the receipt's OriginalMsgId/IssueDate. */
  genDate: string;
  msgId: string;
  /** The message's sender: the receipt's receiver. */
  sender: AppRecParty;
}

/** OK, or refused with an error of 8221 and a text (OT) that names no value from the message. */
export type Verdict = { ok: true } | { ok: false; error: AppRecError; text: string };

const asList = (v: unknown): unknown[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const attribute = (node: unknown, name: string): string | null => (node && typeof node === 'object' ? text((node as Record<string, unknown>)[`@_${name}`]) : null);
const child = (node: unknown, ...path: string[]): unknown => path.reduce<unknown>((n, key) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[key] : undefined), node);

/** xs:dateTime, which an AppRec's IssueDate must be: a GenDate that is not one cannot be referred to. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * What a receipt for one MsgHead (parsed with prefixes removed) needs, read leniently, so that a message that breaks
 * the protocol elsewhere can still be refused by receipt; null when it cannot be referred to or answered (no MsgId,
 * type or date-time GenDate, or a sender without a HER-id).
 */
export function receivedMessage(msgHead: unknown): ReceivedMessage | null {
  const info = child(msgHead, 'MsgInfo');
  const msgId = text(child(info, 'MsgId'));
  const type = attribute(child(info, 'Type'), 'V');
  const genDate = text(child(info, 'GenDate'));
  const organisation = child(info, 'Sender', 'Organisation');
  const herId = asList(child(organisation, 'Ident')).find((i) => attribute(child(i, 'TypeId'), 'V') === 'HER');
  const senderHerId = text(child(herId, 'Id'));
  if (!msgId || !type || !genDate || !DATE_TIME.test(genDate) || !senderHerId || !/^\d{1,9}$/.test(senderHerId)) return null;
  return {
    type: { V: type, DN: attribute(child(info, 'Type'), 'DN') },
    genDate,
    msgId,
    sender: { herId: senderHerId, name: text(child(organisation, 'OrganisationName')) ?? '' },
  };
}

/** Qualifies element names with a prefix. */
export type Qualify = (name: string) => string;

/**
 * One AppRec (an object for the kit's XML builder, elements qualified by `q`) from `from` (us) to the sender of the
 * message it acknowledges. Sender and receiver are institutions by HER-id, as the MsgHeads address them.
 */
export function appRec(message: ReceivedMessage, verdict: Verdict, from: AppRecParty, now: Date, q: Qualify): Record<string, unknown> {
  const institution = (p: AppRecParty) => ({
    [q('HCP')]: { [q('Inst')]: { ...(p.name ? { [q('Name')]: p.name } : {}), [q('Id')]: p.herId, [q('TypeId')]: { '@_V': 'HER', '@_DN': 'HER-id' } } },
  });
  const status = verdict.ok ? APPREC_STATUS.ok : APPREC_STATUS.rejected;
  return {
    [q('MsgType')]: { '@_V': APPREC_TYPE.V, '@_DN': APPREC_TYPE.DN },
    [q('MIGversion')]: APPREC_MIG_VERSION,
    [q('GenDate')]: utcToOsloLocal(now),
    [q('Id')]: randomUUID(),
    [q('Sender')]: institution(from),
    [q('Receiver')]: institution(message.sender),
    [q('Status')]: { '@_V': status.V, '@_DN': status.DN },
    ...(verdict.ok ? {} : { [q('Error')]: { '@_V': verdict.error, '@_S': APPREC_ERROR_SYSTEM, '@_DN': APPREC_ERRORS[verdict.error], '@_OT': verdict.text } }),
    [q('OriginalMsgId')]: {
      [q('MsgType')]: { '@_V': message.type.V, ...(message.type.DN ? { '@_DN': message.type.DN } : {}) },
      [q('IssueDate')]: message.genDate,
      [q('Id')]: message.msgId,
    },
  };
}

const sourceAppRec = z.object({
  Status: z.object({ '@_V': z.string() }),
  Error: z.preprocess(asList, z.array(z.object({ '@_V': z.string().optional() }))),
  OriginalMsgId: z.object({ MsgType: z.object({ '@_V': z.string() }), Id: z.string().min(1) }),
});

/** An application receipt a source sent in its answer: the request it refers to, and whether it refused it. */
export interface SourceReceipt {
  originalId: string;
  rejected: boolean;
  /** The first error code, if it is a code (never free text). */
  errorCode: string | null;
}

/** Reads a source's AppRec (parsed, prefixes removed); null when it is not one. */
export function readSourceReceipt(node: unknown): SourceReceipt | null {
  const parsed = sourceAppRec.safeParse(node);
  if (!parsed.success) return null;
  const status = parsed.data.Status['@_V'];
  return { originalId: parsed.data.OriginalMsgId.Id, rejected: status === APPREC_STATUS.rejected.V, errorCode: codeToken(parsed.data.Error[0]?.['@_V']) };
}

/** A source that refused a request by application receipt said no: a fault of its protocol, by its codes only. */
export function receiptFault(receipt: SourceReceipt): SourceFault {
  return new SourceFault({ protocol: 'KITH AppRec', code: 'Avvist', vendorCode: receipt.errorCode });
}

/**
 * The verdicts on one batch answer: an AppRec per message the source sent (but its own AppRecs), and the first
 * reason to refuse the batch. A message is judged on its own: one that passes every check is acknowledged OK even
 * when another of the batch makes the adapter refuse the whole answer (it is the source's mix-up that the read
 * refuses, not that message).
 */
export class ReceiptLedger {
  private readonly verdicts: { message: ReceivedMessage; verdict: Verdict }[] = [];
  private first: Error | null = null;

  /** A message taken: status 1. */
  accept(message: ReceivedMessage | null): void {
    if (message) this.verdicts.push({ message, verdict: { ok: true } });
  }

  /** A message refused: status 2 with its error, if it can be referred to; the read fails with `failure`. */
  refuse(message: ReceivedMessage | null, error: AppRecError, text: string, failure: Error): void {
    if (message) this.verdicts.push({ message, verdict: { ok: false, error, text } });
    this.first ??= failure;
  }

  /** The read fails without a message to acknowledge (the source's own refusal, a request left unanswered). */
  fail(failure: Error): void {
    this.first ??= failure;
  }

  /** The first reason the read fails, or null. */
  get failure(): Error | null {
    return this.first;
  }

  /** The AppRecs to send, from `from` (us), each element name qualified by `q`. */
  appRecs(from: AppRecParty, q: Qualify, now = new Date()): Record<string, unknown>[] {
    return this.verdicts.map(({ message, verdict }) => appRec(message, verdict, from, now, q));
  }

  /** Counts by status and error (`1`, `2:E21`), for the log line: codes only. */
  summary(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { verdict } of this.verdicts) {
      const key = verdict.ok ? APPREC_STATUS.ok.V : `${APPREC_STATUS.rejected.V}:${verdict.error}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  get size(): number {
    return this.verdicts.length;
  }
}

let receiptLogger: Logger | undefined;
const inFlight = new Set<Promise<void>>();

/** Resolves once every receipt sent so far has been delivered or given up: for tests, and for an orderly shutdown. */
export async function receiptsSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

/** An error by its code (HTTP status, network code, a SOAP fault's codes), never its message. */
function errorCode(error: unknown): string {
  if (error instanceof SourceFault) return error.message;
  if (isAxiosError(error)) return error.response ? `HTTP ${error.response.status}` : (error.code ?? 'network error');
  return error instanceof Error ? error.name : 'unknown';
}

export interface ReceiptDelivery {
  /** The instance (or, for a read that may only be named by its sector, that sector: ReadOptions.logAs). */
  source: string;
  /** Counts by status and error, for the log line. */
  summary: Record<string, number>;
  /** Sends the receipts; resolves when the source took them. */
  deliver: () => Promise<unknown>;
  logger?: Logger;
}

/**
 * Sends receipts without the read waiting, past its deadline (the HTTP client's own timeout bounds it). Callers send
 * them without the read's abort signal, so that the receipt's answer does not count as the read's for the cache's
 * Cache-Control rule (readContext.ts).
 * Never throws, never rejects.
 */
export function sendReceipts(delivery: ReceiptDelivery): void {
  const logger = delivery.logger ?? (receiptLogger ??= createLogger('kith-apprec'));
  const fields = { source: delivery.source, receipts: delivery.summary };
  let task: Promise<void>;
  try {
    task = delivery.deliver().then(
      () => logger.debug(fields, 'application receipts delivered'),
      (error: unknown) => logger.warn({ ...fields, code: errorCode(error) }, 'application receipts not delivered'),
    );
  } catch (error) {
    task = Promise.resolve(logger.warn({ ...fields, code: errorCode(error) }, 'application receipts not delivered'));
  }
  const tracked = task.catch(() => undefined).finally(() => inFlight.delete(tracked));
  inFlight.add(tracked);
}

/** One answer of the dialogue pattern as a mapper reads it: the request it answers, the parties, the patient, the record. */
export interface DialogueAnswer<R> {
  /** The MsgId of the request it answers (ConversationRef/RefToParent). */
  refToParent: string;
  senderHerId: string | null;
  receiverHerId: string | null;
  nin: string;
  record: R | null;
}

/** One message of a batch answer, as a mapper reads it (see readJournalResponse, readMeldingListe). */
export type AnswerItem<R> =
  | { kind: 'answer'; message: ReceivedMessage | null; answer: DialogueAnswer<R> }
  | { kind: 'malformed'; message: ReceivedMessage | null; error: MalformedMessageError }
  | { kind: 'receipt'; receipt: SourceReceipt | null };

export interface DialogueRequest {
  msgId: string;
  nin: string;
}

/**
 * Judges a batch answer of the dialogue pattern against the requests it answers, message by message: every answer
 * must refer to one of the requests, come from the party asked (`askedOf`), be addressed to us and name the request's
 * patient, once; a request the source refused by receipt is its fault; every request must be answered. Privacy: an
 * answer that fails any of these is the source mixing up its messages, and no record of the batch is passed on (the
 * ledger's `failure`). Each answer message gets its receipt's verdict in the ledger.
 */
export function judgeAnswers<R>(
  items: readonly AnswerItem<R>[],
  requests: readonly DialogueRequest[],
  expected: { askedOf: (request: DialogueRequest) => string; us: string; noun: string; party: string },
): { result: Map<string, R | null>; ledger: ReceiptLedger } {
  const byMsgId = new Map(requests.map((r) => [r.msgId, r]));
  const result = new Map<string, R | null>();
  const ledger = new ReceiptLedger();
  const { noun } = expected;
  for (const item of items) {
    // The source refused one of our requests by receipt: it said no (a fault, by its codes). A receipt is never acknowledged.
    if (item.kind === 'receipt') {
      if (!item.receipt || !byMsgId.has(item.receipt.originalId)) ledger.fail(new BadResponseError('an application receipt that refers to no request of this batch'));
      else if (item.receipt.rejected) ledger.fail(receiptFault(item.receipt));
      continue;
    }
    if (item.kind === 'malformed') {
      ledger.refuse(item.message, item.error.appRecError, item.error.appRecText, item.error);
      continue;
    }
    const { answer, message } = item;
    const request = byMsgId.get(answer.refToParent);
    if (!request) ledger.refuse(message, 'E10', 'Svaret viser ikke til en forespørsel i denne forsendelsen', new BadResponseError(`${noun} that answers no request of this batch`));
    else if (answer.nin !== request.nin) ledger.refuse(message, 'E31', 'Svaret gjelder en annen pasient enn forespørselen', new BadResponseError(`${noun} about another patient than its request`));
    else if (answer.senderHerId !== expected.askedOf(request)) ledger.refuse(message, 'X99', 'Svaret kommer fra en annen enn den forespørselen gikk til', new BadResponseError(`${noun} from another ${expected.party} than the one asked`));
    else if (answer.receiverHerId !== expected.us) ledger.refuse(message, 'E21', 'Svaret er adressert til en annen mottaker', new BadResponseError(`${noun} addressed to someone else`));
    else if (result.has(request.nin)) ledger.refuse(message, 'X99', 'Forespørselen er alt besvart', new BadResponseError('two answers to one request'));
    else {
      result.set(request.nin, answer.record);
      ledger.accept(message);
    }
  }
  // The dialogue pattern answers every request; a silent gap is not "nothing held".
  if (result.size !== new Set(requests.map((r) => r.nin)).size) ledger.fail(new BadResponseError('a DIALOG_FORESPORSEL went unanswered'));
  return { result, ledger };
}
