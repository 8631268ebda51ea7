import { utcToOsloLocal } from '../../lib/osloTime';
import type { GpRecordKey } from '../contracts';
import { soapEnvelope } from '../kit';
import { APPREC_NS } from '../kit/appRec';
import { dialogRequestMsgHead } from '../kit/kith';
import { dialogMessageMsgHead, questionType } from '../kit/kithMessage';
import type { OutgoingMessage } from '../contracts';
import type { GpKithDialect } from './manifest';
import { DIALECTS, KITH_NS } from './protocol';

/** One DIALOG_FORESPORSEL: its message id, and the patient and office it is about. */
export interface Foresporsel extends GpRecordKey {
  msgId: string;
}

export interface JournalRequest {
  dialect: GpKithDialect;
  /** Our HER-id (each MsgHead's sender). */
  senderHerId: string;
  genDate: Date;
  messages: readonly Foresporsel[];
}

/** What we ask each office for, in the words a GP reads in the request. */
export const QUESTION = 'Journaluttrekk: konsultasjoner, problemliste, legemidler og henvisninger.';

/** Us, as the GP systems know us: our HER-id (the partner they answer) and the name our messages give. */
export const ourParty = (options: { senderHerId: string }) => ({ name: 'Patient Graph', herId: options.senderHerId });

function msgHead(m: Foresporsel, senderHerId: string, genDate: string): Record<string, unknown> {
  // The office is addressed by its HER-id; its name is the address register's business, not ours.
  return dialogRequestMsgHead({
    msgId: m.msgId,
    genDate,
    sender: ourParty({ senderHerId }),
    receiver: { name: 'Fastlegekontor', herId: m.officeHerId },
    nin: m.nin,
    // A journal extract: Volven 9065 code 2, categories of information from the journal.
    kind: 'journal',
    question: QUESTION,
  });
}

/**
 * The SOAP request: the vendor's batch element holding one DIALOG_FORESPORSEL MsgHead per patient. Identity
 * numbers appear here, in the POST body, and nowhere else (never in the URL or a header).
 */
export function buildJournalRequest(request: JournalRequest): string {
  const dialect = DIALECTS[request.dialect];
  const genDate = utcToOsloLocal(request.genDate);
  return soapEnvelope(dialect.soapVersion, {
    [`b:${dialect.batch.request}`]: {
      '@_xmlns:b': dialect.batch.ns,
      '@_xmlns:mh': KITH_NS.msgHead,
      'mh:MsgHead': request.messages.map((m) => msgHead(m, request.senderHerId, genDate)),
    },
  });
}

/**
 * The receipt call: the vendor's one-way operation's element (DIALECTS[dialect].receipts) holding the AppRecs for the
 * answers of one batch (adapters/kit/appRec.ts, element names under the `ar:` prefix).
 */
export function buildReceipts(dialectName: GpKithDialect, appRecs: readonly Record<string, unknown>[]): string {
  const dialect = DIALECTS[dialectName];
  return soapEnvelope(dialect.soapVersion, {
    [`b:${dialect.receipts.element}`]: { '@_xmlns:b': dialect.batch.ns, '@_xmlns:ar': APPREC_NS, 'ar:AppRec': appRecs },
  });
}

/**
 * One dialogue message for an office (adapters/kit/kithMessage.ts) in the vendor's message operation: its element
 * (DIALECTS[dialect].messages.request) around the one MsgHead. A question to a GP office is most often pleie og omsorg
 * asking (TypeForesp of 9152) unless the sender's sector says a doctor asks (9153).
 */
export function buildMessageCall(dialectName: GpKithDialect, message: OutgoingMessage): string {
  const dialect = DIALECTS[dialectName];
  return soapEnvelope(dialect.soapVersion, {
    [`b:${dialect.messages.request}`]: { '@_xmlns:b': dialect.batch.ns, '@_xmlns:mh': KITH_NS.msgHead, 'mh:MsgHead': dialogMessageMsgHead(message, questionType(message, 'fromCare')) },
  });
}
