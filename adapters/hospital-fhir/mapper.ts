import type { z } from 'zod';
import { BadResponseError, parseJson, validatePayload } from '../kit';
import type { Coding, Dose, HospitalRecordModel, MedicationModel, MedicationStatus } from '../model';
import {
  conditionSchema,
  documentReferenceSchema,
  encounterSchema,
  medicationStatementSchema,
  NIN_SYSTEMS,
  observationSchema,
  patientSchema,
  searchBundleSchema,
  SYSTEM,
  type Condition,
  type DocumentReference,
  type Encounter,
  type FhirCodeableConcept,
  type FhirReference,
  type MedicationStatement,
  type Observation,
  type SearchEntry,
} from './fhir';

/**
 * FHIR searchset pages → HospitalRecordModel per identity number. Pure: validates what it reads and maps.
 * Resources are tied to their patient through `subject.reference`; pages are mapped together because a
 * patient's resources may be spread over several pages.
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
}

const SCHEMAS = {
  Encounter: encounterSchema,
  Condition: conditionSchema,
  MedicationStatement: medicationStatementSchema,
  DocumentReference: documentReferenceSchema,
  Observation: observationSchema,
} as const;

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
      patients.set(patient.id, { nins, resources: { Encounter: [], Condition: [], MedicationStatement: [], DocumentReference: [], Observation: [] } });
    } else if (type in SCHEMAS) {
      others.push({ type: type as keyof Resources, index, resource: entry.resource });
    }
    // Other resource types (Provenance, Practitioner, ...) are not part of the hospital record model.
  });

  for (const { type, index, resource } of others) {
    const what = `${WHAT} entry ${index} (${type})`;
    const parsed = validatePayload(SCHEMAS[type] as z.ZodType<Resources[typeof type][number]>, resource, what);
    const patientId = referencedId(parsed.subject.reference, 'Patient');
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
    documents: newestFirst(live(r.DocumentReference).map(mapDocument), (d) => d.date),
    labResults: newestFirst(
      live(r.Observation)
        // Only laboratory results belong here; vital signs and other observations are not lab results.
        .filter((o) => o.category?.some((c) => c.coding?.some((x) => x.system === SYSTEM.observationCategory && x.code === 'laboratory')))
        .map((o) => {
          const range = o.referenceRange?.[0];
          return {
            id: o.id,
            time: isoDateTime(o.effectiveDateTime),
            code: toCoding(o.code, SYSTEM.loinc, 'an Observation'),
            value: o.valueQuantity?.value ?? null,
            unit: o.valueQuantity?.unit ?? o.valueQuantity?.code ?? null,
            referenceLow: range?.low?.value ?? null,
            referenceHigh: range?.high?.value ?? null,
            encounterId: referencedId(o.encounter?.reference, 'Encounter'),
          };
        }),
      (l) => l.time,
    ),
  };
}

const CLASS: Record<string, HospitalRecordModel['encounters'][number]['class']> = {
  IMP: 'INPATIENT',
  AMB: 'OUTPATIENT',
  EMER: 'EMERGENCY',
};

function encounterClass(system: string | undefined, code: string | undefined): HospitalRecordModel['encounters'][number]['class'] {
  return (system === undefined || system === SYSTEM.actCode) && code ? (CLASS[code] ?? 'OTHER') : 'OTHER';
}

const DOCUMENT_KIND: Record<string, HospitalRecordModel['documents'][number]['kind']> = {
  '18842-5': 'DISCHARGE_SUMMARY',
  '11488-4': 'OUTPATIENT_NOTE',
};

/** Confidentiality codes that mean the patient (or the hospital) restricted the document: R and the stricter V. */
const RESTRICTED = new Set(['R', 'V']);

function mapDocument(doc: DocumentReference): HospitalRecordModel['documents'][number] {
  const blocked = (doc.meta?.security ?? []).some((s) => s.system === SYSTEM.confidentiality && RESTRICTED.has(s.code ?? ''));
  const loinc = doc.type?.coding?.find((c) => c.system === SYSTEM.loinc && c.code && DOCUMENT_KIND[c.code]);
  const attachment = doc.content.find((c) => c.attachment.data !== undefined)?.attachment ?? doc.content[0]?.attachment;
  const isText = (attachment?.contentType ?? 'text/plain').toLowerCase().startsWith('text/plain');
  return {
    id: doc.id,
    kind: (loinc?.code && DOCUMENT_KIND[loinc.code]) || 'OTHER',
    date: isoDateTime(doc.date),
    // Defence in depth: a blocked document's title and text are dropped here even if a server that
    // should have withheld them sent them anyway. The graph must never carry what the patient blocked.
    title: blocked ? null : (attachment?.title ?? null),
    text: blocked || !isText || attachment?.data === undefined ? null : Buffer.from(attachment.data, 'base64').toString('utf8'),
    blocked,
    encounterId: referencedId(doc.context?.encounter?.[0]?.reference, 'Encounter'),
    authorHpr: firstHpr(doc.author ?? []),
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

const PER_DAY: Record<string, number> = { d: 1, h: 24 };

function mapDose(dosage: NonNullable<MedicationStatement['dosage']>[number] | undefined): Dose | null {
  if (!dosage) return null;
  const quantity = dosage.doseAndRate?.[0]?.doseQuantity;
  const repeat = dosage.timing?.repeat;
  const perDay = repeat?.periodUnit ? PER_DAY[repeat.periodUnit] : undefined;
  const timesPerDay = repeat?.frequency !== undefined && perDay !== undefined ? (repeat.frequency * perDay) / (repeat.period ?? 1) : null;
  const amount = quantity?.value ?? null;
  const unit = quantity?.unit ?? quantity?.code ?? null;
  if (dosage.text === undefined && amount === null && timesPerDay === null) return null;
  return { amount, unit, timesPerDay, text: dosage.text ?? '' };
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
    if (value && /^\d{1,9}$/.test(value)) return value;
  }
  return null;
}

/**
 * The id in a reference to a resource of `type`: relative (`Patient/abc`), absolute
 * (`https://host/fhir/Patient/abc`) or versioned (`.../_history/2`). Null for anything else.
 */
export function referencedId(reference: string | undefined, type: string): string | null {
  if (!reference) return null;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(reference);
  return match?.[1] ?? null;
}

/** A FHIR dateTime as the model writes it: UTC with Z (DIPS writes local time with an offset); a date stays a date. */
export function isoDateTime(value: string): string {
  if (value.length === 10) return value;
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
