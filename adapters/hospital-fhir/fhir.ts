import { z } from 'zod';
import { CODE_SYSTEM, GP_REFERRAL_SYSTEM } from '../model';

/**
 * The part of FHIR R4 this adapter reads, as zod schemas. Only the elements the mapper uses are declared
 * (zod drops the rest); what is declared is checked, so a server that sends a list where FHIR has an
 * object, or a date FHIR does not allow, is a bad response rather than a silent gap.
 */
/** The identifier system of a block a patient set herself through the graph (its idempotency key). */
export const CITIZEN_BLOCK_SYSTEM = 'urn:x-patient-graph:identifier:citizen-block';

export const SYSTEM = {
  fnr: 'urn:oid:2.16.578.1.12.4.1.4.1',
  dnr: 'urn:oid:2.16.578.1.12.4.1.4.2',
  hnr: 'urn:oid:2.16.578.1.12.4.1.4.3',
  hpr: 'urn:oid:2.16.578.1.12.4.1.4.4',
  orgNumber: 'urn:oid:2.16.578.1.12.4.1.4.101',
  icd10: CODE_SYSTEM.icd10,
  atc: CODE_SYSTEM.atc,
  loinc: CODE_SYSTEM.loinc,
  nlk: CODE_SYSTEM.nlk,
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  gpReferral: GP_REFERRAL_SYSTEM,
  /** HER-id (Adresseregisteret): a department is reached by it. */
  herId: 'urn:oid:2.16.578.1.12.4.1.2',
  /** Roles in the care team: the project's own list (codelists/local.json). */
  careTeamRole: 'urn:x-patient-graph:codesystem:care-team-role',
} as const;

/** Identity-number systems a Patient may be known under (fødselsnummer, D-number, help number). */
export const NIN_SYSTEMS: readonly string[] = [SYSTEM.fnr, SYSTEM.dnr, SYSTEM.hnr];

// FHIR date (full dates only: the model has no partial dates) and dateTime (a time needs a zone).
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;
export const fhirDate = z.string().regex(DATE);
export const fhirDateTime = z.string().refine((v) => DATE.test(v) || DATE_TIME.test(v), 'not a FHIR date or dateTime');

const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
const codeableConcept = z.object({ coding: z.array(coding).optional(), text: z.string().optional() });
const identifier = z.object({ system: z.string().optional(), value: z.string().optional() });
const reference = z.object({ reference: z.string().optional(), identifier: identifier.optional(), display: z.string().optional() });
const subject = z.object({ reference: z.string().min(1) });
const period = z.object({ start: fhirDateTime.optional(), end: fhirDateTime.optional() });
const quantity = z.object({ value: z.number().optional(), unit: z.string().optional(), system: z.string().optional(), code: z.string().optional() });

export const patientSchema = z.object({
  resourceType: z.literal('Patient'),
  id,
  identifier: z.array(identifier).min(1),
});

/** A resource contained in another; only a contained ServiceRequest's identifiers are read (the referral an encounter was based on). */
const contained = z.looseObject({ resourceType: z.string(), id: z.string().optional(), identifier: z.array(identifier).optional() });

export const encounterSchema = z.object({
  resourceType: z.literal('Encounter'),
  id,
  contained: z.array(contained).optional(),
  basedOn: z.array(reference).optional(),
  status: z.string(),
  class: coding,
  serviceType: codeableConcept.optional(),
  type: z.array(codeableConcept).optional(),
  subject,
  participant: z.array(z.object({ individual: reference.optional() })).optional(),
  period: z.object({ start: fhirDateTime, end: fhirDateTime.optional() }),
  diagnosis: z.array(z.object({ condition: reference, rank: z.number().int().positive().optional() })).optional(),
});

export const conditionSchema = z.object({
  resourceType: z.literal('Condition'),
  id,
  verificationStatus: codeableConcept.optional(),
  code: codeableConcept,
  subject,
  encounter: reference.optional(),
  recordedDate: fhirDateTime.optional(),
});

const dosage = z.object({
  text: z.string().optional(),
  asNeededBoolean: z.boolean().optional(),
  timing: z
    .object({
      repeat: z
        .object({ frequency: z.number().int().positive().optional(), period: z.number().positive().optional(), periodUnit: z.string().optional() })
        .optional(),
    })
    .optional(),
  doseAndRate: z.array(z.object({ doseQuantity: quantity.optional() })).optional(),
});

export const medicationStatementSchema = z.object({
  resourceType: z.literal('MedicationStatement'),
  id,
  status: z.string(),
  medicationCodeableConcept: codeableConcept.optional(),
  medicationReference: reference.optional(),
  subject,
  effectivePeriod: period.optional(),
  effectiveDateTime: fhirDateTime.optional(),
  informationSource: reference.optional(),
  dosage: z.array(dosage).optional(),
  note: z.array(z.object({ text: z.string() })).optional(),
});

export const documentReferenceSchema = z.object({
  resourceType: z.literal('DocumentReference'),
  id,
  meta: z.object({ security: z.array(coding).optional() }).optional(),
  status: z.string(),
  type: codeableConcept.optional(),
  subject,
  date: fhirDateTime,
  author: z.array(reference).optional(),
  context: z.object({ encounter: z.array(reference).optional() }).optional(),
  content: z
    .array(
      z.object({
        attachment: z.object({
          contentType: z.string().optional(),
          // Strict base64: a value that is not base64 is a broken answer, not text to guess at.
          data: z.string().regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/).optional(),
          url: z.string().optional(),
          title: z.string().optional(),
        }),
      }),
    )
    .min(1),
});

export const observationSchema = z.object({
  resourceType: z.literal('Observation'),
  id,
  status: z.string(),
  category: z.array(codeableConcept).optional(),
  code: codeableConcept,
  subject,
  encounter: reference.optional(),
  effectiveDateTime: fhirDateTime,
  valueQuantity: quantity.optional(),
  referenceRange: z.array(z.object({ low: quantity.optional(), high: quantity.optional() })).optional(),
});

/** A Consent's patient, as the clinical resources' subject: the resource is tied to its patient through it. */
const patientRef = z.object({ reference: z.string().min(1) });

/**
 * A provision of a Consent: a rule (`deny` or `permit`) for some actors and some data, with nested
 * provisions as exceptions to it. Loose, so that the mapper can see elements it does not read (a period,
 * a security label): an exception narrowed by something unread is not honoured as an exception.
 */
export interface ConsentProvision {
  type?: 'deny' | 'permit' | undefined;
  actor?: { role?: FhirCodeableConcept | undefined; reference: FhirReference }[] | undefined;
  data?: { meaning: string; reference: FhirReference }[] | undefined;
  provision?: ConsentProvision[] | undefined;
  [element: string]: unknown;
}

const provision: z.ZodType<ConsentProvision> = z.lazy(() =>
  z.looseObject({
    type: z.enum(['deny', 'permit']).optional(),
    actor: z.array(z.object({ role: codeableConcept.optional(), reference })).optional(),
    data: z.array(z.object({ meaning: z.string(), reference })).optional(),
    provision: z.array(provision).optional(),
  }),
);

export const consentSchema = z.object({
  resourceType: z.literal('Consent'),
  id,
  status: z.string(),
  patient: patientRef,
  /** A block the patient set herself carries her identifier for it (CITIZEN_BLOCK_SYSTEM); the hospital's own have none. */
  identifier: z.array(z.object({ system: z.string().optional(), value: z.string().optional() })).optional(),
  dateTime: z.string().optional(),
  provision: provision.optional(),
});

export const episodeOfCareSchema = z.object({
  resourceType: z.literal('EpisodeOfCare'),
  id,
  status: z.string(),
  type: z.array(codeableConcept).optional(),
  patient: patientRef,
  managingOrganization: reference.optional(),
  period: period.optional(),
  /** The responsible physician (pasientansvarlig lege). */
  careManager: reference.optional(),
  team: z.array(reference).optional(),
});

/** A care team of an episode: its participants (the contact person) with their roles and periods. */
export const careTeamSchema = z.object({
  resourceType: z.literal('CareTeam'),
  id,
  status: z.string().optional(),
  name: z.string().optional(),
  subject,
  period: period.optional(),
  participant: z
    .array(z.object({ role: z.array(codeableConcept).optional(), member: reference.optional(), onBehalfOf: reference.optional(), period: period.optional() }))
    .optional(),
  managingOrganization: z.array(reference).optional(),
});

/** A booked appointment; its patient is one of its participants. */
export const appointmentSchema = z.object({
  resourceType: z.literal('Appointment'),
  id,
  status: z.string(),
  serviceType: z.array(codeableConcept).optional(),
  description: z.string().optional(),
  start: fhirDateTime.optional(),
  end: fhirDateTime.optional(),
  basedOn: z.array(reference).optional(),
  participant: z.array(z.object({ type: z.array(codeableConcept).optional(), actor: reference.optional(), status: z.string().optional() })).min(1),
});

/** The answer to a referral: a Task with the referral in focus. */
export const taskSchema = z.object({
  resourceType: z.literal('Task'),
  id,
  status: z.string(),
  statusReason: codeableConcept.optional(),
  businessStatus: codeableConcept.optional(),
  focus: reference.optional(),
  for: subject,
  authoredOn: fhirDateTime.optional(),
  lastModified: fhirDateTime.optional(),
  owner: reference.optional(),
  restriction: z.object({ period: period.optional() }).optional(),
  note: z.array(z.object({ text: z.string(), authorReference: reference.optional() })).optional(),
});

export type Patient = z.infer<typeof patientSchema>;
export type Encounter = z.infer<typeof encounterSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type MedicationStatement = z.infer<typeof medicationStatementSchema>;
export type DocumentReference = z.infer<typeof documentReferenceSchema>;
export type Observation = z.infer<typeof observationSchema>;
export type Consent = z.infer<typeof consentSchema>;
export type EpisodeOfCare = z.infer<typeof episodeOfCareSchema>;
export type CareTeam = z.infer<typeof careTeamSchema>;
export type Appointment = z.infer<typeof appointmentSchema>;
export type Task = z.infer<typeof taskSchema>;
export type FhirCoding = z.infer<typeof coding>;
export type FhirCodeableConcept = z.infer<typeof codeableConcept>;
export type FhirReference = z.infer<typeof reference>;

/** A searchset page. Entries are checked per resource type by the mapper, so errors name the entry. */
export const searchBundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  total: z.number().int().nonnegative().optional(),
  link: z.array(z.object({ relation: z.string(), url: z.string().min(1) })).optional(),
  entry: z
    .array(
      z.object({
        fullUrl: z.string().optional(),
        resource: z.looseObject({ resourceType: z.string().min(1) }),
        search: z.object({ mode: z.enum(['match', 'include', 'outcome']).optional() }).optional(),
      }),
    )
    .optional(),
});

export type SearchEntry = NonNullable<z.infer<typeof searchBundleSchema>['entry']>[number];
