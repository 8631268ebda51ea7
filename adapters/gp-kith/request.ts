import { validateNin } from '../../lib/nin';
import { utcToOsloLocal } from '../../lib/osloTime';
import type { GpRecordKey } from '../contracts';
import { soapEnvelope } from '../kit';
import type { GpKithDialect } from './manifest';
import { DIALECTS, KITH_NS, MIG_VERSION, OID, REQUEST_TYPE } from './protocol';

export interface JournalRequest {
  dialect: GpKithDialect;
  /** Our HER-id (the MsgHead sender). */
  senderHerId: string;
  /** The service we address: the instance id, which both ends know from the shared configuration. */
  receiverId: string;
  msgId: string;
  genDate: Date;
  patients: readonly GpRecordKey[];
}

const HER = { '@_V': 'HER', '@_S': OID.organisationIdType, '@_DN': 'HER-id' };

/**
 * The HENT_JOURNAL request: a KITH MsgHead whose one document lists the patients and their GP offices.
 * Identity numbers appear here, in the POST body, and nowhere else (never in the URL or a header).
 * The same MsgHead serves both dialects; only the SOAP envelope around it differs.
 */
export function buildJournalRequest(request: JournalRequest): string {
  const patients = request.patients.map(({ nin, officeHerId }) => {
    const kind = validateNin(nin);
    const typeId = kind.valid && kind.info.kind === 'DNR' ? { V: 'DNR', DN: 'D-nummer' } : { V: 'FNR', DN: 'Fødselsnummer' };
    return {
      'jr:Ident': { 'jr:Id': nin, 'jr:TypeId': { '@_V': typeId.V, '@_S': OID.personIdType, '@_DN': typeId.DN } },
      'jr:GpOffice': { 'jr:Ident': { 'jr:Id': officeHerId, 'jr:TypeId': HER } },
    };
  });
  const msgHead = {
    '@_xmlns:mh': KITH_NS.msgHead,
    'mh:MsgInfo': {
      'mh:Type': { '@_V': REQUEST_TYPE.V, '@_DN': REQUEST_TYPE.DN },
      'mh:MIGversion': MIG_VERSION,
      // KITH writes GenDate as Oslo wall-clock time without an offset.
      'mh:GenDate': utcToOsloLocal(request.genDate),
      'mh:MsgId': request.msgId,
      'mh:Sender': {
        'mh:Organisation': {
          'mh:OrganisationName': 'Patient Graph',
          'mh:Ident': { 'mh:Id': request.senderHerId, 'mh:TypeId': HER },
        },
      },
      'mh:Receiver': {
        'mh:Organisation': {
          'mh:OrganisationName': DIALECTS[request.dialect].product,
          'mh:Ident': { 'mh:Id': request.receiverId, 'mh:TypeId': { '@_V': 'LOK', '@_S': OID.organisationIdType, '@_DN': 'Lokal identifikator' } },
        },
      },
    },
    'mh:Document': {
      'mh:DocumentConnection': { '@_V': 'H', '@_DN': 'Hoveddokument' },
      'mh:RefDoc': {
        'mh:MsgType': { '@_V': 'XML', '@_DN': 'XML-instans' },
        'mh:Content': { 'jr:JournalRequest': { '@_xmlns:jr': KITH_NS.journal, 'jr:Patient': patients } },
      },
    },
  };
  return soapEnvelope(DIALECTS[request.dialect].soapVersion, { 'mh:MsgHead': msgHead });
}
