import { randomUUID } from 'node:crypto';
import { buildXml } from '../kit/xml';
import { utcToOsloLocal } from '../../lib/osloTime';
import { CODE_SYSTEMS, doseText, type GpRecord, type MedicationUse, type Person } from '../population';
import { dateOf, instantOf } from '../population/clock';
import type { Coding } from '../population/codes';
import { NS, PROFILES, qualifier, xmlns, type Dialect } from './dialects';
import { CODE_LISTS, entry } from '../../codelists';
import { refusalAppRec, type Party, type Refusal, type SentMessage } from '../kit/appRec';
import { repeatedRequest } from '../kit/dialogRequest';
import type { Foresporsel } from './request';
import { KITH_TYPE, type HeldMessage, type HeldParty } from '../kit/messageStore';

/**
 * Answers each DIALOG_FORESPORSEL with a DIALOG_SVAR, as the dialogue pattern of Dialogmelding 1.0 has it:
 * one MsgHead per patient, from the GP office (its HER-id and organisation number) to the asking party,
 * referring to the request (ConversationRef), naming the patient in MsgInfo/Patient. The main document is a
 * Dialogmelding Notat that repeats the request; the journal extract (schemas/journal) travels as an attached
 * XML document. A patient the office does not hold gets a Notat saying so and no attachment.
 * The products differ in prefixes (Nordlys `mh:`/`dia:`/`ju:`, Fjord default namespaces) and in the journal
 * extract's version: Nordlys sends 2019-06-01 (KITH TS `V` attributes), Fjord still 2016-10-01 (compact
 * element text). Both send consultations in the order they were written and times in Oslo wall-clock.
 */

const PERSON_ID_TYPE = '2.16.578.1.12.4.1.1.8116';
const ORG_ID_TYPE = '2.16.578.1.12.4.1.1.9051';
/**
 * The answer's topic, Notat/TemaKodet from Volven 9069 (the answer list of Dialogmelding 1.0): 1 the requested
 * information is in the message (the journal extract attached), 3 the office holds none.
 */
const topic = (code: '1' | '3') => ({ '@_V': code, '@_S': CODE_LISTS.dialogAnswerTopic.oid, '@_DN': entry('dialogAnswerTopic', code).display });

const CONTACT_TYPES: Record<GpRecord['consultations'][number]['contactType'], { V: string; DN: string }> = {
  office: { V: 'OPPM', DN: 'Oppmøte' },
  phone: { V: 'TLF', DN: 'Telefonkonsultasjon' },
  video: { V: 'VIDEO', DN: 'Videokonsultasjon' },
  home: { V: 'SYKEBES', DN: 'Sykebesøk' },
};

interface DateWriter {
  dateTime(iso: string): unknown;
  date(iso: string): unknown;
}

const DATES: Record<Dialect, DateWriter> = {
  soap11: {
    dateTime: (iso) => ({ '@_V': utcToOsloLocal(iso) }),
    date: (iso) => ({ '@_V': iso.slice(0, 10) }),
  },
  soap12: {
    dateTime: (iso) => utcToOsloLocal(iso).replace(/[-T:]/g, '').slice(0, 12),
    date: (iso) => iso.slice(0, 10).replace(/-/g, ''),
  },
};

export interface Patient {
  person: Person;
  record: GpRecord;
  /** The dialogue messages about the patient the office sent or received. */
  messages?: readonly HeldMessage[];
}

const MESSAGE_TYPE_SYSTEM = '2.16.578.1.12.4.1.1.8279';

/** An entry a patient aged 12–15 kept from her parents (pbrl § 3-4), as the extract marks it. */
const KEPT_FROM_PARENTS = { '@_V': 'FORELDRE', '@_DN': 'Unntatt foreldrenes innsyn' };

/** The journal extract of one patient's record, in the product's version of the schema. */
function journalContent(dialect: Dialect, p: Patient, now: Date = new Date()): Record<string, unknown> {
  const profile = PROFILES[dialect];
  const j = qualifier(profile.prefixes.journal);
  const d = DATES[dialect];
  const icpc = (c: Coding) => ({ '@_V': c.code, '@_S': CODE_SYSTEMS.icpc2, '@_DN': c.text });
  const hpr = (n: string) => ({ [j('Ident')]: { [j('Id')]: n, [j('TypeId')]: { '@_V': 'HPR', '@_S': PERSON_ID_TYPE, '@_DN': 'HPR-nummer' } } });

  const prescription = (m: MedicationUse) => ({
    [j('Id')]: m.id,
    [j('Drug')]: { '@_V': m.atc, '@_S': CODE_SYSTEMS.atc, '@_DN': m.name },
    [j('Strength')]: m.strength,
    [j('Form')]: m.form,
    [j('Dosage')]: {
      [j('Amount')]: { '@_V': String(m.dose.amount), '@_U': m.dose.unit },
      [j('TimesPerDay')]: { '@_V': String(m.dose.timesPerDay) },
      [j('Text')]: doseText(m),
    },
    [j('Status')]: m.status === 'active' ? { '@_V': 'A', '@_DN': 'Aktiv' } : { '@_V': 'S', '@_DN': 'Seponert' },
    [j('StartDate')]: d.date(m.startDate),
    ...(m.endDate ? { [j('EndDate')]: d.date(m.endDate) } : {}),
    ...(m.note ? { [j('Note')]: m.note } : {}),
    [j('Prescriber')]: hpr(m.hprNumber),
    ...(m.keptFromParents ? { [j('Restriction')]: KEPT_FROM_PARENTS } : {}),
  });

  // A message's time to the second, in the version's form (the 2016 extract's compact text takes seconds too).
  const sent = (iso: string) => (dialect === 'soap11' ? { '@_V': utcToOsloLocal(iso) } : utcToOsloLocal(iso).replace(/[-T:]/g, ''));
  const party = (x: HeldParty) => ({
    [j('Name')]: x.service,
    [j('HerId')]: x.herId,
    ...(x.orgNumber ? { [j('Organisation')]: { [j('Id')]: x.orgNumber, [j('TypeId')]: { '@_V': 'ENH', '@_S': ORG_ID_TYPE, '@_DN': 'Organisasjonsnummeret i Enhetsregisteret' } } } : {}),
    ...(x.hprNumber ? { [j('HealthcareProfessional')]: hpr(x.hprNumber) } : {}),
    ...(x.name ? { [j('PersonName')]: x.name } : {}),
  });
  const message = (m: HeldMessage) => ({
    [j('Id')]: m.id,
    [j('Type')]: { '@_V': KITH_TYPE[m.kind].V, '@_S': MESSAGE_TYPE_SYSTEM, '@_DN': KITH_TYPE[m.kind].DN },
    [j('SentDateTime')]: sent(m.sentAt),
    [j('Conversation')]: m.conversationRef,
    ...(m.inReplyTo ? { [j('InReplyTo')]: m.inReplyTo } : {}),
    [j('Sender')]: party(m.sender),
    [j('Receiver')]: party(m.recipient),
    [j('Subject')]: m.subject,
    [j('Text')]: m.text,
  });

  return {
    [j('Journal')]: {
      ...xmlns(profile.prefixes.journal, profile.journalNs),
      [j('Consultation')]: p.record.consultations.map((c) => ({
        [j('Id')]: c.id,
        [j('StartDateTime')]: d.dateTime(c.time),
        [j('ContactType')]: { '@_V': CONTACT_TYPES[c.contactType].V, '@_DN': CONTACT_TYPES[c.contactType].DN },
        [j('Reason')]: icpc(c.reason),
        [j('Diagnosis')]: c.diagnoses.map(icpc),
        [j('Note')]: c.note,
        [j('HealthcareProfessional')]: hpr(c.hprNumber),
        ...(c.keptFromParents ? { [j('Restriction')]: KEPT_FROM_PARENTS } : {}),
      })),
      [j('Problem')]: p.record.problems.map((pr) => ({ [j('Diagnosis')]: icpc(pr), [j('StartDate')]: d.date(pr.since) })),
      [j('Prescription')]: p.record.prescriptions.map(prescription),
      [j('Referral')]: p.record.referrals.map((r) => ({
        [j('Id')]: r.id,
        // An open referral was sent lately, whatever day it is answered on (population/clock.ts).
        [j('IssueDate')]: d.date(r.sentDaysAgo === undefined ? r.date : dateOf({ days: -r.sentDaysAgo }, now)),
        [j('ReceivingOrganisation')]: {
          [j('Ident')]: { [j('Id')]: r.toOrgNumber, [j('TypeId')]: { '@_V': 'ENH', '@_S': ORG_ID_TYPE, '@_DN': 'Organisasjonsnummeret i Enhetsregisteret' } },
          [j('Department')]: r.toDepartment,
        },
        [j('Reason')]: icpc(r.reason),
        [j('Text')]: r.text,
        [j('HealthcareProfessional')]: hpr(r.hprNumber),
        ...(r.keptFromParents ? { [j('Restriction')]: KEPT_FROM_PARENTS } : {}),
      })),
      // The appointment book's planned consultations (kontroller), dated when the answer is made.
      [j('PlannedConsultation')]: p.record.plannedFollowUps.map((f) => ({
        [j('Id')]: f.id,
        [j('StartDateTime')]: d.dateTime(instantOf(f.at, now)),
        [j('DurationMinutes')]: f.minutes,
        [j('ContactType')]: { '@_V': CONTACT_TYPES[f.contactType].V, '@_DN': CONTACT_TYPES[f.contactType].DN },
        [j('Reason')]: icpc(f.reason),
        [j('Text')]: f.text,
        [j('HealthcareProfessional')]: hpr(f.hprNumber),
        ...(f.keptFromParents ? { [j('Restriction')]: KEPT_FROM_PARENTS } : {}),
      })),
      [j('Message')]: (p.messages ?? []).map(message),
    },
  };
}

export interface Office {
  herId: string;
  orgNumber: string;
  name: string;
}

/** One answer: the office, the request it answers, and the patient's journal when the office holds it. */
export interface Svar {
  office: Office;
  request: Foresporsel;
  found: Patient | null;
}

/** A request refused by application receipt (status 2, an error of 8221), sent from `from`. */
export interface Avvist extends Refusal {
  from: Party;
}

function svarMsgHead(dialect: Dialect, svar: Svar, now: Date, msgId: string): Record<string, unknown> {
  const profile = PROFILES[dialect];
  const m = qualifier(profile.prefixes.msgHead);
  const dia = qualifier(profile.prefixes.dialog);
  const { office, request, found } = svar;
  // The office names the patient only when it holds the patient's journal: otherwise it knows nothing of them.
  const person = found?.person ?? null;
  const orgIdent = (id: string, V: 'HER' | 'ENH', DN: string) => ({ [m('Id')]: id, [m('TypeId')]: { '@_V': V, '@_S': ORG_ID_TYPE, '@_DN': DN } });
  const kind = person?.kind === 'DNR' ? { V: 'DNR', DN: 'D-nummer' } : { V: 'FNR', DN: 'Fødselsnummer' };
  const notat = {
    [dia('Dialogmelding')]: {
      ...xmlns(profile.prefixes.dialog, NS.dialog),
      [dia('Notat')]: {
        [dia('TemaKodet')]: topic(found ? '1' : '3'),
        [dia('TekstNotatInnhold')]: found ? 'Journaluttrekk vedlagt.' : 'Legekontoret har ingen journal for pasienten.',
        [dia('DatoNotat')]: utcToOsloLocal(now.toISOString()).slice(0, 10),
        // The answer repeats the request it answers, as Dialogmelding asks.
        [dia('Foresporsel')]: repeatedRequest(request, dia),
      },
    },
  };
  const documents: Record<string, unknown>[] = [
    {
      [m('DocumentConnection')]: { '@_V': 'H', '@_DN': 'Hoveddokument' },
      [m('RefDoc')]: { [m('MsgType')]: { '@_V': 'XML', '@_DN': 'XML-instans' }, [m('MimeType')]: 'text/xml', [m('Content')]: notat },
    },
  ];
  if (found) {
    documents.push({
      [m('DocumentConnection')]: { '@_V': 'V', '@_DN': 'Vedlegg' },
      [m('RefDoc')]: {
        [m('MsgType')]: { '@_V': 'XML', '@_DN': 'XML-instans' },
        [m('MimeType')]: 'text/xml',
        [m('Description')]: 'Journaluttrekk',
        [m('Content')]: journalContent(dialect, found, now),
      },
    });
  }
  return {
    ...xmlns(profile.prefixes.msgHead, NS.msgHead),
    [m('MsgInfo')]: {
      [m('Type')]: { '@_V': 'DIALOG_SVAR', '@_DN': 'Svar på forespørsel' },
      [m('MIGversion')]: 'v1.2 2006-05-24',
      [m('GenDate')]: utcToOsloLocal(now.toISOString()),
      [m('MsgId')]: msgId,
      [m('ConversationRef')]: { [m('RefToParent')]: request.msgId, [m('RefToConversation')]: request.msgId },
      [m('Sender')]: {
        [m('Organisation')]: {
          [m('OrganisationName')]: office.name,
          [m('Ident')]: [orgIdent(office.herId, 'HER', 'HER-id'), orgIdent(office.orgNumber, 'ENH', 'Organisasjonsnummeret i Enhetsregisteret')],
        },
      },
      [m('Receiver')]: { [m('Organisation')]: { [m('OrganisationName')]: request.senderName, [m('Ident')]: orgIdent(request.senderHerId, 'HER', 'HER-id') } },
      [m('Patient')]: {
        ...(person
          ? {
              [m('FamilyName')]: person.familyName,
              ...(person.middleName ? { [m('MiddleName')]: person.middleName } : {}),
              [m('GivenName')]: person.givenName,
            }
          : {}),
        [m('Ident')]: { [m('Id')]: request.nin, [m('TypeId')]: { '@_V': kind.V, '@_S': PERSON_ID_TYPE, '@_DN': kind.DN } },
      },
    },
    [m('Document')]: documents,
  };
}

/**
 * The whole SOAP answer to one batch: one DIALOG_SVAR per request answered, then one AppRec per request refused;
 * `sent` learns each DIALOG_SVAR, so that the receipts that come back for them can be checked.
 */
export function journalResponse(dialect: Dialect, answers: readonly (Svar | Avvist)[], now = new Date(), sent?: (message: SentMessage) => void): string {
  const profile = PROFILES[dialect];
  const e = qualifier(profile.prefixes.envelope);
  const b = qualifier(profile.prefixes.batch);
  const m = qualifier(profile.prefixes.msgHead);
  const ar = qualifier(profile.prefixes.appRec);
  const svar = answers.filter((a): a is Svar => !('error' in a));
  const avvist = answers.filter((a): a is Avvist => 'error' in a);
  const heads = svar.map((a) => {
    const msgId = randomUUID();
    sent?.({ msgId, type: 'DIALOG_SVAR', genDate: utcToOsloLocal(now.toISOString()), from: a.office.herId, to: a.request.senderHerId });
    return svarMsgHead(dialect, a, now, msgId);
  });
  const body = {
    [b(profile.batch.response)]: {
      ...xmlns(profile.prefixes.batch, profile.batch.ns),
      ...(heads.length ? { [m('MsgHead')]: heads } : {}),
      ...(avvist.length ? { ...(profile.prefixes.appRec ? xmlns(profile.prefixes.appRec, NS.appRec) : {}), [ar('AppRec')]: avvist.map((a) => ({ ...(profile.prefixes.appRec ? {} : xmlns('', NS.appRec)), ...refusalAppRec(a, a.from, ar, now) })) } : {}),
    },
  };
  return buildXml({ [e('Envelope')]: { ...xmlns(profile.prefixes.envelope, profile.envelopeNs), [e('Body')]: body } });
}
