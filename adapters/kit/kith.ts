import { validateNin } from '../../lib/nin';

/**
 * The KITH vocabulary every system that speaks KITH MsgHead shares (the GP systems, adapters/gp-kith; the PLO
 * care system, adapters/care-plo), and the request both send: a DIALOG_FORESPORSEL (Dialogmelding 1.0) per
 * patient, from our HER-id to the receiver's, asking for health information.
 */
export const KITH_NS = {
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  dialog: 'http://www.kith.no/xmlstds/dialog/2006-10-11',
} as const;

export const MIG_VERSION = 'v1.2 2006-05-24';

/** Volven 8279 Meldingens funksjon: the request. */
export const DIALOG_REQUEST = { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' } as const;

/** Volven 7322 Tema for helsefaglig dialog: what the request asks for. */
export const REQUEST_TOPIC = { V: '8', S: '2.16.578.1.12.4.1.1.7322', DN: 'Forespørsel om helseopplysninger' } as const;

/** Volven code systems of identifiers (KITH's S attribute carries no urn:oid: prefix). */
export const KITH_OID = { personIdType: '2.16.578.1.12.4.1.1.8116', organisationIdType: '2.16.578.1.12.4.1.1.9051' } as const;

const HER = { '@_V': 'HER', '@_S': KITH_OID.organisationIdType, '@_DN': 'HER-id' };

/** The patient's identifier with its kind (Volven 8116): fødselsnummer, D-nummer or H-nummer. */
function patientIdent(nin: string) {
  const v = validateNin(nin);
  const kind = v.valid ? v.info.kind : 'FNR';
  const type = kind === 'DNR' ? { V: 'DNR', DN: 'D-nummer' } : kind === 'HNR' ? { V: 'HNR', DN: 'H-nummer' } : { V: 'FNR', DN: 'Fødselsnummer' };
  return { 'mh:Id': nin, 'mh:TypeId': { '@_V': type.V, '@_S': KITH_OID.personIdType, '@_DN': type.DN } };
}

export interface DialogRequest {
  msgId: string;
  /** Oslo wall-clock time without an offset, as KITH writes GenDate. */
  genDate: string;
  sender: { name: string; herId: string };
  receiver: { name: string; herId: string };
  nin: string;
  /** The question, in the words the receiver reads. */
  question: string;
}

/** One MsgHead (prefix `mh:`, Dialogmelding `dia:` declared on its content) asking about one patient. */
export function dialogRequestMsgHead(r: DialogRequest): Record<string, unknown> {
  const organisation = (o: { name: string; herId: string }) => ({ 'mh:Organisation': { 'mh:OrganisationName': o.name, 'mh:Ident': { 'mh:Id': o.herId, 'mh:TypeId': HER } } });
  return {
    'mh:MsgInfo': {
      'mh:Type': { '@_V': DIALOG_REQUEST.V, '@_DN': DIALOG_REQUEST.DN },
      'mh:MIGversion': MIG_VERSION,
      'mh:GenDate': r.genDate,
      'mh:MsgId': r.msgId,
      'mh:Sender': organisation(r.sender),
      'mh:Receiver': organisation(r.receiver),
      'mh:Patient': { 'mh:Ident': patientIdent(r.nin) },
    },
    'mh:Document': {
      'mh:DocumentConnection': { '@_V': 'H', '@_DN': 'Hoveddokument' },
      'mh:RefDoc': {
        'mh:MsgType': { '@_V': 'XML', '@_DN': 'XML-instans' },
        'mh:MimeType': 'text/xml',
        'mh:Content': {
          'dia:Dialogmelding': {
            '@_xmlns:dia': KITH_NS.dialog,
            'dia:Foresporsel': { 'dia:TypeForesp': { '@_V': REQUEST_TOPIC.V, '@_S': REQUEST_TOPIC.S, '@_DN': REQUEST_TOPIC.DN }, 'dia:Sporsmal': r.question },
          },
        },
      },
    },
  };
}
