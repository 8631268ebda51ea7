import { z } from 'zod';
import { validateNin } from '../../lib/nin';
import { isoUtc, isValidLocalDateTime, osloLocalToUtc, utcToOsloLocal } from '../../lib/osloTime';
import type { OutgoingMessage } from '../contracts';
import type { MessageModel, MessageParty, MessageReceipt } from '../model';
import { APPREC_ERROR_SYSTEM } from './appRec';
import { BadResponseError } from './errors';
import { KITH_NS, KITH_OID, MIG_VERSION, type KithCode } from './kith';

/**
 * Dialogue messages between services in KITH's terms (issue 15), as the adapters of the KITH systems send them
 * (adapters/gp-kith, adapters/care-plo): one MsgHead v1.2 holding a Dialogmelding 1.0 per message, from the service
 * of the clinician who writes to the service asked, both by HER-id, about the patient in MsgInfo/Patient, answered at
 * once by the receiving system's application receipt (AppRec 1.0).
 * - QUESTION → DIALOG_FORESPORSEL: Foresporsel with TypeForesp 99 Annen henvendelse of Volven 9152 (pleie og omsorg
 *   asks) or 9153 (a doctor asks: a GP or a hospital), the question in Sporsmal and Formål 2 of 9068; the subject in
 *   Dialogmelding/Sakstype;
 * - ANSWER → DIALOG_SVAR: a Notat with TemaKodet 5 Svar på forespørsel of 9069 (the answer list of 1.0), the
 *   subject in Tema, the answer in TekstNotatInnhold; MsgHead's ConversationRef names the question (RefToParent) and
 *   the thread (RefToConversation), as MsgHead v1.2 provides for every reply;
 * - NOTE → DIALOG_NOTAT: a Notat with TemaKodet 1 Notat om pasient of 7321; ConversationRef when it belongs to a
 *   thread begun by another message.
 * GenDate is the message's `sentAt` (Oslo wall-clock time, to the second), so that the same message sent again is the
 * same message. The codes are written out here rather than read from codelists/ (the simulators' source);
 * codelists/codelists.test.ts checks them against the lists.
 */
export const DIALOG_MESSAGE_TYPE = {
  QUESTION: { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' },
  ANSWER: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' },
  NOTE: { V: 'DIALOG_NOTAT', DN: 'Notat' },
} as const satisfies Record<MessageModel['kind'], { V: string; DN: string }>;

/** TypeForesp of a question between services: 99 Annen henvendelse, from pleie og omsorg (9152) or from a doctor (9153). */
export const QUESTION_TYPE = {
  fromCare: { V: '99', S: '2.16.578.1.12.4.1.1.9152', DN: 'Annen henvendelse' },
  fromDoctor: { V: '99', S: '2.16.578.1.12.4.1.1.9153', DN: 'Annen henvendelse' },
} as const satisfies Record<string, KithCode>;

const QUESTION_PURPOSE = { V: '2', S: '2.16.578.1.12.4.1.1.9068', DN: 'Helsehjelp til pasient som har journal' } as const satisfies KithCode;
const ANSWER_TOPIC = { V: '5', S: '2.16.578.1.12.4.1.1.9069', DN: 'Svar på forespørsel' } as const satisfies KithCode;
const NOTE_TOPIC = { V: '1', S: '2.16.578.1.12.4.1.1.7321', DN: 'Notat om pasient' } as const satisfies KithCode;

const cv = (c: KithCode) => ({ '@_V': c.V, '@_S': c.S, '@_DN': c.DN });
const orgIdent = (id: string, V: 'HER' | 'ENH', DN: string) => ({ 'mh:Id': id, 'mh:TypeId': { '@_V': V, '@_S': KITH_OID.organisationIdType, '@_DN': DN } });

/** A person's name split as MsgHead writes it: the last word the family name, the first the given name, any between the middle. */
function nameParts(name: string): Record<string, string> {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return { 'mh:FamilyName': name.trim() };
  return { 'mh:FamilyName': words[words.length - 1]!, ...(words.length > 2 ? { 'mh:MiddleName': words.slice(1, -1).join(' ') } : {}), 'mh:GivenName': words[0]! };
}

/** A party: the service by name, HER-id and organisation number, and the person (by HPR number) who writes or is addressed. */
function organisation(p: MessageParty): Record<string, unknown> {
  const idents = [orgIdent(p.herId, 'HER', 'HER-id'), ...(p.orgNumber ? [orgIdent(p.orgNumber, 'ENH', 'Organisasjonsnummeret i Enhetsregisteret')] : [])];
  return {
    'mh:Organisation': {
      'mh:OrganisationName': p.service,
      'mh:Ident': idents,
      // A person is named only with an HPR number: MsgHead's HealthcareProfessional needs an identifier.
      ...(p.hprNumber
        ? { 'mh:HealthcareProfessional': { ...(p.name ? nameParts(p.name) : {}), 'mh:Ident': { 'mh:Id': p.hprNumber, 'mh:TypeId': { '@_V': 'HPR', '@_S': KITH_OID.personIdType, '@_DN': 'HPR-nummer' } } } }
        : {}),
    },
  };
}

function patientIdent(nin: string) {
  const v = validateNin(nin);
  const kind = v.valid ? v.info.kind : 'FNR';
  const type = kind === 'DNR' ? { V: 'DNR', DN: 'D-nummer' } : kind === 'HNR' ? { V: 'HNR', DN: 'H-nummer' } : { V: 'FNR', DN: 'Fødselsnummer' };
  return { 'mh:Id': nin, 'mh:TypeId': { '@_V': type.V, '@_S': KITH_OID.personIdType, '@_DN': type.DN } };
}

/** A message's GenDate: its `sentAt` as Oslo wall-clock time, to the second. */
export const genDateOf = (m: Pick<MessageModel, 'sentAt'>) => utcToOsloLocal(m.sentAt);

/** Whether a question from this sender is pleie og omsorg asking (9152) or a doctor asking (9153). */
export function questionType(m: OutgoingMessage, likelier: 'fromCare' | 'fromDoctor'): KithCode {
  const from = m.senderSector === 'MUNICIPAL_CARE' ? 'fromCare' : m.senderSector === 'GP' || m.senderSector === 'HOSPITAL' ? 'fromDoctor' : likelier;
  return QUESTION_TYPE[from];
}

/**
 * One message as a MsgHead (element names under `mh:`, the Dialogmelding's under `dia:`, declared on it). Throws
 * (before anything is sent) for an answer that names no question: the graph checks that, so it is a bug here.
 */
export function dialogMessageMsgHead(m: OutgoingMessage, typeForesp: KithCode): Record<string, unknown> {
  if (m.kind === 'ANSWER' && !m.inReplyTo) throw new TypeError('an answer names the message it answers (inReplyTo)');
  const inThread = m.inReplyTo !== null || m.conversationRef !== m.id;
  const day = genDateOf(m).slice(0, 10);
  const dialog =
    m.kind === 'QUESTION'
      ? { 'dia:Sakstype': m.subject, 'dia:Foresporsel': { 'dia:TypeForesp': cv(typeForesp), 'dia:Sporsmal': m.text, 'dia:Formål': cv(QUESTION_PURPOSE) } }
      : { 'dia:Notat': { 'dia:TemaKodet': cv(m.kind === 'ANSWER' ? ANSWER_TOPIC : NOTE_TOPIC), 'dia:Tema': m.subject, 'dia:TekstNotatInnhold': m.text, 'dia:DatoNotat': day } };
  const type = DIALOG_MESSAGE_TYPE[m.kind];
  return {
    'mh:MsgInfo': {
      'mh:Type': { '@_V': type.V, '@_DN': type.DN },
      'mh:MIGversion': MIG_VERSION,
      'mh:GenDate': genDateOf(m),
      'mh:MsgId': m.id,
      ...(inThread ? { 'mh:ConversationRef': { 'mh:RefToParent': m.inReplyTo ?? m.conversationRef, 'mh:RefToConversation': m.conversationRef } } : {}),
      'mh:Sender': organisation(m.sender),
      'mh:Receiver': organisation(m.recipient),
      'mh:Patient': { 'mh:Ident': patientIdent(m.patientNin) },
    },
    'mh:Document': {
      'mh:DocumentConnection': { '@_V': 'H', '@_DN': 'Hoveddokument' },
      'mh:RefDoc': {
        'mh:MsgType': { '@_V': 'XML', '@_DN': 'XML-instans' },
        'mh:MimeType': 'text/xml',
        'mh:Content': { 'dia:Dialogmelding': { '@_xmlns:dia': KITH_NS.dialog, ...dialog } },
      },
    },
  };
}

const herOf = z.object({ HCP: z.object({ Inst: z.object({ Id: z.string(), TypeId: z.object({ '@_V': z.literal('HER') }) }) }) });
const appRecSchema = z.object({
  MsgType: z.object({ '@_V': z.literal('APPREC') }),
  Sender: herOf,
  Receiver: herOf,
  Status: z.object({ '@_V': z.enum(['1', '2', '3']) }),
  Error: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.object({ '@_V': z.string().regex(/^[A-Z]\d{2}$/), '@_S': z.string().optional(), '@_DN': z.string().optional(), '@_OT': z.string().optional() })),
  ),
  OriginalMsgId: z.object({ MsgType: z.object({ '@_V': z.string() }), Id: z.string() }),
});

/**
 * The receiving system's AppRec (parsed, prefixes removed) for `m` as the model's receipt: status 1 OK, 2 REJECTED with
 * its first error of Volven 8221 and the receiver's text (OT, else the list's), 3 OK with what was wrong in part. A
 * receipt that is no AppRec, or refers to another message, comes from another party or goes to another, is a
 * BadResponseError: it says nothing about this message.
 */
export function messageReceipt(appRec: unknown, m: OutgoingMessage): MessageReceipt {
  const parsed = appRecSchema.safeParse(appRec);
  if (!parsed.success) throw new BadResponseError('the answer to a message is not an application receipt (AppRec 1.0)');
  const r = parsed.data;
  if (r.OriginalMsgId.Id !== m.id || r.OriginalMsgId.MsgType['@_V'] !== DIALOG_MESSAGE_TYPE[m.kind].V) throw new BadResponseError('an application receipt that does not refer to the message sent');
  if (r.Sender.HCP.Inst.Id !== m.recipient.herId || r.Receiver.HCP.Inst.Id !== m.sender.herId) throw new BadResponseError('an application receipt from or to another party than the message');
  const error = r.Error.find((e) => !e['@_S'] || e['@_S'] === APPREC_ERROR_SYSTEM) ?? r.Error[0];
  if (r.Status['@_V'] === '2' && !error) throw new BadResponseError('an application receipt that refuses the message without saying why');
  return {
    status: r.Status['@_V'] === '2' ? 'REJECTED' : 'OK',
    code: error?.['@_V'] ?? null,
    text: error ? (error['@_OT'] ?? error['@_DN'] ?? null) : null,
  };
}

/** A message's time as a KITH system files it: Oslo wall-clock time (to the minute or second) or an instant with its offset. */
export function kithInstant(local: string): string {
  const trimmed = local.replace(/\.\d+$/, '');
  if (isValidLocalDateTime(trimmed)) return osloLocalToUtc(trimmed);
  const ms = Date.parse(local);
  if (Number.isNaN(ms)) throw new BadResponseError('a message time that is no date-time');
  return isoUtc(ms);
}
