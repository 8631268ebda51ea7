import { utcToOsloLocal } from '../../lib/osloTime';
import { entry } from '../../codelists';
import type { CareRecord, CareServiceType, CareTeamMember, IndividualPlan, MedicationUse, NextOfKin, PlanParty, WelfareTechnology } from '../population';
import { dateOf, instantOf } from '../population/clock';
import type { CareDirectory } from '../kit/careRecordFor';
import { doseText } from '../population';
import { CARE_SERVICE_CODE, PLAN_MEASURE_STATUS_CODE, PLAN_SECTOR_CODE } from '../population/careCodes';

/**
 * One care recipient (tjenestemottaker) as the vendor's JSON export writes it: Norwegian field names,
 * dates as dd.mm.yyyy, date-times as dd.mm.yyyy HH:mm in Norwegian local time, and "" wherever an optional
 * value is missing (the export never writes null). Lists come in the order the system stored them, oldest
 * first.
 */
/** The service as the export writes it: the IPLOS service code (Volven 9151) and its text. */
export const TJENESTE: Record<CareServiceType, { kode: string; tekst: string }> = Object.fromEntries(
  Object.entries(CARE_SERVICE_CODE).map(([type, code]) => [type, { kode: code, tekst: entry('careService', code).display }]),
) as Record<CareServiceType, { kode: string; tekst: string }>;

const UTSTYR: Record<WelfareTechnology['type'], string> = {
  SAFETY_ALARM: 'Trygghetsalarm',
  FALL_SENSOR: 'Fallsensor',
  MEDICATION_DISPENSER: 'Medisindispenser',
  DOOR_SENSOR: 'Dørsensor',
};

const RELASJON: Record<NextOfKin['relation'], string> = { spouse: 'ektefelle', child: 'barn', sibling: 'søsken', other: 'annen' };

/** yyyy-mm-dd → dd.mm.yyyy; "" for none. */
export function norskDato(iso: string | null): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

/** An instant → dd.mm.yyyy HH:mm on the Norwegian wall clock. */
export function norskTidspunkt(isoUtc: string): string {
  const local = utcToOsloLocal(isoUtc);
  return `${norskDato(local.slice(0, 10))} ${local.slice(11, 16)}`;
}

const desimal = (n: number) => String(n).replace('.', ',');

function legemiddel(m: MedicationUse): Record<string, unknown> {
  return {
    legemiddelId: m.id,
    atcKode: m.atc,
    navn: m.name,
    styrke: m.strength,
    form: m.form,
    // The export's shorthand ("2 x 3") covers fixed daily doses only; anything else is written out.
    dosering: m.dose.asNeeded || (m.dose.intervalDays ?? 1) !== 1 ? doseText(m) : `${desimal(m.dose.amount)} x ${m.dose.timesPerDay}`,
    mengde: m.dose.amount,
    enhet: m.dose.unit,
    antallPerDogn: m.dose.timesPerDay,
    status: m.status === 'active' ? 'aktiv' : 'seponert',
    fraDato: norskDato(m.startDate),
    tilDato: norskDato(m.endDate),
    merknad: m.note ?? '',
    forskrevetAvHpr: m.hprNumber,
  };
}

/** The export's words for the care team's roles, with the system's own short codes. */
const ROLLE: Record<CareTeamMember['role'], { rollekode: string; rolle: string }> = {
  PRIMARY_CONTACT: { rollekode: 'PRIMAERKONTAKT', rolle: 'Primærkontakt' },
  MUNICIPAL_COORDINATOR: { rollekode: 'KOORDINATOR', rolle: 'Koordinator' },
  PLAN_COORDINATOR: { rollekode: 'IP_KOORDINATOR', rolle: 'Koordinator for individuell plan' },
};

/**
 * One recipient as the export writes it. `directory` says what the system knows beside the record (its units'
 * HER-ids, its staff's names) and when it answers: the planned visits are dated then.
 */
export function tjenestemottaker(nin: string, record: CareRecord, directory?: CareDirectory): Record<string, unknown> {
  return {
    fodselsnummer: nin,
    kommunenummer: record.municipality,
    vedtak: record.services.map((s) => ({
      vedtakId: s.id,
      tjenestekode: TJENESTE[s.type].kode,
      tjenestetype: TJENESTE[s.type].tekst,
      vedtaksdato: norskDato(s.decisionDate),
      fraDato: norskDato(s.start),
      tilDato: norskDato(s.end),
      timerPerUke: s.hoursPerWeek ?? '',
      enhet: s.unit,
    })),
    besok: record.visits.map((v) => ({
      besokId: v.id,
      tidspunkt: norskTidspunkt(v.time),
      varighetMin: v.minutes,
      oppgaver: v.tasks,
      notat: v.note,
      utfortAvHpr: v.hprNumber,
    })),
    iplos: record.functionalScores
      ? { dato: norskDato(record.functionalScores.date), skaarer: record.functionalScores.scores.map((s) => ({ variabel: s.variable, skaar: s.score })) }
      : '',
    parorende: record.nextOfKin.map((k) => ({ navn: k.name, relasjon: RELASJON[k.relation], telefon: k.phone, naermestePaarorende: k.primary })),
    velferdsteknologi: record.welfareTechnology.map((w) => ({
      utstyrId: w.id,
      type: UTSTYR[w.type],
      installert: norskDato(w.installed),
      sisteVarsel: w.lastAlert ? { tidspunkt: norskTidspunkt(w.lastAlert.time), type: w.lastAlert.kind, handtert: w.lastAlert.handled } : '',
    })),
    legemidler: record.medications.map(legemiddel),
    utdelinger: record.administrations.map((a) => ({
      utdelingId: a.id,
      tidspunkt: norskTidspunkt(a.time),
      atcKode: a.atc,
      navn: a.name,
      gitt: a.given,
      merknad: a.note ?? '',
      utfortAvHpr: a.hprNumber,
    })),
    // Who is responsible for the recipient, each for a period (primærkontakt, koordinator), with the unit's HER-id.
    ansvarlige: record.careTeam.map((m) => ({
      ...ROLLE[m.role],
      hprNummer: m.hprNumber,
      navn: directory?.nameOf(m.hprNumber) ?? '',
      enhet: m.unit,
      enhetHerId: directory?.herIdOf(m.unit) ?? '',
      fraDato: norskDato(m.start),
      tilDato: norskDato(m.end),
    })),
    // The service's plan for the coming days.
    planlagteBesok: record.plannedVisits.map((v) => ({
      besokId: v.id,
      tidspunkt: norskTidspunkt(instantOf(v.at, directory?.now)),
      varighetMin: v.minutes,
      oppgaver: v.tasks,
      enhet: v.unit,
    })),
    // The individual plan the coordinating unit keeps, "" when there is none.
    individuellPlan: record.individualPlan ? individuellPlan(record.individualPlan, directory) : '',
  };
}

/** A party to the plan as the export writes it: the role, the person (HPR number or name), the service, its organisation number. */
function planpart(p: PlanParty, directory?: CareDirectory): Record<string, unknown> {
  return {
    rolle: p.role,
    sektor: PLAN_SECTOR_CODE[p.sector],
    hprNummer: p.hprNumber ?? '',
    navn: p.name ?? (p.hprNumber ? (directory?.nameOf(p.hprNumber) ?? '') : ''),
    tjeneste: p.service ?? '',
    organisasjonsnummer: p.orgNumber ?? '',
  };
}

/**
 * The individual plan (individuell plan, hol. § 7-1): goals (mal), measures (tiltak) each with who is responsible,
 * the coordinator, the next meeting (dated when the export answers) and the participants (deltakere), those outside
 * health care with the patient's consent (samtykke) to share the plan with them, from and to.
 */
function individuellPlan(plan: IndividualPlan, directory?: CareDirectory): Record<string, unknown> {
  return {
    planId: plan.id,
    opprettet: norskDato(plan.established),
    sistRevidert: norskDato(plan.revised),
    koordinator: {
      hprNummer: plan.coordinator.hprNumber,
      navn: directory?.nameOf(plan.coordinator.hprNumber) ?? '',
      enhet: plan.coordinator.unit,
      enhetHerId: directory?.herIdOf(plan.coordinator.unit) ?? '',
      organisasjonsnummer: plan.coordinator.orgNumber,
    },
    mal: plan.goals.map((g) => ({ malId: g.id, tekst: g.text, livsomrade: g.area, tidsfrist: norskDato(g.targetDate) })),
    tiltak: plan.measures.map((m) => ({
      tiltakId: m.id,
      tekst: m.text,
      malId: m.goalId ?? '',
      ansvarlig: planpart(m.responsible, directory),
      status: PLAN_MEASURE_STATUS_CODE[m.status],
      fraDato: norskDato(m.start),
      tilDato: norskDato(m.end),
    })),
    nesteMote: plan.nextMeeting ? { tidspunkt: norskTidspunkt(instantOf(plan.nextMeeting.at, directory?.now)), sted: plan.nextMeeting.place, tema: plan.nextMeeting.topic } : '',
    deltakere: plan.participants.map((p) => ({
      ...planpart(p, directory),
      samtykke: p.consent ? { fraDato: norskDato(p.consent.from), tilDato: p.consent.to === null ? '' : norskDato(dateOf(p.consent.to, directory?.now)) } : '',
    })),
  };
}
