import { randomUUID } from 'node:crypto';
import { buildXml } from '../kit/xml';
import { utcToOsloLocal } from '../../lib/osloTime';
import type { CareRecord, Person } from '../population';
import { MIG_VERSION, NS, OID, pasientBlock } from './helseopplysninger';
import { entry } from '../../codelists';
import { APPREC_NS, refusalAppRec, type Refusal, type SentMessage } from '../kit/appRec';
import { repeatedRequest, type IdKind } from '../kit/dialogRequest';
import type { Foresporsel } from './request';
import type { HeldMessage } from '../kit/messageStore';
import type { CareDirectory } from '../kit/careRecordFor';

/**
 * The answers this system sends, one MsgHead per request (prefixes mh:, dia:, po:; the PLO message and the
 * extract under default namespaces), in a MeldingListe of the product's own:
 * - HELSEOPPLYSNINGER_LEGE for a patient it holds: main document the PLO message HelseopplysningerTilLege
 *   (InformasjonOmForsendelsen: a new message, in answer to a request), the care record extract attached;
 * - DIALOG_SVAR for a patient it does not hold: a Dialogmelding Notat saying so, repeating the request;
 * - an application receipt (AppRec 1.0, status 2 Avvist) for a request it refuses.
 * Both refer to the request (ConversationRef) and name the patient in MsgInfo/Patient; only a held patient is
 * named by name as well as number.
 */

export interface Party {
  name: string;
  herId: string;
  orgNumber?: string;
}

/**
 * The topic of the answer for a patient the service holds nothing on: Notat/TemaKodet from Volven 9069 (the answer
 * list of Dialogmelding 1.0), 3 Har ikke ønskede opplysninger.
 */
const NOTHING_HELD = { '@_V': '3', '@_S': OID.dialogAnswerTopic, '@_DN': entry('dialogAnswerTopic', '3').display };

const orgIdent = (id: string, V: 'HER' | 'ENH', DN: string) => ({ 'mh:Id': id, 'mh:TypeId': { '@_V': V, '@_S': OID.orgIdType, '@_DN': DN } });

function organisation(party: Party): Record<string, unknown> {
  const idents = [orgIdent(party.herId, 'HER', 'HER-id')];
  if (party.orgNumber) idents.push(orgIdent(party.orgNumber, 'ENH', 'Organisasjonsnummeret i Enhetsregisteret'));
  return { 'mh:Organisation': { 'mh:OrganisationName': party.name, 'mh:Ident': idents } };
}

function patientIdent(nin: string, kind: Person['kind'] | IdKind) {
  const type = kind === 'DNR' ? { V: 'DNR', DN: 'D-nummer' } : kind === 'HNR' ? { V: 'HNR', DN: 'H-nummer' } : { V: 'FNR', DN: 'Fødselsnummer' };
  return { 'mh:Id': nin, 'mh:TypeId': { '@_V': type.V, '@_S': OID.personIdType, '@_DN': type.DN } };
}

export interface Svar {
  request: Foresporsel;
  /** The patient and record when this system holds them. */
  found: { person: Person; record: CareRecord; municipalityName: string; messages?: readonly HeldMessage[]; directory?: CareDirectory } | null;
}

const TYPE = {
  answer: { '@_V': 'HELSEOPPLYSNINGER_LEGE', '@_DN': 'Helseopplysninger til lege' },
  nothingHeld: { '@_V': 'DIALOG_SVAR', '@_DN': 'Svar på forespørsel' },
} as const;

function msgHead(self: Party, svar: Svar, now: Date, msgId: string): Record<string, unknown> {
  const { request, found } = svar;
  const person = found?.person ?? null;
  const msgInfo = {
    'mh:Type': found ? TYPE.answer : TYPE.nothingHeld,
    'mh:MIGversion': MIG_VERSION,
    'mh:GenDate': utcToOsloLocal(now.toISOString()),
    'mh:MsgId': msgId,
    'mh:ConversationRef': { 'mh:RefToParent': request.msgId, 'mh:RefToConversation': request.msgId },
    'mh:Sender': organisation(self),
    'mh:Receiver': organisation({ name: request.senderName, herId: request.senderHerId }),
    'mh:Patient': {
      ...(person
        ? { 'mh:FamilyName': person.familyName, ...(person.middleName ? { 'mh:MiddleName': person.middleName } : {}), 'mh:GivenName': person.givenName }
        : {}),
      'mh:Ident': patientIdent(request.nin, person?.kind ?? request.kind),
    },
  };
  const document = (connection: 'H' | 'V', content: Record<string, unknown>, description?: string) => ({
    'mh:DocumentConnection': connection === 'H' ? { '@_V': 'H', '@_DN': 'Hoveddokument' } : { '@_V': 'V', '@_DN': 'Vedlegg' },
    'mh:RefDoc': {
      'mh:MsgType': { '@_V': 'XML', '@_DN': 'XML-instans' },
      'mh:MimeType': 'text/xml',
      ...(description ? { 'mh:Description': description } : {}),
      'mh:Content': content,
    },
  });
  if (!found) {
    const notat = {
      'dia:Dialogmelding': {
        '@_xmlns:dia': NS.dialog,
        'dia:Notat': {
          'dia:TemaKodet': NOTHING_HELD,
          'dia:TekstNotatInnhold': 'Pleie- og omsorgstjenesten har ingen helseopplysninger om pasienten.',
          'dia:DatoNotat': utcToOsloLocal(now.toISOString()).slice(0, 10),
          'dia:Foresporsel': repeatedRequest(request, (name) => `dia:${name}`),
        },
      },
    };
    return { 'mh:MsgInfo': msgInfo, 'mh:Document': [document('H', notat)] };
  }
  const plo = {
    HelseopplysningerTilLege: {
      '@_xmlns': NS.plo,
      '@_xmlns:po': NS.poKomponent,
      'po:InformasjonOmForsendelsen': {
        'po:Forsendelsesstatus': { '@_V': 'N', '@_S': OID.dispatchStatus, '@_DN': 'Ny' },
        'po:SvarPaaForesporsel': true,
      },
    },
  };
  const extract = { Omsorgsuttrekk: { '@_xmlns': NS.extract, ...pasientBlock(found.person, found.record, found.municipalityName, found.messages, found.directory) } };
  return { 'mh:MsgInfo': msgInfo, 'mh:Document': [document('H', plo), document('V', extract, 'Omsorgsuttrekk')] };
}

/**
 * The whole answer to one batch: one MsgHead per request answered, in the order asked, then one AppRec (status 2
 * Avvist, an error of Volven 8221, from this service) per request refused; `sent` learns each answer, so that the
 * receipts that come back for them can be checked.
 */
export function meldingListe(self: Party, answers: readonly (Svar | Refusal)[], now = new Date(), sent?: (message: SentMessage) => void): string {
  const svar = answers.filter((a): a is Svar => !('error' in a));
  const avvist = answers.filter((a): a is Refusal => 'error' in a);
  const heads = svar.map((a) => {
    const msgId = randomUUID();
    sent?.({ msgId, type: (a.found ? TYPE.answer : TYPE.nothingHeld)['@_V'], genDate: utcToOsloLocal(now.toISOString()), from: self.herId, to: a.request.senderHerId });
    return msgHead(self, a, now, msgId);
  });
  return buildXml({
    'op:MeldingListe': {
      '@_xmlns:op': NS.vendor,
      '@_xmlns:mh': NS.msgHead,
      ...(avvist.length ? { '@_xmlns:ar': APPREC_NS } : {}),
      ...(heads.length ? { 'mh:MsgHead': heads } : {}),
      ...(avvist.length ? { 'ar:AppRec': avvist.map((a) => refusalAppRec(a, self, (n) => `ar:${n}`, now)) } : {}),
    },
  });
}

/**
 * The error message this system answers a call it cannot read as messages with (400 for a bad request or receipt,
 * 403 for a stranger, 404 for another path, 500 for its own failure); a message it can read but not take is refused
 * by application receipt instead.
 */
export function feilmelding(kode: string, beskrivelse: string): string {
  return buildXml({ Feilmelding: { '@_xmlns': NS.vendor, Kode: { '@_V': kode, '@_DN': beskrivelse }, Beskrivelse: beskrivelse } });
}
