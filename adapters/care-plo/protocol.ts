/**
 * The PLO vocabulary the adapter speaks. The municipal care system answers KITH messages as plain XML over HTTP
 * POST: a batch is the product's MeldingListe of MsgHeads, one per patient. We ask with a DIALOG_FORESPORSEL
 * (Dialogmelding 1.0) from our HER-id to the care service's HER-id; it answers each with a
 * HELSEOPPLYSNINGER_LEGE (PLO v1.6 Helseopplysninger til lege, the care record extract attached) or, for a
 * patient it holds nothing on, a DIALOG_SVAR.
 */
export const PLO_PATH = '/plo/helseopplysninger';

export const NS = {
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  dialog: 'http://www.kith.no/xmlstds/dialog/2006-10-11',
  plo: 'http://www.kith.no/xmlstds/po/HelseopplysningerTilLege/2012-04-01',
  extract: 'http://patient-graph.example/xmlstds/omsorgsuttrekk/2014-04-15',
  vendor: 'http://www.omsorgplo.example/ws/plo/2014-04',
} as const;

export const MIG_VERSION = 'v1.2 2006-05-24';

/** Volven 8279 Meldingens funksjon. */
export const MESSAGE_TYPE = {
  request: { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' },
  answer: { V: 'HELSEOPPLYSNINGER_LEGE', DN: 'Helseopplysninger til lege' },
  nothingHeld: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' },
} as const;

/** Volven 7322 Tema for helsefaglig dialog: what the request asks for. */
export const REQUEST_TOPIC = { V: '8', S: '2.16.578.1.12.4.1.1.7322', DN: 'Forespørsel om helseopplysninger' } as const;

export const OID = { orgIdType: '2.16.578.1.12.4.1.1.9051', personIdType: '2.16.578.1.12.4.1.1.8116' } as const;
