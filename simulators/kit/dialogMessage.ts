import { z } from 'zod';
import { CODE_LISTS, type CodeList } from '../../codelists';
import { isoUtc, isValidLocalDateTime, osloLocalToUtc } from '../../lib/osloTime';
import { messageAppRec, type OriginalMessage, type Party } from './appRec';
import type { SimulatorContext } from './definition';
import { kindOfKithType, type HeldMessage, type HeldParty, type MessageKind } from './messageStore';
import { checkParties, parties, receiveMessage, type MessageRefusal, type MessagingSystem } from './messaging';

/**
 * A KITH dialogue message between services as the simulated KITH products take it (the GP systems, simulators/gp-kith;
 * the PLO care system, simulators/care-plo): one MsgHead v1.2 holding a Dialogmelding 1.0, addressed by HER-id from a
 * service to one of theirs, about the patient in MsgInfo/Patient, answered at once by an application receipt
 * (AppRec 1.0): status 1 OK when taken, 2 Avvist with an error of Volven 8221 otherwise. Apart from the adapters' own
 * writer (adapters/kit/kithMessage.ts): a test double must not share the code it checks.
 *
 * - DIALOG_FORESPORSEL (a question): Dialogmelding/Foresporsel with TypeForesp of Volven 9152 (from pleie og omsorg) or
 *   9153 (from a doctor), the question in Sporsmal; its subject in Dialogmelding/Sakstype;
 * - DIALOG_SVAR (an answer): a Notat with TemaKodet of 9069 (the answer list of Dialogmelding 1.0), the subject in
 *   Tema, the answer in TekstNotatInnhold, and MsgHead's ConversationRef naming the question (RefToParent) and the
 *   thread (RefToConversation);
 * - DIALOG_NOTAT (a note): a Notat with TemaKodet of 7321, as the answer otherwise; ConversationRef when it belongs
 *   to a thread.
 * Refusals: T10 another message type; T02 a message that breaks the profile's structure (no document, no patient, a
 * question without its text, an answer without ConversationRef); T99 a code outside its Dialogmelding 1.0 list (7322
 * is 1.1's); then the parties (simulators/kit/messaging.ts): E21 a recipient the product does not host, X99 a sender the
 * address register does not list, E35 a patient the recipient does not hold. A message that cannot be referred to (no
 * MsgId, type, date-time GenDate or HER-ids) cannot be acknowledged at all: the product refuses the call.
 */
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
const text = z.preprocess((v) => (v && typeof v === 'object' && '#text' in v ? (v as { '#text': unknown })['#text'] : v), z.string().trim().min(1));
const ident = z.object({ Id: z.string().min(1), TypeId: z.object({ '@_V': z.string() }) });
const code = z.object({ '@_V': z.string(), '@_S': z.string(), '@_DN': z.string().optional() });

const organisation = z.object({
  Organisation: z.object({
    OrganisationName: text,
    Ident: list(ident),
    HealthcareProfessional: z
      .object({ GivenName: text.optional(), MiddleName: text.optional(), FamilyName: text.optional(), Ident: list(ident) })
      .optional(),
  }),
});

const dialogSchema = z.object({
  MsgInfo: z.object({
    Type: z.object({ '@_V': z.enum(['DIALOG_FORESPORSEL', 'DIALOG_SVAR', 'DIALOG_NOTAT']) }),
    MIGversion: z.literal('v1.2 2006-05-24'),
    GenDate: z.string(),
    MsgId: text,
    ConversationRef: z.object({ RefToParent: text, RefToConversation: text }).optional(),
    Sender: organisation,
    Receiver: organisation,
    Patient: z.object({ Ident: list(z.object({ Id: z.string().regex(/^\d{11}$/), TypeId: z.object({ '@_V': z.enum(['FNR', 'DNR', 'HNR']) }) })).refine((i) => i.length === 1, 'one identity number') }),
  }),
  Document: list(
    z.object({
      RefDoc: z.object({
        Content: z.object({
          Dialogmelding: z.object({
            Sakstype: text.optional(),
            Foresporsel: z.object({ TypeForesp: code, Sporsmal: text, Formål: code.optional() }).optional(),
            Notat: z.object({ TemaKodet: code, Tema: text.optional(), TekstNotatInnhold: text, DatoNotat: z.string().optional() }).optional(),
          }),
        }),
      }),
    }),
  ).refine((d) => d.length === 1, 'one document'),
});

const inList = (lists: readonly CodeList[], c: { '@_V': string; '@_S': string }) => lists.some((l) => l.oid === c['@_S'].replace(/^urn:oid:/, '') && l.entries.some((e) => e.code === c['@_V']));
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** What a receipt refers to, read leniently from any MsgHead; null when it cannot be referred to or answered. */
function originalOf(raw: unknown): OriginalMessage | null {
  const info = (raw as { MsgInfo?: Record<string, unknown> } | undefined)?.MsgInfo;
  const her = (side: unknown): Party | null => {
    const org = (side as { Organisation?: { OrganisationName?: unknown; Ident?: unknown } } | undefined)?.Organisation;
    const idents = z.array(ident).safeParse(Array.isArray(org?.Ident) ? org.Ident : org?.Ident ? [org.Ident] : []);
    const id = idents.data?.find((i) => i.TypeId['@_V'] === 'HER')?.Id;
    return id && /^\d{1,9}$/.test(id) ? { herId: id, name: typeof org?.OrganisationName === 'string' ? org.OrganisationName : '' } : null;
  };
  const type = (info?.Type as { '@_V'?: unknown; '@_DN'?: unknown } | undefined) ?? {};
  const msgId = typeof info?.MsgId === 'string' ? info.MsgId.trim() : '';
  const genDate = typeof info?.GenDate === 'string' ? info.GenDate : '';
  const sender = her(info?.Sender);
  const receiver = her(info?.Receiver);
  if (!msgId || typeof type['@_V'] !== 'string' || !DATE_TIME.test(genDate) || !sender || !receiver) return null;
  return { msgId, type: { V: type['@_V'], DN: typeof type['@_DN'] === 'string' ? type['@_DN'] : null }, genDate, sender, receiver };
}

function partyOf(side: z.infer<typeof organisation>): HeldParty {
  const org = side.Organisation;
  const person = org.HealthcareProfessional;
  const name = person ? [person.GivenName, person.MiddleName, person.FamilyName].filter(Boolean).join(' ') : '';
  return {
    herId: org.Ident.find((i) => i.TypeId['@_V'] === 'HER')?.Id ?? '',
    service: org.OrganisationName,
    orgNumber: org.Ident.find((i) => i.TypeId['@_V'] === 'ENH')?.Id ?? null,
    hprNumber: person?.Ident.find((i) => i.TypeId['@_V'] === 'HPR')?.Id ?? null,
    name: name || null,
  };
}

/** GenDate: Oslo wall-clock time without an offset, or with one. */
function instant(genDate: string): string {
  const local = genDate.replace(/\.\d+$/, '');
  return isValidLocalDateTime(local) ? osloLocalToUtc(local) : isoUtc(Date.parse(genDate));
}

/** One MsgHead read as a message, or why it is refused (before the parties are checked). */
export function readDialogMessage(raw: unknown, original: OriginalMessage): { message: HeldMessage } | { kind: MessageKind | null; refusal: MessageRefusal } {
  const kind = kindOfKithType(original.type.V) ?? null;
  if (!kind) return { kind, refusal: { code: 'T10', text: 'Tjenesten tar bare imot dialogmeldinger (forespørsel, svar, notat)' } };
  const parsed = dialogSchema.safeParse(raw);
  if (!parsed.success) return { kind, refusal: { code: 'T02', text: `Meldingen følger ikke Dialogmelding 1.0: ${parsed.error.issues[0]?.path.filter((p) => typeof p === 'string').join('/') ?? ''}` } };
  const m = parsed.data;
  const dialog = m.Document[0]!.RefDoc.Content.Dialogmelding;
  const structure = (t: string) => ({ kind, refusal: { code: 'T02' as const, text: t } });
  const profile = (t: string) => ({ kind, refusal: { code: 'T99' as const, text: t } });
  let subject: string;
  let body: string;
  if (kind === 'QUESTION') {
    if (!dialog.Foresporsel || dialog.Notat) return structure('En forespørsel har ett Foresporsel og ingen Notat');
    if (!inList([CODE_LISTS.dialogRequestType, CODE_LISTS.dialogDoctorRequestType], dialog.Foresporsel.TypeForesp)) return profile('Dialogmelding 1.0: TypeForesp skal være fra kodeverk 9152 eller 9153');
    subject = dialog.Sakstype ?? dialog.Foresporsel.TypeForesp['@_DN'] ?? 'Forespørsel';
    body = dialog.Foresporsel.Sporsmal;
  } else {
    if (!dialog.Notat || dialog.Foresporsel) return structure('Et svar eller notat har ett Notat og ingen Foresporsel');
    const topicList = kind === 'ANSWER' ? CODE_LISTS.dialogAnswerTopic : CODE_LISTS.dialogNoteTopic;
    if (!inList([topicList], dialog.Notat.TemaKodet)) return profile(`Dialogmelding 1.0: TemaKodet skal være fra kodeverk ${topicList.oid?.split('.').pop() ?? ''}`);
    if (kind === 'ANSWER' && !m.MsgInfo.ConversationRef) return structure('Et svar viser til forespørselen det svarer på (ConversationRef)');
    subject = dialog.Notat.Tema ?? dialog.Sakstype ?? dialog.Notat.TemaKodet['@_DN'] ?? 'Notat';
    body = dialog.Notat.TekstNotatInnhold;
  }
  const ref = m.MsgInfo.ConversationRef;
  return {
    message: {
      id: m.MsgInfo.MsgId,
      conversationRef: ref?.RefToConversation ?? m.MsgInfo.MsgId,
      inReplyTo: ref?.RefToParent ?? null,
      kind,
      sentAt: instant(m.MsgInfo.GenDate),
      sender: partyOf(m.MsgInfo.Sender),
      recipient: partyOf(m.MsgInfo.Receiver),
      subject,
      text: body,
      patientNin: m.MsgInfo.Patient.Ident[0]!.Id,
    },
  };
}

/**
 * Takes one dialogue message (a parsed MsgHead) and answers its AppRec (an object for the product's XML builder, names
 * qualified by `q`), from the service addressed to the sender; the same message again gets the same AppRec. Null when
 * the message cannot be referred to (the product refuses the call with its own fault).
 */
export function takeKithMessage(context: SimulatorContext, system: MessagingSystem, raw: unknown, q: (name: string) => string): Record<string, unknown> | null {
  const original = originalOf(raw);
  if (!original) {
    context.observe('message:received');
    context.observe('message:unreadable');
    return null;
  }
  const from = (): Party => {
    const hosted = parties(context).hosted(original.receiver.herId);
    return hosted ? { herId: hosted.herId, name: hosted.service } : original.receiver;
  };
  return receiveMessage(context, system, original.sender.herId, original.msgId, () => {
    const read = readDialogMessage(raw, original);
    const refusal = 'refusal' in read ? read.refusal : checkParties(context, system, read.message);
    const kind = 'message' in read ? read.message.kind : read.kind;
    const message = 'message' in read && !refusal ? read.message : null;
    return { kind, refusal, message, receipt: messageAppRec(original, refusal ? { error: refusal.code, text: refusal.text } : null, from(), q) };
  }).receipt;
}
