import { createHmac } from 'node:crypto';
import { entry } from '../../codelists';
import { osloLocalToUtc, utcToOsloOffsetDateTime } from '../../lib/osloTime';
import { ALLERGIES, CODE_SYSTEMS } from '../population/codes';
import { doseText, type CriticalInfo, type Dispensation, type SummaryRecord } from '../population';

/**
 * How Kjernejournal writes a person's summary: the patient as the record's own logical id (never the
 * identity number: the answer is bound to the ticket the consumer presented), allergies as FHIR R4
 * AllergyIntolerance resources and implants as FHIR R4 Device resources, each referring to that patient, in
 * lists of their own; other critical information (anaesthesia complications) as Kjernejournal's own JSON
 * elements; and the dispensations from the pharmacies (utleveringer) in Norwegian field names, oldest first,
 * as the prescription intermediary delivers them. A dispensation a patient aged 12–15 has kept from her parents
 * (pbrl § 3-4) says so: `skjermetForForesatte: true` (absent otherwise).
 */

export const HPR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.4';
export const ATC_SYSTEM = `urn:oid:${CODE_SYSTEMS.atc}`;
const VERIFICATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

/** Kjernejournal's own element types, for critical information FHIR has no resource for here. */
const KJ_TYPE: Record<Exclude<CriticalInfo['type'], 'ALLERGY' | 'IMPLANT'>, string> = {
  ANAESTHESIA_COMPLICATION: 'anestesikomplikasjon',
};

/** The simulated record's key for its own patient ids (a pseudonym of the identity number, stable per person). */
const PATIENT_ID_KEY = 'kjernejournal-simulator:patient-id';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * The record's logical id for a person: opaque, the same for every ticket, and no digits (so that it can never
 * be mistaken for, or hide, an identity number).
 */
export function kjPatientId(nin: string): string {
  const digest = createHmac('sha256', PATIENT_ID_KEY).update(nin).digest();
  return `kjp-${[...digest.subarray(0, 16)].map((b) => LETTERS[b % LETTERS.length]).join('')}`;
}

/** The reference every resource of a person's summary carries to that person. */
export function kjPatientReference(nin: string): { reference: string } {
  return { reference: `Patient/${kjPatientId(nin)}` };
}

const ALVORLIGHET: Record<NonNullable<CriticalInfo['severity']>, string> = { mild: 'lett', moderate: 'moderat', severe: 'alvorlig' };

/**
 * FHIR dateTime with the Norwegian offset, as the record stores registration times: a date in the
 * population becomes mid-morning local time (CET in winter, CEST in summer).
 */
export function localDateTime(date: string): string {
  return utcToOsloOffsetDateTime(osloLocalToUtc(`${date}T09:30:00`));
}

const registeredBy = (hpr: string) => ({ identifier: { system: HPR_SYSTEM, value: hpr } });

/** An allergy as a FHIR R4 AllergyIntolerance of the patient: status, category, criticality, substance, reaction. */
export function allergyResource(ci: CriticalInfo, patient: { reference: string }): Record<string, unknown> {
  const category = ALLERGIES.find((a) => a.substance === ci.text && (a.atc ?? null) === ci.atc)?.category ?? (ci.atc ? 'medication' : 'environment');
  return {
    resourceType: 'AllergyIntolerance',
    id: ci.id,
    meta: { profile: ['http://ehelse.no/fhir/StructureDefinition/kj-AllergyIntolerance'] },
    clinicalStatus: { coding: [{ system: CLINICAL_SYSTEM, code: 'active', display: 'Active' }] },
    verificationStatus: {
      coding: [{ system: VERIFICATION_SYSTEM, code: ci.verified ? 'confirmed' : 'unconfirmed', display: ci.verified ? 'Confirmed' : 'Unconfirmed' }],
    },
    type: 'allergy',
    category: [category],
    criticality: ci.severity === 'severe' ? 'high' : 'low',
    code: {
      // The coding carries the ATC class's own display; what the clinician wrote ("Penicilliner") is the text.
      ...(ci.atc ? { coding: [{ system: ATC_SYSTEM, code: ci.atc, display: entry('atc', ci.atc).display }] } : {}),
      text: ci.text,
    },
    patient,
    recordedDate: localDateTime(ci.recorded),
    ...(ci.recordedBy ? { recorder: registeredBy(ci.recordedBy) } : {}),
    ...(ci.reaction
      ? { reaction: [{ manifestation: [{ text: ci.reaction }], ...(ci.severity ? { severity: ci.severity } : {}) }] }
      : {}),
  };
}

/**
 * An implant as a FHIR R4 Device of the patient, in use; when and by whom it was registered as critical
 * information is a note on it (a Device has no recorder of its own).
 */
export function implantResource(ci: CriticalInfo, patient: { reference: string }): Record<string, unknown> {
  return {
    resourceType: 'Device',
    id: ci.id,
    status: 'active',
    type: { text: ci.text },
    patient,
    note: [
      {
        ...(ci.recordedBy ? { authorReference: registeredBy(ci.recordedBy) } : {}),
        time: localDateTime(ci.recorded),
        text: 'Registrert som kritisk informasjon (implantat).',
      },
    ],
  };
}

function kjElement(ci: CriticalInfo & { type: keyof typeof KJ_TYPE }): Record<string, unknown> {
  return {
    type: KJ_TYPE[ci.type],
    id: ci.id,
    beskrivelse: ci.text,
    ...(ci.reaction ? { reaksjon: ci.reaction } : {}),
    ...(ci.severity ? { alvorlighetsgrad: ALVORLIGHET[ci.severity] } : {}),
    verifisert: ci.verified,
    registrertDato: localDateTime(ci.recorded),
    ...(ci.recordedBy ? { registrertAv: registeredBy(ci.recordedBy) } : {}),
  };
}

/** One piece of critical information as the record writes it: an AllergyIntolerance, a Device or its own element. */
export function criticalInformation(ci: CriticalInfo, patient: { reference: string }): Record<string, unknown> {
  if (ci.type === 'ALLERGY') return allergyResource(ci, patient);
  if (ci.type === 'IMPLANT') return implantResource(ci, patient);
  return kjElement({ ...ci, type: ci.type });
}

export function dispensedMedication(d: Dispensation): Record<string, unknown> {
  return {
    utleveringId: d.id,
    atc: d.atc,
    varenavn: d.name,
    styrke: d.strength,
    legemiddelform: d.form,
    dosering: { tekst: doseText(d), mengde: d.dose.amount, enhet: d.dose.unit, antallPerDogn: d.dose.timesPerDay },
    utlevertDato: d.dispensed,
    antallPakninger: d.packages,
    apotek: d.pharmacy,
    forskriverHpr: d.prescriberHpr,
    ...(d.keptFromParents ? { skjermetForForesatte: true } : {}),
  };
}

/**
 * One entry of the summaries answer: the patient's summary under the ticket that asked for it. `patient` is the
 * reference every FHIR resource in it carries; allergies, implants and other critical information each have
 * their own list.
 */
export function summaryDocument(ticket: string, nin: string, record: SummaryRecord): Record<string, unknown> {
  const patient = kjPatientReference(nin);
  const of = (type: CriticalInfo['type']) => record.criticalInfo.filter((ci) => ci.type === type);
  return {
    ticket,
    patient,
    allergies: of('ALLERGY').map((ci) => allergyResource(ci, patient)),
    implants: of('IMPLANT').map((ci) => implantResource(ci, patient)),
    otherCriticalInformation: record.criticalInfo.filter((ci) => ci.type !== 'ALLERGY' && ci.type !== 'IMPLANT').map((ci) => criticalInformation(ci, patient)),
    // Oldest first, as the dispensations arrive from the pharmacies; consumers sort.
    dispensedMedications: [...record.dispensations].sort((a, b) => a.dispensed.localeCompare(b.dispensed)).map(dispensedMedication),
  };
}
