import { utcToOsloLocal } from '../../lib/osloTime';
import { buildXml } from '../../adapters/kit/xml';
import type { CareRecord, CareServiceType, NextOfKin, Person, WelfareTechnology } from '../population';
import { entry, LOCAL_SYSTEM, localEntry } from '../../codelists';
import { doseText } from '../population';
import { CARE_SERVICE_CODE } from '../population/careCodes';
import { IPLOS_VARIABLES } from '../population/codes';

/**
 * The PLO-style XML this system speaks, in the KITH tradition: a namespaced message with MsgInfo
 * (type, id, sender and receiver by HER-id), one `Pasient` block per care recipient, codes as V/S/DN
 * attributes, ISO dates, and date-times as Norwegian wall-clock time without an offset.
 */
export const PLO_NS = 'http://www.kith.no/xmlstds/po/poHelseopplysninger/2014-04-15';
export const MIG_VERSION = 'v1.0 2014-04-15';

/** KITH code systems (volven): message function, organisation id types, person id types, ATC, municipality. */
export const OID = {
  msgType: '2.16.578.1.12.4.1.1.8279',
  orgIdType: '2.16.578.1.12.4.1.1.9051',
  personIdType: '2.16.578.1.12.4.1.1.8116',
  atc: '2.16.578.1.12.4.1.1.7180',
  municipality: '2.16.578.1.12.4.1.1.3402',
  /** IPLOS service types (Volven 9151): 15 Helsetjenester i hjemmet, 21 Langtidsopphold i institusjon, … */
  service: '2.16.578.1.12.4.1.1.9151',
  // No public list exists for these: this project's own code systems (codelists/local.json), named by URN
  // rather than by an invented OID under the Norwegian arc.
  relation: LOCAL_SYSTEM.relation,
  welfareTechnology: LOCAL_SYSTEM.welfareDevice,
  iplos: LOCAL_SYSTEM.iplosVariable,
  medicationStatus: LOCAL_SYSTEM.careMedicationStatus,
} as const;

const fromList = (code: string) => ({ V: code, DN: entry('careService', code).display });
const fromLocal = (system: string, code: string) => ({ V: code, DN: localEntry(system, code).display });

export const SERVICE_CODES: Record<CareServiceType, { V: string; DN: string }> = {
  HOME_NURSING: fromList(CARE_SERVICE_CODE.HOME_NURSING),
  PRACTICAL_ASSISTANCE: fromList(CARE_SERVICE_CODE.PRACTICAL_ASSISTANCE),
  NURSING_HOME_LONG_TERM: fromList(CARE_SERVICE_CODE.NURSING_HOME_LONG_TERM),
  NURSING_HOME_SHORT_TERM: fromList(CARE_SERVICE_CODE.NURSING_HOME_SHORT_TERM),
  SAFETY_ALARM: fromList(CARE_SERVICE_CODE.SAFETY_ALARM),
};

const RELATION_CODES: Record<NextOfKin['relation'], { V: string; DN: string }> = {
  spouse: fromLocal(OID.relation, 'EKT'),
  child: fromLocal(OID.relation, 'BARN'),
  sibling: fromLocal(OID.relation, 'SOSK'),
  other: fromLocal(OID.relation, 'ANN'),
};

const WELFARE_CODES: Record<WelfareTechnology['type'], { V: string; DN: string }> = {
  SAFETY_ALARM: fromLocal(OID.welfareTechnology, 'TRYGG'),
  FALL_SENSOR: fromLocal(OID.welfareTechnology, 'FALL'),
  MEDICATION_DISPENSER: fromLocal(OID.welfareTechnology, 'MEDDISP'),
  DOOR_SENSOR: fromLocal(OID.welfareTechnology, 'DOR'),
};

const code = (system: string, c: { V: string; DN: string }) => ({ '@_V': c.V, '@_S': system, '@_DN': c.DN });

/** Present only when there is a value: PLO leaves optional elements out rather than sending them empty. */
const opt = <T>(name: string, value: T | null | undefined) => (value === null || value === undefined || value === '' ? {} : { [name]: value });

export const herIdent = (herId: string) => ({ Id: herId, TypeId: { '@_V': 'HER', '@_S': OID.orgIdType, '@_DN': 'HER-id' } });

export function personIdent(nin: string, kind: Person['kind']) {
  return {
    Id: nin,
    TypeId: kind === 'DNR' ? { '@_V': 'DNR', '@_S': OID.personIdType, '@_DN': 'D-nummer' } : { '@_V': 'FNR', '@_S': OID.personIdType, '@_DN': 'Fødselsnummer' },
  };
}

/** An instant as PLO writes it: local Norwegian time, no offset. */
const local = (isoUtc: string) => utcToOsloLocal(isoUtc);
const hpr = (hprNumber: string) => (hprNumber ? { HprNr: hprNumber } : undefined);

export function pasientBlock(person: Person, record: CareRecord, municipalityName: string): Record<string, unknown> {
  return {
    Ident: personIdent(person.nin, person.kind),
    Kommune: { '@_V': record.municipality, '@_S': OID.municipality, '@_DN': municipalityName },
    Tjeneste: record.services.map((s) => ({
      TjenesteId: s.id,
      Type: code(OID.service, SERVICE_CODES[s.type]),
      Vedtaksdato: s.decisionDate,
      FraDato: s.start,
      ...opt('TilDato', s.end),
      ...opt('TimerPerUke', s.hoursPerWeek),
      Enhet: s.unit,
    })),
    Besok: record.visits.map((v) => ({
      BesokId: v.id,
      Tidspunkt: local(v.time),
      VarighetMin: v.minutes,
      Oppgave: v.tasks,
      ...opt('Notat', v.note),
      ...opt('UtfortAv', hpr(v.hprNumber)),
    })),
    ...(record.functionalScores
      ? {
          IPLOS: {
            Vurderingsdato: record.functionalScores.date,
            Skaar: record.functionalScores.scores.map((s) => ({
              Variabel: { '@_V': String(IPLOS_VARIABLES.indexOf(s.variable as (typeof IPLOS_VARIABLES)[number]) + 1), '@_S': OID.iplos, '@_DN': s.variable },
              Verdi: s.score,
            })),
          },
        }
      : {}),
    Parorende: record.nextOfKin.map((k) => ({
      Navn: k.name,
      Relasjon: code(OID.relation, RELATION_CODES[k.relation]),
      ...opt('Telefon', k.phone),
      NaermestePaarorende: k.primary,
    })),
    Velferdsteknologi: record.welfareTechnology.map((w) => ({
      UtstyrId: w.id,
      Type: code(OID.welfareTechnology, WELFARE_CODES[w.type]),
      Installert: w.installed,
      ...(w.lastAlert ? { SisteVarsel: { Tidspunkt: local(w.lastAlert.time), Hendelse: w.lastAlert.kind, Handtert: w.lastAlert.handled } } : {}),
    })),
    // PLO carries a daily dose as structured fields only (the adapter writes the text); as-needed and
    // non-daily doses, which those fields cannot say, also carry the nurse's dose text.
    Legemiddel: record.medications.map((m) => ({
      LegemiddelId: m.id,
      Atc: { '@_V': m.atc, '@_S': OID.atc, '@_DN': m.name },
      Navn: m.name,
      Styrke: m.strength,
      Legemiddelform: m.form,
      Dosering: { Mengde: m.dose.amount, Enhet: m.dose.unit, AntallPerDogn: m.dose.timesPerDay, ...(m.dose.asNeeded || (m.dose.intervalDays ?? 1) !== 1 ? { DoseringTekst: doseText(m) } : {}) },
      Status: code(OID.medicationStatus, fromLocal(OID.medicationStatus, m.status === 'active' ? 'A' : 'S')),
      FraDato: m.startDate,
      ...opt('TilDato', m.endDate),
      ...opt('Merknad', m.note),
      ...opt('Rekvirent', hpr(m.hprNumber)),
    })),
    Utdeling: record.administrations.map((a) => ({
      UtdelingId: a.id,
      Tidspunkt: local(a.time),
      Atc: { '@_V': a.atc, '@_S': OID.atc, '@_DN': a.name },
      Navn: a.name,
      Gitt: a.given,
      ...opt('Merknad', a.note),
      ...opt('UtfortAv', hpr(a.hprNumber)),
    })),
  };
}

export interface Party {
  name: string;
  herId: string;
}

export function msgInfo(type: { V: string; DN: string }, msgId: string, sender: Party, receiver: Party, refToParent?: string): Record<string, unknown> {
  return {
    Type: code(OID.msgType, type),
    MIGversion: MIG_VERSION,
    GenDate: utcToOsloLocal(new Date().toISOString()),
    MsgId: msgId,
    ...(refToParent ? { RefToParent: { MsgId: refToParent } } : {}),
    Sender: { Organisation: { OrganisationName: sender.name, Ident: herIdent(sender.herId) } },
    Receiver: { Organisation: { OrganisationName: receiver.name, Ident: herIdent(receiver.herId) } },
  };
}

export function helseopplysninger(info: Record<string, unknown>, pasienter: Record<string, unknown>[]): string {
  return buildXml({ Helseopplysninger: { '@_xmlns': PLO_NS, MsgInfo: info, Pasient: pasienter } });
}

/** The error message this system answers with (400 for a bad request, 500 for its own failure). */
export function feilmelding(kode: string, beskrivelse: string): string {
  return buildXml({ Feilmelding: { '@_xmlns': PLO_NS, Kode: { '@_V': kode, '@_DN': beskrivelse }, Beskrivelse: beskrivelse } });
}
