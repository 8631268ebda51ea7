/**
 * What adapters return: the sector models, in the graph's vocabulary but without provenance (the
 * subgraph adds where each record came from). A mapper turns a legacy payload into these types and
 * validates what it reads; an adapter's client fetches the payload.
 *
 * Conventions: ISO dates (yyyy-mm-dd) and ISO date-times (with Z or an offset); null for "the source did
 * not say"; codes carry their code system (OID URN or URI).
 */

export const CODE_SYSTEM = {
  icpc2: 'urn:oid:2.16.578.1.12.4.1.1.7170',
  icd10: 'urn:oid:2.16.578.1.12.4.1.1.7110',
  atc: 'urn:oid:2.16.578.1.12.4.1.1.7180',
  /** Norsk laboratoriekodeverk (NLK): how Norwegian laboratories code their analyses. */
  nlk: 'urn:oid:2.16.578.1.12.4.1.1.7280',
  loinc: 'http://loinc.org',
} as const;

export interface Coding {
  system: string;
  code: string;
  display: string | null;
}

export interface Dose {
  amount: number | null;
  unit: string | null;
  /** Intakes per dosing day (for as-needed dosing, the most a day). */
  timesPerDay: number | null;
  /**
   * Days between dosing days (1 daily, 7 weekly), where the source structures it. Absent or null: the
   * source's structure does not say, and the graph reads it from `text` (adapters/kit/doseSchedule.ts).
   */
  intervalDays?: number | null;
  /** As needed (ved behov, PRN) rather than fixed, where the source structures it; absent or null as above. */
  asNeeded?: boolean | null;
  text: string;
}

export type MedicationStatus = 'ACTIVE' | 'STOPPED' | 'UNKNOWN';

export interface PersonName {
  given: string;
  middle: string | null;
  family: string;
}

/** A medicine as one source records it (the common part of prescriptions, statements and lists). */
export interface MedicationModel {
  id: string;
  atc: string | null;
  name: string;
  strength: string | null;
  form: string | null;
  dose: Dose | null;
  status: MedicationStatus;
  startDate: string | null;
  endDate: string | null;
  note: string | null;
  /** HPR number of the prescriber or responsible practitioner. */
  hprNumber: string | null;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
  keptFromParents?: boolean;
}

// ------------------------------------------------------------------ registries

export type AddressProtection = 'NONE' | 'CONFIDENTIAL' | 'STRICTLY_CONFIDENTIAL' | 'STRICTLY_CONFIDENTIAL_ABROAD';

export interface RegistryPerson {
  name: PersonName;
  birthDate: string | null;
  sex: 'FEMALE' | 'MALE' | null;
  deceasedDate: string | null;
  /** Never set when the address is strictly confidential; mappers drop it even if a source sends it. */
  address: { street: string; houseNumber: string | null; postalCode: string; city: string } | null;
  addressProtection: AddressProtection;
  /** Municipality of residence, kept for routing even when the address is protected. */
  municipalityNumber: string | null;
  /**
   * The residences the register dates (its address history), oldest first, today's last with `to` null: the
   * municipality and the period only, never the address. Routes to the records of the municipalities the person
   * lived in before. Absent when the register sends no dated residence (a person who never moved).
   */
  residenceHistory?: ResidencePeriod[];
  /** The persons with parental responsibility (foreldreansvar) for this person, by national identity number, from the population register; absent or empty when none is registered (adults). */
  parentalResponsibility?: string[];
}

/** A residence in the register's address history, reduced to what routing needs. */
export interface ResidencePeriod {
  municipalityNumber: string;
  /** ISO date the person moved in, where the register dates it. */
  from: string | null;
  /** ISO date the person moved out; null for today's residence. */
  to: string | null;
}

export interface GpListingModel {
  gpHprNumber: string | null;
  gpName: PersonName | null;
  office: { herId: string; name: string; orgNumber: string | null; recordSystem: string | null };
  since: string | null;
  /**
   * The patient's earlier listings that the register answered beside today's (closed periods), oldest first: the
   * office and GP of each, with the period. Routes to the records of the offices the patient was listed with before.
   * Absent when it answered none.
   */
  history?: EarlierGpListingModel[];
}

/** A GP listing that has ended. */
export interface EarlierGpListingModel {
  gpHprNumber: string | null;
  office: { herId: string; name: string; orgNumber: string | null };
  from: string | null;
  to: string;
}

export interface PractitionerModel {
  hprNumber: string;
  name: PersonName;
  authorisations: { profession: string; professionText: string; validFrom: string | null }[];
  specialities: string[];
}

/**
 * What a power of attorney (fullmakt) lets the representative do for the granter: READ the record and its access log,
 * send MESSAGEs, set and lift BLOCKs.
 */
export type RepresentationScope = 'READ' | 'MESSAGE' | 'BLOCK';

/** A power of attorney in the representation register (as helsenorge.no keeps them): one grant, with its scopes and period. */
export interface PowerOfAttorneyModel {
  /** The grant's opaque id in the register. */
  id: string;
  /** Fullmaktsgiver: who granted it. */
  granterNin: string;
  /** Fullmektig: who may act. */
  representativeNin: string;
  scopes: RepresentationScope[];
  /** ISO date it starts. */
  from: string;
  /** ISO date it ends; null until withdrawn. */
  to: string | null;
}

/** The grants a granter has given, looked up by the granter's identity number (ended ones included: the period says). */
export interface RepresentationModel {
  grants: PowerOfAttorneyModel[];
}

// ------------------------------------------------------------------ municipal care

export type CareServiceType =
  | 'HOME_NURSING'
  | 'PRACTICAL_ASSISTANCE'
  | 'NURSING_HOME_LONG_TERM'
  | 'NURSING_HOME_SHORT_TERM'
  | 'SAFETY_ALARM'
  | 'OTHER';

export interface CareRecordModel {
  services: {
    id: string;
    type: CareServiceType;
    description: string;
    decisionDate: string | null;
    start: string;
    end: string | null;
    hoursPerWeek: number | null;
    unit: string | null;
  }[];
  visits: { id: string; time: string; minutes: number | null; tasks: string[]; note: string | null; hprNumber: string | null }[];
  functionalAssessment: { date: string; scores: { variable: string; score: number }[] } | null;
  nextOfKin: { name: string; relation: 'SPOUSE' | 'CHILD' | 'SIBLING' | 'OTHER'; phone: string | null; primary: boolean }[];
  welfareTechnology: {
    id: string;
    type: 'SAFETY_ALARM' | 'FALL_SENSOR' | 'MEDICATION_DISPENSER' | 'DOOR_SENSOR' | 'OTHER';
    installed: string | null;
    lastAlert: { time: string; kind: string; handled: boolean } | null;
  }[];
  medications: MedicationModel[];
  administrations: { id: string; time: string; atc: string | null; name: string; given: boolean; note: string | null; hprNumber: string | null }[];
  /** The dialogue messages about the patient the care services sent or received (oldest first). Absent from a source that does not say. */
  messages?: MessageModel[];
  /** The service's care team: primary contacts (with their periods, so handovers show), the coordinator, the individual plan's coordinator. */
  careTeam?: CareTeamMemberModel[];
  /** Visits the service has planned (kind VISIT, status PLANNED), the coming days of its plan. */
  plannedVisits?: UpcomingItemModel[];
  /**
   * The patient's individual plan (hol. § 7-1), which the coordinating unit keeps in the care system; null when the
   * system holds none. Absent from a source that does not say.
   */
  individualPlan?: IndividualPlanModel | null;
}

// ------------------------------------------------------------------ GP

export interface GpRecordModel {
  consultations: {
    id: string;
    time: string;
    contactType: 'OFFICE' | 'PHONE' | 'VIDEO' | 'HOME_VISIT' | 'OTHER';
    reason: Coding | null;
    diagnoses: Coding[];
    note: string | null;
    hprNumber: string | null;
    /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
    keptFromParents?: boolean;
  }[];
  problems: { code: Coding; since: string | null }[];
  prescriptions: MedicationModel[];
  referrals: {
    id: string;
    date: string;
    toOrgNumber: string | null;
    toDepartment: string | null;
    reason: Coding | null;
    text: string | null;
    hprNumber: string | null;
    /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4): never shown to a parent reading for the child. */
    keptFromParents?: boolean;
  }[];
  /** The dialogue messages about the patient the office sent or received (oldest first). Absent from a source that does not say. */
  messages?: MessageModel[];
  /** Consultations the GP has planned (kontroller; kind FOLLOW_UP, status PLANNED). */
  plannedFollowUps?: UpcomingItemModel[];
}

// ------------------------------------------------------------------ hospital

/** A block (sperring, pjl § 17) as a source records it: what it covers and whom it keeps out. */
export interface BlockModel {
  id: string;
  /** Ids of the documents it covers; null when it covers the patient's whole record at this source. */
  documentIds: string[] | null;
  /** Denied to everyone not excepted (a deny with no actor). */
  deniesEveryone: boolean;
  /** HPR numbers denied by name. */
  deniedPersons: string[];
  /** Organisation numbers denied. */
  deniedOrganisations: string[];
  /** Organisation numbers excepted from a denial of everyone (typically the one that holds the record). */
  exceptOrganisations: string[];
  /** HPR numbers excepted from a denial of everyone. */
  exceptPersons: string[];
  /** The patient set it herself (through the graph) and may lift it; the hospital's own blocks are changed there. */
  setByPatient?: boolean;
  /** When it was set (ISO date), where the source says. */
  since?: string | null;
}

/** A hospital encounter (FHIR Encounter). */
export interface EncounterModel {
  id: string;
  class: 'INPATIENT' | 'OUTPATIENT' | 'EMERGENCY' | 'OTHER';
  start: string;
  end: string | null;
  department: string | null;
  diagnoses: Coding[];
  hprNumber: string | null;
  /**
   * The GP record's ids of the referrals (henvisning) the encounter was based on (FHIR Encounter.basedOn, the
   * hospital's copy of each referral identified under `GP_REFERRAL_SYSTEM`): the same ids as
   * `GpRecordModel.referrals[].id`. Empty when none; absent from a source that does not say.
   */
  referralIds?: string[];
}

/** The identifier system under which a hospital records the GP record's own id of a referral it received. */
export const GP_REFERRAL_SYSTEM = 'urn:x-patient-graph:identifier:gp-referral';

export interface HospitalRecordModel {
  encounters: EncounterModel[];
  diagnoses: { id: string; code: Coding; primary: boolean; recorded: string | null; encounterId: string | null }[];
  medications: MedicationModel[];
  documents: {
    id: string;
    kind: 'DISCHARGE_SUMMARY' | 'OUTPATIENT_NOTE' | 'OTHER';
    date: string;
    /**
     * Null when the source marks the document restricted and no block says whom the restriction keeps out:
     * a mapper never carries content under a restriction it cannot interpret. Under a block it can read, the
     * content is carried and the graph's field rules hide it from those the block denies.
     */
    title: string | null;
    text: string | null;
    /** The source marks it restricted (confidentiality R or V): a block (`blocks`) covers it. */
    blocked: boolean;
    /** Withheld from the patient's own access (pbrl § 5-1; security label NOPAT). */
    withheldFromPatient: boolean;
    /** Null, like title and text, under a restriction the mapper cannot interpret. */
    encounterId: string | null;
    authorHpr: string | null;
  }[];
  labResults: {
    id: string;
    time: string;
    code: Coding;
    value: number | null;
    unit: string | null;
    referenceLow: number | null;
    referenceHigh: number | null;
    encounterId: string | null;
  }[];
  /** Episodes of care (behandlingsforløp): an active one means the hospital is treating the patient now. */
  careEpisodes: { id: string; status: 'ACTIVE' | 'FINISHED' | 'OTHER'; start: string | null; end: string | null; department: string | null; orgNumber: string | null }[];
  /** Blocks (sperring, pjl § 17) the source records for this patient. */
  blocks: BlockModel[];
  /**
   * For documents whose encounter was based on GP referrals: the document and the GP record's ids of those
   * referrals (`GpRecordModel.referrals[].id`), so that what hides a document can hide the referral that
   * names it. The full read lists every such document; the access-facts read (`readAccess`) those its blocks
   * name by instance. Absent from a source that does not say.
   */
  documentReferrals?: { documentId: string; referralIds: string[] }[];
  /** The dialogue messages about the patient the hospital's departments sent or received (FHIR Communication, oldest first). Absent from the access-facts read. */
  messages?: MessageModel[];
  /**
   * The responsible physician of each episode of care (EpisodeOfCare.careManager) and the contact persons
   * (CareTeam participants), with their periods. Absent from the access-facts read.
   */
  careTeam?: CareTeamMemberModel[];
  /** Appointments booked (FHIR Appointment; kind APPOINTMENT, status BOOKED). Absent from the access-facts read. */
  appointments?: UpcomingItemModel[];
  /** The hospital's answers to the referrals it received (FHIR Task on the referral). Absent from the access-facts read. */
  referralAssessments?: ReferralAssessmentModel[];
}

// ------------------------------------------------------------------ laboratory

/**
 * A medical laboratory's results for one patient (a hospital laboratory that also analyses samples from GPs
 * and municipal care), whoever ordered them: each an NLK-coded analysis with its UCUM unit.
 */
export interface LabResultsModel {
  results: {
    /** The laboratory's id for the result (filler order number and observation sub-id). */
    id: string;
    /** When the sample was taken (ISO date-time, UTC). */
    time: string;
    code: Coding;
    value: number | null;
    /** UCUM code. */
    unit: string | null;
    referenceLow: number | null;
    referenceHigh: number | null;
    /** The laboratory's own flag: low, high or normal (HL7 table 0078); null where it gives none. */
    flag: 'LOW' | 'HIGH' | 'NORMAL' | null;
    /** Who ordered it, by HPR number, where the laboratory says. */
    orderedByHpr: string | null;
  }[];
}

// ------------------------------------------------------------------ national

export interface SummaryRecordModel {
  criticalInformation: {
    id: string;
    type: 'ALLERGY' | 'IMPLANT' | 'ANAESTHESIA_COMPLICATION' | 'OTHER';
    text: string;
    atc: string | null;
    reaction: string | null;
    severity: 'MILD' | 'MODERATE' | 'SEVERE' | null;
    recorded: string | null;
    verified: boolean;
    recordedByHpr: string | null;
  }[];
  dispensations: {
    id: string;
    atc: string | null;
    name: string;
    strength: string | null;
    form: string | null;
    dose: Dose | null;
    dispensed: string;
    packages: number | null;
    pharmacy: string | null;
    prescriberHpr: string | null;
    /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4 second paragraph): never shown to a parent reading for the child. */
    keptFromParents?: boolean;
  }[];
}

// ------------------------------------------------------------------ coordination (care team, what happens next, messages)

/**
 * Who is responsible for a patient, as one source records it. A person (HPR number and name) or a service alone;
 * reached as a service (HER-id for messages, the service's own phone), never by a private number.
 * - REGULAR_GP, GP_OFFICE: the GP register's listing;
 * - MUNICIPAL_COORDINATOR (koordinator, hol. § 7-2), PRIMARY_CONTACT (primærkontakt): the municipal care system;
 * - PLAN_COORDINATOR: the individual plan's coordinator (hol. § 7-1);
 * - RESPONSIBLE_PHYSICIAN (pasientansvarlig lege, sphl. § 3-7), CONTACT_PERSON (kontaktperson, sphl. § 2-5 c):
 *   the hospital (FHIR EpisodeOfCare.careManager, CareTeam.participant).
 */
export type CareTeamRole = 'REGULAR_GP' | 'GP_OFFICE' | 'MUNICIPAL_COORDINATOR' | 'PRIMARY_CONTACT' | 'PLAN_COORDINATOR' | 'RESPONSIBLE_PHYSICIAN' | 'CONTACT_PERSON';

export interface CareTeamMemberModel {
  role: CareTeamRole;
  /** The person's HPR number; null for a service without a named person. */
  hprNumber: string | null;
  /** The person's name as the source writes it; null for a service. */
  name: PersonName | null;
  /** The service or unit (`Hjemmesykepleien Årstad`, `Hjertemedisinsk avdeling`, an office's name). */
  service: string;
  /** The organisation the service belongs to. */
  orgNumber: string | null;
  /** The service's address in the national address register (Adresseregisteret): where messages go. */
  herId: string | null;
  /** The service's own phone (a switchboard or the unit's number), never a private one. */
  phone: string | null;
  /** The member's period: past members keep theirs, so that handovers show. ISO dates. */
  start: string | null;
  end: string | null;
}

/**
 * A hospital's answer to a referral it received (vurdering av henvisning, pbrl. § 2-2), as FHIR Task with the
 * referral in focus: RECEIVED (being assessed; the answer is due within 10 working days), ACCEPTED (a right to
 * necessary care, with the latest date care must start: frist), RETURNED to the referrer, COMPLETED (the care it
 * asked for was given). Added beside UpcomingItemModel because an answer has more than a planned item: when it was
 * received and answered, and why it was returned.
 */
export interface ReferralAssessmentModel {
  /** The hospital's own id for its assessment (the Task). */
  id: string;
  /** The GP record's id of the referral (`GpRecordModel.referrals[].id`), under `GP_REFERRAL_SYSTEM`. */
  referralId: string;
  status: 'RECEIVED' | 'ACCEPTED' | 'RETURNED' | 'COMPLETED';
  /** When the hospital received it (ISO date or date-time). */
  received: string;
  /** When it answered; null while it is being assessed. */
  answered: string | null;
  /** RECEIVED: when the answer is due. */
  answerDue: string | null;
  /** ACCEPTED, COMPLETED: the latest date care must start (frist for nødvendig helsehjelp). */
  deadline: string | null;
  /** The department that assesses it. */
  service: string | null;
  herId: string | null;
  /** Why it was returned, or what the answer says. */
  note: string | null;
  /** Who assessed it. */
  hprNumber: string | null;
}

/** Who a party to an individual plan is, by the sector of the service they come from. */
export type PlanSector = 'HEALTH_AND_CARE' | 'NAV' | 'SCHOOL' | 'PPT' | 'CHILD_WELFARE' | 'FAMILY';

/**
 * A party to an individual plan: the coordinator, a participant, or who is responsible for a measure. A person by
 * HPR number (health personnel) or by name (staff outside health care, family), the service and its organisation.
 */
export interface PlanPartyModel {
  sector: PlanSector;
  /** The party's role in the plan as the plan writes it (`Koordinator`, `Fastlege`, `Veileder`, `Kontaktlærer`). */
  role: string | null;
  hprNumber: string | null;
  name: PersonName | null;
  /** The service or unit (`Koordinerende enhet`, `NAV Bergenhus`, `Nordnes legekontor`). */
  service: string | null;
  /** The organisation number of the service's unit (outside health care) or of its organisation. */
  orgNumber: string | null;
  /** The service's HER-id, where it has one. */
  herId: string | null;
  /**
   * For a participant outside health care: the patient's consent to share the plan with this service (the plan is
   * shared with such participants by consent, never the record): from and to (ISO dates; `to` null until withdrawn).
   */
  consent: { from: string; to: string | null } | null;
}

/**
 * An individual plan (individuell plan, helse- og omsorgstjenesteloven § 7-1) as the municipality's care system keeps
 * it: the patient's goals, the measures with who is responsible for each, the coordinator, the next meeting of the
 * participants, and the participants, those outside health care with the patient's consent.
 */
export interface IndividualPlanModel {
  id: string;
  /** ISO dates. */
  established: string | null;
  revised: string | null;
  goals: { id: string; text: string; area: string | null; targetDate: string | null }[];
  measures: {
    id: string;
    text: string;
    /** The goal it serves, by id. */
    goalId: string | null;
    responsible: PlanPartyModel;
    status: 'PLANNED' | 'ONGOING' | 'COMPLETED';
    start: string | null;
    end: string | null;
  }[];
  coordinator: PlanPartyModel | null;
  /** The next meeting of the plan's participants (ansvarsgruppemøte): when (ISO UTC), where, about what. */
  nextMeeting: { time: string; place: string | null; topic: string | null } | null;
  /** Everyone who takes part besides the coordinator. */
  participants: PlanPartyModel[];
}

/** Something planned for the patient, from one source: never the past. */
export interface UpcomingItemModel {
  id: string;
  kind: 'APPOINTMENT' | 'REFERRAL' | 'VISIT' | 'FOLLOW_UP';
  /**
   * When (ISO date-time, UTC, or an ISO date where only the day is known). For a referral, when its next step is
   * due: the answer while it is being assessed, the latest start of care once accepted (`deadline`): what is
   * listed as upcoming is never dated in the past.
   */
  time: string;
  title: string;
  /** The department, unit or office it happens at or is assessed by. */
  service: string | null;
  /** For a referral: RECEIVED (being assessed), ACCEPTED (with a deadline for care), RETURNED; BOOKED for appointments. */
  status: 'BOOKED' | 'PLANNED' | 'RECEIVED' | 'ACCEPTED' | 'RETURNED';
  /** For an accepted referral, the latest date care must start (frist for nødvendig helsehjelp). */
  deadline: string | null;
  /** The GP record's id of the referral this item answers or follows (`GpRecordModel.referrals[].id`). */
  referralId: string | null;
  hprNumber: string | null;
  /** Kept from the parents by a patient aged 12–15 (pbrl § 3-4), where the source marks it (the GP's appointment book). */
  keptFromParents?: boolean;
}

/** A dialogue message (KITH Dialogmelding, a PLO message, a FHIR Communication) about a patient, as a system holds it. */
export interface MessageModel {
  /** The message's own id (MsgHead MsgId, Communication.identifier): unique, and what makes delivery happen once. */
  id: string;
  /** The thread: the first message's id; a reply carries its thread's. */
  conversationRef: string;
  /** The message it answers, if any. */
  inReplyTo: string | null;
  kind: 'QUESTION' | 'ANSWER' | 'NOTE';
  /** When it was sent (ISO date-time, UTC). */
  sentAt: string;
  sender: MessageParty;
  recipient: MessageParty;
  subject: string;
  text: string;
}

export interface MessageParty {
  herId: string;
  /** The service as named in the address register or by the system. */
  service: string;
  orgNumber: string | null;
  /** The person who wrote or is addressed, where named. */
  hprNumber: string | null;
  name: string | null;
}

/** A system's application receipt for a message it was sent (KITH AppRec 1.0; for FHIR, the answer's OperationOutcome). */
export interface MessageReceipt {
  /** OK: taken (AppRec status 1). REJECTED: refused (status 2), with the error code (Volven 8221) and its text. */
  status: 'OK' | 'REJECTED';
  code: string | null;
  text: string | null;
}

// ------------------------------------------------------------------ welfare technology

/** The kinds of home measurement the graph knows: each has its codes (LOINC or NPU) and one UCUM unit. */
export type MeasurementKind = 'SYSTOLIC_BLOOD_PRESSURE' | 'DIASTOLIC_BLOOD_PRESSURE' | 'PULSE' | 'OXYGEN_SATURATION' | 'BODY_WEIGHT' | 'BODY_TEMPERATURE' | 'SYMPTOM_SCORE';

export type WelfareDeviceKind =
  | 'SAFETY_ALARM'
  | 'FALL_SENSOR'
  | 'DOOR_SENSOR'
  | 'MEDICATION_DISPENSER'
  | 'BLOOD_PRESSURE_MONITOR'
  | 'PULSE_OXIMETER'
  | 'SCALE'
  | 'THERMOMETER'
  | 'TABLET'
  | 'OTHER';

export type WelfareEventKind =
  /** The safety alarm was pressed. */
  | 'ALARM'
  /** A fall sensor went off. */
  | 'FALL'
  /** A door sensor reported leaving at night. */
  | 'DOOR'
  /** A dose was not taken out of the dispenser within its window. */
  | 'DOSE_MISSED'
  /** A dose was taken out after its window. */
  | 'DOSE_LATE'
  /** The dispenser needs a refill, lost power or failed. */
  | 'DISPENSER_FAULT'
  /** A home measurement outside the thresholds, as the platform raised it. */
  | 'MEASUREMENT_OUT_OF_RANGE';

/** One event from a welfare technology platform: an alarm, a dispenser's report, a measurement it flagged. */
export interface WelfareEventModel {
  /** The platform's id for the event. */
  id: string;
  /** When it happened (ISO date-time, UTC). */
  time: string;
  kind: WelfareEventKind;
  /** What the platform says happened, in Norwegian; never a place. */
  text: string;
  /** The device that raised it, by the platform's device id. */
  deviceId: string | null;
  /** Whether the response centre or the service closed it; null where the platform does not say. */
  handled: boolean | null;
  /** Who handled it, in words (the response centre: a place, hidden for a strictly confidential address). */
  handledBy: string | null;
  /** For a dispenser's dose event: the medicine, by ATC code where the vendor sends one, and the dose's planned time. */
  medication: { atc: string | null; name: string; scheduled: string | null } | null;
}

/**
 * The parts a welfare technology system may hold (its manifest's `holds`): a view that needs only some asks only the
 * systems that hold them (the medication list asks the dispensers for doses, not the hub for measurements).
 */
export type WelfarePart = 'devices' | 'measurements' | 'alarms' | 'doses';

/**
 * What a municipality's welfare technology platforms hold for one patient: the national integration hub for welfare
 * technology (FHIR R4: Observation, Flag and Communication, Device and DeviceUseStatement) or a vendor's own export
 * (a medicine dispenser's REST/JSON). Each system returns the parts it holds and empty lists for the rest.
 */
export interface WelfareRecordModel {
  /** What is installed at the patient's home and in use, or was. */
  devices: {
    id: string;
    kind: WelfareDeviceKind;
    /** The device type as the platform names it (Norwegian or the vendor's product name). */
    name: string;
    manufacturer: string | null;
    /** In use since (ISO date), and until (null while in use). */
    since: string | null;
    until: string | null;
    /** Where it is installed (the patient's address, in words): a place, hidden for a strictly confidential address. */
    location: string | null;
    /** The response centre that takes its alarms (legevakt or a municipal centre): a place as well. */
    responseCentre: string | null;
  }[];
  /** Home measurements, newest or oldest first as the source gives them. */
  measurements: {
    id: string;
    /** When it was measured (ISO date-time, UTC). */
    time: string;
    kind: MeasurementKind;
    /** The code the platform sent (LOINC or NPU). */
    code: Coding;
    value: number;
    /** UCUM unit. */
    unit: string;
    deviceId: string | null;
  }[];
  /** The limits the follow-up service set per kind of measurement (the patient's own, not population ranges). */
  thresholds: { kind: MeasurementKind; low: number | null; high: number | null; unit: string }[];
  events: WelfareEventModel[];
}

/** An event a platform pushed (a webhook), read by its adapter: whose it is, and the event. */
export interface PushedWelfareEvent {
  patientNin: string;
  event: WelfareEventModel;
}
