import { createHmac } from 'node:crypto';
import type { Coding, MedicationModel } from '../../adapters/model';
import { SECTORS, type SectorName } from '../../lib/sectors';
import type { SourceInfo } from '../../subgraphs/kit/SourceDirectory';
import { medicationEntry, type MedicationEntry, type MedicationEntryKind } from '../../subgraphs/kit/shapes';
import { mergeMedications, type MedicationListItem } from '../../subgraphs/record/mergeMedications';
import { recordKeyFor } from '../disclosure';
import { ICD10_SYSTEM, ICPC2_SYSTEM, type PersonRecords } from '../facts';
import { approves, inCohort, placeHidden, resourceTypesOf, type DateRule, type ResearchProject, type ResourceType } from './projects';

/**
 * One person's records as the FHIR R4 resources of a pseudonymised extract (issue 21, FHIR Bulk Data `$export`):
 * only the resource types and patient properties the project's approval names (research/bulk/projects.ts), under a
 * pseudonym of the project's, with dates shifted or coarsened as the project says.
 *
 * What never leaves: the identity number (as an identifier or anywhere else), a name, an address beyond the
 * municipality (and for a strictly confidential address not even that), the full birth date, a source's own record
 * ids, a practitioner, an organisation, a department or a system instance (each places the person), and free text
 * (notes, descriptions, document text) but a medicine's dose text with its dates and long numbers taken out.
 *
 * Pure: no I/O, no clock (the day of the extract is given), no randomness but the project key.
 */

/** The resources of one extract, by type: only the types the project allows are present. */
export type ExportedResources = Partial<Record<ResourceType, FhirResource[]>>;

/** A FHIR R4 resource as it is written to an NDJSON line. */
export interface FhirResource {
  resourceType: ResourceType;
  id: string;
  [element: string]: unknown;
}

export const ATC_SYSTEM = 'http://www.whocc.no/atc';
export const MUNICIPALITY_EXTENSION = 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode';
/** Kodeverk 3402, Kommunenummer (the Norwegian base profile's municipality code). */
export const MUNICIPALITY_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.3402';
/** The sector a resource comes from (meta.tag): the sector's name only, never the organisation or the instance. */
export const SECTOR_TAG_SYSTEM = 'urn:x-patient-graph:codesystem:sector';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

/** The diagnosis code systems an extract carries (ICD-10 and ICPC-2, as the sources write them); a local code system may hide text. */
const DIAGNOSIS_SYSTEMS: ReadonlySet<string> = new Set([ICD10_SYSTEM, ICPC2_SYSTEM]);

// ------------------------------------------------------------------ keys and pseudonyms

/**
 * The person's pseudonym in the project (Patient.id): recordKeyFor's HMAC-SHA256, written in hex rather than its
 * base64url. A FHIR id allows [A-Za-z0-9\-.] up to 64 characters; base64url has `_`, and hex of all 32 bytes is exactly
 * 64 characters: nothing of the HMAC is cut, and the value is the same pseudonym, only spelt differently.
 */
export function pseudonymOf(projectKey: Buffer, nin: string): string {
  return Buffer.from(recordKeyFor(projectKey, nin), 'base64url').toString('hex');
}

/**
 * The id of one of the person's resources: an HMAC under the project key of the type, the person, the source
 * instance and the source's record id (and what else tells items of one record apart), never the source's own id:
 * that is what the source would find the person by. 128 bits in hex (32 characters).
 * The input is a JSON array (unambiguous), which never equals a bare identity number (the pseudonym's input).
 */
export function resourceIdOf(projectKey: Buffer, nin: string, type: ResourceType, parts: readonly (string | null)[]): string {
  return createHmac('sha256', projectKey).update(JSON.stringify(['resource', type, nin, ...parts]), 'utf8').digest('hex').slice(0, 32);
}

/**
 * The whole days the person's dates move under SHIFT: in [-maxDays, -1] ∪ [1, maxDays] (0 would leave the true
 * dates), from an HMAC of the person under the project key, so the same for every date of theirs (intervals are kept)
 * and in every extract of the project, and unrelated between projects.
 */
export function dayOffsetOf(projectKey: Buffer, nin: string, maxDays: number): number {
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new RangeError('maxDays is a whole number of at least 1');
  const value = createHmac('sha256', projectKey).update(`date-shift\u0000${nin}`, 'utf8').digest().readUInt32BE(0);
  // 2^32 values over 2·maxDays outcomes: a bias below 1e-7, nothing a recipient can use.
  const n = value % (2 * maxDays);
  return n < maxDays ? n - maxDays : n - maxDays + 1;
}

// ------------------------------------------------------------------ dates

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Adds whole days to a calendar date (yyyy-mm-dd), in UTC arithmetic so that no time zone or DST moves it. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * A date or date-time of the sources under the project's date rule, as a FHIR date or dateTime; null for what is not
 * a date (left out rather than carried unprotected).
 * - SHIFT: the calendar date moves by `offsetDays`; a time of day is kept with its offset (Z or ±hh:mm), seconds
 *   written out as FHIR's dateTime requires; a time without an offset is not a valid FHIR dateTime and is dropped
 *   (the shifted date is given).
 * - MONTH: yyyy-mm; YEAR: yyyy (of the date as written, in its own offset).
 */
export function protectDate(value: string | null | undefined, rule: DateRule, offsetDays: number): string | null {
  const m = value ? DATE.exec(value.trim()) : null;
  if (!m) return null;
  const [, y, mo, d, hh, mm, ss, fraction, zone] = m;
  const date = `${y}-${mo}-${d}`;
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || !new Date(`${date}T00:00:00Z`).toISOString().startsWith(date)) return null;
  switch (rule.mode) {
    case 'YEAR':
      return y!;
    case 'MONTH':
      return `${y}-${mo}`;
    case 'SHIFT': {
      if (offsetDays === 0) throw new RangeError('a date shift is never 0 days');
      const shifted = addDays(date, offsetDays);
      return hh !== undefined && zone !== undefined ? `${shifted}T${hh}:${mm}:${ss ?? '00'}${fraction ?? ''}${zone}` : shifted;
    }
  }
}

const MONTHS = 'jan(?:uar)?|feb(?:ruar)?|mar(?:s)?|apr(?:il)?|mai|jun(?:i)?|jul(?:i)?|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|des(?:ember)?';
const TEXT_DATES = [
  /\b\d{4}-\d{1,2}-\d{1,2}\b/g,
  // Not with dashes: "10-10-10" is insulin morning, midday and evening.
  /\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b/g,
  /\b\d{1,2}\.\d{1,2}\.(?!\d)/g,
  new RegExp(`\\b\\d{1,2}\\.?\\s*(?:${MONTHS})\\.?(?:\\s+\\d{4})?(?![\\p{L}])`, 'giu'),
];

/**
 * A medicine's dose text, the one free text an extract carries: what it says of the dosing is kept; a date written in
 * it ("fra 12.03.2025") is not (it would give the date the rule protects), nor a run of eight or more digits (a phone or
 * identity number, spaces between digits included), nor any of `words` (the person's names and address, their next of
 * kin's names: what the sources know could name or place them).
 */
export function scrubDoseText(text: string, words: readonly string[] = []): string {
  let out = text;
  for (const pattern of TEXT_DATES) out = out.replace(pattern, '[dato]');
  out = out.replace(/\d(?:[\s.]?\d){7,}/g, '[tall]');
  const escaped = [...new Set(words.map((w) => w.trim()).filter((w) => w.length >= 2))].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (escaped.length) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'giu'), '[navn]');
  return out.trim();
}

/** The words of a person's names and address, and their next of kin's names, that a dose text must not carry. */
function personalWords(records: PersonRecords): string[] {
  const { name, address } = records.person;
  const phrases = [name.given, name.middle, name.family, address?.street, address?.city, ...(records.care?.record?.nextOfKin ?? []).map((k) => k.name)];
  return phrases.flatMap((p) => (p ? [p, ...p.split(/[\s-]+/)] : []));
}

// ------------------------------------------------------------------ the resources

interface Context {
  key: Buffer;
  nin: string;
  rule: DateRule;
  offset: number;
  today: string;
  patientRef: { reference: string };
  types: ReadonlySet<ResourceType>;
  /** What scrubDoseText takes out of dose texts besides dates and numbers. */
  words: readonly string[];
}

const sectorTag = (...sectors: SectorName[]) => ({ tag: [...new Set(sectors)].map((code) => ({ system: SECTOR_TAG_SYSTEM, code })) });

/** A coding as the extract carries it: the source's system and code, the display where it gives one. */
const coding = (c: Coding) => ({ system: c.system, code: c.code, ...(c.display ? { display: c.display } : {}) });

const date = (ctx: Context, value: string | null | undefined) => protectDate(value, ctx.rule, ctx.offset);

/** Sets `key` only when the value is there: FHIR has no nulls. */
function present<T>(key: string, value: T | null | undefined): Record<string, T> {
  return value === null || value === undefined ? {} : { [key]: value };
}

function patient(ctx: Context, project: ResearchProject, person: PersonRecords['person']): FhirResource {
  const municipality = approves(project, 'Patient.municipality') && !placeHidden(person) ? person.municipalityNumber : null;
  return {
    resourceType: 'Patient',
    id: pseudonymOf(ctx.key, ctx.nin),
    ...(approves(project, 'Patient.gender') ? { gender: person.sex === 'FEMALE' ? 'female' : person.sex === 'MALE' ? 'male' : 'unknown' } : {}),
    // The year only, never shifted: a year tells no day and no month, so it cannot give the shift away (nor the shift
    // the birth date), and ages at events stay right to within the year whatever the date rule.
    ...(approves(project, 'Patient.birthYear') && person.birthDate && /^\d{4}/.test(person.birthDate) ? { birthDate: person.birthDate.slice(0, 4) } : {}),
    ...(municipality
      ? { address: [{ extension: [{ url: MUNICIPALITY_EXTENSION, valueCoding: { system: MUNICIPALITY_SYSTEM, code: municipality } }] }] }
      : {}),
  };
}

/** An Encounter's status from its own dates, against the day of the extract (read before the dates are protected). */
function encounterStatus(start: string, end: string | null, today: string): 'planned' | 'in-progress' | 'finished' {
  if (start.slice(0, 10) > today) return 'planned';
  if (end && end.slice(0, 10) <= today) return 'finished';
  return 'in-progress';
}

const HOSPITAL_CLASS = { INPATIENT: 'IMP', OUTPATIENT: 'AMB', EMERGENCY: 'EMER' } as const;
/** A GP contact by its kind (v3-ActCode): at the office AMB, a home visit HH, by phone or video VR (virtual). */
const GP_CLASS = { OFFICE: 'AMB', HOME_VISIT: 'HH', PHONE: 'VR', VIDEO: 'VR', OTHER: 'AMB' } as const;

const encounterClass = (code: string | undefined) => (code ? { system: ACT_CODE, code } : { system: NULL_FLAVOR, code: 'UNK' });

function conditionOf(ctx: Context, id: string, sector: SectorName, c: Coding, extra: Record<string, unknown>): FhirResource {
  return { resourceType: 'Condition', id, meta: sectorTag(sector), ...extra, code: { coding: [coding(c)] }, subject: ctx.patientRef };
}

const category = (code: 'encounter-diagnosis' | 'problem-list-item') => [{ coding: [{ system: CONDITION_CATEGORY, code }] }];

/** Codings of the diagnosis systems, each (system, code) once. */
function diagnosisCodes(codes: readonly Coding[]): Coding[] {
  const seen = new Set<string>();
  return codes.filter((c) => {
    const k = `${c.system}|${c.code}`;
    if (!DIAGNOSIS_SYSTEMS.has(c.system) || !c.code || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function hospitalResources(ctx: Context, records: PersonRecords, out: Required<ExportedResources>): void {
  const encounterRef = (instance: string, encounterId: string) => ({ reference: `Encounter/${resourceIdOf(ctx.key, ctx.nin, 'Encounter', ['hospital', instance, encounterId])}` });
  for (const { record, instance } of records.hospitals) {
    const encounterIds = new Set(record.encounters.map((e) => e.id));
    // A reference only to an Encounter that is in the extract.
    const linked = (encounterId: string | null) => (ctx.types.has('Encounter') && encounterId && encounterIds.has(encounterId) ? { encounter: encounterRef(instance, encounterId) } : {});
    for (const e of record.encounters) {
      const start = date(ctx, e.start);
      const end = date(ctx, e.end);
      out.Encounter.push({
        resourceType: 'Encounter',
        id: resourceIdOf(ctx.key, ctx.nin, 'Encounter', ['hospital', instance, e.id]),
        meta: sectorTag('HOSPITAL'),
        status: encounterStatus(e.start, e.end, ctx.today),
        class: encounterClass(e.class === 'OTHER' ? undefined : HOSPITAL_CLASS[e.class]),
        subject: ctx.patientRef,
        ...(start || end ? { period: { ...present('start', start), ...present('end', end) } } : {}),
      });
    }
    for (const d of record.diagnoses) {
      if (diagnosisCodes([d.code]).length === 0) continue;
      out.Condition.push(
        conditionOf(ctx, resourceIdOf(ctx.key, ctx.nin, 'Condition', ['hospital-diagnosis', instance, d.id]), 'HOSPITAL', d.code, {
          category: category('encounter-diagnosis'),
          ...linked(d.encounterId),
          ...present('recordedDate', date(ctx, d.recorded)),
        }),
      );
    }
    // An encounter's diagnoses that the record's diagnosis list does not already hold (the same code on that
    // encounter, or, for a diagnosis tied to no encounter, recorded on the day it started).
    for (const e of record.encounters) {
      for (const c of diagnosisCodes(e.diagnoses)) {
        const listed = record.diagnoses.some(
          (d) => d.code.system === c.system && d.code.code === c.code && (d.encounterId === e.id || (d.encounterId === null && d.recorded?.slice(0, 10) === e.start.slice(0, 10))),
        );
        if (listed) continue;
        out.Condition.push(
          conditionOf(ctx, resourceIdOf(ctx.key, ctx.nin, 'Condition', ['hospital-encounter-diagnosis', instance, e.id, c.system, c.code]), 'HOSPITAL', c, {
            category: category('encounter-diagnosis'),
            ...linked(e.id),
            ...present('recordedDate', date(ctx, e.start)),
          }),
        );
      }
    }
  }
}

/**
 * The GP's record: each consultation an Encounter (the GP contact is the other half of what research on care
 * pathways counts, e.g. the GP's first contact after a discharge), its ICPC-2 (or ICD-10) diagnoses Conditions tied to
 * it, and the problem list as active Conditions.
 */
function gpResources(ctx: Context, records: PersonRecords, out: Required<ExportedResources>): void {
  const gp = records.gp;
  if (!gp?.record) return;
  const { record, instance } = gp;
  for (const c of record.consultations) {
    const encounterId = resourceIdOf(ctx.key, ctx.nin, 'Encounter', ['gp-consultation', instance, c.id]);
    const reason = c.reason ? diagnosisCodes([c.reason]) : [];
    const start = date(ctx, c.time);
    out.Encounter.push({
      resourceType: 'Encounter',
      id: encounterId,
      meta: sectorTag('GP'),
      status: encounterStatus(c.time, c.time, ctx.today),
      class: encounterClass(GP_CLASS[c.contactType]),
      subject: ctx.patientRef,
      ...(reason.length ? { reasonCode: [{ coding: reason.map(coding) }] } : {}),
      ...(start ? { period: { start } } : {}),
    });
    for (const code of diagnosisCodes(c.diagnoses)) {
      out.Condition.push(
        conditionOf(ctx, resourceIdOf(ctx.key, ctx.nin, 'Condition', ['gp-consultation-diagnosis', instance, c.id, code.system, code.code]), 'GP', code, {
          category: category('encounter-diagnosis'),
          ...(ctx.types.has('Encounter') ? { encounter: { reference: `Encounter/${encounterId}` } } : {}),
          ...present('recordedDate', date(ctx, c.time)),
        }),
      );
    }
  }
  for (const p of record.problems) {
    const [code] = diagnosisCodes([p.code]);
    if (!code) continue;
    out.Condition.push(
      conditionOf(ctx, resourceIdOf(ctx.key, ctx.nin, 'Condition', ['gp-problem', instance, code.system, code.code]), 'GP', code, {
        // On the problem list: active by what the list is (FHIR requires the status of a problem-list item).
        clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] },
        category: category('problem-list-item'),
        ...present('onsetDateTime', date(ctx, p.since)),
      }),
    );
  }
}

const SECTOR_OF: Record<MedicationEntryKind, SectorName> = {
  GP_PRESCRIPTION: 'GP',
  MUNICIPAL_CARE_LIST: 'MUNICIPAL_CARE',
  HOSPITAL_STATEMENT: 'HOSPITAL',
  NATIONAL_DISPENSATION: 'NATIONAL',
};

/**
 * A source as the merge needs it, named by its sector alone: the merge's texts name sources, and nothing here must
 * hold an organisation (the merge's output is read for codes, statuses and dates only, but it is safer not to have it).
 */
function anonymousSource(instance: string, sector: SectorName): SourceInfo {
  return { sourceId: instance, system: 'unknown', sector, organisation: SECTORS[sector].organisation, orgNumber: null };
}

/** The merged medication list (as factsOf and the record subgraph merge it), stopped medicines included. */
export function mergedMedications(records: PersonRecords): MedicationListItem[] {
  const entries = (list: readonly MedicationModel[], kind: MedicationEntryKind, instance: string): MedicationEntry[] =>
    list.map((m) => medicationEntry(m, kind, anonymousSource(instance, SECTOR_OF[kind])));
  return mergeMedications(
    [
      ...(records.gp?.record ? entries(records.gp.record.prescriptions, 'GP_PRESCRIPTION', records.gp.instance) : []),
      ...(records.care?.record ? entries(records.care.record.medications, 'MUNICIPAL_CARE_LIST', records.care.instance) : []),
      ...records.hospitals.flatMap(({ record, instance }) => entries(record.medications, 'HOSPITAL_STATEMENT', instance)),
    ],
    { includeStopped: true },
  );
}

const MEDICATION_STATUS = { ACTIVE: 'active', STOPPED: 'stopped', UNKNOWN: 'unknown' } as const;

function medicationResources(ctx: Context, records: PersonRecords, out: Required<ExportedResources>): void {
  for (const item of mergedMedications(records)) {
    // The merge's key: the ATC code, or the name where no source codes it.
    const mergeKey = item.atc ? item.atc.trim().toUpperCase() : `name:${item.name.trim().toLowerCase()}`;
    const starts = item.entries.map((e) => e.startDate).filter((d): d is string => !!d).sort();
    const ends = item.entries.map((e) => e.endDate);
    // Ended when every entry says when it ends (or ended): the latest of them.
    const end = ends.length && ends.every((d) => !!d) ? (ends as string[]).sort().at(-1) : null;
    const start = date(ctx, starts[0]);
    const stop = date(ctx, end);
    const rawDose = item.entries.find((e) => e.dose?.text?.trim())?.dose?.text;
    const doseText = rawDose ? scrubDoseText(rawDose, ctx.words) : null;
    out.MedicationStatement.push({
      resourceType: 'MedicationStatement',
      id: resourceIdOf(ctx.key, ctx.nin, 'MedicationStatement', ['merged', mergeKey]),
      meta: sectorTag(...item.entries.map((e) => SECTOR_OF[e.kind])),
      status: MEDICATION_STATUS[item.status],
      // The medicine's name as a product name, not free text: it is what identifies a medicine no source codes.
      medicationCodeableConcept: item.atc ? { coding: [{ system: ATC_SYSTEM, code: item.atc.trim().toUpperCase() }], text: item.name } : { text: item.name },
      subject: ctx.patientRef,
      ...(start || stop ? { effectivePeriod: { ...present('start', start), ...present('end', stop) } } : {}),
      ...(doseText ? { dosage: [{ text: doseText }] } : {}),
    });
  }
}

/**
 * One person's resources under the project: the Patient always, then the Conditions, Encounters and
 * MedicationStatements where the approval names them. `today` is the day of the extract (yyyy-mm-dd): an expired
 * project is refused (an error), and a person outside the project's cohort gets nothing (empty lists), so that a job
 * that selected its cohort wrongly still extracts no one the approval does not cover (research/bulk/projects.ts inCohort:
 * a strictly confidential address is in no cohort limited to municipalities).
 * `projectKey` is the project's own key (research/exportJob.ts projectKeyOf), at least 32 bytes.
 */
export function exportResources(records: PersonRecords, project: ResearchProject, projectKey: Buffer, today: string): ExportedResources {
  const day = today.slice(0, 10);
  if (day > project.validUntil) throw new Error(`the approval of project ${project.id} expired on ${project.validUntil}`);
  const types = resourceTypesOf(project);
  const out: Required<ExportedResources> = { Patient: [], Condition: [], Encounter: [], MedicationStatement: [] };
  const result = () => Object.fromEntries(types.map((t) => [t, out[t]])) as ExportedResources;
  if (!inCohort(project, records.person, day)) return result();
  const ctx: Context = {
    key: projectKey,
    nin: records.nin,
    rule: project.dates,
    offset: project.dates.mode === 'SHIFT' ? dayOffsetOf(projectKey, records.nin, project.dates.maxDays) : 0,
    today: day,
    patientRef: { reference: `Patient/${pseudonymOf(projectKey, records.nin)}` },
    types: new Set(types),
    words: personalWords(records),
  };
  out.Patient.push(patient(ctx, project, records.person));
  if (ctx.types.has('Condition') || ctx.types.has('Encounter')) {
    hospitalResources(ctx, records, out);
    gpResources(ctx, records, out);
  }
  if (ctx.types.has('MedicationStatement')) medicationResources(ctx, records, out);
  return result();
}
