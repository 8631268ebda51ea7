import { loadOrganisations, type GpOffice, type Organisations } from '../../lib/config';
import { addedResidents } from './addedResidents';
import { REFERENCE_DATE } from './clock';
import { addCoordination, hospitalNurses, type CoordinationShape } from './coordination';
import { CONDITIONS, DRUGS, type ConditionDef, type DrugKey } from './codes';
import { buildPast, currentSince, type GpChangeShape, type MoveShape } from './moves';
import { addedOrganisations, FIRST_DRAW, firstDrawOrganisations, type DrawnOrganisations } from './firstDraw';
import { FAMILY_NAMES, FOREIGN_NAMES, GIVEN_NAMES, streetsIn } from './names';
import { personNin } from './nin';
import { opaqueId } from './opaqueId';
import { addDays, ageOn, Random, seedOf } from './random';
import { addParentalResponsibility, addParentalResponsibilityOfAdded, addPowersOfAttorney, FAMILY_SHAPES } from './family';
import {
  buildCareRecord,
  buildGpRecord,
  buildHospitalRecords,
  buildSummaryRecord,
  type AddedDrug,
  type CareTranscription,
  type DischargeSwitch,
  type FixedConsultation,
  type KeptFromParentsShape,
  type Truth,
} from './records';
import type { AddressProtection, DemoKey, MedicationUse, Person, Population, Practitioner, Sex } from './types';

/**
 * One synthetic population, generated deterministically from a seed and shared by every simulator
 * and every test. The same seed and organisation list always give the same people, numbers and records,
 * and an organisation added to the list moves no one: the people of the first draw come from one sequence
 * over the organisations it was drawn over (firstDraw.ts), everyone else from a generator of their own
 * (addedResidents.ts).
 */
export const DEFAULT_SEED = 20261101;
export { REFERENCE_DATE };
/** The people of the first draw; each GP office added since lists RESIDENTS_PER_ADDED_OFFICE more (addedResidents.ts). */
export const POPULATION_SIZE = 529;

/** What a demo patient must show; anything not given is drawn at random like everyone else. */
export interface Shape {
  demo?: DemoKey;
  givenName?: string;
  familyName?: string;
  age?: number;
  sex?: Sex;
  municipality?: string;
  officeHerId?: string | null;
  dNumber?: boolean;
  protection?: AddressProtection;
  conditions?: string[];
  /** Which drug option of a condition to use (index into ConditionDef.drugs). */
  drugChoice?: Record<string, number>;
  extraDrugs?: DrugKey[];
  /** `mentalHealth`: followed up by the municipality's mental health service (individualPlan.ts). */
  care?: 'home' | 'nursingHome' | 'mentalHealth' | 'none';
  episodes?: { key: string; daysAgo: number }[] | 'none';
  deceasedDaysAgo?: number;
  allergies?: number[];
  implants?: string[];
  discrepancies?: { dose?: DrugKey; status?: DrugKey };
  /** Blocks (sperring) the outpatient note of a depression and every discharge summary. */
  blockDocuments?: boolean;
  /** The documents blocked by `blockDocuments` are also withheld from the patient's own access (NOPAT). */
  withholdFromPatient?: boolean;
  /** Blocks by name the doctor with this speciality at the patient's hospital, for the whole record there. */
  blockPractitioner?: string;
  /** Medicines added without a draw, each recorded only by the systems it names (see AddedDrug). */
  addedDrugs?: AddedDrug[];
  /**
   * Medicines the hospital switched within their class at the last discharge (its formulary's choice), on its own
   * discharge list only: the GP's list and the dispensations keep the old one, so the merged list shows both (a
   * therapeutic duplication, issue 17). No draw and no id: the discharge entry keeps its id.
   */
  dischargeSwitch?: DischargeSwitch[];
  /**
   * The care team and what is planned, where a demo's story needs them (coordination.ts): for a demo shape only
   * what is given here is planned; everyone else gets what their own draws (never the population's) give.
   */
  coordination?: CoordinationShape;
  /**
   * How the municipal care list has a prescribed medicine where it differs from the prescription (a
   * transcription error on the list the nurses give medicines from): another form, or another dose.
   */
  careTranscription?: CareTranscription[];
  /** Moved here from another municipality (moves.ts): the earlier municipality's records follow. */
  moved?: MoveShape;
  /** Changed GP office within the municipality (moves.ts): the earlier office's record follows. */
  changedGp?: GpChangeShape;
  /** The medicines were started this many days before the end of the record (a child's, which the drawn start would put after her twelfth birthday). */
  medicationsSince?: number;
  /** Consultations the GP record must have besides the drawn ones (a child's otitis), each this many days before the end of the record. */
  gpConsultations?: FixedConsultation[];
  /** A consultation, prescription and its dispensations a patient aged 12–15 has kept from her parents (records.ts). */
  keptFromParents?: KeptFromParentsShape;
}

export const DEMO_SHAPES: Shape[] = [
  {
    demo: 'homeCare', givenName: 'Ingrid', familyName: 'Solheim', age: 86, sex: 'female', municipality: '4601', officeHerId: '81241',
    conditions: ['heartFailure', 'atrialFibrillation', 'hypertension', 'kneeOsteoarthrosis'], drugChoice: { atrialFibrillation: 1 },
    extraDrugs: ['ibuprofen'], care: 'home', episodes: [{ key: 'heartFailureExacerbation', daysAgo: 41 }], allergies: [0],
    discrepancies: { dose: 'metoprolol', status: 'ibuprofen' },
    // Started at discharge and dispensed, but never added to the GP's list nor to home nursing's list, which
    // the nurses give her medicines from: an omission (legemiddelsamstemming's commonest finding).
    addedDrugs: [{ drug: 'spironolactone', startedBy: 'hospital', daysAfterDischarge: 0, recordedBy: ['hospital', 'dispensed'], note: 'Startet ved utskrivning: hjertesvikt med redusert ejeksjonsfraksjon.' }],
    // Her primary contact changed six weeks ago, to Line Knutsen (persona home-care-nurse); she has a coordinator
    // and an individual plan; the GP and the cardiology outpatient clinic have booked controls after the stay.
    coordination: {
      primaryContact: '9757146',
      handoverDaysAgo: 45,
      coordinator: true,
      individualPlan: true,
      gpFollowUp: { inDays: 9, time: '10:20', reason: 'K77', text: 'Kontroll etter sykehusopphold: vekt, blodtrykk og nyreprøver.' },
      appointments: [{ department: 'Hjertepoliklinikken', inDays: 16, time: '09:30', description: 'Poliklinisk kontroll etter innleggelse for hjertesvikt' }],
    },
  },
  {
    demo: 'nursingHome', givenName: 'Kjell', familyName: 'Aune', age: 91, sex: 'male', municipality: '5001', officeHerId: '82113',
    conditions: ['dementia', 'hypertension', 'atrialFibrillation', 'insomnia'], drugChoice: { atrialFibrillation: 0 },
    care: 'nursingHome', episodes: [{ key: 'hipFracture', daysAgo: 230 }], implants: ['hip-prosthesis'],
    // Weekly alendronate after the hip fracture (secondary prevention), which the nursing home's list has as daily.
    addedDrugs: [
      { drug: 'alendronate', startedBy: 'gp', daysAfterDischarge: 21, recordedBy: ['gp', 'care', 'dispensed'], careDose: { intervalDays: 1 }, gpProblem: 'L95', note: 'Sekundærforebygging etter lårhalsbrudd.' },
    ],
    // A coordinator; his GP's referral about hip pain is being assessed at St. Olavs.
    coordination: {
      coordinator: true,
      openReferral: { department: 'Ortopedisk poliklinikk', reason: 'L75', text: 'Henvises til vurdering for smerter i operert hofte ved mobilisering etter lårhalsbrudd.', sentDaysAgo: 6, status: 'received' },
    },
  },
  {
    demo: 'askoyHomeCare', givenName: 'Astrid', familyName: 'Kvamme', age: 81, sex: 'female', municipality: '4627', officeHerId: '81246',
    conditions: ['diabetes', 'copd', 'hypertension'], care: 'home', episodes: [{ key: 'pneumonia', daysAgo: 95 }],
    discrepancies: { dose: 'metformin' },
    // The GP's referral about her COPD came back (returned): the GP plans spirometry instead.
    coordination: {
      gpFollowUp: { inDays: 12, time: '13:40', reason: 'R95', text: 'Spirometri og kontroll av KOLS.' },
      openReferral: {
        department: 'Lungepoliklinikken',
        reason: 'R95',
        text: 'Henvises til vurdering av KOLS etter lungebetennelse: tiltagende tung pust.',
        sentDaysAgo: 20,
        status: 'returned',
        note: 'Returnert til henviser: kan utredes i allmennpraksis. Spirometri med reversibilitetstest anbefales før eventuell ny henvisning.',
      },
    },
  },
  {
    demo: 'strictlyConfidential', givenName: 'Silje', familyName: 'Brekke', age: 38, sex: 'female', municipality: '5001', officeHerId: '82111',
    protection: 'STRICTLY_CONFIDENTIAL', conditions: ['depression'], care: 'none', episodes: 'none',
    coordination: { gpFollowUp: { inDays: 14, time: '15:00', reason: 'P76', text: 'Oppfølgingssamtale.' } },
  },
  {
    demo: 'deceased', givenName: 'Olav', familyName: 'Myhre', age: 94, sex: 'male', municipality: '4601', officeHerId: '81242',
    conditions: ['heartFailure', 'copd'], care: 'home', episodes: [{ key: 'pneumonia', daysAgo: 92 }], deceasedDaysAgo: 79,
  },
  {
    demo: 'dNumber', givenName: 'Tomasz', familyName: 'Nowak', age: 34, sex: 'male', municipality: '4601', officeHerId: '81243',
    dNumber: true, conditions: [], care: 'none', episodes: 'none',
  },
  {
    demo: 'blockedDocument', givenName: 'Hilde', familyName: 'Tveit', age: 52, sex: 'female', municipality: '4601', officeHerId: '81244',
    conditions: ['depression', 'migraine'], care: 'none', episodes: [{ key: 'outpatient:depression', daysAgo: 150 }, { key: 'outpatient:migraine', daysAgo: 60 }],
    blockDocuments: true, withholdFromPatient: true, blockPractitioner: 'Generell kirurgi',
    // Controls at both clinics; the psychiatric one goes with the note she blocked.
    coordination: {
      appointments: [
        { department: 'Psykiatrisk poliklinikk', inDays: 12, time: '14:00', description: 'Poliklinisk samtale' },
        { department: 'Nevrologisk poliklinikk', inDays: 27, time: '11:00', description: 'Poliklinisk kontroll' },
      ],
    },
  },
  {
    demo: 'criticalInfo', givenName: 'Egil', familyName: 'Rønning', age: 67, sex: 'male', municipality: '5001', officeHerId: '82112',
    conditions: ['angina', 'atrialFibrillation'], drugChoice: { atrialFibrillation: 1 }, care: 'none',
    episodes: [{ key: 'heartAttack', daysAgo: 400 }], allergies: [3, 4], implants: ['mechanical-valve'],
    // The cardiology ward switched metoprolol to bisoprolol at discharge; his GP renews metoprolol: two beta-blockers.
    dischargeSwitch: [{ drug: 'metoprolol', to: 'bisoprolol', note: 'Byttet fra metoprolol til bisoprolol ved utskrivning.' }],
    // INR control at the GP; his GP's referral about angina was accepted, with a deadline and an appointment.
    coordination: {
      gpFollowUp: { inDays: 6, time: '08:40', reason: 'K78', text: 'INR-kontroll (warfarin).' },
      openReferral: {
        department: 'Hjertepoliklinikken',
        reason: 'K74',
        text: 'Henvises til vurdering av tiltagende angina pectoris ved anstrengelse, tidligere hjerteinfarkt.',
        sentDaysAgo: 10,
        status: 'accepted',
        deadlineInDays: 42,
        appointmentInDays: 19,
      },
    },
  },
  {
    demo: 'young', givenName: 'Thea', familyName: 'Lunde', age: 24, sex: 'female', municipality: '5001', officeHerId: '82116',
    conditions: ['asthma', 'migraine'], care: 'none', episodes: 'none',
  },
];

/**
 * Two patients whose lists disagree the way reconciliation's remaining kinds look for (not demo patients; the
 * population test names them):
 * - AS_NEEDED: paracetamol for knee osteoarthritis, 2 tablets 3 times a day on the GP's list (and so
 *   dispensed), which home nursing in Askøy lists as needed (ved behov): the nurses give it only when she asks,
 *   and her pain goes untreated between;
 * - FORMULATION: depot morphine (Dolcontin 10 mg depottablett, twice a day) on the GP's list and dispensed,
 *   which home nursing in Trondheim transcribed as plain morphine tablets 10 mg: taken twice a day, a plain
 *   tablet works for 3-5 hours, so the pain returns long before the next dose.
 */
export const RECONCILIATION_SHAPES: Shape[] = [
  {
    age: 84, sex: 'female', municipality: '4627', officeHerId: '81245', care: 'home', episodes: 'none', conditions: ['kneeOsteoarthrosis', 'hypertension'], drugChoice: { hypertension: 1 },
    careTranscription: [{ drug: 'paracetamol', dose: { asNeeded: true } }],
  },
  {
    age: 79, sex: 'male', municipality: '5001', officeHerId: '82114', care: 'home', episodes: 'none', conditions: ['kneeOsteoarthrosis', 'copd'], extraDrugs: ['morphine'],
    careTranscription: [{ drug: 'morphine', form: 'tablett' }],
  },
];

/**
 * People whose records lie in more than one place (issue 15, the record follows a move), drawn after everyone else so
 * that nobody drawn before them moves:
 * - Gunvor Lie moved from Trondheim to Bergen: home nursing in Trondheim (the PLO system) and her GP at Lade
 *   legekontor until the move, a heart-failure stay at St. Olavs the year before it; home nursing in Bergen since, and
 *   Siri Kristoffersen at Nordnes legekontor (persona gp) as her GP;
 * - Per Solberg changed GP in Bergen, from Sandviken legesenter to Nordnes legekontor (both on Nordlys Journal's
 *   instance in the west, so one system holds both records);
 * - a person with a strictly confidential address who moved from Bergen to Trondheim (home nursing and a GP in Bergen
 *   until then): her earlier places are withheld as today's are (not a demo patient; the move test names her).
 */
export const MOVE_SHAPES: Shape[] = [
  {
    demo: 'moved', givenName: 'Gunvor', familyName: 'Lie', age: 82, sex: 'female', municipality: '4601', officeHerId: '81241',
    conditions: ['heartFailure', 'hypertension', 'diabetes'], care: 'home', episodes: 'none',
    moved: { from: '5001', daysAgo: 420, livedDays: 4000, officeHerId: '82112', care: 'home', episodes: [{ key: 'heartFailureExacerbation', daysAgo: 330 }] },
  },
  {
    demo: 'changedGp', givenName: 'Per', familyName: 'Solberg', age: 61, sex: 'male', municipality: '4601', officeHerId: '81241',
    conditions: ['hypertension', 'asthma'], care: 'none', episodes: 'none',
    changedGp: { officeHerId: '81242', daysAgo: 270, listedDays: 3000 },
  },
  {
    age: 63, sex: 'female', municipality: '5001', officeHerId: '82111', protection: 'STRICTLY_CONFIDENTIAL', conditions: ['copd', 'depression'], care: 'none', episodes: 'none',
    moved: { from: '4601', daysAgo: 800, livedDays: 2500, officeHerId: '81243', care: 'home' },
  },
];

/**
 * People whose individual plans (hol. § 7-1) involve services outside health care (issue 15), drawn after everyone
 * else so that nobody drawn before them moves (individualPlan.ts writes their plans):
 * - Jonas Eide, 27, in Bergen: followed up by the mental health service after a depression, his plan's measures
 *   include NAV Bergenhus's work assessment, and his consent names NAV Bergenhus (persona nav-counsellor);
 * - a 15-year-old in Trondheim who stays away from school: her plan involves her school and PPT, whom her parents'
 *   consent names, and child welfare, whose consent ended with its measure 40 days before the reference date (not a
 *   demo patient; the plan tests name her).
 */
export const PLAN_SHAPES: Shape[] = [
  {
    demo: 'individualPlan', givenName: 'Jonas', familyName: 'Eide', age: 27, sex: 'male', municipality: '4601', officeHerId: '81241',
    conditions: ['depression'], care: 'mentalHealth', episodes: 'none',
    coordination: {
      coordinator: true,
      individualPlan: true,
      planStory: 'workAssessment',
      gpFollowUp: { inDays: 8, time: '14:20', reason: 'P76', text: 'Oppfølging av depresjon og søvn.' },
    },
  },
  {
    givenName: 'Sara', familyName: 'Moe', age: 15, sex: 'female', municipality: '5001', officeHerId: '82113',
    conditions: ['asthma'], care: 'mentalHealth', episodes: 'none',
    coordination: { coordinator: true, individualPlan: true, planStory: 'youthAtSchool' },
  },
];

/**
 * A nursing-home doctor (sykehjemslege) employed by Trondheim kommune: health personnel of the
 * municipality rather than of a GP office or a hospital, so that access rules have someone outside the
 * hospitals and GP offices to decide for. Fixed rather than drawn; no patient names her.
 */
export const NURSING_HOME_DOCTOR: Readonly<Practitioner> = Object.freeze({
  hprNumber: '1978050',
  givenName: 'Kari',
  familyName: 'Holm',
  sex: 'female',
  birthYear: 1978,
  profession: 'LE',
  authorisedSince: '2005-01-01',
  speciality: 'Allmennmedisin',
  workplace: 'Trondheim kommune',
});

let cached: Population | undefined;

/** The default population (memoised: generating it takes a few tens of milliseconds). */
export function getPopulation(): Population {
  cached ??= generatePopulation();
  return cached;
}

/**
 * The population over `orgs`: `size` people of the first draw (firstDraw.ts, which `orgs` must hold), then the
 * residents of every GP office added since (addedResidents.ts), then nobody else.
 */
export function generatePopulation(
  seed = DEFAULT_SEED,
  size = POPULATION_SIZE,
  orgs: Organisations = loadOrganisations(),
): Population {
  const rng = new Random(seed);
  const world = new World(rng, orgs, seed);
  const persons: Person[] = [];
  // The first draw: one sequence over the organisations of firstDraw.ts, in this order, as it always was.
  for (const shape of DEMO_SHAPES) persons.push(world.person(shape));
  // A few more of the rarer kinds, so they are not only demo patients.
  const rare: Shape[] = [
    { dNumber: true, age: 29 },
    { dNumber: true, age: 45, officeHerId: null },
    { dNumber: true, age: 38 },
    { dNumber: true, age: 51, officeHerId: null },
    { protection: 'STRICTLY_CONFIDENTIAL', age: 44 },
    { protection: 'STRICTLY_CONFIDENTIAL', age: 12 },
    { protection: 'CONFIDENTIAL', age: 33 },
    { protection: 'CONFIDENTIAL', age: 61 },
    { protection: 'CONFIDENTIAL', age: 70 },
    { protection: 'STRICTLY_CONFIDENTIAL_ABROAD', age: 47, officeHerId: null },
    { blockDocuments: true, age: 58, episodes: [{ key: 'outpatient:depression', daysAgo: 300 }] },
    { blockDocuments: true, age: 73, episodes: [{ key: 'stroke', daysAgo: 500 }] },
  ];
  for (const shape of rare) persons.push(world.person(shape));
  // Drawn last, so that adding one does not change everyone drawn before it.
  const late: Shape[] = [
    // Strictly confidential and in home care, with a hospital stay: everything found through the residence.
    { protection: 'STRICTLY_CONFIDENTIAL', age: 84, municipality: '4601', care: 'home', episodes: [{ key: 'pneumonia', daysAgo: 200 }] },
    ...RECONCILIATION_SHAPES,
  ];
  while (persons.length < size - late.length - MOVE_SHAPES.length - PLAN_SHAPES.length - FAMILY_SHAPES.length) persons.push(world.person({}));
  for (const shape of late) persons.push(world.person(shape));
  // Added after everyone else (issue 15), so that no draw before them moved.
  for (const shape of MOVE_SHAPES) persons.push(world.person(shape));
  for (const shape of PLAN_SHAPES) persons.push(world.person(shape));
  // Added after everyone else (issue 16): a parent and her two children, and Ingrid Solheim's daughter.
  for (const shape of FAMILY_SHAPES) persons.push(world.person(shape));
  // From generators of their own, after every draw above: parental responsibility for everyone under 18, and the
  // representation register's powers of attorney (family.ts). Nothing drawn above moves.
  addParentalResponsibility(persons, seed);
  addPowersOfAttorney(persons, seed);
  // The residents of organisations added since (addedResidents.ts), after the first draw and each from a generator
  // of their own: neither they nor the organisations they come with move anyone above, nor each other.
  const added = addedResidents(orgs, seed).map((r) => ({ key: r.key, person: world.person(r.shape, { rng: new Random(r.seed), key: r.key }) }));
  addParentalResponsibilityOfAdded(added, persons, seed);
  // Fixed, not drawn: appended after everyone else, so that no draw (and no id) moves.
  if (world.practitioners.some((p) => p.hprNumber === NURSING_HOME_DOCTOR.hprNumber)) {
    throw new RangeError(`the generator drew the nursing-home doctor's HPR number ${NURSING_HOME_DOCTOR.hprNumber}; choose another`);
  }
  // The first draw's practitioners in the order they always had, then those of organisations added since.
  const nurses = [...world.nursesByHospital.entries()];
  const nursesOf = (first: boolean) => nurses.filter(([h]) => FIRST_DRAW.hospitals.includes(h) === first).flatMap(([, n]) => n);
  return {
    seed,
    referenceDate: REFERENCE_DATE,
    persons: [...persons, ...added.map((r) => r.person)],
    practitioners: [...world.practitioners, ...nursesOf(true), { ...NURSING_HOME_DOCTOR }, ...world.addedPractitioners, ...nursesOf(false)],
  };
}

/** The nursing-home doctor as the population holds her. */
export function nursingHomeDoctor(population: Population = getPopulation()): Practitioner {
  const found = population.practitioners.find((p) => p.hprNumber === NURSING_HOME_DOCTOR.hprNumber);
  if (!found) throw new RangeError('the population has no nursing-home doctor');
  return found;
}

const SPECIALITIES = ['Indremedisin', 'Hjertesykdommer', 'Geriatri', 'Ortopedisk kirurgi', 'Nevrologi', 'Lungesykdommer', 'Psykiatri', 'Generell kirurgi'];

/** Holds the organisations, practitioners and counters while people are drawn. */
class World {
  /** The first draw's practitioners, in the order drawn. */
  readonly practitioners: Practitioner[] = [];
  /** The practitioners of organisations added since (firstDraw.ts), each organisation's from a generator of its own. */
  readonly addedPractitioners: Practitioner[] = [];
  private readonly nins = new Set<string>();
  private readonly hprs = new Set<string>();
  readonly gpsByOffice = new Map<string, Practitioner[]>();
  readonly doctorsByHospital = new Map<string, Practitioner[]>();
  readonly nursesByMunicipality = new Map<string, Practitioner[]>();
  /** The hospitals' nurses (contact persons): fixed, not drawn (coordination.ts). */
  readonly nursesByHospital: Map<string, Practitioner[]>;
  private counter = 0;
  private readonly ids = new Set<string>();
  /** The first draw's GP offices, in the order drawn: those its people are listed with. */
  private readonly firstOffices: GpOffice[];
  /** While an added resident is drawn: their key and the count of their ids (see id). */
  private scope: { key: string; counter: number } | null = null;

  constructor(
    readonly rng: Random,
    readonly orgs: Organisations,
    readonly seed: number,
  ) {
    const first = firstDrawOrganisations(orgs);
    const added = addedOrganisations(orgs);
    this.firstOffices = first.gpOffices;
    this.staff(first, rng, this.practitioners);
    const hospitals = [...first.hospitals, ...added.hospitals];
    this.nursesByHospital = hospitalNurses(hospitals, new Set([...this.hprs, NURSING_HOME_DOCTOR.hprNumber]));
    // Nobody below draws a number a nurse or the nursing-home doctor has.
    for (const nurse of [...this.nursesByHospital.values()].flat()) this.hprs.add(nurse.hprNumber);
    this.hprs.add(NURSING_HOME_DOCTOR.hprNumber);
    for (const office of added.gpOffices) this.staff({ gpOffices: [office], hospitals: [], municipalities: [] }, this.ownRandom(`gp-office:${office.herId}`), this.addedPractitioners);
    for (const hospital of added.hospitals) this.staff({ gpOffices: [], hospitals: [hospital], municipalities: [] }, this.ownRandom(`hospital:${hospital.orgNumber}`), this.addedPractitioners);
    for (const m of added.municipalities) this.staff({ gpOffices: [], hospitals: [], municipalities: [m] }, this.ownRandom(`municipality:${m.number}`), this.addedPractitioners);
  }

  /** The GPs of each office, the doctors of each hospital and the care staff of each municipality, drawn from `rng`. */
  private staff(of: DrawnOrganisations, rng: Random, into: Practitioner[]): void {
    for (const office of of.gpOffices) {
      const n = rng.int(1, 3);
      this.gpsByOffice.set(office.herId, Array.from({ length: n }, () => this.practitioner(rng, into, 'LE', 'Allmennmedisin', office.name)));
    }
    for (const hospital of of.hospitals) {
      this.doctorsByHospital.set(hospital.orgNumber, SPECIALITIES.map((s) => this.practitioner(rng, into, 'LE', s, hospital.name)));
    }
    for (const m of of.municipalities) {
      const staff = [...Array.from({ length: 5 }, () => this.practitioner(rng, into, 'SP', null, `${m.name} kommune`)),
        ...Array.from({ length: 2 }, () => this.practitioner(rng, into, 'HF', null, `${m.name} kommune`))];
      this.nursesByMunicipality.set(m.number, staff);
    }
  }

  /** A generator of its own for one organisation added since the first draw, by a stable key. */
  private ownRandom(key: string): Random {
    return new Random(seedOf('organisations', `${this.seed}:${key}`));
  }

  /**
   * A fresh id for records, unique across the population: opaque (a keyed hash of the seed and a counter, see
   * opaqueId), so that ids reveal no order and a record hidden from a reader leaves no gap; the same on every run.
   */
  id(prefix: string): string {
    // An added resident's ids count within their own key, so that no one drawn before or beside them shifts them.
    if (this.scope) {
      this.scope.counter += 1;
      return this.unique(opaqueId(prefix, `${this.seed}:${this.scope.key}:${this.scope.counter}`));
    }
    this.counter += 1;
    return this.unique(opaqueId(prefix, `${this.seed}:${this.counter}`));
  }

  /** An opaque id derived from another record's id (an episode of care from its first encounter). */
  derivedId(prefix: string, from: string): string {
    return this.unique(opaqueId(prefix, `${this.seed}:${from}`));
  }

  private unique(id: string): string {
    if (this.ids.has(id)) throw new RangeError(`two records drew the id ${id}`);
    this.ids.add(id);
    return id;
  }

  private practitioner(rng: Random, into: Practitioner[], profession: Practitioner['profession'], speciality: string | null, workplace: string): Practitioner {
    const sex: Sex = rng.chance(0.55) ? 'female' : 'male';
    const birthYear = rng.int(1960, 1995);
    let hpr: string;
    do hpr = String(rng.int(1_000_000, 9_999_999));
    while (this.hprs.has(hpr));
    this.hprs.add(hpr);
    const p: Practitioner = {
      hprNumber: hpr,
      givenName: rng.pick(GIVEN_NAMES[sex].middle),
      familyName: rng.pick(FAMILY_NAMES),
      sex,
      birthYear,
      profession,
      authorisedSince: `${birthYear + rng.int(24, 30)}-${String(rng.int(1, 12)).padStart(2, '0')}-01`,
      speciality,
      workplace,
    };
    into.push(p);
    return p;
  }

  /**
   * One person: of the first draw, from the population's sequence; or, with `own`, an added resident, drawn from
   * their own generator with ids counted within their key (addedResidents.ts).
   */
  person(shape: Shape, own?: { rng: Random; key: string }): Person {
    this.scope = own ? { key: own.key, counter: 0 } : null;
    try {
      return this.draw(shape, own?.rng ?? this.rng);
    } finally {
      this.scope = null;
    }
  }

  private draw(shape: Shape, rng: Random): Person {
    const age = shape.age ?? this.drawAge(rng);
    const sex = shape.sex ?? (rng.chance(0.5) ? 'female' : 'male');
    const birthDate = addDays(REFERENCE_DATE, -(age * 365 + rng.int(1, 364)));
    const dNumber = shape.dNumber ?? false;
    let nin: string;
    do nin = personNin(birthDate, sex, { dNumber, pick: (min, max) => rng.int(min, max) });
    while (this.nins.has(nin));
    this.nins.add(nin);

    const protection = shape.protection ?? 'NONE';
    const abroad = protection === 'STRICTLY_CONFIDENTIAL_ABROAD';
    const municipality = shape.municipality ?? rng.pick(FIRST_DRAW.residence);
    const generation = age >= 65 ? 'old' : age >= 30 ? 'middle' : 'young';
    const givenName = shape.givenName ?? (dNumber ? rng.pick(FOREIGN_NAMES[sex].given) : rng.pick(GIVEN_NAMES[sex][generation]));
    const familyName = shape.familyName ?? (dNumber ? rng.pick(FOREIGN_NAMES[sex].family) : rng.pick(FAMILY_NAMES));
    const middleName = !dNumber && rng.chance(0.15) ? rng.pick(FAMILY_NAMES) : null;
    const street = rng.pick(streetsIn(municipality, this.orgs.municipalities.find((m) => m.number === municipality)?.name));
    const address = abroad
      ? null
      : { street: street.name, houseNumber: `${rng.int(1, 120)}${rng.chance(0.2) ? rng.pick(['A', 'B', 'C']) : ''}`, postalCode: street.postalCode, city: street.city };

    const deceasedDate = shape.deceasedDaysAgo !== undefined ? addDays(REFERENCE_DATE, -shape.deceasedDaysAgo) : null;
    const endOfRecord = deceasedDate ?? REFERENCE_DATE;

    const conditions = shape.conditions
      ? shape.conditions.map((k) => conditionByKey(k))
      : CONDITIONS.filter((c) => rng.chance(prevalenceAt(c, age)));
    const medications = this.truthMedications(rng, conditions, shape, birthDate, endOfRecord);

    const gp = this.drawGp(rng, shape, municipality, abroad, dNumber, age, birthDate);
    // A move here or a change of GP (moves.ts): today's residence and listing began with it.
    const { residentSince, listedSince } = currentSince(shape, endOfRecord);
    if (gp && listedSince && gp.since < listedSince) gp.since = listedSince;
    const truth: Truth = {
      world: this,
      rng,
      age,
      sex,
      birthDate,
      municipality: abroad ? null : municipality,
      conditions,
      medications,
      endOfRecord,
      deceasedDate,
      gp,
      shape,
      ...(residentSince ? { residentSince } : {}),
    };
    const hospitalRecords = abroad ? [] : buildHospitalRecords(truth);
    const careRecord = abroad ? null : buildCareRecord(truth, hospitalRecords);
    const gpRecord = gp ? buildGpRecord(truth, gp, hospitalRecords) : null;
    const summaryRecord = buildSummaryRecord(truth, hospitalRecords, careRecord);
    // Before today's coordination: a referral the earlier office wrote is then answered like any other.
    const past = buildPast(truth, nin, { hospital: hospitalRecords });
    addCoordination(truth, nin, { care: careRecord, gp: gpRecord, hospital: hospitalRecords });

    return {
      nin,
      kind: dNumber ? 'DNR' : 'FNR',
      givenName,
      middleName,
      familyName,
      sex,
      birthDate,
      deceasedDate,
      municipality: abroad ? null : municipality,
      address,
      addressProtection: protection,
      gp: gp ? { officeHerId: gp.officeHerId, hprNumber: gp.practitioner.hprNumber, since: gp.since } : null,
      gpRecord,
      hospitalRecords: [...past.hospitalRecords, ...hospitalRecords],
      careRecord,
      summaryRecord,
      demo: shape.demo ?? null,
      ...(residentSince ? { residentSince } : {}),
      ...(past.earlierResidences ? { earlierResidences: past.earlierResidences } : {}),
      ...(past.earlierCareRecords ? { earlierCareRecords: past.earlierCareRecords } : {}),
      ...(past.earlierGpListings ? { earlierGpListings: past.earlierGpListings } : {}),
      ...(past.earlierGpRecords ? { earlierGpRecords: past.earlierGpRecords } : {}),
    } as Person;
  }

  private drawAge(rng: Random): number {
    const r = rng.next();
    if (r < 0.3) return rng.int(75, 99);
    if (r < 0.45) return rng.int(60, 74);
    if (r < 0.9) return rng.int(18, 59);
    return rng.int(0, 17);
  }

  private drawGp(rng: Random, shape: Shape, municipality: string, abroad: boolean, dNumber: boolean, age: number, birthDate: string): Truth['gp'] {
    if (abroad || shape.officeHerId === null) return null;
    if (shape.officeHerId === undefined && (rng.chance(0.02) || (dNumber && rng.chance(0.5)))) return null;
    // Drawn only for the first draw's people (an added resident's office is given), among the first draw's offices:
    // an office added since lists residents of its own and takes no one from another.
    const offices = this.firstOffices.filter((o) => o.municipality === municipality);
    const herId = shape.officeHerId ?? rng.pick(offices).herId;
    const practitioner = rng.pick(this.gpsByOffice.get(herId) ?? []);
    const earliest = addDays(birthDate, 30);
    const drawn = maxDate(earliest, addDays(REFERENCE_DATE, -rng.int(200, Math.max(400, Math.min(age, 20) * 365))));
    // A newborn is listed from birth, never after the reference date.
    const since = drawn < REFERENCE_DATE ? drawn : birthDate;
    return { officeHerId: herId, practitioner, since };
  }

  /** The medicines the person really uses, before any system records them. */
  private truthMedications(rng: Random, conditions: ConditionDef[], shape: Shape, birthDate: string, endOfRecord: string): MedicationUse[] {
    const keys: DrugKey[] = [];
    for (const c of conditions) {
      if (c.drugs.length === 0) continue;
      const choice = shape.drugChoice?.[c.key] ?? rng.int(0, c.drugs.length - 1);
      for (const d of c.drugs[choice] ?? []) if (!keys.includes(d)) keys.push(d);
    }
    for (const d of shape.extraDrugs ?? []) if (!keys.includes(d)) keys.push(d);
    if (!shape.extraDrugs && keys.includes('paracetamol') && rng.chance(0.2)) keys.push('ibuprofen');
    return keys.map((key) => {
      const drug = DRUGS[key];
      const drawn = maxDate(addDays(birthDate, 365 * 12), addDays(endOfRecord, -rng.int(120, 2200)));
      const start = shape.medicationsSince !== undefined ? addDays(endOfRecord, -shape.medicationsSince) : drawn;
      return {
        id: this.id('med'),
        atc: drug.atc,
        name: drug.name,
        strength: drug.strength,
        form: drug.form,
        dose: { ...drug.dose },
        status: 'active',
        startDate: start,
        endDate: null,
        note: null,
        hprNumber: '',
      };
    });
  }
}

export type { World };

function conditionByKey(key: string): ConditionDef {
  const c = CONDITIONS.find((x) => x.key === key);
  if (!c) throw new RangeError(`unknown condition ${key}`);
  return c;
}

function prevalenceAt(c: ConditionDef, age: number): number {
  const [p20, p85] = c.prevalence;
  if (age < 12) return c.key === 'asthma' ? p20 : 0;
  const t = Math.min(1, Math.max(0, (age - 20) / 65));
  return p20 + (p85 - p20) * t;
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

export { ageOn };
