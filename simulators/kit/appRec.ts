import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CODE_LISTS, entry } from '../../codelists';
import { utcToOsloLocal } from '../../lib/osloTime';

/**
 * KITH application receipts (AppRec 1.0, namespace 2004-11-21) as the simulated KITH products (simulators/gp-kith,
 * simulators/care-plo) write and read them, apart from the adapters' own (adapters/kit/appRec.ts): a test double must
 * not share the code it checks. A product answers a request it refuses at application level with an AppRec of status
 * 2 Avvist and an error of Volven 8221 (instead of an answer, in the same batch), and takes the caller's AppRecs for
 * the answers it sent on an endpoint of its own, counting each by its status and error in the instance's stats
 * (`observed`: `apprec:1`, `apprec:2:E31`; `apprec:unmatched` for one that refers to no message it sent, or gets the
 * message's type, date or parties wrong). Codes and texts come from codelists/kith-dialog.json. An AppRec is never
 * itself acknowledged.
 */
export const APPREC_NS = 'http://www.kith.no/xmlstds/apprec/2004-11-21';
const MIG_VERSION = '1.0 2004-11-21';

/** A party by HER-id, with the name its messages give it. */
export interface Party {
  herId: string;
  name: string;
}

/** What a receipt refers to, read from the message's MsgHead: type, issue date (GenDate), id, and the parties. */
export interface OriginalMessage {
  msgId: string;
  type: { V: string; DN: string | null };
  genDate: string;
  sender: Party;
  receiver: Party;
}

/**
 * The 8221 errors the products refuse a request with (the codes of the vendors' own faults, E100–E202, are not 8221
 * codes and stay on the transport-level faults that refuse a whole call):
 * - E21 Mottaker finnes ikke: addressed to an office or service the system does not host;
 * - T02 XML validerer ikke: a DIALOG_FORESPORSEL that breaks the message's schema;
 * - T10 Støtter ikke meldingsformatet: another message type than DIALOG_FORESPORSEL;
 * - T99 Annen feil på format: a code of another list (or version of Dialogmelding) or none of its list, or a request
 *   for health information without its purpose.
 * A dialogue message between services (simulators/kit/dialogMessage.ts) is refused with these too, and with:
 * - E35 Pasienten finnes ikke i mottakersystemet: a patient the service addressed does not hold (not listed at the GP
 *   office, no care record in the municipality);
 * - X99 Annen feil: a sender the address register does not list.
 */
export type RefusalCode = 'E21' | 'E35' | 'T02' | 'T10' | 'T99' | 'X99';

/** A refusal: the message refused, the error, and a text (OT) that quotes nothing from the message. */
export interface Refusal {
  original: OriginalMessage;
  error: RefusalCode;
  text: string;
}

/**
 * An AppRec refusing `refusal.original` (status 2 Avvist, Volven 8258), from `from` to the message's sender, for the
 * product's XML builder with element names qualified by `q`.
 */
export function refusalAppRec(refusal: Refusal, from: Party, q: (name: string) => string, now = new Date()): Record<string, unknown> {
  return messageAppRec(refusal.original, { error: refusal.error, text: refusal.text }, from, q, now);
}

/**
 * An AppRec for `original` from `from` to the message's sender: status 1 OK when `refusal` is null (the message was
 * taken), otherwise status 2 Avvist with the refusal's error of Volven 8221 and its text.
 */
export function messageAppRec(original: OriginalMessage, refusal: { error: RefusalCode; text: string } | null, from: Party, q: (name: string) => string, now = new Date()): Record<string, unknown> {
  const institution = (p: Party) => ({ [q('HCP')]: { [q('Inst')]: { ...(p.name ? { [q('Name')]: p.name } : {}), [q('Id')]: p.herId, [q('TypeId')]: { '@_V': 'HER', '@_DN': 'HER-id' } } } });
  const status = refusal ? '2' : '1';
  return {
    [q('MsgType')]: { '@_V': 'APPREC', '@_DN': entry('kithMessageType', 'APPREC').display },
    [q('MIGversion')]: MIG_VERSION,
    [q('GenDate')]: utcToOsloLocal(now),
    [q('Id')]: randomUUID(),
    [q('Sender')]: institution(from),
    [q('Receiver')]: institution(original.sender),
    [q('Status')]: { '@_V': status, '@_DN': entry('appRecStatus', status).display },
    ...(refusal ? { [q('Error')]: { '@_V': refusal.error, '@_S': CODE_LISTS.appRecError.oid, '@_DN': entry('appRecError', refusal.error).display, '@_OT': refusal.text } } : {}),
    [q('OriginalMsgId')]: {
      [q('MsgType')]: { '@_V': original.type.V, ...(original.type.DN ? { '@_DN': original.type.DN } : {}) },
      [q('IssueDate')]: original.genDate,
      [q('Id')]: original.msgId,
    },
  };
}

const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
const code = z.object({ '@_V': z.string(), '@_S': z.string().optional(), '@_DN': z.string().optional() });
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const institution = z.object({ HCP: z.object({ Inst: z.object({ Id: z.string().regex(/^\d{1,9}$/), TypeId: z.object({ '@_V': z.literal('HER') }) }) }) });
const inList = (key: 'appRecStatus' | 'appRecError') => (c: string) => CODE_LISTS[key].entries.some((e) => e.code === c);

/** An AppRec 1.0 as a product takes it: every element the specification requires, Status of 8258, errors of 8221. */
const appRecSchema = z
  .object({
    MsgType: z.object({ '@_V': z.literal('APPREC') }),
    MIGversion: z.literal(MIG_VERSION),
    GenDate: z.string().regex(DATE_TIME),
    Id: z.string().min(1),
    Sender: institution,
    Receiver: institution,
    Status: code.refine((c) => inList('appRecStatus')(c['@_V']), 'a status of Volven 8258'),
    Error: list(code.refine((c) => c['@_S'] === CODE_LISTS.appRecError.oid && inList('appRecError')(c['@_V']), 'an error of Volven 8221')),
    OriginalMsgId: z.object({ MsgType: code, IssueDate: z.string().regex(DATE_TIME), Id: z.string().min(1) }),
  })
  // Avvist (2) says why; OK (1) has nothing to say.
  .refine((a) => (a.Status['@_V'] === '2') === a.Error.length > 0, 'an error exactly when the message was refused');

export type ReceivedAppRec = z.infer<typeof appRecSchema>;

/** The AppRecs of a receipt batch (parsed, prefixes removed), or null when any of them is not an AppRec 1.0. */
export function readAppRecs(appRecs: unknown): ReceivedAppRec[] | null {
  const parsed = list(appRecSchema).refine((a) => a.length > 0).safeParse(appRecs);
  return parsed.success ? parsed.data : null;
}

/** A message a product sent, as a receipt for it must name it. */
export interface SentMessage {
  msgId: string;
  type: string;
  genDate: string;
  /** Who sent it (the receipt's receiver) and to whom (the receipt's sender), by HER-id. */
  from: string;
  to: string;
}

/**
 * The messages a product sent, for checking the receipts it gets: a receipt must refer to one of them by id, with
 * its type and issue date, and come from the party it was sent to. Bounded: the oldest are forgotten first.
 */
export class Outbox {
  private readonly sent = new Map<string, SentMessage>();

  constructor(private readonly capacity = 50_000) {}

  record(message: SentMessage): void {
    this.sent.set(message.msgId, message);
    if (this.sent.size > this.capacity) this.sent.delete(this.sent.keys().next().value as string);
  }

  /** The label a receipt is counted under: its status and error (`apprec:2:E31`), or `apprec:unmatched`. */
  take(receipt: ReceivedAppRec): string {
    const original = this.sent.get(receipt.OriginalMsgId.Id);
    const matches =
      original &&
      original.type === receipt.OriginalMsgId.MsgType['@_V'] &&
      original.genDate === receipt.OriginalMsgId.IssueDate &&
      original.to === receipt.Sender.HCP.Inst.Id &&
      original.from === receipt.Receiver.HCP.Inst.Id;
    if (!matches) return 'apprec:unmatched';
    const error = receipt.Error[0]?.['@_V'];
    return `apprec:${receipt.Status['@_V']}${error ? `:${error}` : ''}`;
  }
}
