import type { SoapVersion } from '../kit';
import type { GpKithDialect } from './manifest';

/**
 * The KITH vocabulary both vendors share, and what differs between their dialects. The messages follow the
 * dialogue pattern of Dialogmelding 1.0: a DIALOG_FORESPORSEL per patient asks the patient's GP office for
 * health information, and the office's DIALOG_SVAR answers it, with the journal extract (a schema this
 * project defines: schemas/journal) attached. Each MsgHead is about one patient; a batch is a list of
 * MsgHeads in one SOAP call, in an element of the vendor's own. A request the system refuses is answered by an
 * application receipt (AppRec 1.0, status 2) instead; we acknowledge every answer with one, on the vendor's own
 * receipt operation.
 */
export { KITH_NS } from '../kit/kith';

/** Volven 8279 Meldingens funksjon. */
export const MESSAGE_TYPE = {
  request: { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' },
  answer: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' },
} as const;

export interface DialectProfile {
  /** The vendor product, for messages. */
  product: string;
  soapVersion: SoapVersion;
  path: string;
  action: string;
  /** The vendor's element around the batch of MsgHeads in the SOAP Body: its namespace, request and answer names. */
  batch: { ns: string; request: string; response: string };
  /**
   * Where the application receipts (AppRec 1.0) for the answers go: the vendor's one-way operation, on an endpoint of
   * its own, taking a batch of AppRecs in an element of the vendor's namespace.
   */
  receipts: { path: string; action: string; element: string };
  /**
   * Where one dialogue message (Dialogmelding 1.0 in a MsgHead) for an office goes: the vendor's operation, on an
   * endpoint of its own, with the element around the MsgHead and the one around the office's application receipt.
   */
  messages: { path: string; action: string; request: string; response: string };
}

export const DIALECTS: Record<GpKithDialect, DialectProfile> = {
  soap11: {
    product: 'Nordlys Journal',
    soapVersion: '1.1',
    path: '/soap/JournalService',
    action: 'http://nordlys.no/journal/HentJournal',
    batch: { ns: 'http://nordlys.no/journal/2019/06', request: 'HentJournal', response: 'HentJournalResponse' },
    receipts: { path: '/soap/KvitteringService', action: 'http://nordlys.no/journal/SendApplikasjonskvittering', element: 'SendApplikasjonskvittering' },
    messages: { path: '/soap/MeldingService', action: 'http://nordlys.no/journal/SendMelding', request: 'SendMelding', response: 'SendMeldingResponse' },
  },
  soap12: {
    product: 'Fjord EPJ',
    soapVersion: '1.2',
    path: '/ws/epj',
    action: 'urn:fjord-epj:journal:HentJournal',
    batch: { ns: 'http://www.fjordepj.no/ws/epj/2015/03', request: 'MsgHeadList', response: 'MsgHeadList' },
    receipts: { path: '/ws/apprec', action: 'urn:fjord-epj:journal:SendAppRec', element: 'AppRecList' },
    messages: { path: '/ws/dialog', action: 'urn:fjord-epj:dialog:SendMessage', request: 'MsgHeadList', response: 'AppRecList' },
  },
};
