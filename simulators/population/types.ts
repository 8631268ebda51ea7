/**
 * The synthetic population: the "true" world the simulators project into their protocols.
 * Every system's record of a person is stored here as that system holds it, so that differences
 * between systems (a dose changed at the hospital but not at the GP) are deliberate and testable.
 * Dates are ISO (yyyy-mm-dd, or date-time in UTC); the simulators reformat them to their quirks.
 */
import type { Coding } from './codes';

export type Sex = 'female' | 'male';
export type AddressProtection = 'NONE' | 'CONFIDENTIAL' | 'STRICTLY_CONFIDENTIAL' | 'STRICTLY_CONFIDENTIAL_ABROAD';

export interface Address {
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
}

/** How a medicine is to be taken (see DoseSpec in codes.ts). */
export interface Dose {
  amount: number;
  unit: string;
  /** Intakes per dosing day; for as-needed dosing, the most a day. */
  timesPerDay: number;
  /** Days between dosing days: 1 (or absent) every day, 7 once a week. */
  intervalDays?: number;
  /** As needed (ved behov, PRN). */
  asNeeded?: boolean;
}

/** One medicine as one system records it. */
export interface MedicationUse {
  id: string;
  atc: string;
  name: string;
  strength: string;
  form: string;
  dose: Dose;
  status: 'active' | 'stopped';
  startDate: string;
  endDate: string | null;
  /** Why it was stopped or changed, as the system wrote it. */
  note: string | null;
  hprNumber: string;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
  keptFromParents?: boolean;
}

export type Profession = 'LE' | 'SP' | 'HF';

export interface Practitioner {
  hprNumber: string;
  givenName: string;
  familyName: string;
  sex: Sex;
  birthYear: number;
  profession: Profession;
  authorisedSince: string;
  speciality: string | null;
  workplace: string;
}

export interface Consultation {
  id: string;
  time: string;
  hprNumber: string;
  contactType: 'office' | 'phone' | 'video' | 'home';
  reason: Coding;
  diagnoses: Coding[];
  note: string;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
  keptFromParents?: boolean;
}

export interface Referral {
  id: string;
  /** When it was sent; for an open referral (`sentDaysAgo`), as of the reference date. */
  date: string;
  hprNumber: string;
  toOrgNumber: string;
  toDepartment: string;
  reason: Coding;
  text: string;
  /**
   * An open referral, still waiting at the hospital: sent this many days before the simulated world's today
   * (clock.ts), so that it stays recent whatever day the simulators answer on. Absent for referrals fixed in the past.
   */
  sentDaysAgo?: number;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
  keptFromParents?: boolean;
}

/**
 * A moment relative to the simulated world's today (clock.ts `worldToday`): `days` after it (before it when
 * negative), at `time` (HH:MM, Oslo wall clock) where it has one. What is planned is stored so, and dated
 * when a simulator answers: planned things stay ahead of the clock while the records stay where they are.
 */
export interface Relative {
  days: number;
  time?: string;
}

/** A date fixed in the world (ISO), or one relative to its today. */
export type When = string | Relative;

/** A consultation the GP has planned (kontroll), as the record system's appointment book holds it. */
export interface PlannedFollowUp {
  id: string;
  at: Relative & { time: string };
  minutes: number;
  contactType: Consultation['contactType'];
  reason: Coding;
  text: string;
  hprNumber: string;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph). */
  keptFromParents?: boolean;
}

export interface GpRecord {
  officeHerId: string;
  consultations: Consultation[];
  /** The GP's problem list (ICPC-2). */
  problems: (Coding & { since: string })[];
  prescriptions: MedicationUse[];
  referrals: Referral[];
  /** Consultations planned ahead (kontroller), from the appointment book. */
  plannedFollowUps: PlannedFollowUp[];
}

export interface EpisodeDiagnosis extends Coding {
  primary: boolean;
}

export interface Episode {
  id: string;
  kind: 'inpatient' | 'outpatient' | 'emergency';
  start: string;
  end: string;
  department: string;
  hprNumber: string;
  diagnoses: EpisodeDiagnosis[];
  /**
   * The GP's referral (henvisning) this episode came from, as the hospital registered it on receipt: the GP
   * record's own id for it (Referral.id), when and by whom it was written, and why. Absent when none led to it.
   */
  referral?: { id: string; date: string; hprNumber: string; reason: Coding };
}

export interface ClinicalDocument {
  id: string;
  episodeId: string;
  date: string;
  kind: 'discharge-summary' | 'outpatient-note';
  title: string;
  text: string;
  authorHpr: string;
  /**
   * The patient has blocked this document (sperring, pjl § 17) for health personnel OUTSIDE the hospital
   * that holds it; the hospital's own staff may still read it (with a care relationship, as always).
   */
  blocked: boolean;
  /**
   * The document is withheld from the patient's own access (pbrl § 5-1 second paragraph: access may be
   * refused where it is plainly necessary to avoid danger to life or serious harm to health). Travels in
   * FHIR as the security label NOPAT.
   */
  withheldFromPatient: boolean;
}

export interface LabResult {
  id: string;
  episodeId: string;
  time: string;
  /** NLK code (Norsk laboratoriekodeverk). */
  code: string;
  text: string;
  value: number;
  /** UCUM code. */
  unit: string;
  low: number;
  high: number;
}

/**
 * An episode of care (behandlingsforløp, FHIR EpisodeOfCare): the hospital's responsibility for the
 * patient in one department, from the first encounter there. Active while the department still follows
 * the patient up.
 */
export interface CareEpisode {
  id: string;
  department: string;
  start: string;
  end: string | null;
  status: 'active' | 'finished';
  /** The responsible physician (pasientansvarlig lege, sphl. § 3-7; FHIR EpisodeOfCare.careManager): the doctor of the latest encounter there. */
  responsibleHpr: string;
  /**
   * The patient's contact person in the department (kontaktperson, sphl. § 2-5 c; a FHIR CareTeam participant),
   * each for a period: a nurse of the hospital.
   */
  contactPersons: { hprNumber: string; start: string; end: string | null }[];
}

/**
 * The hospital's answer to a GP referral it received (vurdering av henvisning, pbrl. § 2-2; FHIR Task with the
 * referral in focus): being assessed, accepted with a deadline for care (frist), returned to the GP, or completed
 * (the care it asked for was given).
 */
export interface ReferralAnswer {
  id: string;
  /** The GP record's id of the referral (Referral.id). */
  referralId: string;
  department: string;
  requesterHpr: string;
  received: When;
  status: 'received' | 'accepted' | 'returned' | 'completed';
  answered: When | null;
  /** Received: when the answer is due (10 working days); accepted or completed: the latest start of care (frist). */
  due: When | null;
  /** Why it was returned, or what the answer says. */
  note: string | null;
  /** Who assessed it. */
  assessorHpr: string | null;
}

/** An outpatient appointment the hospital has booked (FHIR Appointment). */
export interface HospitalAppointment {
  id: string;
  department: string;
  at: Relative & { time: string };
  minutes: number;
  hprNumber: string;
  /** The GP referral it follows, if any. */
  referralId: string | null;
  description: string;
}

export interface HospitalRecord {
  orgNumber: string;
  /** The hospital's own patient id (FHIR logical id). */
  localId: string;
  episodes: Episode[];
  medications: MedicationUse[];
  documents: ClinicalDocument[];
  labs: LabResult[];
  /**
   * HPR numbers of health personnel the patient has blocked by name in this hospital's record (sperring
   * mot navngitt helsepersonell, pjl § 17). Such a block covers the patient's whole record here and can
   * never be overridden, not even in an emergency.
   */
  blockedPractitioners: string[];
  /** One per department the patient has been treated in, derived from the encounters. */
  careEpisodes: CareEpisode[];
  /** The hospital's answers to the GP referrals it received. */
  referralAnswers: ReferralAnswer[];
  /** Outpatient appointments booked ahead. */
  appointments: HospitalAppointment[];
}

export type CareServiceType = 'HOME_NURSING' | 'PRACTICAL_ASSISTANCE' | 'NURSING_HOME_LONG_TERM' | 'NURSING_HOME_SHORT_TERM' | 'SAFETY_ALARM';

export interface CareService {
  id: string;
  type: CareServiceType;
  decisionDate: string;
  start: string;
  end: string | null;
  hoursPerWeek: number | null;
  unit: string;
}

export interface CareVisit {
  id: string;
  time: string;
  minutes: number;
  hprNumber: string;
  tasks: string[];
  note: string;
}

export interface NextOfKin {
  name: string;
  relation: 'spouse' | 'child' | 'sibling' | 'other';
  phone: string;
  primary: boolean;
}

export interface WelfareTechnology {
  id: string;
  type: 'SAFETY_ALARM' | 'FALL_SENSOR' | 'MEDICATION_DISPENSER' | 'DOOR_SENSOR';
  installed: string;
  lastAlert: { time: string; kind: string; handled: boolean } | null;
}

export interface Administration {
  id: string;
  time: string;
  atc: string;
  name: string;
  given: boolean;
  note: string | null;
  hprNumber: string;
}

/**
 * Someone the municipal care service has made responsible for the patient, for a period: the primary contact
 * (primærkontakt) in the home-nursing district or nursing home, the coordinator (koordinator, hol. § 7-2) and the
 * individual plan's coordinator (hol. § 7-1), both at the coordinating unit (koordinerende enhet).
 */
export interface CareTeamMember {
  role: 'PRIMARY_CONTACT' | 'MUNICIPAL_COORDINATOR' | 'PLAN_COORDINATOR';
  hprNumber: string;
  /** The unit, named as organisations.json names it. */
  unit: string;
  start: string;
  end: string | null;
}

/** A visit the service has planned (the coming days of the service's plan). */
export interface PlannedVisit {
  id: string;
  at: Relative & { time: string };
  minutes: number;
  tasks: string[];
  unit: string;
}

/**
 * A party to an individual plan (individuell plan, hol. § 7-1): health personnel by HPR number (their names are the
 * practitioner register's), staff outside health care and family by name; the service (a unit of organisations.json,
 * a GP office, a service outside health care) and its organisation number. A participant outside health care carries
 * the patient's consent to share the plan with that service, from a day to a day (`to` relative to the world's today
 * while it runs, so that it stays in force whatever day the simulators answer; fixed once it ended).
 */
export interface PlanParty {
  sector: 'HEALTH_AND_CARE' | 'NAV' | 'SCHOOL' | 'PPT' | 'CHILD_WELFARE' | 'FAMILY';
  role: string;
  hprNumber: string | null;
  name: string | null;
  service: string | null;
  orgNumber: string | null;
  consent: { from: string; to: When | null } | null;
}

/**
 * The patient's individual plan, as the coordinating unit keeps it in the municipality's care system: goals (by area
 * of life), measures each with who is responsible and its status, the coordinator (the care team's plan coordinator),
 * the next meeting of the participants (planned, so relative to the world's today), and the participants besides the
 * coordinator.
 */
export interface IndividualPlan {
  id: string;
  established: string;
  revised: string;
  goals: { id: string; text: string; area: string; targetDate: string | null }[];
  measures: { id: string; text: string; goalId: string | null; responsible: PlanParty; status: 'planned' | 'ongoing' | 'completed'; start: string | null; end: string | null }[];
  coordinator: { hprNumber: string; unit: string; orgNumber: string };
  nextMeeting: { at: Relative & { time: string }; place: string; topic: string } | null;
  participants: PlanParty[];
}

export interface CareRecord {
  municipality: string;
  services: CareService[];
  visits: CareVisit[];
  functionalScores: { date: string; scores: { variable: string; score: number }[] } | null;
  nextOfKin: NextOfKin[];
  welfareTechnology: WelfareTechnology[];
  medications: MedicationUse[];
  administrations: Administration[];
  careTeam: CareTeamMember[];
  plannedVisits: PlannedVisit[];
  /** The individual plan, where the patient has one (with a plan coordinator in the care team). */
  individualPlan: IndividualPlan | null;
}

export interface CriticalInfo {
  id: string;
  type: 'ALLERGY' | 'IMPLANT' | 'ANAESTHESIA_COMPLICATION';
  text: string;
  atc: string | null;
  reaction: string | null;
  severity: 'mild' | 'moderate' | 'severe' | null;
  recorded: string;
  recordedBy: string;
  verified: boolean;
}

export interface Dispensation {
  id: string;
  atc: string;
  name: string;
  strength: string;
  form: string;
  dose: Dose;
  dispensed: string;
  packages: number;
  prescriberHpr: string;
  pharmacy: string;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
  keptFromParents?: boolean;
}

export interface SummaryRecord {
  criticalInfo: CriticalInfo[];
  dispensations: Dispensation[];
}

/**
 * A residence the population register keeps in the person's address history (bostedsadresse with its dates): the
 * municipality and the address, from the day the person moved in to the day they moved out.
 */
export interface Residence {
  municipality: string;
  address: Address | null;
  from: string;
  to: string;
}

/** A GP listing that has ended (the GP register keeps the patient's earlier listings): the office, the GP and the period. */
export interface EarlierGpListing {
  officeHerId: string;
  hprNumber: string;
  from: string;
  to: string;
}

/**
 * Parental responsibility (foreldreansvar, barnelova § 34) as the population register records it on the child: who
 * holds it, and how: jointly (each holder an element of its own), or the mother, father or co-mother alone.
 */
export interface ParentalResponsibility {
  nin: string;
  kind: 'JOINT' | 'MOTHER' | 'FATHER' | 'CO_MOTHER';
}

/**
 * A power of attorney (fullmakt) the person has granted in the representation register (as helsenorge.no keeps
 * them): who may act, for what (READ the record and access log, send MESSAGEs, set and lift BLOCKs), and when.
 */
export interface PowerOfAttorney {
  id: string;
  representativeNin: string;
  scopes: ('READ' | 'MESSAGE' | 'BLOCK')[];
  from: string;
  /** The last day it holds; null until withdrawn. */
  to: string | null;
}

export interface Person {
  nin: string;
  kind: 'FNR' | 'DNR';
  givenName: string;
  middleName: string | null;
  familyName: string;
  sex: Sex;
  birthDate: string;
  deceasedDate: string | null;
  municipality: string;
  address: Address | null;
  addressProtection: AddressProtection;
  gp: { officeHerId: string; hprNumber: string; since: string } | null;
  gpRecord: GpRecord | null;
  hospitalRecords: HospitalRecord[];
  careRecord: CareRecord | null;
  summaryRecord: SummaryRecord;
  /** Set on the hand-shaped demo patients (see demo-patients.json). */
  demo: DemoKey | null;
  /**
   * For a person who moved (moves.ts): when the current residence began, the earlier residences (oldest first), and
   * what the services of the earlier municipality recorded while the person lived there: the care record (its
   * services ended with the move). Absent for everyone who never moved.
   */
  residentSince?: string;
  earlierResidences?: Residence[];
  earlierCareRecords?: CareRecord[];
  /**
   * For a person who changed GP: the earlier listings (oldest first), and each earlier office's record, as it stood
   * when the listing ended. Absent for everyone listed with one GP office only.
   */
  earlierGpListings?: EarlierGpListing[];
  earlierGpRecords?: GpRecord[];
  /**
   * For a person under 18: who holds parental responsibility (family.ts, drawn after everything else). Absent for
   * adults.
   */
  parentalResponsibility?: ParentalResponsibility[];
  /** The powers of attorney this person has granted (family.ts); absent when none. */
  powersOfAttorney?: PowerOfAttorney[];
}

export type DemoKey =
  | 'homeCare'
  | 'nursingHome'
  | 'askoyHomeCare'
  | 'strictlyConfidential'
  | 'deceased'
  | 'dNumber'
  | 'blockedDocument'
  | 'criticalInfo'
  | 'young'
  | 'moved'
  | 'changedGp'
  | 'individualPlan'
  | 'child'
  | 'teen'
  | 'parent'
  | 'representative';

export interface Population {
  seed: number;
  referenceDate: string;
  persons: Person[];
  practitioners: Practitioner[];
}
