import { randomUUID } from 'node:crypto';
import { buildXml } from '../../adapters/kit/xml';
import { utcToOsloLocal } from '../../lib/osloTime';
import { CODE_SYSTEMS, doseText, type GpRecord, type MedicationUse, type Person } from '../population';
import type { Coding } from '../population/codes';
import { NS, PROFILES, qualifier, xmlns, type Dialect } from './dialects';

/**
 * Projects a person's GP record into the KITH journal message each product sends. The content is the
 * same for both; what differs is where dates go (Nordlys: `V` attributes, Fjord: compact element text),
 * the prefixes, and the packaging (Nordlys: one MsgHead for the batch; Fjord: one MsgHead per patient).
 * Both send consultations in the order they were written (oldest first) and times in Oslo wall clock.
 */

const PERSON_ID_TYPE = '2.16.578.1.12.4.1.1.8116';
const ORG_ID_TYPE = '2.16.578.1.12.4.1.1.9051';

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
}

function projection(dialect: Dialect) {
  const j = qualifier(PROFILES[dialect].prefixes.journal);
  const d = DATES[dialect];
  const icpc = (c: Coding) => ({ '@_V': c.code, '@_S': CODE_SYSTEMS.icpc2, '@_DN': c.text });
  const ident = (id: string, V: string, S: string, DN: string) => ({ [j('Ident')]: { [j('Id')]: id, [j('TypeId')]: { '@_V': V, '@_S': S, '@_DN': DN } } });
  const hpr = (n: string) => ident(n, 'HPR', PERSON_ID_TYPE, 'HPR-nummer');
  const patient = (p: Person) => ident(p.nin, p.kind === 'DNR' ? 'DNR' : 'FNR', PERSON_ID_TYPE, p.kind === 'DNR' ? 'D-nummer' : 'Fødselsnummer');

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
  });

  /** The Journal element; Nordlys names the patient inside it, Fjord in the MsgHead. */
  return (p: Patient, withPatient: boolean) => ({
    [j('Journal')]: {
      ...xmlns(PROFILES[dialect].prefixes.journal, NS.journal),
      ...(withPatient ? { [j('Patient')]: patient(p.person) } : {}),
      [j('Consultation')]: p.record.consultations.map((c) => ({
        [j('Id')]: c.id,
        [j('StartDateTime')]: d.dateTime(c.time),
        [j('ContactType')]: { '@_V': CONTACT_TYPES[c.contactType].V, '@_DN': CONTACT_TYPES[c.contactType].DN },
        [j('Reason')]: icpc(c.reason),
        [j('Diagnosis')]: c.diagnoses.map(icpc),
        [j('Note')]: c.note,
        [j('HealthcareProfessional')]: hpr(c.hprNumber),
      })),
      [j('Problem')]: p.record.problems.map((pr) => ({ [j('Diagnosis')]: icpc(pr), [j('StartDate')]: d.date(pr.since) })),
      [j('Prescription')]: p.record.prescriptions.map(prescription),
      [j('Referral')]: p.record.referrals.map((r) => ({
        [j('Id')]: r.id,
        [j('IssueDate')]: d.date(r.date),
        [j('ReceivingOrganisation')]: {
          ...ident(r.toOrgNumber, 'ENH', ORG_ID_TYPE, 'Organisasjonsnummeret i Enhetsregisteret'),
          [j('Department')]: r.toDepartment,
        },
        [j('Reason')]: icpc(r.reason),
        [j('Text')]: r.text,
        [j('HealthcareProfessional')]: hpr(r.hprNumber),
      })),
    },
  });
}

export interface Exchange {
  /** The service's own id (the instance id), as the request addressed it. */
  serviceId: string;
  requesterHerId: string;
  requestMsgId: string;
  now?: Date;
}

function msgInfo(dialect: Dialect, ex: Exchange, patient: Person | null) {
  const m = qualifier(PROFILES[dialect].prefixes.msgHead);
  const org = (name: string, id: string, V: string, DN: string) => ({
    [m('Organisation')]: { [m('OrganisationName')]: name, [m('Ident')]: { [m('Id')]: id, [m('TypeId')]: { '@_V': V, '@_S': ORG_ID_TYPE, '@_DN': DN } } },
  });
  return {
    [m('Type')]: { '@_V': 'JOURNAL', '@_DN': 'Journalopplysninger' },
    [m('MIGversion')]: 'v1.2 2006-05-24',
    [m('GenDate')]: utcToOsloLocal(ex.now ?? new Date()),
    [m('MsgId')]: randomUUID(),
    [m('ConversationRef')]: { [m('RefToParent')]: ex.requestMsgId, [m('RefToConversation')]: ex.requestMsgId },
    [m('Sender')]: org(PROFILES[dialect].product, ex.serviceId, 'LOK', 'Lokal identifikator'),
    [m('Receiver')]: org('Patient Graph', ex.requesterHerId, 'HER', 'HER-id'),
    ...(patient
      ? {
          [m('Patient')]: {
            [m('Ident')]: {
              [m('Id')]: patient.nin,
              [m('TypeId')]: { '@_V': patient.kind === 'DNR' ? 'DNR' : 'FNR', '@_S': PERSON_ID_TYPE, '@_DN': patient.kind === 'DNR' ? 'D-nummer' : 'Fødselsnummer' },
            },
          },
        }
      : {}),
  };
}

function document(dialect: Dialect, journal: Record<string, unknown>) {
  const m = qualifier(PROFILES[dialect].prefixes.msgHead);
  return {
    [m('DocumentConnection')]: { '@_V': 'H', '@_DN': 'Hoveddokument' },
    [m('RefDoc')]: { [m('MsgType')]: { '@_V': 'XML', '@_DN': 'XML-instans' }, [m('Content')]: journal },
  };
}

/** The whole SOAP answer to one HENT_JOURNAL request, for the patients the instance holds. */
export function journalResponse(dialect: Dialect, ex: Exchange, patients: readonly Patient[]): string {
  const profile = PROFILES[dialect];
  const e = qualifier(profile.prefixes.envelope);
  const m = qualifier(profile.prefixes.msgHead);
  const journal = projection(dialect);
  let body: Record<string, unknown>;
  if (dialect === 'soap11') {
    body = {
      [m('MsgHead')]: {
        ...xmlns(profile.prefixes.msgHead, NS.msgHead),
        [m('MsgInfo')]: msgInfo(dialect, ex, null),
        [m('Document')]: patients.map((p) => document(dialect, journal(p, true))),
      },
    };
  } else {
    body = {
      MsgHeadList: {
        '@_xmlns': NS.fjordWs,
        MsgHead: patients.map((p) => ({
          ...xmlns(profile.prefixes.msgHead, NS.msgHead),
          [m('MsgInfo')]: msgInfo(dialect, ex, p.person),
          [m('Document')]: document(dialect, journal(p, false)),
        })),
      },
    };
  }
  return buildXml({ [e('Envelope')]: { ...xmlns(profile.prefixes.envelope, profile.envelopeNs), [e('Body')]: body } });
}
