import type { Hospital } from '../../lib/config';
import { utcToOsloLocal } from '../../lib/osloTime';
import { icpc2 } from './codes';
import { individualPlanFor, type PlanStory } from './individualPlan';
import { FAMILY_NAMES, GIVEN_NAMES } from './names';
import { addDays, daysBetween, Random, seedOf } from './random';
import { SPECIALITY_FOR, TASKS_HOME, type Truth } from './records';
import type { CareRecord, CareTeamMember, Consultation, GpRecord, HospitalRecord, Practitioner, Relative } from './types';

/**
 * Who is responsible for a patient and what is planned, as each system records it: the municipal care team
 * (primary contacts with their handovers, the coordinator, the individual plan's coordinator) and the visits the
 * service has planned; the hospital's responsible physician and contact person per episode of care, its answers
 * to the GP's referrals and the appointments it has booked; the GP's planned follow-ups.
 *
 * Drawn from a generator of each person's own (seeded by the population's seed and the person's number), never
 * from the population's: adding this moved no one and no id. What is planned is dated relative to the world's
 * today (clock.ts), so that it stays ahead of the clock.
 */

/** What a demo's story plans; for a demo shape nothing else is planned. */
export interface CoordinationShape {
  /** The current primary contact, by HPR number (a persona's), where the story needs one. */
  primaryContact?: string;
  /** The primary contact of the running service changed this many days before the end of the record. */
  handoverDaysAgo?: number;
  /** A coordinator (hol. § 7-2) at the coordinating unit. */
  coordinator?: boolean;
  /** An individual plan (hol. § 7-1), coordinated by the coordinator. */
  individualPlan?: boolean;
  /** The plan's story, where services outside health care take part in it (individualPlan.ts). */
  planStory?: PlanStory;
  /** A consultation the GP has planned. */
  gpFollowUp?: { inDays: number; time: string; reason: string; text: string; contactType?: Consultation['contactType'] };
  /** A referral from the GP still open at the catchment hospital. */
  openReferral?: {
    department: string;
    /** ICPC-2. */
    reason: string;
    text: string;
    sentDaysAgo: number;
    status: 'received' | 'accepted' | 'returned';
    /** Accepted: the latest start of care, in days from today. */
    deadlineInDays?: number;
    /** Accepted: the appointment booked for it. */
    appointmentInDays?: number;
    /** Returned: why. */
    note?: string;
  };
  /** Outpatient appointments the hospital has booked at its own initiative (a control after a stay). */
  appointments?: { department: string; inDays: number; time: string; description: string }[];
}

/** The outpatient clinic that follows up a ward's patients. */
const OUTPATIENT_FOR: Record<string, string> = {
  Hjerteavdelingen: 'Hjertepoliklinikken',
  'Lungemedisinsk avdeling': 'Lungepoliklinikken',
  'Ortopedisk avdeling': 'Ortopedisk poliklinikk',
  'Medisinsk avdeling': 'Medisinsk poliklinikk',
  'Nevrologisk avdeling': 'Nevrologisk poliklinikk',
};

const NURSES_PER_HOSPITAL = 3;

/**
 * The hospitals' nurses who serve as contact persons: fixed, not drawn (their HPR numbers from a keyed hash of
 * the hospital's organisation number), so that no draw of the population moves. `taken` holds the HPR numbers
 * already given out; theirs are added to it. The first draw's hospitals come first (firstDraw.ts), so that a hospital
 * added since takes no number from their nurses.
 */
export function hospitalNurses(hospitals: readonly Hospital[], taken: Set<string>): Map<string, Practitioner[]> {
  const nurses = new Map<string, Practitioner[]>();
  for (const hospital of hospitals) {
    const list: Practitioner[] = [];
    for (let i = 0; i < NURSES_PER_HOSPITAL; i++) {
      const r = new Random(hash(`nurse:${hospital.orgNumber}:${i}`));
      let hpr: string;
      do hpr = String(r.int(1_000_000, 9_999_999));
      while (taken.has(hpr));
      taken.add(hpr);
      const sex = i === 1 ? 'male' : 'female';
      const birthYear = r.int(1965, 1995);
      list.push({
        hprNumber: hpr,
        givenName: r.pick(GIVEN_NAMES[sex].middle),
        familyName: r.pick(FAMILY_NAMES),
        sex,
        birthYear,
        profession: 'SP',
        authorisedSince: `${birthYear + r.int(23, 28)}-${String(r.int(1, 12)).padStart(2, '0')}-01`,
        speciality: null,
        workplace: hospital.name,
      });
    }
    nurses.set(hospital.orgNumber, list);
  }
  return nurses;
}

function hash(text: string): number {
  return seedOf('coordination', text);
}

interface Records {
  care: CareRecord | null;
  gp: GpRecord | null;
  hospital: HospitalRecord[];
}

/** Adds the care team and what is planned to a person's records (see the module's comment). */
export function addCoordination(t: Truth, nin: string, records: Records): void {
  const r = new Random(hash(`${t.world.seed}:${nin}`));
  // A demo shape plans only what its story says.
  const plan = t.shape.coordination ?? (t.shape.demo ? {} : undefined);
  const living = t.deceasedDate === null;
  if (records.care) {
    records.care.careTeam = careTeam(t, records.care, r, plan);
    if (living) records.care.plannedVisits = plannedVisits(t, nin, records.care, r);
    // From a generator of its own: no draw above moved.
    records.care.individualPlan = individualPlanFor(t, nin, records.care, plan?.planStory);
  }
  for (const record of records.hospital) hospitalTeam(t, nin, record, r, plan, living);
  if (records.gp && t.gp && living) {
    const chronic = t.conditions.filter((c) => c.chronic);
    const generic = plan === undefined && chronic.length > 0 && r.chance(0.4) ? r.pick(chronic).icpc : undefined;
    const wanted = plan?.gpFollowUp
      ? { ...plan.gpFollowUp, reason: icpc2(plan.gpFollowUp.reason) }
      : generic && { inDays: r.int(5, 60), time: `${r.int(8, 15)}:${r.pick(['00', '20', '40'])}`, reason: generic, text: `Planlagt kontroll: ${generic.text.toLowerCase()}.`, contactType: r.chance(0.2) ? ('phone' as const) : ('office' as const) };
    if (wanted) {
      records.gp.plannedFollowUps.push({
        id: t.world.derivedId('kontroll', `${nin}:1`),
        at: { days: wanted.inDays, time: pad(wanted.time) },
        minutes: 20,
        contactType: wanted.contactType ?? 'office',
        reason: wanted.reason,
        text: wanted.text,
        hprNumber: t.gp.practitioner.hprNumber,
      });
    }
  }
  if (plan?.openReferral && living) openReferral(t, nin, records, plan.openReferral);
}

/** HH:MM with two-digit hours. */
const pad = (time: string) => time.padStart(5, '0');

function careTeam(t: Truth, care: CareRecord, r: Random, plan: CoordinationShape | undefined): CareTeamMember[] {
  const staff = t.world.nursesByMunicipality.get(care.municipality) ?? [];
  const nurses = staff.filter((p) => p.profession === 'SP');
  if (staff.length === 0 || nurses.length === 0) return [];
  const members: CareTeamMember[] = [];
  const teamed = care.services.filter((s) => s.type === 'HOME_NURSING' || s.type === 'NURSING_HOME_LONG_TERM' || s.type === 'NURSING_HOME_SHORT_TERM');
  for (const s of teamed) {
    const end = s.end ?? t.endOfRecord;
    const running = s.end === null || s.end === t.deceasedDate;
    let handover: string | null = null;
    if (running && plan?.handoverDaysAgo !== undefined) handover = addDays(t.endOfRecord, -plan.handoverDaysAgo);
    else if (plan === undefined && daysBetween(s.start, end) > 120 && r.chance(0.25)) handover = addDays(s.start, r.int(60, daysBetween(s.start, end) - 30));
    // The persona the story names, where this municipality has her (with another seed, it may not).
    const named = s.end === null && plan?.primaryContact ? staff.find((p) => p.hprNumber === plan.primaryContact) : undefined;
    const last = named ?? r.pick(staff);
    if (handover && handover > s.start && handover < end) {
      const first = r.pick(staff.filter((p) => p.hprNumber !== last.hprNumber));
      members.push({ role: 'PRIMARY_CONTACT', hprNumber: first.hprNumber, unit: s.unit, start: s.start, end: handover });
      members.push({ role: 'PRIMARY_CONTACT', hprNumber: last.hprNumber, unit: s.unit, start: handover, end: s.end });
    } else {
      members.push({ role: 'PRIMARY_CONTACT', hprNumber: last.hprNumber, unit: s.unit, start: s.start, end: s.end });
    }
  }
  const first = teamed.reduce<string | null>((a, s) => (a === null || s.start < a ? s.start : a), null);
  if (first && (plan ? plan.coordinator === true : r.chance(0.35))) {
    const unit = t.world.orgs.municipalities.find((m) => m.number === care.municipality)?.services.find((s) => s.kind === 'COORDINATION')?.name ?? 'Koordinerende enhet';
    const latest = addDays(t.endOfRecord, -1);
    const since = minDate(addDays(first, r.int(14, 120)), latest);
    const coordinator = r.pick(nurses);
    members.push({ role: 'MUNICIPAL_COORDINATOR', hprNumber: coordinator.hprNumber, unit, start: since, end: t.deceasedDate });
    if (plan ? plan.individualPlan === true : r.chance(0.5)) {
      members.push({ role: 'PLAN_COORDINATOR', hprNumber: coordinator.hprNumber, unit, start: minDate(addDays(since, r.int(0, 60)), latest), end: t.deceasedDate });
    }
  }
  return members;
}

/** The visits of the coming two days (home nursing), or the next doctor's round (nursing home). */
function plannedVisits(t: Truth, nin: string, care: CareRecord, r: Random): CareRecord['plannedVisits'] {
  const visits: CareRecord['plannedVisits'] = [];
  const home = care.services.find((s) => s.type === 'HOME_NURSING' && s.end === null);
  // The mental health service plans its weekly conversation, not home nursing's rounds (only shapes have it).
  const mentalHealth = home && t.world.orgs.municipalities.some((m) => m.services.some((s) => s.kind === 'MENTAL_HEALTH' && s.name === home.unit));
  if (home && mentalHealth) {
    visits.push({ id: t.world.derivedId('planbesok', `${nin}:samtale`), at: { days: r.int(2, 6), time: `${String(r.int(9, 14)).padStart(2, '0')}:00` }, minutes: 45, tasks: ['Samtale'], unit: home.unit });
  } else if (home) {
    for (let day = 1; day <= 2; day++) {
      for (const [k, hour] of [r.int(7, 10), r.int(19, 21)].entries()) {
        visits.push({
          id: t.world.derivedId('planbesok', `${nin}:${day}:${k}`),
          at: { days: day, time: `${String(hour).padStart(2, '0')}:${r.pick(['00', '15', '30', '45'])}` },
          minutes: r.pick([15, 20, 30, 45]),
          tasks: [...r.pick(TASKS_HOME)],
          unit: home.unit,
        });
      }
    }
  }
  const institution = care.services.find((s) => (s.type === 'NURSING_HOME_LONG_TERM' || s.type === 'NURSING_HOME_SHORT_TERM') && s.end === null);
  if (institution) {
    visits.push({ id: t.world.derivedId('planbesok', `${nin}:legevisitt`), at: { days: r.int(1, 7), time: '10:00' }, minutes: 20, tasks: ['Legevisitt'], unit: institution.unit });
  }
  return visits;
}

/** The doctor who would see the patient in a department: the episode's, or one of the department's speciality. */
function doctorFor(t: Truth, record: HospitalRecord, department: string): string {
  const episode = record.careEpisodes.find((e) => e.department === department || OUTPATIENT_FOR[e.department] === department);
  if (episode) return episode.responsibleHpr;
  const doctors = t.world.doctorsByHospital.get(record.orgNumber) ?? [];
  const doctor = doctors.find((d) => d.speciality === SPECIALITY_FOR[department]) ?? doctors[0];
  if (!doctor) throw new RangeError(`no doctor at ${record.orgNumber}`);
  return doctor.hprNumber;
}

function hospitalTeam(t: Truth, nin: string, record: HospitalRecord, r: Random, plan: CoordinationShape | undefined, living: boolean): void {
  const nurses = t.world.nursesByHospital.get(record.orgNumber) ?? [];
  for (const episode of record.careEpisodes) {
    const nurse = nurses.length ? r.pick(nurses) : undefined;
    // Dated as the hospital dates the episode: the day in Oslo.
    if (nurse) episode.contactPersons = [{ hprNumber: nurse.hprNumber, start: osloDate(episode.start), end: episode.end ? osloDate(episode.end) : null }];
  }
  // Every referral that led to an encounter was answered, accepted with a deadline the encounter met.
  for (const e of record.episodes) {
    if (!e.referral) continue;
    const received = addDays(e.referral.date, r.int(1, 3));
    const answered = addDays(received, r.int(2, 7));
    const deadline = addDays(received, r.int(4, 12) * 7);
    const start = e.start.slice(0, 10);
    record.referralAnswers.push({
      id: t.world.derivedId('vurdering', e.referral.id),
      referralId: e.referral.id,
      department: e.department,
      requesterHpr: e.referral.hprNumber,
      received,
      status: 'completed',
      answered,
      due: deadline > start ? deadline : start,
      note: 'Rett til nødvendig helsehjelp i spesialisthelsetjenesten.',
      assessorHpr: e.hprNumber,
    });
  }
  if (!living) return;
  const wanted = plan
    ? (plan.appointments ?? [])
    : record.careEpisodes
        .filter((e) => e.status === 'active' && r.chance(0.3))
        .map((e) => ({ department: OUTPATIENT_FOR[e.department] ?? e.department, inDays: r.int(7, 60), time: `${r.int(8, 14)}:${r.pick(['00', '15', '30', '45'])}`, description: 'Poliklinisk kontroll' }));
  for (const [i, a] of wanted.entries()) {
    record.appointments.push({
      id: t.world.derivedId('avtale', `${nin}:${record.orgNumber}:${i}`),
      department: a.department,
      at: { days: a.inDays, time: pad(a.time) },
      minutes: 30,
      hprNumber: doctorFor(t, record, a.department),
      referralId: null,
      description: a.description,
    });
  }
}

/** A referral the GP sent lately, and the catchment hospital's answer so far. */
function openReferral(t: Truth, nin: string, records: Records, o: NonNullable<CoordinationShape['openReferral']>): void {
  const record = records.hospital[0];
  if (!records.gp || !t.gp || !record) throw new RangeError('an open referral needs a GP record and a hospital record');
  const id = t.world.derivedId('henv', `${nin}:open`);
  const reason = icpc2(o.reason);
  records.gp.referrals.push({
    id,
    date: addDays(t.endOfRecord, -o.sentDaysAgo),
    hprNumber: t.gp.practitioner.hprNumber,
    toOrgNumber: record.orgNumber,
    toDepartment: o.department,
    reason,
    text: o.text,
    sentDaysAgo: o.sentDaysAgo,
  });
  const received: Relative = { days: 1 - o.sentDaysAgo };
  const answered = o.status === 'received' ? null : { days: received.days + 3 };
  const assessor = o.status === 'received' ? null : doctorFor(t, record, o.department);
  record.referralAnswers.push({
    id: t.world.derivedId('vurdering', id),
    referralId: id,
    department: o.department,
    requesterHpr: t.gp.practitioner.hprNumber,
    received,
    status: o.status,
    answered,
    // Being assessed: the answer is due within 10 working days (pbrl. § 2-2); accepted: the deadline for care.
    due: o.status === 'received' ? { days: received.days + 14 } : o.status === 'accepted' ? { days: o.deadlineInDays ?? 60 } : null,
    note: o.note ?? (o.status === 'accepted' ? 'Rett til nødvendig helsehjelp i spesialisthelsetjenesten.' : null),
    assessorHpr: assessor,
  });
  if (o.status === 'accepted' && o.appointmentInDays !== undefined && assessor) {
    record.appointments.push({
      id: t.world.derivedId('avtale', `${nin}:${id}`),
      department: o.department,
      at: { days: o.appointmentInDays, time: '09:15' },
      minutes: 45,
      hprNumber: assessor,
      referralId: id,
      description: 'Poliklinisk utredning etter henvisning',
    });
  }
}

const osloDate = (instant: string) => utcToOsloLocal(instant).slice(0, 10);

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
