import { validateNin } from '../../lib/nin';
import { utcToOsloLocal } from '../../lib/osloTime';
import type { GpRecordKey } from '../contracts';
import { soapEnvelope } from '../kit';
import type { GpKithDialect } from './manifest';
import { DIALECTS, KITH_NS, MESSAGE_TYPE, MIG_VERSION, OID, REQUEST_TOPIC } from './protocol';

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

const HER = { '@_V': 'HER', '@_S': OID.organisationIdType, '@_DN': 'HER-id' };

/** What we ask each office for, in the words a GP reads in the request. */
export const QUESTION = 'Journaluttrekk: konsultasjoner, problemliste, legemidler og henvisninger.';

function msgHead(m: Foresporsel, senderHerId: string, genDate: string): Record<string, unknown> {
  const kind = validateNin(m.nin);
  const typeId = kind.valid && kind.info.kind === 'DNR' ? { V: 'DNR', DN: 'D-nummer' } : kind.valid && kind.info.kind === 'HNR' ? { V: 'HNR', DN: 'H-nummer' } : { V: 'FNR', DN: 'Fødselsnummer' };
  return {
    'mh:MsgInfo': {
      'mh:Type': { '@_V': MESSAGE_TYPE.request.V, '@_DN': MESSAGE_TYPE.request.DN },
      'mh:MIGversion': MIG_VERSION,
      // KITH writes GenDate as Oslo wall-clock time without an offset.
      'mh:GenDate': genDate,
      'mh:MsgId': m.msgId,
      'mh:Sender': { 'mh:Organisation': { 'mh:OrganisationName': 'Patient Graph', 'mh:Ident': { 'mh:Id': senderHerId, 'mh:TypeId': HER } } },
      // The office is addressed by its HER-id; its name is the address register's business, not ours.
      'mh:Receiver': { 'mh:Organisation': { 'mh:OrganisationName': 'Fastlegekontor', 'mh:Ident': { 'mh:Id': m.officeHerId, 'mh:TypeId': HER } } },
      'mh:Patient': { 'mh:Ident': { 'mh:Id': m.nin, 'mh:TypeId': { '@_V': typeId.V, '@_S': OID.personIdType, '@_DN': typeId.DN } } },
    },
    'mh:Document': {
      'mh:DocumentConnection': { '@_V': 'H', '@_DN': 'Hoveddokument' },
      'mh:RefDoc': {
        'mh:MsgType': { '@_V': 'XML', '@_DN': 'XML-instans' },
        'mh:MimeType': 'text/xml',
        'mh:Content': {
          'dia:Dialogmelding': {
            '@_xmlns:dia': KITH_NS.dialog,
            'dia:Foresporsel': {
              'dia:TypeForesp': { '@_V': REQUEST_TOPIC.V, '@_S': REQUEST_TOPIC.S, '@_DN': REQUEST_TOPIC.DN },
              'dia:Sporsmal': QUESTION,
            },
          },
        },
      },
    },
  };
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
