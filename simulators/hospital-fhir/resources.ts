import { utcToOsloOffsetDateTime } from '../../lib/osloTime';
import { CODE_SYSTEMS, doseText } from '../population';
import type { ClinicalDocument, Episode, HospitalRecord, LabResult, MedicationUse, Person, Practitioner } from '../population';

/**
 * The projection of one hospital record into FHIR R4 resources, as DIPS Arena's FHIR API shows them.
 * Quirks kept on purpose: date-times are written in Norwegian local time with an offset (+01:00/+02:00),
 * codes carry Volven OID URNs, practitioners are referenced by HPR identifier rather than by a
 * Practitioner resource, and document text travels base64-encoded inside the DocumentReference.
 */
export const SYSTEM = {
  fnr: 'urn:oid:2.16.578.1.12.4.1.4.1',
  dnr: 'urn:oid:2.16.578.1.12.4.1.4.2',
  hnr: 'urn:oid:2.16.578.1.12.4.1.4.3',
  hpr: 'urn:oid:2.16.578.1.12.4.1.4.4',
  orgNumber: 'urn:oid:2.16.578.1.12.4.1.4.101',
  icd10: `urn:oid:${CODE_SYSTEMS.icd10}`,
  atc: `urn:oid:${CODE_SYSTEMS.atc}`,
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  dataAbsentReason: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
} as const;

export type Resource = { resourceType: string; id: string } & Record<string, unknown>;

/** What the projection needs to know besides the record itself. */
export interface ProjectionContext {
  hospital: { orgNumber: string; name: string };
  practitioners: Map<string, Practitioner>;
}

const CLASS: Record<Episode['kind'], { code: string; display: string }> = {
  inpatient: { code: 'IMP', display: 'inpatient encounter' },
  outpatient: { code: 'AMB', display: 'ambulatory' },
  emergency: { code: 'EMER', display: 'emergency' },
};

const DOCUMENT_TYPE: Record<ClinicalDocument['kind'], { code: string; display: string }> = {
  'discharge-summary': { code: '18842-5', display: 'Discharge summary' },
  'outpatient-note': { code: '11488-4', display: 'Consult note' },
};

function practitionerRef(hpr: string, ctx: ProjectionContext): Record<string, unknown> {
  const p = ctx.practitioners.get(hpr);
  return { identifier: { system: SYSTEM.hpr, value: hpr }, ...(p ? { display: `${p.givenName} ${p.familyName}` } : {}) };
}

/** UCUM codes are ASCII: the display unit µmol/L is coded umol/L. */
function quantity(value: number, unit: string): Record<string, unknown> {
  return { value, unit, system: SYSTEM.ucum, code: unit.replace('µ', 'u') };
}

export const conditionId = (episode: Episode, index: number) => `${episode.id}-dx${index + 1}`;

export function patientResource(person: Person, record: HospitalRecord, ctx: ProjectionContext): Resource {
  return {
    resourceType: 'Patient',
    id: record.localId,
    identifier: [{ use: 'official', system: person.kind === 'DNR' ? SYSTEM.dnr : SYSTEM.fnr, value: person.nin }],
    active: true,
    name: [{ use: 'official', family: person.familyName, given: [person.givenName, ...(person.middleName ? [person.middleName] : [])] }],
    gender: person.sex,
    birthDate: person.birthDate,
    ...(person.deceasedDate ? { deceasedDateTime: person.deceasedDate } : { deceasedBoolean: false }),
    managingOrganization: { identifier: { system: SYSTEM.orgNumber, value: ctx.hospital.orgNumber }, display: ctx.hospital.name },
  };
}

export function encounterResource(episode: Episode, subject: string, ctx: ProjectionContext): Resource {
  let secondary = 1;
  return {
    resourceType: 'Encounter',
    id: episode.id,
    status: 'finished',
    class: { system: SYSTEM.actCode, ...CLASS[episode.kind] },
    serviceType: { text: episode.department },
    subject: { reference: subject },
    participant: [
      {
        type: [{ coding: [{ system: SYSTEM.participationType, code: 'ATND', display: 'attender' }] }],
        individual: practitionerRef(episode.hprNumber, ctx),
      },
    ],
    period: { start: utcToOsloOffsetDateTime(episode.start), end: utcToOsloOffsetDateTime(episode.end) },
    diagnosis: episode.diagnoses.map((d, i) => ({
      condition: { reference: `Condition/${conditionId(episode, i)}` },
      use: { coding: [{ system: SYSTEM.diagnosisRole, code: 'DD', display: 'Discharge diagnosis' }] },
      rank: d.primary ? 1 : ++secondary,
    })),
    serviceProvider: { identifier: { system: SYSTEM.orgNumber, value: ctx.hospital.orgNumber }, display: ctx.hospital.name },
  };
}

export function conditionResources(episode: Episode, subject: string): Resource[] {
  return episode.diagnoses.map((d, i) => ({
    resourceType: 'Condition',
    id: conditionId(episode, i),
    verificationStatus: { coding: [{ system: SYSTEM.conditionVerification, code: 'confirmed' }] },
    category: [{ coding: [{ system: SYSTEM.conditionCategory, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] }],
    code: { coding: [{ system: SYSTEM.icd10, code: d.code, display: d.text }], text: d.text },
    subject: { reference: subject },
    encounter: { reference: `Encounter/${episode.id}` },
    recordedDate: utcToOsloOffsetDateTime(episode.end),
  }));
}

export function medicationStatementResource(m: MedicationUse, subject: string, ctx: ProjectionContext): Resource {
  return {
    resourceType: 'MedicationStatement',
    id: m.id,
    status: m.status,
    medicationCodeableConcept: { coding: [{ system: SYSTEM.atc, code: m.atc, display: m.name }], text: `${m.name} ${m.strength}` },
    subject: { reference: subject },
    effectivePeriod: { start: m.startDate, ...(m.endDate ? { end: m.endDate } : {}) },
    informationSource: practitionerRef(m.hprNumber, ctx),
    dosage: [
      {
        text: doseText(m),
        timing: { repeat: { frequency: m.dose.timesPerDay, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: m.dose.amount, unit: m.dose.unit } }],
      },
    ],
    ...(m.note ? { note: [{ text: m.note }] } : {}),
  };
}

export function documentReferenceResource(doc: ClinicalDocument, subject: string, ctx: ProjectionContext): Resource {
  const base = {
    resourceType: 'DocumentReference',
    id: doc.id,
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: SYSTEM.loinc, ...DOCUMENT_TYPE[doc.kind] }] },
    subject: { reference: subject },
    date: utcToOsloOffsetDateTime(doc.date),
  };
  if (doc.blocked) {
    // The patient has blocked this document (pjl § 17). A system honouring the block tells that a
    // document exists (id, type, date) and marks it restricted, but releases neither its content, its
    // title, its author nor its encounter: each could reveal what the patient chose to hide.
    return {
      ...base,
      meta: { security: [{ system: SYSTEM.confidentiality, code: 'R', display: 'restricted' }] },
      content: [{ attachment: { extension: [{ url: SYSTEM.dataAbsentReason, valueCode: 'masked' }] } }],
    };
  }
  return {
    ...base,
    meta: { security: [{ system: SYSTEM.confidentiality, code: 'N', display: 'normal' }] },
    author: [practitionerRef(doc.authorHpr, ctx)],
    context: { encounter: [{ reference: `Encounter/${doc.episodeId}` }] },
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'nb',
          data: Buffer.from(doc.text, 'utf8').toString('base64'),
          title: doc.title,
          creation: utcToOsloOffsetDateTime(doc.date),
        },
      },
    ],
  };
}

export function observationResource(lab: LabResult, subject: string): Resource {
  return {
    resourceType: 'Observation',
    id: lab.id,
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [{ system: SYSTEM.loinc, code: lab.loinc, display: lab.text }], text: lab.text },
    subject: { reference: subject },
    encounter: { reference: `Encounter/${lab.episodeId}` },
    effectiveDateTime: utcToOsloOffsetDateTime(lab.time),
    valueQuantity: quantity(lab.value, lab.unit),
    referenceRange: [{ low: quantity(lab.low, lab.unit), high: quantity(lab.high, lab.unit) }],
  };
}

/** Resource types a search may `_revinclude` (always through `subject`). */
export const REVINCLUDABLE = ['Encounter', 'Condition', 'MedicationStatement', 'DocumentReference', 'Observation'] as const;
export type RevIncludable = (typeof REVINCLUDABLE)[number];

/** The resources of one record that point at its patient, by type. */
export function includedResources(record: HospitalRecord, ctx: ProjectionContext): Record<RevIncludable, Resource[]> {
  const subject = `Patient/${record.localId}`;
  return {
    Encounter: record.episodes.map((e) => encounterResource(e, subject, ctx)),
    Condition: record.episodes.flatMap((e) => conditionResources(e, subject)),
    MedicationStatement: record.medications.map((m) => medicationStatementResource(m, subject, ctx)),
    DocumentReference: record.documents.map((d) => documentReferenceResource(d, subject, ctx)),
    Observation: record.labs.map((l) => observationResource(l, subject)),
  };
}
