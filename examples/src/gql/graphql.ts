/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * A calendar day, `yyyy-mm-dd` (RFC 3339 `full-date`): no time of day and no offset. Where a source gives an instant for
   * something that is a day, the day is the one in Norway (Europe/Oslo).
   */
  Date: { input: string; output: string; }
  /**
   * An instant, `yyyy-mm-ddThh:mm:ss` with an offset: `Z` (UTC, as the graph writes what it converts) or `+01:00`/`+02:00`
   * as a Norwegian source writes it (RFC 3339 `date-time`). Never a local time without an offset.
   */
  DateTime: { input: string; output: string; }
};

/** What an access-log entry records. */
export type AccessAction =
  /** The patient (or who acts for her) lifted a block she had set (Mutation.liftBlock). */
  | 'LIFT_BLOCK'
  /** The record (the fields in `fields`) was read. */
  | 'READ'
  /** A dialogue message about the patient was sent (Mutation.sendMessage). */
  | 'SEND_MESSAGE'
  /** The patient (or who acts for her) set a block on her record (Mutation.setBlock). */
  | 'SET_BLOCK';

/** Kinds of reader in the access log. */
export type AccessorKind =
  /** The patient themselves, logged in through ID-porten. */
  | 'PATIENT'
  /** Health personnel or other staff, logged in through HelseID. */
  | 'PERSONNEL'
  /** Someone acting for the patient, logged in through ID-porten: a parent of a child under 16, or a representative with a power of attorney (see `representative`). */
  | 'REPRESENTATIVE';

/** The population register's protection grading of an address (adressebeskyttelse). */
export type AddressProtection =
  /** Confidential (fortrolig, code 7): released to the health service, must not be shown to others. */
  | 'CONFIDENTIAL'
  /** No protection. */
  | 'NONE'
  /** Strictly confidential (strengt fortrolig, code 6): never released. */
  | 'STRICTLY_CONFIDENTIAL'
  /** Strictly confidential, living abroad (strengt fortrolig utland, code 19): never released. */
  | 'STRICTLY_CONFIDENTIAL_ABROAD';

/** What a table is grouped by: fixed dimensions only, so that two questions differ by whole cells. */
export type AggregateDimension =
  /** Fixed age bands: 0-17, 18-49, 50-66, 67-74, 75-84, 85+. */
  | 'AGE_BAND'
  /** ICD-10 chapter of the hospitals' diagnoses. */
  | 'ICD10_CHAPTER'
  /** ICPC-2 chapter of the GPs' diagnoses. */
  | 'ICPC2_CHAPTER'
  /** The municipality of residence (never a strictly confidential person's). */
  | 'MUNICIPALITY'
  /** The calendar year of the diagnosis or discharge. */
  | 'PERIOD'
  /** Sex as the population register has it. */
  | 'SEX';

/** Which persons a question counts: whole values of its dimensions only. */
export type AggregateFilter = {
  /** Age bands as the catalogue names them (`75-84`, `85+`). */
  ageBands?: InputMaybe<Array<Scalars['String']['input']>>;
  /** ICD-10 chapters (roman numerals: `IX` diseases of the circulatory system). */
  icd10Chapters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** ICPC-2 chapters (letters: `K` cardiovascular). */
  icpc2Chapters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Municipality numbers (four digits). */
  municipalities?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Calendar years (yyyy) of the diagnosis or discharge counted. */
  periods?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Sex as the population register has it. */
  sexes?: InputMaybe<Array<AggregateSex>>;
};

/** A question for an aggregate. */
export type AggregateInput = {
  /** Whole values of the dimensions only. */
  filter?: InputMaybe<AggregateFilter>;
  /** At most three dimensions. */
  groupBy?: Array<AggregateDimension>;
  /** A key the client chooses for this one question (1 to 100 letters, digits, `-`, `_`, `.`, `:`): the same key again starts it once. */
  idempotencyKey: Scalars['String']['input'];
  /** A named quality indicator (its population, numerator and value); null counts persons. */
  indicator?: InputMaybe<QualityIndicator>;
  /** Totals over each dimension and the grand total beside the cells (each protected as a cell). */
  margins?: InputMaybe<Scalars['Boolean']['input']>;
  /** COUNT (persons), SHARE (of the indicator's population), MEAN or MEDIAN (of the indicator's value). */
  measure?: InputMaybe<AggregateMeasure>;
  /** What the aggregate is for, in a sentence (logged with the question). */
  purpose: Scalars['String']['input'];
};

/** What each cell holds. */
export type AggregateMeasure =
  /** Persons. */
  | 'COUNT'
  /** The mean of the indicator's value. */
  | 'MEAN'
  /** The median of the indicator's value. */
  | 'MEDIAN'
  /** The share of the indicator's population in its numerator. */
  | 'SHARE';

/** Sex as the population register has it. */
export type AggregateSex =
  /** Female (kvinne). */
  | 'FEMALE'
  /** Male (mann). */
  | 'MALE';

/** What a block keeps out. */
export type BlockKind =
  /** Documents: their content, for everyone outside the hospital that holds them. */
  | 'DOCUMENT'
  /** Everyone but those the block excepts. */
  | 'EVERYONE'
  /** Everyone reading for an organisation. */
  | 'ORGANISATION'
  /** A named practitioner: none of her health data. */
  | 'PRACTITIONER';

/** What a citizen can block. */
export type BlockTarget =
  /** One document: its content and what it was about, for everyone outside the hospital that holds it. */
  | 'DOCUMENT'
  /** Everyone who reads for an organisation. */
  | 'ORGANISATION'
  /** A named practitioner: none of her health data, at any organisation, emergency access included. */
  | 'PRACTITIONER';

/** Kinds of municipal care service. */
export type CareServiceType =
  /** Home nursing (hjemmesykepleie). */
  | 'HOME_NURSING'
  /** Long-term stay in a nursing home (langtidsopphold i sykehjem). */
  | 'NURSING_HOME_LONG_TERM'
  /** Short-term or respite stay in a nursing home (korttidsopphold). */
  | 'NURSING_HOME_SHORT_TERM'
  /** A service the adapter could not classify; see `description`. */
  | 'OTHER'
  /** Practical assistance in the home (praktisk bistand). */
  | 'PRACTICAL_ASSISTANCE'
  /** Safety alarm service (trygghetsalarm). */
  | 'SAFETY_ALARM';

/** A role in the patient's care team, as the law names it. */
export type CareTeamRole =
  /** The patient's contact person at the hospital (kontaktperson, spesialisthelsetjenesteloven § 2-5 c). */
  | 'CONTACT_PERSON'
  /** The GP office that runs the patient's list (fastlegekontor), from the GP register. */
  | 'GP_OFFICE'
  /** The coordinator of the municipal services (koordinator, helse- og omsorgstjenesteloven § 7-2). */
  | 'MUNICIPAL_COORDINATOR'
  /** The coordinator of the individual plan (individuell plan, helse- og omsorgstjenesteloven § 7-1). */
  | 'PLAN_COORDINATOR'
  /** The primary contact in home nursing or the nursing home (primærkontakt). */
  | 'PRIMARY_CONTACT'
  /** The regular GP (fastlege), from the GP register. */
  | 'REGULAR_GP'
  /** The hospital doctor responsible for the patient (pasientansvarlig lege, spesialisthelsetjenesteloven § 3-7). */
  | 'RESPONSIBLE_PHYSICIAN';

/** Whether a cell is shown. */
export type CellStatus =
  /** Shown (its count perturbed). */
  | 'PUBLISHED'
  /** Not shown. */
  | 'SUPPRESSED';

/** What kind of problem a warning is about. */
export type ClinicalWarningKind =
  /** A medicine against a recorded allergy or intolerance, the class included (an NSAID allergy against aspirin). */
  | 'ALLERGY'
  /** Medicines still active after the date of death. */
  | 'DECEASED'
  /** Two medicines of the same therapeutic class (ATC level 4) from different prescribers. */
  | 'DUPLICATION'
  /** Two medicines in use that interact. */
  | 'INTERACTION'
  /** A NorGeP criterion (patients 70 and over). */
  | 'NORGEP'
  /** A NorGeP-NH criterion (nursing-home residents). */
  | 'NORGEP_NH'
  /** A dose or a medicine against the latest renal function (eGFR or creatinine). */
  | 'RENAL';

/** How a consultation took place. */
export type ContactType =
  /** A home visit. */
  | 'HOME_VISIT'
  /** At the office. */
  | 'OFFICE'
  /** A kind the adapter could not classify. */
  | 'OTHER'
  /** By phone. */
  | 'PHONE'
  /** By video. */
  | 'VIDEO';

/** Kinds of critical information. */
export type CriticalInformationType =
  /** Allergy or intolerance (FHIR AllergyIntolerance). */
  | 'ALLERGY'
  /** A complication in anaesthesia. */
  | 'ANAESTHESIA_COMPLICATION'
  /** Implant (for example a pacemaker). */
  | 'IMPLANT'
  /** Another kind. */
  | 'OTHER';

/** What the sources disagree about. Each discrepancy's `description` says what was found and why it matters. */
export type DiscrepancyKind =
  /** Taken as needed (ved behov, PRN) according to one source and on a fixed schedule according to another. */
  | 'AS_NEEDED'
  /**
   * The dose per dosing day differs (strength × amount × intakes) between fixed-schedule entries in use.
   * As-needed entries are not compared.
   */
  | 'DOSE'
  /** The pharmaceutical form differs, for example depottablett (modified release) against tablett. */
  | 'FORMULATION'
  /**
   * In use, but missing from a list that should hold it: the regular GP's list (which must be complete), or the
   * municipal care service's list where there is one (nurses give medicines from it) when a prescriber has it in
   * use. Absence from a hospital discharge list (a snapshot) or from Kjernejournal's dispensations (nursing-home
   * stock, multidose, over the counter) is not flagged.
   */
  | 'OMISSION'
  /** The days between doses differ, for example once a week (alendronate 70 mg) against every day. */
  | 'SCHEDULE'
  /** One source says it is stopped while another says it is in use, or it was dispensed after it was stopped. */
  | 'STATUS';

/** Kinds of clinical document. */
export type DocumentKind =
  /** Discharge summary (epikrise), LOINC 18842-5. */
  | 'DISCHARGE_SUMMARY'
  /** Another kind. */
  | 'OTHER'
  /** Outpatient note, LOINC 11488-4 (consult note). */
  | 'OUTPATIENT_NOTE';

/** Kinds of hospital encounter (FHIR v3-ActCode). */
export type EncounterClass =
  /** Emergency visit (EMER). */
  | 'EMERGENCY'
  /** Inpatient stay (IMP). */
  | 'INPATIENT'
  /** Another class. */
  | 'OTHER'
  /** Outpatient visit (AMB). */
  | 'OUTPATIENT';

/** A pseudonymised extract for an approved project. */
export type ExportInput = {
  /** A key the client chooses for this one export (1 to 100 letters, digits, `-`, `_`, `.`, `:`): the same key again starts it once. */
  idempotencyKey: Scalars['String']['input'];
  /** The project's id (researchProjects), for example `rek-2026-104512`: it must be the one the reader's approval names. */
  project: Scalars['ID']['input'];
  /** What the extract is for, in a sentence (logged with it). */
  purpose: Scalars['String']['input'];
  /** FHIR resource types to export (`_type`): of those the approval names; all of them when absent. */
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Kinds of national identity number. */
export type IdentifierType =
  /** D-number: a temporary number for people who live or work in Norway for a while (day of birth + 40). */
  | 'DNR'
  /** Fødselsnummer: assigned at birth or immigration. */
  | 'FNR'
  /** Help number (hjelpenummer), assigned by a health service when the real number is unknown. */
  | 'HNR';

/** A next of kin's relation to the patient. */
export type KinRelation =
  /** Child. */
  | 'CHILD'
  /** Other relation. */
  | 'OTHER'
  /** Sibling. */
  | 'SIBLING'
  /** Spouse or partner. */
  | 'SPOUSE';

/** A block to lift. */
export type LiftBlockInput = {
  /** The block's id (`me { blocks { id } }`). */
  blockId: Scalars['ID']['input'];
  /** A key the client chooses for this one change: the same key again changes nothing more. */
  idempotencyKey: Scalars['String']['input'];
};

/** Kinds of home measurement. */
export type MeasurementKind =
  /** Body temperature (LOINC 8310-5), Cel. */
  | 'BODY_TEMPERATURE'
  /** Body weight (LOINC 29463-7), kg. */
  | 'BODY_WEIGHT'
  /** Diastolic blood pressure (LOINC 8462-4), mm[Hg]. */
  | 'DIASTOLIC_BLOOD_PRESSURE'
  /** Oxygen saturation by pulse oximetry (LOINC 59408-5), %. */
  | 'OXYGEN_SATURATION'
  /** Pulse (LOINC 8867-4), /min. */
  | 'PULSE'
  /** A symptom form's score (the COPD assessment test, 0–40), {score}. */
  | 'SYMPTOM_SCORE'
  /** Systolic blood pressure (LOINC 8480-6), mm[Hg]. */
  | 'SYSTOLIC_BLOOD_PRESSURE';

/** The direction of a series over the last week. */
export type MeasurementTrend =
  /** Down by more than the kind's tolerance. */
  | 'FALLING'
  /** Up by more than the kind's tolerance. */
  | 'RISING'
  /** Within the tolerance. */
  | 'STABLE'
  /** Fewer than three measurements in the last week. */
  | 'UNKNOWN';

/** What kind of record a medication entry is. */
export type MedicationEntryKind =
  /** A GP's prescription (resept) in the GP record. */
  | 'GP_PRESCRIPTION'
  /** A hospital's medication statement, usually the list at discharge. */
  | 'HOSPITAL_STATEMENT'
  /** The municipal care service's medication list, which nurses administer from. */
  | 'MUNICIPAL_CARE_LIST'
  /** A dispensation at a pharmacy, from the national list of dispensed medicines. */
  | 'NATIONAL_DISPENSATION';

/** Whether a medicine is in use, according to one source. */
export type MedicationStatus =
  /** In use. */
  | 'ACTIVE'
  /** Stopped (seponert). */
  | 'STOPPED'
  /** The source does not say. */
  | 'UNKNOWN';

/** What a message is. */
export type MessageKind =
  /** An answer to a question (svar på forespørsel). */
  | 'ANSWER'
  /** A note that expects no answer (notat). */
  | 'NOTE'
  /** A question that expects an answer (Dialogmelding: forespørsel). */
  | 'QUESTION';

/** Where a message is on its way. */
export type MessageStatus =
  /** Delivered, and answered in its thread. */
  | 'ANSWERED'
  /** Taken by the receiving system: its application receipt said OK. */
  | 'DELIVERED'
  /** Stored by the graph, not yet taken by the receiving system (it may be down: it is retried). */
  | 'QUEUED'
  /** Refused by the receiving system: its application receipt said why (`statusReason`). */
  | 'REJECTED';

/** Kinds of missed dose. */
export type MissedDoseKind =
  /** Taken out after its window. */
  | 'DOSE_LATE'
  /** Not taken out of the dispenser within its window. */
  | 'DOSE_MISSED';

/** Where a measure stands. */
export type PlanMeasureStatus =
  /** Done or ended. */
  | 'COMPLETED'
  /** Under way. */
  | 'ONGOING'
  /** Agreed, not started. */
  | 'PLANNED';

/** The sector a party to an individual plan comes from. */
export type PlanSector =
  /** Child welfare (barneverntjenesten). */
  | 'CHILD_WELFARE'
  /** The patient's family (pårørende). */
  | 'FAMILY'
  /** Health and care services: the municipality's, the GP, a hospital. */
  | 'HEALTH_AND_CARE'
  /** NAV (the Labour and Welfare Administration): a NAV office. */
  | 'NAV'
  /** The educational-psychological service (pedagogisk-psykologisk tjeneste). */
  | 'PPT'
  /** A school. */
  | 'SCHOOL';

/** A medicine about to be ordered (CDS Hooks order-select), checked by `clinicalWarnings` as if it were in use. */
export type ProposedMedication = {
  /** Amount per intake, in `unit`. */
  amount?: InputMaybe<Scalars['Float']['input']>;
  /** Taken as needed (ved behov). */
  asNeeded?: InputMaybe<Scalars['Boolean']['input']>;
  /** ATC code (WHO ATC, as the Norwegian medicines register uses it), for example `M01AE01`. */
  atc: Scalars['String']['input'];
  /** The order's id in the ordering system (the draft MedicationRequest's id): warnings name it `proposed:<id>`. */
  id: Scalars['String']['input'];
  /** Days between doses (7 for weekly). */
  intervalDays?: InputMaybe<Scalars['Float']['input']>;
  /** The product or substance name, as the order has it. */
  name: Scalars['String']['input'];
  /** Intakes per day. */
  timesPerDay?: InputMaybe<Scalars['Float']['input']>;
  /** The unit of `amount` (mg). */
  unit?: InputMaybe<Scalars['String']['input']>;
};

/** Why a record was read (HL7 PurposeOfUse). */
export type PurposeOfUse =
  /** Coordination of care. */
  | 'COC'
  /** Emergency treatment (break the glass). */
  | 'ETREAT'
  /** Healthcare operations (administration). */
  | 'HOPERAT'
  /** Healthcare research. */
  | 'HRESCH'
  /** The patient's own request: the patient reading their own record. */
  | 'PATRQT'
  /** Treatment. */
  | 'TREAT';

/** The named quality indicators (their definitions: `researchCatalogue { indicators }`). */
export type QualityIndicator =
  /** Days from hospital discharge to the GP's next contact. */
  | 'DISCHARGE_TO_GP_CONTACT_DAYS'
  /** Share of home-care patients with an unresolved medication discrepancy. */
  | 'HOME_CARE_MEDICATION_DISCREPANCY'
  /** Share of patients 70 and over (not in a nursing home) with a NorGeP warning. */
  | 'NORGEP_WARNING_70_PLUS';

/** Where a hospital's assessment of a referral stands. */
export type ReferralAssessmentStatus =
  /** Accepted: a right to necessary care, which must start by the deadline. */
  | 'ACCEPTED'
  /** The care it asked for was given. */
  | 'COMPLETED'
  /** Received and being assessed. */
  | 'RECEIVED'
  /** Returned to the GP, with the reason. */
  | 'RETURNED';

/** What lets a citizen act for someone else. */
export type RepresentationBasis =
  /** Parental responsibility (foreldreansvar) for a child under 16, from the population register (pbrl § 3-4). */
  | 'PARENTAL_RESPONSIBILITY'
  /** A power of attorney (fullmakt) the patient gave, from the representation register, within what it names. */
  | 'POWER_OF_ATTORNEY';

/** What a research job computes. */
export type ResearchJobKind =
  /** A protected table (startAggregate). */
  | 'AGGREGATE'
  /** A pseudonymised extract for an approved project (startExport). */
  | 'EXPORT';

/** Where a job is. */
export type ResearchJobStatus =
  /** Cancelled by its requester. */
  | 'CANCELLED'
  /** Done: its result is ready. */
  | 'COMPLETED'
  /** Ended without an answer (its error says why). */
  | 'FAILED'
  /** Waiting for a worker. */
  | 'QUEUED'
  /** A worker reads its cohort. */
  | 'RUNNING';

/** The parts of the health service a source can belong to. */
export type Sector =
  /** The patient's regular general practitioner (fastlege). */
  | 'GP'
  /** Specialist health service: hospitals. */
  | 'HOSPITAL'
  /** Municipal health and care services (pleie og omsorg): home nursing, nursing homes. */
  | 'MUNICIPAL_CARE'
  /** National services: the summary care record (Kjernejournal) and the dispensed-medicines list. */
  | 'NATIONAL'
  /** National registries: population register (Folkeregisteret), GP register (Fastlegeregisteret), practitioner register (HPR). */
  | 'REGISTRY'
  /** Welfare technology (velferdsteknologi): safety alarms, digital home follow-up, medicine dispensers, through the national integration hub or a vendor's platform. */
  | 'WELFARE_TECHNOLOGY';

/** A dialogue message to send. */
export type SendMessageInput = {
  /**
   * A key the client chooses for this one message (1 to 100 letters, digits, `-`, `_`, `.`, `:`): sending again
   * with the same key (after a timeout, a retry) gives back the message already sent, and sends nothing.
   */
  idempotencyKey: Scalars['String']['input'];
  /** The message this one answers (its `id`), in a thread about the same patient. */
  inReplyTo?: InputMaybe<Scalars['ID']['input']>;
  /** QUESTION, NOTE, or ANSWER (an answer needs `inReplyTo`). */
  kind: MessageKind;
  /** The patient the message is about: their national identity number (travels in the body, never a URL). */
  patient: Scalars['String']['input'];
  /** The receiving service's HER-id: a GP office, a municipal care unit or a hospital department of the patient's care team. */
  recipientHerId: Scalars['String']['input'];
  /** A short subject (1 to 200 characters). */
  subject: Scalars['String']['input'];
  /** The text (1 to 10,000 characters). */
  text: Scalars['String']['input'];
};

/** A block the citizen sets on her own record. */
export type SetBlockInput = {
  /** For DOCUMENT: the hospital system's id of the document (`hospitalRecords { documents { sourceId } }`), as a block's `documentIds` lists it. */
  documentId?: InputMaybe<Scalars['String']['input']>;
  /** For PRACTITIONER: the practitioner's HPR number. */
  hprNumber?: InputMaybe<Scalars['String']['input']>;
  /** A key the client chooses for this one block (1 to 100 letters, digits, `-`, `_`, `.`, `:`): the same key again sets it once. */
  idempotencyKey: Scalars['String']['input'];
  /** What the block keeps out. */
  kind: BlockTarget;
  /** For ORGANISATION: the organisation number (9 digits). */
  orgNumber?: InputMaybe<Scalars['String']['input']>;
};

/** How severe a reaction is. */
export type Severity =
  /** Mild. */
  | 'MILD'
  /** Moderate. */
  | 'MODERATE'
  /** Severe (for example anaphylaxis). */
  | 'SEVERE';

/** Legal sex as registered. */
export type Sex =
  /** Female. */
  | 'FEMALE'
  /** Male. */
  | 'MALE';

/** How one source fared in answering this request. */
export type SourceState =
  /** The source answered something that is not a valid answer of its protocol. */
  | 'BAD_RESPONSE'
  /** No connected system holds this part of the record for this patient (for example no GP, or no municipality). */
  | 'NOT_APPLICABLE'
  /** The source answered. */
  | 'OK'
  /** The source for this part of the record could not be determined (its routing registry failed). */
  | 'ROUTING_FAILED'
  /** The source did not answer; its last answer, from the cache and younger than the source's stale limit, is shown. `dataAgeSeconds` says how old. */
  | 'STALE'
  /** The source did not answer within its timeout. */
  | 'TIMEOUT'
  /** The source could not be reached or answered with an error. */
  | 'UNAVAILABLE'
  /** Not shown to this reader: a parent of a child aged 12 to 15, where the part's systems do not mark what the child may keep from her parents (pbrl § 3-4). Not asked. */
  | 'WITHHELD';

/** Why a cell is not shown. */
export type SuppressionReason =
  /** Suppressed beside a small cell, so that a margin cannot give it back. */
  | 'COMPLEMENTARY'
  /** Fewer than the threshold. */
  | 'SMALL_CELL';

/** What kind of event a timeline entry is. */
export type TimelineEventKind =
  /** A municipal care service ended. */
  | 'CARE_SERVICE_ENDED'
  /** A municipal care service started. */
  | 'CARE_SERVICE_STARTED'
  /** Critical information (allergy, implant, complication) was recorded in the summary care record. */
  | 'CRITICAL_INFORMATION_RECORDED'
  /** The person died, according to the population register. */
  | 'DEATH'
  /** A medicine was dispensed at a pharmacy. */
  | 'DISPENSATION'
  /** A medicine dispenser's report: a dose not taken out or taken late, a fault or a refill needed. */
  | 'DISPENSER_EVENT'
  /** A consultation (in person, by phone or video) with the GP. */
  | 'GP_CONSULTATION'
  /** A referral (henvisning) from the GP to a hospital. */
  | 'GP_REFERRAL'
  /** An inpatient stay at a hospital, dated at admission. */
  | 'HOSPITAL_ADMISSION'
  /** An outpatient visit or emergency visit at a hospital. */
  | 'HOSPITAL_VISIT'
  /** A sample analysed by a medical laboratory, dated when it was taken; the analyses in the title. */
  | 'LAB_SAMPLE'
  /** A welfare technology alarm: the safety alarm pressed, a fall or a door sensor gone off (with whether it was handled). */
  | 'WELFARE_ALARM';

/** The order of a timeline. */
export type TimelineOrder =
  /** Newest event first. */
  | 'NEWEST_FIRST'
  /** Oldest event first. */
  | 'OLDEST_FIRST';

/** What kind of thing is coming up. */
export type UpcomingKind =
  /** An appointment booked at a hospital. */
  | 'APPOINTMENT'
  /** A consultation the GP has planned (kontroll). */
  | 'FOLLOW_UP'
  /** A referral waiting at a hospital: being assessed, or accepted and waiting for care to start. */
  | 'REFERRAL'
  /** A visit the municipal care service has planned. */
  | 'VISIT';

/** Where an upcoming item stands. */
export type UpcomingStatus =
  /** A referral accepted: the patient has a right to care that must start by the deadline. */
  | 'ACCEPTED'
  /** Booked (an appointment). */
  | 'BOOKED'
  /** Planned (a visit, a follow-up, an appointment not yet confirmed). */
  | 'PLANNED'
  /** A referral received and being assessed. */
  | 'RECEIVED';

/** How serious a warning is. */
export type WarningSeverity =
  /** Act before going on (a CDS Hooks card's critical). */
  | 'HIGH'
  /** For information (info); also a check that could not be made. */
  | 'LOW'
  /** Consider (warning). */
  | 'MODERATE';

/** Kinds of welfare technology device. */
export type WelfareDeviceKind =
  /** Blood pressure monitor. */
  | 'BLOOD_PRESSURE_MONITOR'
  /** Door sensor. */
  | 'DOOR_SENSOR'
  /** Fall sensor. */
  | 'FALL_SENSOR'
  /** Electronic medicine dispenser (medisindispenser). */
  | 'MEDICATION_DISPENSER'
  /** Other. */
  | 'OTHER'
  /** Pulse oximeter. */
  | 'PULSE_OXIMETER'
  /** Safety alarm (trygghetsalarm). */
  | 'SAFETY_ALARM'
  /** Scale. */
  | 'SCALE'
  /** The tablet the patient answers symptom forms and sends measurements on. */
  | 'TABLET'
  /** Thermometer. */
  | 'THERMOMETER';

/** Kinds of welfare technology event. */
export type WelfareEventKind =
  /** The safety alarm was pressed. */
  | 'ALARM'
  /** The dispenser failed, lost power or needs a refill. */
  | 'DISPENSER_FAULT'
  /** A door sensor reported the patient leaving at night. */
  | 'DOOR'
  /** A dose was taken out after its window. */
  | 'DOSE_LATE'
  /** A dose was not taken out of the dispenser within its window. */
  | 'DOSE_MISSED'
  /** A fall sensor went off. */
  | 'FALL'
  /** A home measurement outside the thresholds, as the platform raised it. */
  | 'MEASUREMENT_OUT_OF_RANGE';

/** Kinds of welfare technology device. */
export type WelfareTechnologyType =
  /** Door sensor. */
  | 'DOOR_SENSOR'
  /** Fall sensor. */
  | 'FALL_SENSOR'
  /** Electronic medication dispenser. */
  | 'MEDICATION_DISPENSER'
  /** A device the adapter could not classify. */
  | 'OTHER'
  /** Safety alarm (trygghetsalarm). */
  | 'SAFETY_ALARM';

/** An enum describing what kind of type a given `__Type` is. */
export type __TypeKind =
  /** Indicates this type is a scalar. */
  | 'SCALAR'
  /** Indicates this type is an object. `fields` and `interfaces` are valid fields. */
  | 'OBJECT'
  /** Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields. */
  | 'INTERFACE'
  /** Indicates this type is a union. `possibleTypes` is a valid field. */
  | 'UNION'
  /** Indicates this type is an enum. `enumValues` is a valid field. */
  | 'ENUM'
  /** Indicates this type is an input object. `inputFields` is a valid field. */
  | 'INPUT_OBJECT'
  /** Indicates this type is a list. `ofType` is a valid field. */
  | 'LIST'
  /** Indicates this type is a non-null. `ofType` is a valid field. */
  | 'NON_NULL';

export type PatientSummaryQueryVariables = Exact<{
  nin: Scalars['String']['input'];
}>;


export type PatientSummaryQuery = { __typename?: 'Query', patient?: { __typename?: 'Patient', id: string, birthDate?: string | null, name?: { __typename?: 'HumanName', text: string } | null, municipality?: { __typename?: 'Municipality', name?: string | null } | null, generalPractitioner?: { __typename?: 'GpListing', gp?: { __typename?: 'Practitioner', name?: { __typename?: 'HumanName', text: string } | null } | null, office?: { __typename?: 'GpOffice', name: string, recordSystem?: string | null } | null } | null, summaryRecord?: { __typename?: 'SummaryRecord', criticalInformation: Array<{ __typename?: 'CriticalInformation', type: CriticalInformationType, text: string, reaction?: string | null, severity?: Severity | null }> } | null, careRecord?: { __typename?: 'CareRecord', services: Array<{ __typename?: 'CareService', description: string, start: string, end?: string | null }>, visitsConnection?: { __typename?: 'CareVisitConnection', edges: Array<{ __typename?: 'CareVisitEdge', node: { __typename?: 'CareVisit', time: string, tasks: Array<string>, note?: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null } | null, gpRecord?: { __typename?: 'GpRecord', consultationsConnection?: { __typename?: 'ConsultationConnection', edges: Array<{ __typename?: 'ConsultationEdge', node: { __typename?: 'Consultation', time: string, reason?: { __typename?: 'Coding', code: string, display?: string | null } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null } | null, hospitalRecords?: Array<{ __typename?: 'HospitalRecord', hospital?: string | null, encounters: Array<{ __typename?: 'Encounter', class: EncounterClass, start: string, department?: string | null }> } | null> | null, medications?: Array<{ __typename?: 'MedicationListItem', name: string, atc?: string | null, status: MedicationStatus, hasDiscrepancy: boolean, discrepancies: Array<{ __typename?: 'MedicationDiscrepancy', kind: DiscrepancyKind, description: string }>, sources: Array<{ __typename?: 'Provenance', organisation: string }> }> | null, timelineConnection?: { __typename?: 'TimelineEventConnection', edges: Array<{ __typename?: 'TimelineEventEdge', node: { __typename?: 'TimelineEvent', day: string, at?: string | null, sector: Sector, title: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null, sources?: Array<{ __typename?: 'SourceStatus', sourceId: string, sector: Sector, state: SourceState, latencyMs?: number | null }> | null } | null };

export type PatientHeaderQueryVariables = Exact<{
  nin: Scalars['String']['input'];
}>;


export type PatientHeaderQuery = { __typename?: 'Query', patient?: { __typename?: 'Patient', id: string, birthDate?: string | null, name?: { __typename?: 'HumanName', text: string } | null, generalPractitioner?: { __typename?: 'GpListing', office?: { __typename?: 'GpOffice', name: string } | null } | null } | null };

export type SchemaCapabilitiesQueryVariables = Exact<{ [key: string]: never; }>;


export type SchemaCapabilitiesQuery = { __typename?: 'Query', mutation?: { __typename?: '__Type', fields?: Array<{ __typename?: '__Field', name: string }> | null } | null, patient?: { __typename?: '__Type', fields?: Array<{ __typename?: '__Field', name: string }> | null } | null, sendMessageInput?: { __typename?: '__Type', inputFields?: Array<{ __typename?: '__InputValue', name: string, type: { __typename?: '__Type', kind: __TypeKind } }> | null } | null };

export type MessageThreadFieldsFragment = { __typename?: 'MessageThread', conversationRef: string, subject: string, lastActivity: string, messages: Array<{ __typename?: 'Message', id: string, kind: MessageKind, sentAt: string, status: MessageStatus, subject: string, text: string, sender: { __typename?: 'MessageParty', herId: string, service?: string | null, name?: string | null }, recipient: { __typename?: 'MessageParty', herId: string, service?: string | null, name?: string | null } }> };

export type MyOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type MyOverviewQuery = { __typename?: 'Query', me?: { __typename?: 'Patient', nin: string, addressProtection?: AddressProtection | null, name?: { __typename?: 'HumanName', text: string } | null, careTeam?: Array<{ __typename?: 'CareTeamMember', role: CareTeamRole, name?: string | null, service?: string | null, organisation?: string | null, herId?: string | null, phone?: string | null, sector: Sector, start?: string | null, practitioner?: { __typename?: 'Practitioner', hprNumber: string, name?: { __typename?: 'HumanName', text: string } | null } | null }> | null, upcoming?: Array<{ __typename?: 'UpcomingItem', kind: UpcomingKind, day: string, at?: string | null, title: string, status: UpcomingStatus, deadline?: string | null, service?: string | null, organisation?: string | null, sector: Sector, practitioner?: { __typename?: 'Practitioner', name?: { __typename?: 'HumanName', text: string } | null } | null }> | null, medications?: Array<{ __typename?: 'MedicationListItem', name: string, status: MedicationStatus, hasDiscrepancy: boolean, discrepancies: Array<{ __typename?: 'MedicationDiscrepancy', kind: DiscrepancyKind, forPatient: string }> }> | null, accessLog?: Array<{ __typename?: 'AccessLogEntry', time: string, action: AccessAction, purpose: PurposeOfUse, emergency: boolean, emergencyReason?: string | null, accessor: { __typename?: 'Accessor', kind: AccessorKind, sector?: Sector | null, organisation?: string | null, orgNumber?: string | null, practitioner?: { __typename?: 'Practitioner', hprNumber: string, name?: { __typename?: 'HumanName', text: string } | null } | null } }> | null, messages?: Array<{ __typename?: 'MessageThread', conversationRef: string, subject: string, lastActivity: string, messages: Array<{ __typename?: 'Message', id: string, kind: MessageKind, sentAt: string, status: MessageStatus, subject: string, text: string, sender: { __typename?: 'MessageParty', herId: string, service?: string | null, name?: string | null }, recipient: { __typename?: 'MessageParty', herId: string, service?: string | null, name?: string | null } }> }> | null, hospitalRecords?: Array<{ __typename?: 'HospitalRecord', hospital?: string | null, orgNumber?: string | null, documents: Array<{ __typename?: 'ClinicalDocument', sourceId: string, kind: DocumentKind, date: string, title?: string | null, withheldFromPatient: boolean }> } | null> | null, generalPractitioner?: { __typename?: 'GpListing', office?: { __typename?: 'GpOffice', name: string, orgNumber?: string | null } | null } | null } | null };

export type MyMessagesQueryVariables = Exact<{ [key: string]: never; }>;


export type MyMessagesQuery = { __typename?: 'Query', me?: { __typename?: 'Patient', messages?: Array<{ __typename?: 'MessageThread', conversationRef: string, subject: string, lastActivity: string, messages: Array<{ __typename?: 'Message', id: string, kind: MessageKind, sentAt: string, status: MessageStatus, subject: string, text: string, sender: { __typename?: 'MessageParty', herId: string, service?: string | null, name?: string | null }, recipient: { __typename?: 'MessageParty', herId: string, service?: string | null, name?: string | null } }> }> | null } | null };

export type MyBlocksQueryVariables = Exact<{ [key: string]: never; }>;


export type MyBlocksQuery = { __typename?: 'Query', me?: { __typename?: 'Patient', blocks?: Array<{ __typename?: 'Block', id: string, kind: BlockKind, setByPatient: boolean, since?: string | null, holder?: string | null, organisation?: string | null, orgNumber?: string | null, documentIds: Array<string>, practitioner?: { __typename?: 'Practitioner', hprNumber: string, name?: { __typename?: 'HumanName', text: string } | null } | null }> | null } | null };

export type MyBlockFragment = { __typename?: 'Block', id: string, kind: BlockKind, setByPatient: boolean, since?: string | null, holder?: string | null, organisation?: string | null, orgNumber?: string | null, documentIds: Array<string>, practitioner?: { __typename?: 'Practitioner', hprNumber: string, name?: { __typename?: 'HumanName', text: string } | null } | null };

export type SetBlockMutationVariables = Exact<{
  input: SetBlockInput;
}>;


export type SetBlockMutation = { __typename?: 'Mutation', setBlock: { __typename?: 'BlockChangePayload', blockId: string, replayed: boolean } };

export type LiftBlockMutationVariables = Exact<{
  input: LiftBlockInput;
}>;


export type LiftBlockMutation = { __typename?: 'Mutation', liftBlock: { __typename?: 'BlockChangePayload', blockId: string, replayed: boolean } };

export type SendMessageMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type SendMessageMutation = { __typename?: 'Mutation', sendMessage: { __typename?: 'SendMessagePayload', replayed: boolean, message: { __typename?: 'Message', id: string, status: MessageStatus, sentAt: string } } };

export const MessageThreadFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageThreadFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageThread"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationRef"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivity"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"sender"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recipient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<MessageThreadFieldsFragment, unknown>;
export const MyBlockFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MyBlock"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Block"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"setByPatient"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"holder"}},{"kind":"Field","name":{"kind":"Name","value":"practitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hprNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"orgNumber"}},{"kind":"Field","name":{"kind":"Name","value":"documentIds"}}]}}]} as unknown as DocumentNode<MyBlockFragment, unknown>;
export const PatientSummaryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientSummary"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nin"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patient"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nin"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nin"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}},{"kind":"Field","name":{"kind":"Name","value":"municipality"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"generalPractitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"office"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"recordSystem"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"summaryRecord"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"criticalInformation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"reaction"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"careRecord"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}},{"kind":"Field","name":{"kind":"Name","value":"visitsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"tasks"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"gpRecord"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"consultationsConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"reason"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"display"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"hospitalRecords"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hospital"}},{"kind":"Field","name":{"kind":"Name","value":"encounters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"class"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"department"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"medications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"atc"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"hasDiscrepancy"}},{"kind":"Field","name":{"kind":"Name","value":"discrepancies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organisation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"timelineConnection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sourceId"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}}]}}]}}]}}]} as unknown as DocumentNode<PatientSummaryQuery, PatientSummaryQueryVariables>;
export const PatientHeaderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PatientHeader"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nin"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"patient"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"nin"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nin"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"birthDate"}},{"kind":"Field","name":{"kind":"Name","value":"generalPractitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"office"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PatientHeaderQuery, PatientHeaderQueryVariables>;
export const SchemaCapabilitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SchemaCapabilities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"mutation"},"name":{"kind":"Name","value":"__type"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"StringValue","value":"Mutation","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"patient"},"name":{"kind":"Name","value":"__type"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"StringValue","value":"Patient","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"sendMessageInput"},"name":{"kind":"Name","value":"__type"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"StringValue","value":"SendMessageInput","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inputFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]}}]}}]} as unknown as DocumentNode<SchemaCapabilitiesQuery, SchemaCapabilitiesQueryVariables>;
export const MyOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyOverview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nin"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"addressProtection"}},{"kind":"Field","name":{"kind":"Name","value":"careTeam"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includePast"},"value":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"practitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hprNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"phone"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}},{"kind":"Field","name":{"kind":"Name","value":"start"}}]}},{"kind":"Field","name":{"kind":"Name","value":"upcoming"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"practitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sector"}}]}},{"kind":"Field","name":{"kind":"Name","value":"medications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"hasDiscrepancy"}},{"kind":"Field","name":{"kind":"Name","value":"discrepancies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"forPatient"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"accessLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"emergency"}},{"kind":"Field","name":{"kind":"Name","value":"emergencyReason"}},{"kind":"Field","name":{"kind":"Name","value":"accessor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sector"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"orgNumber"}},{"kind":"Field","name":{"kind":"Name","value":"practitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hprNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MessageThreadFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hospitalRecords"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hospital"}},{"kind":"Field","name":{"kind":"Name","value":"orgNumber"}},{"kind":"Field","name":{"kind":"Name","value":"documents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sourceId"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"withheldFromPatient"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"generalPractitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"office"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"orgNumber"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageThreadFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageThread"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationRef"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivity"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"sender"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recipient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<MyOverviewQuery, MyOverviewQueryVariables>;
export const MyMessagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyMessages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MessageThreadFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageThreadFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MessageThread"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationRef"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivity"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"sender"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recipient"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"herId"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<MyMessagesQuery, MyMessagesQueryVariables>;
export const MyBlocksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyBlocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blocks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MyBlock"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MyBlock"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Block"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"setByPatient"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"holder"}},{"kind":"Field","name":{"kind":"Name","value":"practitioner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hprNumber"}},{"kind":"Field","name":{"kind":"Name","value":"name"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"orgNumber"}},{"kind":"Field","name":{"kind":"Name","value":"documentIds"}}]}}]} as unknown as DocumentNode<MyBlocksQuery, MyBlocksQueryVariables>;
export const SetBlockDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetBlock"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetBlockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setBlock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blockId"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<SetBlockMutation, SetBlockMutationVariables>;
export const LiftBlockDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LiftBlock"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LiftBlockInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"liftBlock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blockId"}},{"kind":"Field","name":{"kind":"Name","value":"replayed"}}]}}]}}]} as unknown as DocumentNode<LiftBlockMutation, LiftBlockMutationVariables>;
export const SendMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SendMessageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replayed"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}}]}}]}}]}}]} as unknown as DocumentNode<SendMessageMutation, SendMessageMutationVariables>;