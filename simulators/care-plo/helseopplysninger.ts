import { utcToOsloLocal } from '../../lib/osloTime';
import type { CareRecord, CareServiceType, CareTeamMember, IndividualPlan, NextOfKin, Person, PlanParty, WelfareTechnology } from '../population';
import { dateOf, instantOf } from '../population/clock';
import type { CareDirectory } from '../kit/careRecordFor';
import { entry, LOCAL_SYSTEM, localEntry } from '../../codelists';
import { doseText } from '../population';
import { CARE_SERVICE_CODE, PLAN_MEASURE_STATUS_CODE, PLAN_SECTOR_CODE } from '../population/careCodes';
import { IPLOS_VARIABLES } from '../population/codes';
import { KITH_TYPE, type HeldMessage, type HeldParty } from '../kit/messageStore';

/**
 * The PLO messages this system sends, as the published PLO v1.6 and KITH MsgHead v1.2 have them: one MsgHead per
 * patient, from the municipality's care service (its HER-id) to the asking party. A patient the service holds
 * gets a HELSEOPPLYSNINGER_LEGE (Helseopplysninger til lege) whose main document is the PLO message
 * `HelseopplysningerTilLege` and whose attachment is the care record extract (the project's own schema,
 * schemas/plo/omsorgsuttrekk-2014-04-15.xsd); a patient it does not hold gets a DIALOG_SVAR saying so. Codes as
 * KITH V/S/DN attributes, ISO dates, date-times as Norwegian wall-clock time without an offset.
 */
export const NS = {
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  dialog: 'http://www.kith.no/xmlstds/dialog/2006-10-11',
  /** PLO v1.6 Helseopplysninger til lege, and the PLO shared components it uses. */
  plo: 'http://www.kith.no/xmlstds/po/HelseopplysningerTilLege/2012-04-01',
  poKomponent: 'http://www.kith.no/xmlstds/po/poKomponent/2012-04-01',
  /** The care record extract this project defines. */
  extract: 'http://patient-graph.example/xmlstds/omsorgsuttrekk/2014-04-15',
  /** The product's own batch and error elements. */
  vendor: 'http://www.omsorgplo.example/ws/plo/2014-04',
} as const;
export const MIG_VERSION = 'v1.2 2006-05-24';

/** KITH code systems (Volven): dispatch status, answer topic, organisation and person id types, ATC, municipality. */
export const OID = {
  /** Volven 7309 Type tjeneste / meldingsstatus: N is a new message. */
  dispatchStatus: '2.16.578.1.12.4.1.1.7309',
  /** Volven 9069, the topic of an answer in Dialogmelding 1.0 (not 7322, which is Dialogmelding 1.1's). */
  dialogAnswerTopic: '2.16.578.1.12.4.1.1.9069',
  orgIdType: '2.16.578.1.12.4.1.1.9051',
  personIdType: '2.16.578.1.12.4.1.1.8116',
  atc: '2.16.578.1.12.4.1.1.7180',
  municipality: '2.16.578.1.12.4.1.1.3402',
  /** Volven 8279 Meldingens funksjon: the type of a dialogue message filed in the extract. */
  messageType: '2.16.578.1.12.4.1.1.8279',
  /** IPLOS service types (Volven 9151): 15 Helsetjenester i hjemmet, 21 Langtidsopphold i institusjon, … */
  service: '2.16.578.1.12.4.1.1.9151',
  // No public list exists for these: this project's own code systems (codelists/local.json), named by URN
  // rather than by an invented OID under the Norwegian arc.
  relation: LOCAL_SYSTEM.relation,
  welfareTechnology: LOCAL_SYSTEM.welfareDevice,
  iplos: LOCAL_SYSTEM.iplosVariable,
  medicationStatus: LOCAL_SYSTEM.careMedicationStatus,
  careTeamRole: LOCAL_SYSTEM.careTeamRole,
  planPartySector: LOCAL_SYSTEM.planPartySector,
  planMeasureStatus: LOCAL_SYSTEM.planMeasureStatus,
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

/** The care team's roles in the local list care-team-role. */
const ROLE_CODES: Record<CareTeamMember['role'], string> = { PRIMARY_CONTACT: 'PRIMAERKONTAKT', MUNICIPAL_COORDINATOR: 'KOORDINATOR', PLAN_COORDINATOR: 'IP_KOORDINATOR' };

const code = (system: string, c: { V: string; DN: string }) => ({ '@_V': c.V, '@_S': system, '@_DN': c.DN });

/** Present only when there is a value: PLO leaves optional elements out rather than sending them empty. */
const opt = <T>(name: string, value: T | null | undefined) => (value === null || value === undefined || value === '' ? {} : { [name]: value });

/** An instant as PLO writes it: local Norwegian time, no offset. */
const local = (isoUtc: string) => utcToOsloLocal(isoUtc);
const hpr = (hprNumber: string) => (hprNumber ? { HprNr: hprNumber } : undefined);

/** A party to a dialogue message as the extract writes it: the service, its HER-id and organisation, and the person. */
function meldingspart(p: HeldParty): Record<string, unknown> {
  return { Tjenestenavn: p.service, HerId: p.herId, ...opt('Organisasjonsnummer', p.orgNumber), ...opt('Helsepersonell', p.hprNumber ? hpr(p.hprNumber) : null), ...opt('Navn', p.name) };
}

/** A dialogue message the care service sent or received about the patient (Dialogmelding 1.0 in MsgHead, filed). */
function melding(m: HeldMessage): Record<string, unknown> {
  return {
    MeldingId: m.id,
    Type: { '@_V': KITH_TYPE[m.kind].V, '@_S': OID.messageType, '@_DN': KITH_TYPE[m.kind].DN },
    Sendt: local(m.sentAt),
    SamtaleId: m.conversationRef,
    ...opt('SvarPaa', m.inReplyTo),
    Avsender: meldingspart(m.sender),
    Mottaker: meldingspart(m.recipient),
    Emne: m.subject,
    Tekst: m.text,
  };
}

/** A party to the individual plan as the extract writes it: role, sector (local list), the person, the service and its numbers. */
function planpart(p: PlanParty, directory?: CareDirectory): Record<string, unknown> {
  return {
    Rolle: p.role,
    Sektor: code(OID.planPartySector, fromLocal(OID.planPartySector, PLAN_SECTOR_CODE[p.sector])),
    ...opt('Helsepersonell', p.hprNumber ? hpr(p.hprNumber) : null),
    ...opt('Navn', p.name ?? (p.hprNumber ? directory?.nameOf(p.hprNumber) : null)),
    ...opt('Enhet', p.service),
    ...opt('EnhetHerId', p.service && p.sector === 'HEALTH_AND_CARE' ? directory?.herIdOf(p.service) : null),
    ...opt('Organisasjonsnummer', p.orgNumber),
  };
}

/** The individual plan (hol. § 7-1): goals, measures with who is responsible, the coordinator, the next meeting, the participants with their consents. */
function individuellPlan(plan: IndividualPlan, directory?: CareDirectory): Record<string, unknown> {
  return {
    PlanId: plan.id,
    Opprettet: plan.established,
    SistRevidert: plan.revised,
    Koordinator: planpart({ sector: 'HEALTH_AND_CARE', role: 'Koordinator', hprNumber: plan.coordinator.hprNumber, name: null, service: plan.coordinator.unit, orgNumber: plan.coordinator.orgNumber, consent: null }, directory),
    Mal: plan.goals.map((g) => ({ MalId: g.id, Tekst: g.text, Livsomrade: g.area, ...opt('Tidsfrist', g.targetDate) })),
    Tiltak: plan.measures.map((m) => ({
      TiltakId: m.id,
      Tekst: m.text,
      ...opt('MalId', m.goalId),
      Tiltaksansvarlig: planpart(m.responsible, directory),
      Status: code(OID.planMeasureStatus, fromLocal(OID.planMeasureStatus, PLAN_MEASURE_STATUS_CODE[m.status])),
      ...opt('FraDato', m.start),
      ...opt('TilDato', m.end),
    })),
    ...(plan.nextMeeting ? { NesteMote: { Tidspunkt: local(instantOf(plan.nextMeeting.at, directory?.now)), Sted: plan.nextMeeting.place, Tema: plan.nextMeeting.topic } } : {}),
    Deltaker: plan.participants.map((p) => ({
      ...planpart(p, directory),
      ...(p.consent ? { Samtykke: { FraDato: p.consent.from, ...opt('TilDato', p.consent.to === null ? null : dateOf(p.consent.to, directory?.now)) } } : {}),
    })),
  };
}

/**
 * The care record extract's content for one patient (the patient is named in the MsgHead, not here), with the
 * dialogue messages about the patient the service sent or received. `_person` is kept in the signature for callers
 * that walk every person's codes.
 */
export function pasientBlock(_person: Person, record: CareRecord, municipalityName: string, messages: readonly HeldMessage[] = [], directory?: CareDirectory): Record<string, unknown> {
  return {
    Kommune: { '@_V': record.municipality, '@_S': OID.municipality, '@_DN': municipalityName },
    Tjeneste: record.services.map((s) => ({
      TjenesteId: s.id,
      Type: code(OID.service, SERVICE_CODES[s.type]),
      ...opt('Vedtaksdato', s.decisionDate),
      FraDato: s.start,
      ...opt('TilDato', s.end),
      ...opt('TimerPerUke', s.hoursPerWeek),
      ...opt('Enhet', s.unit),
    })),
    // Who is responsible for the patient, each for a period; the unit by name and HER-id.
    Ansvarlig: record.careTeam.map((m) => ({
      Rolle: code(OID.careTeamRole, fromLocal(OID.careTeamRole, ROLE_CODES[m.role])),
      Helsepersonell: { HprNr: m.hprNumber },
      ...opt('Navn', directory?.nameOf(m.hprNumber)),
      Enhet: m.unit,
      ...opt('EnhetHerId', directory?.herIdOf(m.unit)),
      FraDato: m.start,
      ...opt('TilDato', m.end),
    })),
    Besok: record.visits.map((v) => ({
      BesokId: v.id,
      Tidspunkt: local(v.time),
      ...opt('VarighetMin', v.minutes),
      Oppgave: v.tasks,
      ...opt('Notat', v.note),
      ...opt('UtfortAv', hpr(v.hprNumber)),
    })),
    // The service's plan for the coming days, dated when the answer is made.
    PlanlagtBesok: record.plannedVisits.map((v) => ({
      BesokId: v.id,
      Tidspunkt: local(instantOf(v.at, directory?.now)),
      VarighetMin: v.minutes,
      Oppgave: v.tasks,
      Enhet: v.unit,
    })),
    // The individual plan the coordinating unit keeps; the next meeting and a running consent's end dated when the answer is made.
    ...(record.individualPlan ? { IndividuellPlan: individuellPlan(record.individualPlan, directory) } : {}),
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
      ...opt('Installert', w.installed),
      ...(w.lastAlert ? { SisteVarsel: { Tidspunkt: local(w.lastAlert.time), Hendelse: w.lastAlert.kind, Handtert: w.lastAlert.handled } } : {}),
    })),
    // PLO carries a daily dose as structured fields only (the adapter writes the text); as-needed and
    // non-daily doses, which those fields cannot say, also carry the nurse's dose text.
    Legemiddel: record.medications.map((m) => ({
      LegemiddelId: m.id,
      Atc: { '@_V': m.atc, '@_S': OID.atc, '@_DN': m.name },
      Navn: m.name,
      ...opt('Styrke', m.strength),
      ...opt('Legemiddelform', m.form),
      Dosering: { Mengde: m.dose.amount, Enhet: m.dose.unit, AntallPerDogn: m.dose.timesPerDay, ...(m.dose.asNeeded || (m.dose.intervalDays ?? 1) !== 1 ? { DoseringTekst: doseText(m) } : {}) },
      Status: code(OID.medicationStatus, fromLocal(OID.medicationStatus, m.status === 'active' ? 'A' : 'S')),
      ...opt('FraDato', m.startDate),
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
    Melding: messages.map(melding),
  };
}

