import { entry } from '../../codelists';
import { osloLocalToUtc, utcToOsloOffsetDateTime } from '../../lib/osloTime';
import { ALLERGIES, CODE_SYSTEMS } from '../population/codes';
import { doseText, type CriticalInfo, type Dispensation, type SummaryRecord } from '../population';

/**
 * How Kjernejournal writes a person's summary: allergies as FHIR AllergyIntolerance resources, other
 * critical information (implants, anaesthesia complications) as Kjernejournal's own JSON elements, and
 * the dispensations from the pharmacies (utleveringer) in Norwegian field names, oldest first, as the
 * prescription intermediary delivers them. The answer never carries the identity number: it is bound to
 * the ticket the consumer presented.
 */

export const HPR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.4';
export const ATC_SYSTEM = `urn:oid:${CODE_SYSTEMS.atc}`;
const VERIFICATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

const KJ_TYPE: Record<Exclude<CriticalInfo['type'], 'ALLERGY'>, string> = {
  IMPLANT: 'implantat',
  ANAESTHESIA_COMPLICATION: 'anestesikomplikasjon',
};

const ALVORLIGHET: Record<NonNullable<CriticalInfo['severity']>, string> = { mild: 'lett', moderate: 'moderat', severe: 'alvorlig' };

/**
 * FHIR dateTime with the Norwegian offset, as the record stores registration times: a date in the
 * population becomes mid-morning local time (CET in winter, CEST in summer).
 */
export function localDateTime(date: string): string {
  return utcToOsloOffsetDateTime(osloLocalToUtc(`${date}T09:30:00`));
}

function allergyResource(ci: CriticalInfo): Record<string, unknown> {
  const category = ALLERGIES.find((a) => a.substance === ci.text && (a.atc ?? null) === ci.atc)?.category ?? (ci.atc ? 'medication' : 'environment');
  return {
    resourceType: 'AllergyIntolerance',
    id: ci.id,
    meta: { profile: ['http://ehelse.no/fhir/StructureDefinition/kj-AllergyIntolerance'] },
    clinicalStatus: { coding: [{ system: CLINICAL_SYSTEM, code: 'active' }] },
    verificationStatus: { coding: [{ system: VERIFICATION_SYSTEM, code: ci.verified ? 'confirmed' : 'unconfirmed' }] },
    type: 'allergy',
    category: [category],
    criticality: ci.severity === 'severe' ? 'high' : 'low',
    code: {
      // The coding carries the ATC class's own display; what the clinician wrote ("Penicilliner") is the text.
      ...(ci.atc ? { coding: [{ system: ATC_SYSTEM, code: ci.atc, display: entry('atc', ci.atc).display }] } : {}),
      text: ci.text,
    },
    recordedDate: localDateTime(ci.recorded),
    ...(ci.recordedBy ? { recorder: { identifier: { system: HPR_SYSTEM, value: ci.recordedBy } } } : {}),
    ...(ci.reaction
      ? { reaction: [{ manifestation: [{ text: ci.reaction }], ...(ci.severity ? { severity: ci.severity } : {}) }] }
      : {}),
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
    ...(ci.recordedBy ? { registrertAv: { identifier: { system: HPR_SYSTEM, value: ci.recordedBy } } } : {}),
  };
}

export function criticalInformation(ci: CriticalInfo): Record<string, unknown> {
  return ci.type === 'ALLERGY' ? allergyResource(ci) : kjElement({ ...ci, type: ci.type });
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
  };
}

/** One entry of the summaries answer: the patient's summary under the ticket that asked for it. */
export function summaryDocument(ticket: string, record: SummaryRecord): Record<string, unknown> {
  return {
    ticket,
    criticalInformation: record.criticalInfo.map(criticalInformation),
    // Oldest first, as the dispensations arrive from the pharmacies; consumers sort.
    dispensedMedications: [...record.dispensations].sort((a, b) => a.dispensed.localeCompare(b.dispensed)).map(dispensedMedication),
  };
}
