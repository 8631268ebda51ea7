import { KITH_NS } from '../kit/kith';

/**
 * The PLO vocabulary the adapter speaks. The municipal care system answers KITH messages as plain XML over HTTP
 * POST: a batch is the product's MeldingListe of MsgHeads, one per patient. We ask with a DIALOG_FORESPORSEL
 * (Dialogmelding 1.0) from our HER-id to the care service's HER-id; it answers each with a
 * HELSEOPPLYSNINGER_LEGE (PLO v1.6 Helseopplysninger til lege, the care record extract attached) or, for a
 * patient it holds nothing on, a DIALOG_SVAR.
 */
export const PLO_PATH = '/plo/helseopplysninger';

/**
 * Where the application receipts (AppRec 1.0) for the answers go: the product's own endpoint, taking a
 * KvitteringListe of AppRecs, one per answer message received (a request the service refuses comes back as its
 * AppRec instead of an answer).
 */
export const APPREC_PATH = '/plo/applikasjonskvittering';

/**
 * Where one dialogue message for a care service goes (issue 15: PLO's Forespørsel and Svar på forespørsel, and notes,
 * are Dialogmelding 1.0 in MsgHead): the MsgHead document itself in the body, answered by the service's AppRec.
 */
export const MESSAGE_PATH = '/plo/dialogmelding';

export const NS = {
  ...KITH_NS,
  plo: 'http://www.kith.no/xmlstds/po/HelseopplysningerTilLege/2012-04-01',
  extract: 'http://patient-graph.example/xmlstds/omsorgsuttrekk/2014-04-15',
  vendor: 'http://www.omsorgplo.example/ws/plo/2014-04',
} as const;

/** Volven 8279 Meldingens funksjon. */
export const MESSAGE_TYPE = {
  request: { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' },
  answer: { V: 'HELSEOPPLYSNINGER_LEGE', DN: 'Helseopplysninger til lege' },
  nothingHeld: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' },
} as const;

