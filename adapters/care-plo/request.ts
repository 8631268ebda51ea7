import { validateNin } from '../../lib/nin';
import { utcToOsloLocal } from '../../lib/osloTime';
import { buildXml } from '../kit';
import type { CarePloOptions } from './manifest';
import { MESSAGE_TYPE, MIG_VERSION, NS, OID, REQUEST_TOPIC } from './protocol';

/** One DIALOG_FORESPORSEL: its message id and the patient it is about. */
export interface Foresporsel {
  msgId: string;
  nin: string;
}

/** What we ask the care service for, in the words a nurse reads in the request. */
export const QUESTION = 'Helseopplysninger: tjenester, besøk, IPLOS, pårørende, velferdsteknologi, legemidler og utdelinger.';

const HER = { '@_V': 'HER', '@_S': OID.orgIdType, '@_DN': 'HER-id' };

function msgHead(m: Foresporsel, options: CarePloOptions, genDate: string): Record<string, unknown> {
  const validation = validateNin(m.nin);
  const dnr = validation.valid && validation.info.kind === 'DNR';
  return {
    'mh:MsgInfo': {
      'mh:Type': { '@_V': MESSAGE_TYPE.request.V, '@_DN': MESSAGE_TYPE.request.DN },
      'mh:MIGversion': MIG_VERSION,
      'mh:GenDate': genDate,
      'mh:MsgId': m.msgId,
      'mh:Sender': { 'mh:Organisation': { 'mh:OrganisationName': 'Patient Graph', 'mh:Ident': { 'mh:Id': options.senderHerId, 'mh:TypeId': HER } } },
      'mh:Receiver': { 'mh:Organisation': { 'mh:OrganisationName': 'Pleie og omsorg', 'mh:Ident': { 'mh:Id': options.receiverHerId, 'mh:TypeId': HER } } },
      'mh:Patient': {
        'mh:Ident': { 'mh:Id': m.nin, 'mh:TypeId': { '@_V': dnr ? 'DNR' : 'FNR', '@_S': OID.personIdType, '@_DN': dnr ? 'D-nummer' : 'Fødselsnummer' } },
      },
    },
    'mh:Document': {
      'mh:DocumentConnection': { '@_V': 'H', '@_DN': 'Hoveddokument' },
      'mh:RefDoc': {
        'mh:MsgType': { '@_V': 'XML', '@_DN': 'XML-instans' },
        'mh:MimeType': 'text/xml',
        'mh:Content': {
          'dia:Dialogmelding': {
            '@_xmlns:dia': NS.dialog,
            'dia:Foresporsel': { 'dia:TypeForesp': { '@_V': REQUEST_TOPIC.V, '@_S': REQUEST_TOPIC.S, '@_DN': REQUEST_TOPIC.DN }, 'dia:Sporsmal': QUESTION },
          },
        },
      },
    },
  };
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
