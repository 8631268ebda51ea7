import { utcToOsloOffsetDateTime } from '../../lib/osloTime';
import { CODE_SYSTEMS, doseText } from '../population';
import type { CareEpisode, ClinicalDocument, Episode, HospitalAppointment, HospitalRecord, LabResult, MedicationUse, Person, Practitioner, ReferralAnswer } from '../population';
import { dateOf, instantOf } from '../population/clock';
import { LOCAL_SYSTEM, localEntry } from '../../codelists';

/**
 * The projection of one hospital record into FHIR R4 resources, as DIPS Arena's FHIR API shows them.
 * Quirks kept on purpose: date-times are written in Norwegian local time with an offset (+01:00/+02:00),
 * codes carry Volven OID URNs, practitioners are referenced by HPR identifier rather than by a
 * Practitioner resource, and document text travels base64-encoded inside the DocumentReference.
 * The patient's blocks (sperring) travel as Consent resources beside the data they cover.
 */
export const SYSTEM = {
  fnr: 'urn:oid:2.16.578.1.12.4.1.4.1',
  dnr: 'urn:oid:2.16.578.1.12.4.1.4.2',
  hnr: 'urn:oid:2.16.578.1.12.4.1.4.3',
  hpr: 'urn:oid:2.16.578.1.12.4.1.4.4',
  orgNumber: 'urn:oid:2.16.578.1.12.4.1.4.101',
  icd10: `urn:oid:${CODE_SYSTEMS.icd10}`,
  atc: `urn:oid:${CODE_SYSTEMS.atc}`,
  nlk: `urn:oid:${CODE_SYSTEMS.nlk}`,
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  icpc2: `urn:oid:${CODE_SYSTEMS.icpc2}`,
  /** The GP record's own id for a referral (henvisning), as the hospital registers it on receipt: this project's URN. */
  gpReferral: 'urn:x-patient-graph:identifier:gp-referral',
  /** HER-id, the address register's (Adresseregisteret) id of a service: what a department is reached by. */
  herId: 'urn:oid:2.16.578.1.12.4.1.2',
  /** Roles in the care team (kontaktperson, …): this project's own list (codelists/local.json). */
  careTeamRole: LOCAL_SYSTEM.careTeamRole,
} as const;

export type Resource = { resourceType: string; id: string } & Record<string, unknown>;

/** What the projection needs to know besides the record itself. */
export interface ProjectionContext {
  hospital: { orgNumber: string; name: string };
  practitioners: Map<string, Practitioner>;
  /** The hospital's departments' HER-ids, by name (organisations.json), for what names a department. */
  departments?: ReadonlyMap<string, string>;
  /** The moment the answer is made, which dates what is planned (population/clock.ts); now by default. */
  now?: Date;
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
  // The population keeps lab units as UCUM codes (umol/L, m[IU]/L), so unit and code agree.
  return { value, unit, system: SYSTEM.ucum, code: unit };
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

const organisationRef = (ctx: ProjectionContext) => ({ identifier: { system: SYSTEM.orgNumber, value: ctx.hospital.orgNumber }, display: ctx.hospital.name });

/** The id, inside its Encounter, of the referral the encounter was based on. */
export const REFERRAL_CONTAINED_ID = 'henvisning';

/**
 * The GP's referral an encounter came from, as the hospital registered it: a ServiceRequest contained in the
 * Encounter (it exists here only as the hospital's copy), identified by the GP record's own referral id.
 */
function referralRequest(referral: NonNullable<Episode['referral']>, subject: string, ctx: ProjectionContext): Resource {
  return {
    resourceType: 'ServiceRequest',
    id: REFERRAL_CONTAINED_ID,
    identifier: [{ system: SYSTEM.gpReferral, value: referral.id }],
    status: 'completed',
    intent: 'order',
    subject: { reference: subject },
    authoredOn: referral.date,
    requester: practitionerRef(referral.hprNumber, ctx),
    performer: [organisationRef(ctx)],
    reasonCode: [{ coding: [{ system: SYSTEM.icpc2, code: referral.reason.code, display: referral.reason.text }], text: referral.reason.text }],
  };
}

export function encounterResource(episode: Episode, subject: string, ctx: ProjectionContext): Resource {
  let secondary = 1;
  return {
    resourceType: 'Encounter',
    id: episode.id,
    ...(episode.referral ? { contained: [referralRequest(episode.referral, subject, ctx)] } : {}),
    status: 'finished',
    class: { system: SYSTEM.actCode, ...CLASS[episode.kind] },
    serviceType: { text: episode.department },
    subject: { reference: subject },
    ...(episode.referral ? { basedOn: [{ reference: `#${REFERRAL_CONTAINED_ID}`, type: 'ServiceRequest' }] } : {}),
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
        ...(m.dose.asNeeded ? { asNeededBoolean: true } : {}),
        // Weekly dosing as FHIR writes it: once per 1 wk (not 1/7 per day).
        timing: { repeat: m.dose.intervalDays === 7 ? { frequency: m.dose.timesPerDay, period: 1, periodUnit: 'wk' } : { frequency: m.dose.timesPerDay, period: m.dose.intervalDays ?? 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: m.dose.amount, unit: m.dose.unit } }],
      },
    ],
    ...(m.note ? { note: [{ text: m.note }] } : {}),
  };
}

const RESTRICTED = { system: SYSTEM.confidentiality, code: 'R', display: 'restricted' };
const NORMAL = { system: SYSTEM.confidentiality, code: 'N', display: 'normal' };
const NOPAT = { system: SYSTEM.actCode, code: 'NOPAT', display: "no disclosure to patient, family or caregivers without attending provider's authorization" };

export function documentReferenceResource(doc: ClinicalDocument, subject: string, ctx: ProjectionContext): Resource {
  // A blocked document is sent in full, labelled restricted, with the block itself as a Consent beside it.
  // The graph caches a source's answer once for every reader and decides per reader what each may see:
  // the block travels with the data and the graph enforces it, instead of this server answering each
  // reader differently (it cannot: it sees one client, the graph, not the person reading).
  const security = [doc.blocked ? RESTRICTED : NORMAL, ...(doc.withheldFromPatient ? [NOPAT] : [])];
  return {
    resourceType: 'DocumentReference',
    id: doc.id,
    meta: { security },
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: SYSTEM.loinc, ...DOCUMENT_TYPE[doc.kind] }] },
    subject: { reference: subject },
    date: utcToOsloOffsetDateTime(doc.date),
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

/** The actor of a consent provision is the one who would receive the information. */
const RECIPIENT = { coding: [{ system: SYSTEM.participationType, code: 'IRCP', display: 'information recipient' }] };

/** What every block (sperring) shares: a privacy consent under pjl § 17, held by this hospital. */
function blockConsent(id: string, patient: string, ctx: ProjectionContext, dateTime: string | null, provision: Record<string, unknown>): Resource {
  return {
    resourceType: 'Consent',
    id,
    status: 'active',
    scope: { coding: [{ system: SYSTEM.consentScope, code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: SYSTEM.loinc, code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: patient },
    ...(dateTime ? { dateTime } : {}),
    organization: [organisationRef(ctx)],
    policyRule: { text: 'pjl § 17 (sperring)' },
    provision,
  };
}

/**
 * The patient's blocks as FHIR Consents, one per block:
 * - a blocked document is denied to everyone except the hospital that holds it (a nested permit for it);
 * - a practitioner blocked by name is denied the whole record (no data element), with no exception.
 * The block on a named person carries no date: the record does not say when the patient asked for it.
 */
export function consentResources(record: HospitalRecord, patient: string, ctx: ProjectionContext): Resource[] {
  const documents = record.documents
    .filter((d) => d.blocked)
    .map((d) =>
      blockConsent(`consent-${d.id}`, patient, ctx, utcToOsloOffsetDateTime(d.date), {
        type: 'deny',
        data: [{ meaning: 'instance', reference: { reference: `DocumentReference/${d.id}` } }],
        provision: [{ type: 'permit', actor: [{ role: RECIPIENT, reference: organisationRef(ctx) }] }],
      }),
    );
  const persons = record.blockedPractitioners.map((hpr, i) =>
    blockConsent(`consent-${record.localId}-person-${i + 1}`, patient, ctx, null, {
      type: 'deny',
      actor: [{ role: RECIPIENT, reference: { identifier: { system: SYSTEM.hpr, value: hpr } } }],
    }),
  );
  return [...documents, ...persons];
}

export function episodeOfCareResource(episode: CareEpisode, patient: string, ctx: ProjectionContext): Resource {
  return {
    resourceType: 'EpisodeOfCare',
    id: episode.id,
    status: episode.status,
    type: [{ text: episode.department }],
    patient: { reference: patient },
    managingOrganization: organisationRef(ctx),
    period: { start: utcToOsloOffsetDateTime(episode.start), ...(episode.end ? { end: utcToOsloOffsetDateTime(episode.end) } : {}) },
    // The responsible physician (pasientansvarlig lege, sphl. § 3-7), and the care team that names the contact person.
    careManager: practitionerRef(episode.responsibleHpr, ctx),
    ...(episode.contactPersons.length ? { team: [{ reference: `CareTeam/${careTeamId(episode)}` }] } : {}),
  };
}

/** A department as DIPS refers to it: an organisational unit by its HER-id where the address register has it. */
function departmentRef(department: string, ctx: ProjectionContext): Record<string, unknown> {
  const herId = ctx.departments?.get(department);
  return { ...(herId ? { identifier: { system: SYSTEM.herId, value: herId } } : {}), display: department };
}

const careTeamId = (episode: CareEpisode) => `${episode.id}-team`;

/**
 * The contact person (kontaktperson, sphl. § 2-5 c) of an episode of care: a CareTeam of the department, whose
 * participants are the contact persons with their periods (a handover ends one and starts the next).
 */
export function careTeamResource(episode: CareEpisode, patient: string, ctx: ProjectionContext): Resource {
  const role = { coding: [{ system: SYSTEM.careTeamRole, code: 'KONTAKTPERSON', display: localEntry(SYSTEM.careTeamRole, 'KONTAKTPERSON').display }] };
  return {
    resourceType: 'CareTeam',
    id: careTeamId(episode),
    status: episode.status === 'active' ? 'active' : 'inactive',
    name: `Kontaktperson, ${episode.department}`,
    subject: { reference: patient },
    period: { start: utcToOsloOffsetDateTime(episode.start), ...(episode.end ? { end: utcToOsloOffsetDateTime(episode.end) } : {}) },
    participant: episode.contactPersons.map((c) => ({
      role: [role],
      member: { ...practitionerRef(c.hprNumber, ctx), type: 'Practitioner' },
      onBehalfOf: departmentRef(episode.department, ctx),
      period: { start: c.start, ...(c.end ? { end: c.end } : {}) },
    })),
    managingOrganization: [organisationRef(ctx)],
  };
}

/** An outpatient appointment, dated when the answer is made; `basedOn` the GP referral it follows, by its identifier. */
export function appointmentResource(a: HospitalAppointment, patient: string, ctx: ProjectionContext): Resource {
  const start = instantOf(a.at, ctx.now);
  const end = new Date(Date.parse(start) + a.minutes * 60_000).toISOString();
  return {
    resourceType: 'Appointment',
    id: a.id,
    status: 'booked',
    serviceType: [{ text: a.department }],
    description: a.description,
    start: utcToOsloOffsetDateTime(start),
    end: utcToOsloOffsetDateTime(end),
    minutesDuration: a.minutes,
    ...(a.referralId ? { basedOn: [{ type: 'ServiceRequest', identifier: { system: SYSTEM.gpReferral, value: a.referralId } }] } : {}),
    participant: [
      { actor: { reference: patient }, required: 'required', status: 'accepted' },
      {
        type: [{ coding: [{ system: SYSTEM.participationType, code: 'ATND', display: 'attender' }] }],
        actor: { ...practitionerRef(a.hprNumber, ctx), type: 'Practitioner' },
        required: 'required',
        status: 'accepted',
      },
      { actor: { ...departmentRef(a.department, ctx), type: 'HealthcareService' }, required: 'information-only', status: 'accepted' },
    ],
  };
}

const TASK_STATUS: Record<ReferralAnswer['status'], string> = { received: 'received', accepted: 'accepted', returned: 'rejected', completed: 'completed' };
const BUSINESS_STATUS: Record<ReferralAnswer['status'], string> = {
  received: 'Under vurdering',
  accepted: 'Rett til nødvendig helsehjelp',
  returned: 'Returnert til henviser',
  completed: 'Helsehjelp gitt',
};

/**
 * The hospital's answer to a GP referral (vurdering av henvisning, pbrl. § 2-2): a Task whose focus is the referral,
 * by the GP record's own id for it. Its status says where the assessment is (received, accepted, rejected: returned
 * to the GP, completed), `restriction.period.end` when the next step is due (the answer while being assessed, the
 * latest start of care, frist, once accepted), the owner the department that assesses it.
 */
export function taskResource(answer: ReferralAnswer, patient: string, ctx: ProjectionContext): Resource {
  const due = answer.due === null ? null : dateOf(answer.due, ctx.now);
  const received = dateOf(answer.received, ctx.now);
  const note = answer.note ?? (answer.assessorHpr ? BUSINESS_STATUS[answer.status] : null);
  return {
    resourceType: 'Task',
    id: answer.id,
    status: TASK_STATUS[answer.status],
    ...(answer.status === 'returned' && answer.note ? { statusReason: { text: answer.note } } : {}),
    businessStatus: { text: BUSINESS_STATUS[answer.status] },
    intent: 'order',
    code: { text: 'Vurdering av henvisning' },
    focus: { type: 'ServiceRequest', identifier: { system: SYSTEM.gpReferral, value: answer.referralId } },
    for: { reference: patient },
    authoredOn: received,
    lastModified: answer.answered === null ? received : dateOf(answer.answered, ctx.now),
    requester: practitionerRef(answer.requesterHpr, ctx),
    owner: { ...departmentRef(answer.department, ctx), type: 'Organization' },
    ...(due ? { restriction: { period: { end: due } } } : {}),
    // The answer as the assessing doctor wrote it.
    ...(note ? { note: [{ ...(answer.assessorHpr ? { authorReference: practitionerRef(answer.assessorHpr, ctx) } : {}), text: note }] } : {}),
  };
}

export function observationResource(lab: LabResult, subject: string): Resource {
  return {
    resourceType: 'Observation',
    id: lab.id,
    status: 'final',
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [{ system: SYSTEM.nlk, code: lab.code, display: lab.text }], text: lab.text },
    subject: { reference: subject },
    encounter: { reference: `Encounter/${lab.episodeId}` },
    effectiveDateTime: utcToOsloOffsetDateTime(lab.time),
    valueQuantity: quantity(lab.value, lab.unit),
    referenceRange: [{ low: quantity(lab.low, lab.unit), high: quantity(lab.high, lab.unit) }],
  };
}

/**
 * Resource types a search may `_revinclude`, with the search parameter through which each refers to the
 * patient: clinical resources through `subject`, Consent and EpisodeOfCare through `patient`.
 */
export const REVINCLUDABLE = {
  Encounter: 'subject',
  Condition: 'subject',
  MedicationStatement: 'subject',
  DocumentReference: 'subject',
  Observation: 'subject',
  CareTeam: 'patient',
  Appointment: 'patient',
  Task: 'patient',
  EpisodeOfCare: 'patient',
  Consent: 'patient',
  // The dialogue messages about the patient (simulators/hospital-fhir/communication.ts).
  Communication: 'subject',
} as const;
export type RevIncludable = keyof typeof REVINCLUDABLE;
/** The `_revinclude` values the server accepts (`Encounter:subject`, …, `Consent:patient`). */
export const REVINCLUDE_VALUES = Object.entries(REVINCLUDABLE).map(([type, param]) => `${type}:${param}`);

/**
 * The `_include` values the server supports, each following a reference from one type to another: the
 * documents a Consent names (`Consent.provision.data`, nested provisions too) and the encounter a document
 * belongs to (`DocumentReference.context.encounter`). With `:iterate`, they apply to included resources too,
 * so that one search brings a patient's blocks, the documents they cover and those documents' encounters.
 */
export const INCLUDABLE = {
  'Consent:data': { from: 'Consent', to: 'DocumentReference' },
  'DocumentReference:encounter': { from: 'DocumentReference', to: 'Encounter' },
} as const;
export type Includable = keyof typeof INCLUDABLE;
export const INCLUDE_VALUES = Object.keys(INCLUDABLE) as Includable[];

/** The ids of the resources of `type` that `resource` refers to through the include's search parameter. */
export function includeTargets(include: Includable, resource: Resource): string[] {
  const refs: (string | undefined)[] = [];
  if (include === 'Consent:data') {
    type Provision = { data?: { reference?: { reference?: string } }[]; provision?: Provision[] };
    const visit = (p: Provision | undefined) => {
      for (const d of p?.data ?? []) refs.push(d.reference?.reference);
      for (const nested of p?.provision ?? []) visit(nested);
    };
    visit(resource.provision as Provision | undefined);
  } else {
    for (const e of (resource.context as { encounter?: { reference?: string }[] } | undefined)?.encounter ?? []) refs.push(e.reference);
  }
  const prefix = `${INCLUDABLE[include].to}/`;
  return refs.filter((r): r is string => r?.startsWith(prefix) === true).map((r) => r.slice(prefix.length));
}

/** The resources of one record that point at its patient, by type; `communications`, the patient's messages held here. */
export function includedResources(record: HospitalRecord, ctx: ProjectionContext, communications: Resource[] = []): Record<RevIncludable, Resource[]> {
  const subject = `Patient/${record.localId}`;
  return {
    Encounter: record.episodes.map((e) => encounterResource(e, subject, ctx)),
    Condition: record.episodes.flatMap((e) => conditionResources(e, subject)),
    MedicationStatement: record.medications.map((m) => medicationStatementResource(m, subject, ctx)),
    DocumentReference: record.documents.map((d) => documentReferenceResource(d, subject, ctx)),
    Observation: record.labs.map((l) => observationResource(l, subject)),
    CareTeam: record.careEpisodes.filter((e) => e.contactPersons.length > 0).map((e) => careTeamResource(e, subject, ctx)),
    Appointment: record.appointments.map((a) => appointmentResource(a, subject, ctx)),
    Task: record.referralAnswers.map((a) => taskResource(a, subject, ctx)),
    EpisodeOfCare: record.careEpisodes.map((e) => episodeOfCareResource(e, subject, ctx)),
    Consent: consentResources(record, subject, ctx),
    Communication: communications,
  };
}
