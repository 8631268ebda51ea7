import { utcToOsloLocal } from '../../lib/osloTime';
import { buildXml } from '../kit';
import { APPREC_NS } from '../kit/appRec';
import { dialogRequestMsgHead } from '../kit/kith';
import { dialogMessageMsgHead, questionType } from '../kit/kithMessage';
import type { OutgoingMessage } from '../contracts';
import type { CarePloOptions } from './manifest';
import { NS } from './protocol';

/** One DIALOG_FORESPORSEL: its message id and the patient it is about. */
export interface Foresporsel {
  msgId: string;
  nin: string;
}

/** What we ask the care service for, in the words a nurse reads in the request. */
export const QUESTION = 'Helseopplysninger: tjenester, besøk, IPLOS, pårørende, velferdsteknologi, legemidler og utdelinger.';

/** Us, as the care service knows us: our HER-id (the partner it answers) and the name our messages give. */
export const ourParty = (options: { senderHerId: string }) => ({ name: 'Patient Graph', herId: options.senderHerId });

function msgHead(m: Foresporsel, options: CarePloOptions, genDate: string): Record<string, unknown> {
  return dialogRequestMsgHead({
    msgId: m.msgId,
    genDate,
    sender: ourParty(options),
    receiver: { name: 'Pleie og omsorg', herId: options.receiverHerId },
    nin: m.nin,
    // Health information from pleie og omsorg: Volven 9152 code 1 Helseopplysninger.
    kind: 'health-information',
    question: QUESTION,
  });
}

/**
 * The request body: the product's MeldingListe with one DIALOG_FORESPORSEL MsgHead per patient, from our HER-id to
 * the care service's. Identity numbers appear here, in the POST body, and nowhere else.
 */
export function buildRequest(messages: readonly Foresporsel[], options: CarePloOptions, now = new Date()): string {
  const genDate = utcToOsloLocal(now.toISOString());
  return buildXml({
    'op:MeldingListe': { '@_xmlns:op': NS.vendor, '@_xmlns:mh': NS.msgHead, 'mh:MsgHead': messages.map((m) => msgHead(m, options, genDate)) },
  });
}

/** The receipt call: a KvitteringListe holding the AppRecs for the answers of one batch (element names under `ar:`). */
export function buildReceipts(appRecs: readonly Record<string, unknown>[]): string {
  return buildXml({ 'op:KvitteringListe': { '@_xmlns:op': NS.vendor, '@_xmlns:ar': APPREC_NS, 'ar:AppRec': appRecs } });
}

/**
 * One dialogue message for a care service: the MsgHead document itself (adapters/kit/kithMessage.ts), as the product's
 * message endpoint takes it. A question to a care service is most often a doctor asking (TypeForesp of 9153) unless the
 * sender's sector says pleie og omsorg asks (9152).
 */
export function buildMessage(message: OutgoingMessage): string {
  return buildXml({ 'mh:MsgHead': { '@_xmlns:mh': NS.msgHead, ...dialogMessageMsgHead(message, questionType(message, 'fromDoctor')) } });
}
