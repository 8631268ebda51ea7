import { validateNin } from '../../lib/nin';

/**
 * The KITH vocabulary every system that speaks KITH MsgHead shares (the GP systems, adapters/gp-kith; the PLO
 * care system, adapters/care-plo), and the request both send: a DIALOG_FORESPORSEL (Dialogmelding 1.0) per
 * patient, from our HER-id to the receiver's, asking for health information.
 *
 * Dialogmelding 1.0 (namespace 2006-10-11) is used with the code lists of its own era, never those of 1.1: the
 * request's TypeForesp from 9152 or 9065, its Formål from 9068, an answer's Notat/TemaKodet from 9069. Volven 7322
 * (Tema for helsefaglig dialog) belongs to Dialogmelding 1.1's Helsefaglig dialog (namespace 2013-01-23) and is not
 * sent here. The codes are written out below rather than read from codelists/ (the simulators' source), so that the
 * adapter and the systems it is tested against do not share one idea of them; codelists/codelists.test.ts checks
 * both sides against the lists.
 */
export const KITH_NS = {
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  dialog: 'http://www.kith.no/xmlstds/dialog/2006-10-11',
} as const;

export const MIG_VERSION = 'v1.2 2006-05-24';

/** Volven 8279 Meldingens funksjon: the request. */
export const DIALOG_REQUEST = { V: 'DIALOG_FORESPORSEL', DN: 'Forespørsel' } as const;

/** A KITH coded value (CV): value, code system OID (bare, as KITH writes S), the list's display text. */
export interface KithCode {
  V: string;
  S: string;
  DN: string;
}

/**
 * What a request asks for (Foresporsel/TypeForesp), by kind:
 * - `health-information`: Volven 9152 (type of information in patient collaboration, from pleie og omsorg) code 1
 *   Helseopplysninger, the list NHN's conformance service's test message and KS Fiks' Dialogmelding 1.0 builder put
 *   in TypeForesp. Not certain: the list's name says "from pleie og omsorg", and here the graph asks pleie og
 *   omsorg; the list for requests from a doctor (9153: 3 Tjenestetilbud, 5 Tilstandsvurdering, 99 Annen henvendelse)
 *   has no "Helseopplysninger", and 9154 (1 Helseopplysninger, rendered by the PLO display files) could not be
 *   confirmed by name. NHN's own test message (not sent by pleie og omsorg) used 9152, so it is used here;
 * - `journal`: Volven 9065 (type of journal request) code 2, the categories of the journal the extract holds, the
 *   list Hdir's Dialogmelding 1.0 display stylesheet renders TypeForesp from.
 */
export const REQUEST_TYPE = {
  'health-information': { V: '1', S: '2.16.578.1.12.4.1.1.9152', DN: 'Helseopplysninger' },
  journal: { V: '2', S: '2.16.578.1.12.4.1.1.9065', DN: 'Spørsmål om å få overført en eller flere kategorier opplysninger i journalen' },
} as const satisfies Record<string, KithCode>;
export type RequestKind = keyof typeof REQUEST_TYPE;

/**
 * Foresporsel/Formål, Volven 9068 code 2 Helsehjelp til pasient som har journal: the graph reads for a clinician
 * giving care to their own patient. Of the list's codes (1 a new patient whose record is to be created, 2, 9 other)
 * it is the nearest; an inference, the profile document was not read. Dialogmelding 1.0 requires a purpose (Formål
 * or Begrunnelse) whenever health information is asked for (the schema's annotation on Foresporsel).
 */
export const REQUEST_PURPOSE = { V: '2', S: '2.16.578.1.12.4.1.1.9068', DN: 'Helsehjelp til pasient som har journal' } as const satisfies KithCode;

/**
 * An answer's Notat/TemaKodet, Volven 9069: 1 the requested information is in the message, 3 the receiver holds
 * none. The other codes (2 refused without reason, 4 needs the patient's consent, 5 and 9 free answers) are not
 * read as a record or as "nothing held": an adapter refuses them as an answer it cannot use.
 */
export const ANSWER_TOPIC_SYSTEM = '2.16.578.1.12.4.1.1.9069';
export const ANSWER_TOPIC = { included: '1', nothingHeld: '3' } as const;

/** The answer's topic (9069) as the adapters read it: a record attached, none held, or neither (an unusable answer). */
export function answerTopic(code: { '@_V'?: string; '@_S'?: string } | undefined): 'included' | 'nothing-held' | null {
  if (!code || code['@_S']?.replace(/^urn:oid:/, '') !== ANSWER_TOPIC_SYSTEM) return null;
  if (code['@_V'] === ANSWER_TOPIC.included) return 'included';
  if (code['@_V'] === ANSWER_TOPIC.nothingHeld) return 'nothing-held';
  return null;
}

/** Volven code systems of identifiers (KITH's S attribute carries no urn:oid: prefix). */
export const KITH_OID = { personIdType: '2.16.578.1.12.4.1.1.8116', organisationIdType: '2.16.578.1.12.4.1.1.9051' } as const;

const HER = { '@_V': 'HER', '@_S': KITH_OID.organisationIdType, '@_DN': 'HER-id' };

/** A code as KITH writes it: V, S and DN attributes. */
const cv = (c: KithCode) => ({ '@_V': c.V, '@_S': c.S, '@_DN': c.DN });

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
  /** What is asked for: the TypeForesp code (REQUEST_TYPE). */
  kind: RequestKind;
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
            // In the order of the 1.0 schema: TypeForesp, Sporsmal, Formål.
            'dia:Foresporsel': { 'dia:TypeForesp': cv(REQUEST_TYPE[r.kind]), 'dia:Sporsmal': r.question, 'dia:Formål': cv(REQUEST_PURPOSE) },
          },
        },
      },
    },
  };
}
