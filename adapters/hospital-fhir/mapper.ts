import type { z } from 'zod';
import { normaliseHprNumber, normaliseOrgNumber } from '../../lib/identifiers';
import { dayOf, isValidDate, startOfOsloDay } from '../../lib/osloTime';
import { BadResponseError, parseJson, validatePayload } from '../kit';
import type { BlockModel, CareTeamMemberModel, Coding, Dose, EncounterModel, HospitalRecordModel, MedicationModel, MedicationStatus, PersonName, ReferralAssessmentModel, UpcomingItemModel } from '../model';
import { blocksOf } from './consents';
import { communicationSchema, mapCommunications, type Communication } from './communication';
import { referencedId } from './references';
import {
  appointmentSchema,
  careTeamSchema,
  conditionSchema,
  consentSchema,
  documentReferenceSchema,
  encounterSchema,
  episodeOfCareSchema,
  medicationStatementSchema,
  NIN_SYSTEMS,
  observationSchema,
  patientSchema,
  searchBundleSchema,
  SYSTEM,
  taskSchema,
  type Appointment,
  type CareTeam,
  type Condition,
  type Consent,
  type DocumentReference,
  type Encounter,
  type EpisodeOfCare,
  type FhirCodeableConcept,
  type FhirReference,
  type MedicationStatement,
  type Observation,
  type SearchEntry,
  type Task,
} from './fhir';

export { referencedId };

/**
 * FHIR searchset pages → HospitalRecordModel per identity number. Pure: validates what it reads and maps.
 * Resources are tied to their patient through `subject.reference` (Consent and EpisodeOfCare through
 * `patient.reference`); pages are mapped together because a patient's resources may be spread over
 * several pages.
 */
const WHAT = 'hospital search answer';

export interface SearchPage {
  entries: SearchEntry[];
  /** The `next` link, when the server has more pages. */
  next: string | null;
}

/** Parses and validates one page of a search answer. */
export function parseSearchPage(body: unknown): SearchPage {
  const bundle = validatePayload(searchBundleSchema, parseJson(body, WHAT), WHAT);
  return { entries: bundle.entry ?? [], next: bundle.link?.find((l) => l.relation === 'next')?.url ?? null };
}

/** Maps one page that holds the whole answer (no `next` link). */
export function mapSearchBundle(body: unknown): Map<string, HospitalRecordModel> {
  const page = parseSearchPage(body);
  if (page.next) throw new BadResponseError(`${WHAT} has more pages; map all pages with mapSearchEntries`);
  return mapSearchEntries(page.entries);
}

interface Resources {
  Encounter: Encounter[];
  Condition: Condition[];
  MedicationStatement: MedicationStatement[];
  DocumentReference: DocumentReference[];
  Observation: Observation[];
  EpisodeOfCare: EpisodeOfCare[];
  Consent: Consent[];
  CareTeam: CareTeam[];
  Appointment: Appointment[];
  Task: Task[];
  Communication: Communication[];
}

const SCHEMAS = {
  Encounter: encounterSchema,
  Condition: conditionSchema,
  MedicationStatement: medicationStatementSchema,
  DocumentReference: documentReferenceSchema,
  Observation: observationSchema,
  EpisodeOfCare: episodeOfCareSchema,
  Consent: consentSchema,
  CareTeam: careTeamSchema,
  Appointment: appointmentSchema,
  Task: taskSchema,
  Communication: communicationSchema,
} as const;

const noResources = (): Resources => ({
  Encounter: [],
  Condition: [],
  MedicationStatement: [],
  DocumentReference: [],
  Observation: [],
  EpisodeOfCare: [],
  Consent: [],
  CareTeam: [],
  Appointment: [],
  Task: [],
  Communication: [],
});

/**
 * The reference to the patient a resource belongs to: `subject`, `patient` for Consent and EpisodeOfCare, `for` for a
 * Task, and for an Appointment the participant that is a Patient.
 */
function patientReference(resource: Resources[keyof Resources][number]): string {
  if ('subject' in resource) return resource.subject.reference;
  if ('patient' in resource) return resource.patient.reference;
  if (resource.resourceType === 'Task') return resource.for.reference;
  return resource.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference ?? '';
}

/** Maps the entries of every page of one search to a record per identity number the patients carry. */
export function mapSearchEntries(entries: readonly SearchEntry[]): Map<string, HospitalRecordModel> {
  const patients = new Map<string, { nins: string[]; resources: Resources }>();
  const others: { type: keyof Resources; index: number; resource: unknown }[] = [];
  entries.forEach((entry, index) => {
    // An `outcome` entry is the server's note about the search (warnings), not data.
    if (entry.search?.mode === 'outcome') return;
    const type = entry.resource.resourceType;
    if (type === 'Patient') {
      const patient = validatePayload(patientSchema, entry.resource, `${WHAT} entry ${index} (Patient)`);
      if (patients.has(patient.id)) return;
      const nins = patient.identifier.filter((i) => i.system && NIN_SYSTEMS.includes(i.system) && /^\d{11}$/.test(i.value ?? '')).map((i) => i.value as string);
      if (nins.length === 0) throw new BadResponseError(`${WHAT} entry ${index} (Patient) has no national identity number identifier`);
      patients.set(patient.id, { nins, resources: noResources() });
    } else if (type in SCHEMAS) {
      others.push({ type: type as keyof Resources, index, resource: entry.resource });
    }
    // Other resource types (Provenance, Practitioner, ...) are not part of the hospital record model.
  });

  for (const { type, index, resource } of others) {
    const what = `${WHAT} entry ${index} (${type})`;
    const parsed = validatePayload(SCHEMAS[type] as z.ZodType<Resources[typeof type][number]>, resource, what);
    const patientId = referencedId(patientReference(parsed), 'Patient');
    const patient = patientId ? patients.get(patientId) : undefined;
    if (!patient) throw new BadResponseError(`${what} refers to a patient that is not in the answer`);
    (patient.resources[type] as unknown[]).push(parsed);
  }

  const result = new Map<string, HospitalRecordModel>();
  for (const { nins, resources } of patients.values()) {
    const record = mapRecord(resources);
    for (const nin of nins) result.set(nin, record);
  }
  return result;
}

function mapRecord(r: Resources): HospitalRecordModel {
  const live = <T extends { status: string }>(list: T[]) => list.filter((x) => x.status !== 'entered-in-error');
  const conditions = r.Condition.filter((c) => !c.verificationStatus?.coding?.some((x) => x.code === 'entered-in-error'));
  const encounters = live(r.Encounter);
  const conditionById = new Map(conditions.map((c) => [c.id, c]));
  // A condition is primary when an encounter ranks it first.
  const primary = new Set(
    encounters.flatMap((e) => (e.diagnosis ?? []).filter((d) => d.rank === 1).map((d) => referencedId(d.condition.reference, 'Condition'))),
  );
  // Only an active consent is in force: a draft, a rejected or a withdrawn (inactive) block keeps no one out.
  const blocks = r.Consent.filter((c) => c.status === 'active').flatMap(blocksOf);
  const covered = new Set(blocks.flatMap((b) => b.documentIds ?? []));
  const documents = newestFirst(live(r.DocumentReference).map((d) => mapDocument(d, covered)), (d) => d.date);
  const referralsOf = new Map(encounters.map((e) => [e.id, referralIdsOf(e)]));

  return {
    encounters: newestFirst(
      encounters.map((e) => ({
        id: e.id,
        class: encounterClass(e.class.system, e.class.code),
        start: isoDateTime(e.period.start),
        end: e.period.end ? isoDateTime(e.period.end) : null,
        department: e.serviceType?.text ?? e.type?.find((t) => t.text)?.text ?? null,
        diagnoses: [...(e.diagnosis ?? [])]
          .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER))
          .flatMap((d) => {
            const condition = conditionById.get(referencedId(d.condition.reference, 'Condition') ?? '');
            return condition ? [toCoding(condition.code, SYSTEM.icd10, "an encounter's diagnosis (Condition)")] : [];
          }),
        hprNumber: firstHpr((e.participant ?? []).map((p) => p.individual)),
        referralIds: referralsOf.get(e.id) ?? [],
      })),
      (e) => e.start,
    ),
    diagnoses: newestFirst(
      conditions.map((c) => ({
        id: c.id,
        code: toCoding(c.code, SYSTEM.icd10, 'a Condition'),
        primary: primary.has(c.id),
        recorded: c.recordedDate ? isoDateTime(c.recordedDate) : null,
        encounterId: referencedId(c.encounter?.reference, 'Encounter'),
      })),
      (d) => d.recorded,
    ),
    medications: live(r.MedicationStatement).map(mapMedication),
    documents,
    labResults: newestFirst(
      live(r.Observation)
        // Only laboratory results belong here; vital signs and other observations are not lab results.
        .filter((o) => o.category?.some((c) => c.coding?.some((x) => x.system === SYSTEM.observationCategory && x.code === 'laboratory')))
        .map((o) => {
          const range = o.referenceRange?.[0];
          return {
            id: o.id,
            time: isoDateTime(o.effectiveDateTime),
            code: toCoding(o.code, SYSTEM.nlk, 'an Observation'),
            value: o.valueQuantity?.value ?? null,
            unit: o.valueQuantity?.unit ?? o.valueQuantity?.code ?? null,
            referenceLow: range?.low?.value ?? null,
            referenceHigh: range?.high?.value ?? null,
            encounterId: referencedId(o.encounter?.reference, 'Encounter'),
          };
        }),
      (l) => l.time,
    ),
    careEpisodes: newestFirst(live(r.EpisodeOfCare).map(mapEpisodeOfCare), (e) => e.start),
    blocks: [...blocks, ...documents.filter((d) => d.blocked && !covered.has(d.id)).map(restrictedBlock)],
    documentReferrals: documentReferrals(live(r.DocumentReference), referralsOf),
    careTeam: careTeam(live(r.EpisodeOfCare), r.CareTeam.filter((c) => c.status !== 'entered-in-error')),
    appointments: r.Appointment.flatMap(mapAppointment).sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id)),
    referralAssessments: r.Task.flatMap(mapTask).sort((a, b) => a.received.localeCompare(b.received) || a.id.localeCompare(b.id)),
    messages: mapCommunications(r.Communication, isoDateTime),
  };
}

/** A person's name as a reference's display writes it ("Martin Aasen"): the last word the family name. */
function nameOf(display: string | undefined): PersonName | null {
  const words = display?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (words.length < 2) return null;
  return { given: words.slice(0, -1).join(' '), middle: null, family: words[words.length - 1] as string };
}

/** An organisation number in normal form, from a reference by identifier. */
const orgNumberOf = (ref: FhirReference | undefined) => (ref?.identifier?.system === SYSTEM.orgNumber ? normaliseOrgNumber(ref.identifier.value) : null);
/** A department's HER-id, from a reference by identifier. */
const herIdOf = (ref: FhirReference | undefined) => (ref?.identifier?.system === SYSTEM.herId && ref.identifier.value ? ref.identifier.value : null);

/** The roles of a CareTeam participant the model knows, by this project's code or, without one, by its text. */
const TEAM_ROLE: Record<string, CareTeamMemberModel['role']> = { KONTAKTPERSON: 'CONTACT_PERSON', PASIENTANSVARLIG_LEGE: 'RESPONSIBLE_PHYSICIAN' };

function teamRole(roles: readonly FhirCodeableConcept[]): CareTeamMemberModel['role'] | null {
  for (const role of roles) {
    const coded = role.coding?.find((c) => c.system === SYSTEM.careTeamRole && c.code && TEAM_ROLE[c.code]);
    if (coded?.code) return TEAM_ROLE[coded.code] ?? null;
    const text = (role.text ?? role.coding?.map((c) => c.display ?? '').join(' ') ?? '').toLowerCase();
    if (text.includes('kontaktperson')) return 'CONTACT_PERSON';
    if (text.includes('pasientansvarlig')) return 'RESPONSIBLE_PHYSICIAN';
  }
  return null;
}

/**
 * The hospital's part of the care team: each episode of care's responsible physician (careManager) for the episode's
 * period, and the contact persons of its care teams (CareTeam participants in a role the model knows) with their
 * own periods, so that a handover shows. A participant in another role, or one named by neither HPR number nor
 * name, is left out.
 */
function careTeam(episodes: EpisodeOfCare[], teams: CareTeam[]): CareTeamMemberModel[] {
  const members: CareTeamMemberModel[] = [];
  const departmentOfTeam = new Map<string, EpisodeOfCare>();
  for (const e of episodes) for (const t of e.team ?? []) departmentOfTeam.set(referencedId(t.reference, 'CareTeam') ?? '', e);
  const department = (e: EpisodeOfCare | undefined) => e?.type?.find((t) => t.text)?.text ?? null;
  for (const e of episodes) {
    const manager = e.careManager;
    const hprNumber = firstHpr(manager ? [manager] : []);
    const service = department(e) ?? e.managingOrganization?.display;
    if (!manager || !service || (!hprNumber && !manager.display)) continue;
    members.push({
      role: 'RESPONSIBLE_PHYSICIAN',
      hprNumber,
      name: nameOf(manager.display),
      service,
      orgNumber: orgNumberOf(e.managingOrganization),
      herId: null,
      phone: null,
      start: e.period?.start ? isoDate(e.period.start) : null,
      end: e.period?.end ? isoDate(e.period.end) : null,
    });
  }
  for (const team of teams) {
    const episode = departmentOfTeam.get(team.id);
    for (const p of team.participant ?? []) {
      const role = teamRole(p.role ?? []);
      const hprNumber = firstHpr(p.member ? [p.member] : []);
      const service = p.onBehalfOf?.display ?? department(episode) ?? team.name;
      if (!role || !service || (!hprNumber && !p.member?.display)) continue;
      const when = p.period ?? team.period;
      members.push({
        role,
        hprNumber,
        name: nameOf(p.member?.display),
        service,
        orgNumber: orgNumberOf(team.managingOrganization?.[0]) ?? orgNumberOf(episode?.managingOrganization),
        herId: herIdOf(p.onBehalfOf),
        phone: null,
        start: when?.start ? isoDate(when.start) : null,
        end: when?.end ? isoDate(when.end) : null,
      });
    }
  }
  return members;
}

/** Statuses of an appointment still to come; a cancelled, missed, fulfilled or waiting one is not. */
const APPOINTMENT_STATUS: Record<string, UpcomingItemModel['status']> = { booked: 'BOOKED', arrived: 'BOOKED', 'checked-in': 'BOOKED', pending: 'PLANNED', proposed: 'PLANNED' };

function mapAppointment(a: Appointment): UpcomingItemModel[] {
  const status = APPOINTMENT_STATUS[a.status];
  if (!status || !a.start) return [];
  const service = a.serviceType?.find((t) => t.text)?.text ?? a.participant.find((p) => p.actor && !p.actor.reference && !firstHpr([p.actor]))?.actor?.display ?? null;
  const referralId = (a.basedOn ?? []).find((b) => b.identifier?.system === SYSTEM.gpReferral && b.identifier.value)?.identifier?.value ?? null;
  return [
    {
      id: a.id,
      kind: 'APPOINTMENT',
      time: isoDateOrDateTime(a.start),
      title: a.description ?? service ?? 'Time på sykehus',
      service,
      status,
      deadline: null,
      referralId,
      hprNumber: firstHpr(a.participant.map((p) => p.actor)),
    },
  ];
}

const TASK_STATUS: Record<string, ReferralAssessmentModel['status']> = {
  received: 'RECEIVED',
  accepted: 'ACCEPTED',
  ready: 'ACCEPTED',
  'in-progress': 'ACCEPTED',
  'on-hold': 'ACCEPTED',
  rejected: 'RETURNED',
  completed: 'COMPLETED',
};

/**
 * A Task on a GP referral (its focus by the GP-referral identifier) → the hospital's answer. Other tasks, and one in a
 * status that is no answer (draft, requested, cancelled, failed, entered-in-error), are left out.
 */
function mapTask(t: Task): ReferralAssessmentModel[] {
  const status = TASK_STATUS[t.status];
  const referralId = t.focus?.identifier?.system === SYSTEM.gpReferral ? t.focus.identifier.value : undefined;
  if (!status || !referralId || !t.authoredOn) return [];
  // A due date is a day (ten working days; the latest day care must start), whatever precision the hospital writes.
  const due = t.restriction?.period?.end ? dayOf(isoDateOrDateTime(t.restriction.period.end)) : null;
  const notes = (t.note ?? []).map((n) => n.text).filter((n) => n.trim() !== '');
  return [
    {
      id: t.id,
      referralId,
      status,
      received: isoDateOrDateTime(t.authoredOn),
      answered: status === 'RECEIVED' ? null : t.lastModified ? dayOf(isoDateOrDateTime(t.lastModified)) : null,
      answerDue: status === 'RECEIVED' ? due : null,
      deadline: status === 'ACCEPTED' || status === 'COMPLETED' ? due : null,
      service: t.owner?.display ?? null,
      herId: herIdOf(t.owner),
      note: t.statusReason?.text ?? (notes.length ? notes.join('\n') : null),
      hprNumber: firstHpr((t.note ?? []).map((n) => n.authorReference)),
    },
  ];
}

/**
 * The GP record's ids of the referrals an encounter was based on: `basedOn` names each ServiceRequest, contained
 * (`#id`) as the hospital keeps its copy of a referral, or by identifier alone; the id is the identifier under
 * the GP-referral system. A ServiceRequest elsewhere (not in the answer) is not followed.
 */
function referralIdsOf(encounter: Encounter): string[] {
  const ids = (encounter.basedOn ?? []).flatMap((ref) => {
    const own = ref.identifier?.system === SYSTEM.gpReferral && ref.identifier.value ? [ref.identifier.value] : [];
    const local = ref.reference?.startsWith('#') ? encounter.contained?.find((c) => c.resourceType === 'ServiceRequest' && c.id === ref.reference?.slice(1)) : undefined;
    const inside = (local?.identifier ?? []).filter((i) => i.system === SYSTEM.gpReferral && i.value).map((i) => i.value as string);
    return [...own, ...inside];
  });
  return [...new Set(ids)];
}

/**
 * Each document whose encounter (in the answer) was based on GP referrals, with those referrals' ids. Read from
 * the document's own encounter reference, restricted or not: it serves to hide more, never to show.
 */
function documentReferrals(documents: DocumentReference[], referralsOf: ReadonlyMap<string, string[]>): NonNullable<HospitalRecordModel['documentReferrals']> {
  return documents
    .flatMap((d) => {
      const referralIds = [...new Set((d.context?.encounter ?? []).flatMap((e) => referralsOf.get(referencedId(e.reference, 'Encounter') ?? '') ?? []))];
      return referralIds.length ? [{ documentId: d.id, referralIds }] : [];
    })
    .sort((a, b) => a.documentId.localeCompare(b.documentId));
}

/**
 * A document the source marks restricted that no block explains: we cannot tell whom the restriction
 * keeps out, so it keeps out everyone (and the mapper has dropped the content besides).
 */
function restrictedBlock(doc: { id: string }): BlockModel {
  return {
    id: `restricted-${doc.id}`,
    documentIds: [doc.id],
    deniesEveryone: true,
    deniedPersons: [],
    deniedOrganisations: [],
    exceptOrganisations: [],
    exceptPersons: [],
  };
}

const EPISODE_STATUS: Record<string, HospitalRecordModel['careEpisodes'][number]['status']> = { active: 'ACTIVE', finished: 'FINISHED' };

function mapEpisodeOfCare(e: EpisodeOfCare): HospitalRecordModel['careEpisodes'][number] {
  const organisation = e.managingOrganization?.identifier;
  return {
    id: e.id,
    status: EPISODE_STATUS[e.status] ?? 'OTHER',
    start: e.period?.start ? isoDateTime(e.period.start) : null,
    end: e.period?.end ? isoDateTime(e.period.end) : null,
    department: e.type?.find((t) => t.text)?.text ?? e.type?.flatMap((t) => t.coding ?? []).find((c) => c.display)?.display ?? null,
    // In normal form (lib/identifiers.ts): this decides whether the reader's hospital treats the patient.
    orgNumber: organisation?.system === SYSTEM.orgNumber ? normaliseOrgNumber(organisation.value) : null,
  };
}

const CLASS: Record<string, EncounterModel['class']> = {
  IMP: 'INPATIENT',
  AMB: 'OUTPATIENT',
  EMER: 'EMERGENCY',
};

function encounterClass(system: string | undefined, code: string | undefined): EncounterModel['class'] {
  return (system === undefined || system === SYSTEM.actCode) && code ? (CLASS[code] ?? 'OTHER') : 'OTHER';
}

const DOCUMENT_KIND: Record<string, HospitalRecordModel['documents'][number]['kind']> = {
  '18842-5': 'DISCHARGE_SUMMARY',
  '11488-4': 'OUTPATIENT_NOTE',
};

/** Confidentiality codes that mean the patient (or the hospital) restricted the document: R and the stricter V. */
const RESTRICTED = new Set(['R', 'V']);
/** The label that withholds a document from the patient (pbrl § 5-1 second paragraph). */
const NOPAT = new Set(['NOPAT']);

/**
 * Whether a security label carries this code of this system. A label without a system is read as the
 * system its code belongs to: for a restriction, reading too much is safe, reading too little is not.
 */
const labelled = (labels: readonly { system?: string | undefined; code?: string | undefined }[], system: string, codes: ReadonlySet<string>) =>
  labels.some((s) => (s.system === undefined || s.system === system) && codes.has(s.code ?? ''));

/** `covered`: ids of documents a block the mapper could read applies to. */
function mapDocument(doc: DocumentReference, covered: ReadonlySet<string>): HospitalRecordModel['documents'][number] {
  const labels = doc.meta?.security ?? [];
  const blocked = labelled(labels, SYSTEM.confidentiality, RESTRICTED);
  // A restriction no block explains cannot be enforced per reader: its content, author and encounter
  // (each could tell what the patient chose to hide) are not carried at all. Under a block the graph
  // enforces, they are carried and the field rules hide them from those the block denies.
  const withhold = blocked && !covered.has(doc.id);
  const loinc = doc.type?.coding?.find((c) => c.system === SYSTEM.loinc && c.code && DOCUMENT_KIND[c.code]);
  const attachment = doc.content.find((c) => c.attachment.data !== undefined)?.attachment ?? doc.content[0]?.attachment;
  const isText = (attachment?.contentType ?? 'text/plain').toLowerCase().startsWith('text/plain');
  return {
    id: doc.id,
    kind: (loinc?.code && DOCUMENT_KIND[loinc.code]) || 'OTHER',
    date: isoDateTime(doc.date),
    title: withhold ? null : (attachment?.title ?? null),
    text: withhold || !isText || attachment?.data === undefined ? null : Buffer.from(attachment.data, 'base64').toString('utf8'),
    blocked,
    withheldFromPatient: labelled(labels, SYSTEM.actCode, NOPAT),
    encounterId: withhold ? null : referencedId(doc.context?.encounter?.[0]?.reference, 'Encounter'),
    authorHpr: withhold ? null : firstHpr(doc.author ?? []),
  };
}

const MEDICATION_STATUS: Record<string, MedicationStatus> = { active: 'ACTIVE', stopped: 'STOPPED', completed: 'STOPPED' };

function mapMedication(m: MedicationStatement): MedicationModel {
  const concept = m.medicationCodeableConcept;
  const atc = concept?.coding?.find((c) => c.system === SYSTEM.atc && c.code);
  const name = atc?.display ?? concept?.text ?? m.medicationReference?.display;
  if (!name) throw new BadResponseError(`${WHAT}: a MedicationStatement names no medicine`);
  // DIPS writes the strength after the name in the concept's text ("Metoprolol 25 mg").
  const text = concept?.text?.trim();
  const strength = atc?.display && text?.startsWith(`${atc.display} `) ? text.slice(atc.display.length + 1).trim() || null : null;
  const start = m.effectivePeriod?.start ?? m.effectiveDateTime;
  return {
    id: m.id,
    atc: atc?.code ?? null,
    name,
    strength,
    // The statement carries no pharmaceutical form (that would need a Medication resource).
    form: null,
    dose: mapDose(m.dosage?.[0]),
    status: MEDICATION_STATUS[m.status] ?? 'UNKNOWN',
    startDate: start ? isoDate(start) : null,
    endDate: m.effectivePeriod?.end ? isoDate(m.effectivePeriod.end) : null,
    note: m.note?.map((n) => n.text).join('\n') || null,
    hprNumber: firstHpr(m.informationSource ? [m.informationSource] : []),
  };
}

/** FHIR Timing period units in days (h as a fraction: several intakes a day). */
const DAYS: Record<string, number> = { h: 1 / 24, d: 1, wk: 7, mo: 30 };

/**
 * FHIR's structured dosage → Dose: `timing.repeat` (frequency per period and periodUnit) gives intakes per
 * dosing day and the days between dosing days (1 × per 1 wk = once every 7 days); `asNeededBoolean` says
 * ved behov. Where the timing does not fit a whole number of days, the intakes are spread over one day.
 */
function mapDose(dosage: NonNullable<MedicationStatement['dosage']>[number] | undefined): Dose | null {
  if (!dosage) return null;
  const quantity = dosage.doseAndRate?.[0]?.doseQuantity;
  const repeat = dosage.timing?.repeat;
  const unitDays = repeat?.periodUnit ? DAYS[repeat.periodUnit] : undefined;
  const periodDays = unitDays !== undefined ? unitDays * (repeat?.period ?? 1) : undefined;
  let timesPerDay: number | null = null;
  let intervalDays: number | null = null;
  if (repeat?.frequency !== undefined && periodDays !== undefined) {
    if (periodDays >= 1 && Number.isInteger(periodDays)) {
      intervalDays = periodDays;
      timesPerDay = repeat.frequency;
    } else {
      intervalDays = 1;
      timesPerDay = repeat.frequency / periodDays;
    }
  }
  const amount = quantity?.value ?? null;
  const unit = quantity?.unit ?? quantity?.code ?? null;
  const asNeeded = dosage.asNeededBoolean ?? null;
  if (dosage.text === undefined && amount === null && timesPerDay === null && asNeeded === null) return null;
  return { amount, unit, timesPerDay, intervalDays, asNeeded, text: dosage.text ?? '' };
}

function toCoding(concept: FhirCodeableConcept, preferred: string, what: string): Coding {
  const codings = concept.coding ?? [];
  const coding = codings.find((c) => c.system === preferred && c.code) ?? codings.find((c) => c.system && c.code);
  if (!coding?.system || !coding.code) throw new BadResponseError(`${WHAT}: ${what} has no coded value`);
  return { system: coding.system, code: coding.code, display: coding.display ?? concept.text ?? null };
}

function firstHpr(refs: readonly (FhirReference | undefined)[]): string | null {
  for (const ref of refs) {
    const value = ref?.identifier?.system === SYSTEM.hpr ? ref.identifier.value : undefined;
    const hpr = normaliseHprNumber(value);
    if (hpr) return hpr;
  }
  return null;
}

/** A FHIR dateTime as the model writes it: UTC with Z (DIPS writes local time with an offset); a date stays a date. */
export function isoDateTime(value: string): string {
  // FHIR lets a dateTime hold only the day; an instant field reads it as the start of that day in Norway.
  if (value.length === 10) return startOfOsloDay(isoDateOrDateTime(value));
  return isoDateOrDateTime(value);
}

/** A FHIR dateTime as the model keeps a value that is a day or an instant: a day as it is, an instant in UTC with Z. */
export function isoDateOrDateTime(value: string): string {
  if (value.length === 10) {
    if (!isValidDate(...(value.split('-').map(Number) as [number, number, number]))) throw new BadResponseError(`${WHAT} holds an impossible date`);
    return value;
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new BadResponseError(`${WHAT} holds an impossible date-time`);
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

/** A FHIR date, or the local date of a dateTime as the source wrote it. */
export function isoDate(value: string): string {
  return value.slice(0, 10);
}

function newestFirst<T extends { id: string }>(items: T[], when: (item: T) => string | null): T[] {
  const time = (item: T) => {
    const w = when(item);
    return w ? Date.parse(w) : Number.NEGATIVE_INFINITY;
  };
  return items.sort((a, b) => time(b) - time(a) || a.id.localeCompare(b.id));
}
