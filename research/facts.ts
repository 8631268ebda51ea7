import type { ContractName } from '../adapters/contracts';
import type { CareRecordModel, Coding, GpListingModel, GpRecordModel, HospitalRecordModel, RegistryPerson } from '../adapters/model';
import { adapterManifest } from '../adapters';
import type { SourceDirectory } from '../subgraphs/kit/SourceDirectory';
import { medicationEntry, type MedicationEntry } from '../subgraphs/kit/shapes';
import { mergeMedications } from '../subgraphs/record/mergeMedications';
import { clinicalWarnings } from '../subgraphs/record/cds/clinicalWarnings';

/**
 * What a research question needs to know of each person in its cohort, read from the live sources in batches through
 * the adapter kit (its limits, breakers, cache), and kept only while the question is computed: the facts leave this
 * module as dimension values and flags under a per-project pseudonym (research/aggregate.ts), never with the identity
 * number, a name, an address or a date of birth.
 */

export const ICD10_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.7110';
export const ICPC2_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.7170';

/** The age bands research tables use: fixed, so that no two questions can be told apart by one year of age. */
export const AGE_BANDS = ['0-17', '18-49', '50-66', '67-74', '75-84', '85+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBandOf(age: number): AgeBand {
  if (age < 18) return '0-17';
  if (age < 50) return '18-49';
  if (age < 67) return '50-66';
  if (age < 75) return '67-74';
  if (age < 85) return '75-84';
  return '85+';
}

export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** ICD-10 chapters (WHO 2019 ranges, the Norwegian edition's), by the first code of each. */
const ICD10_CHAPTERS: [string, string][] = [
  ['A00', 'I'], ['C00', 'II'], ['D50', 'III'], ['E00', 'IV'], ['F00', 'V'], ['G00', 'VI'], ['H00', 'VII'], ['H60', 'VIII'],
  ['I00', 'IX'], ['J00', 'X'], ['K00', 'XI'], ['L00', 'XII'], ['M00', 'XIII'], ['N00', 'XIV'], ['O00', 'XV'], ['P00', 'XVI'],
  ['Q00', 'XVII'], ['R00', 'XVIII'], ['S00', 'XIX'], ['U00', 'XXII'], ['V01', 'XX'], ['Z00', 'XXI'],
];

/** The ICD-10 chapter (roman numeral) of a code, or null for what is not an ICD-10 code. */
export function icd10Chapter(code: string): string | null {
  const c = code.trim().toUpperCase().replace('.', '');
  if (!/^[A-Z]\d{2}/.test(c)) return null;
  const head = c.slice(0, 3);
  let chapter: string | null = null;
  // Chapter XX runs V01–Y98 and XXI Z00–Z99; U (XXII) sits between T and V in the alphabet.
  for (const [from, name] of ICD10_CHAPTERS) if (head >= from) chapter = name;
  if (head >= 'V01' && head < 'Z00') chapter = 'XX';
  if (head >= 'U00' && head < 'V00') chapter = 'XXII';
  return chapter;
}

const ICPC2_CHAPTERS = new Set('ABDFHKLNPRSTUWXYZ'.split(''));

/** The ICPC-2 chapter (its letter) of a code, or null. */
export function icpc2Chapter(code: string): string | null {
  const c = code.trim().toUpperCase();
  return /^[A-Z]\d{2}/.test(c) && ICPC2_CHAPTERS.has(c[0]!) ? c[0]! : null;
}

/** A diagnosis chapter in a year: what a table by chapter and period counts a person under. */
export interface ChapterYear {
  chapter: string;
  year: string;
}

export interface PersonFacts {
  /** The identity number: only inside the computation (research/aggregate.ts turns it into a project pseudonym). */
  nin: string;
  ageBand: AgeBand | null;
  age: number | null;
  sex: 'FEMALE' | 'MALE' | 'UNKNOWN';
  /**
   * The municipality of residence, or null for a strictly confidential address: such a person is counted only where
   * no place is named (a table without the municipality dimension).
   */
  municipality: string | null;
  icd10: ChapterYear[];
  icpc2: ChapterYear[];
  /** In home nursing or practical assistance today. */
  homeCare: boolean;
  /** Some medicine in use whose sources disagree (the merged list's hasDiscrepancy), where the lists could be read. */
  unresolvedDiscrepancy: boolean | null;
  /** Aged 70 or more and not in a nursing home: whether a NorGeP criterion warns; null when not applicable. */
  norgepWarning: boolean | null;
  /** Each hospital discharge (inpatient stay ended) with the days until the GP's next contact (null: none yet). */
  discharges: { year: string; daysToGp: number | null }[];
  /** Sources that did not answer for this person: the answer says the figures are partial. */
  missing: string[];
}

/** Where research asks the sources for a batch: the budget (research's share of each source) and the stop signal. */
export interface FactReading {
  directory: SourceDirectory;
  today: string;
  requestId: string;
  signal: AbortSignal;
  /** Waits until research may make `calls` more calls to this source (research/jobs SourceBudget). */
  take(sourceId: string, calls: number, signal?: AbortSignal): Promise<void>;
  /** Counts each source read, by instance (the bench reports legacy calls per source). */
  onRead?: (sourceId: string, keys: number) => void;
}

const HOME_CARE = new Set(['HOME_NURSING', 'PRACTICAL_ASSISTANCE']);
const NURSING_HOME = new Set(['NURSING_HOME_LONG_TERM', 'NURSING_HOME_SHORT_TERM']);

const yearOf = (day: string | null | undefined) => (day && /^\d{4}/.test(day) ? day.slice(0, 4) : null);
const isActive = (s: { start: string; end: string | null }, today: string) => s.start.slice(0, 10) <= today && (!s.end || s.end.slice(0, 10) >= today);

/** Reads one source for some keys, within research's budget: calls = batches of the adapter's maxBatch. */
async function readSource<K, V>(reading: FactReading, instanceId: string, contract: ContractName, keys: K[]): Promise<Map<string, V | null> | null> {
  if (keys.length === 0) return new Map();
  const adapter = reading.directory.adapter(instanceId, contract) as unknown as { read(keys: readonly K[], options?: { requestId?: string }): Promise<Map<string, V | null>> };
  const maxBatch = adapterManifest(reading.directory.instance(instanceId).system).maxBatch;
  await reading.take(instanceId, Math.ceil(keys.length / maxBatch), reading.signal);
  reading.signal.throwIfAborted();
  try {
    const answer = await adapter.read(keys, { requestId: reading.requestId });
    reading.onRead?.(instanceId, keys.length);
    return answer;
  } catch {
    // The source did not answer (down, breaker open, garbage): these persons' facts from it are missing, and said so.
    return null;
  }
}

/**
 * The persons grouped by the sources that hold them: by municipality (its care system and catchment hospitals) and GP
 * system, read from the population register and the GP register for all of them (in calls of those registers' own
 * batch sizes). A job that reads its cohort in batches of whole groups asks each source for its patients in as few
 * calls as the batches allow. Persons the registers do not know form a group of their own, last.
 */
export async function groupBySource(nins: readonly string[], reading: FactReading): Promise<string[][]> {
  const { directory } = reading;
  const people = await readSource<string, RegistryPerson>(reading, directory.orgs.registries.population, 'RegistryPerson', [...nins]);
  const listings = await readSource<string, GpListingModel>(reading, directory.orgs.registries.gpList, 'GpListingModel', [...nins]);
  const groups = new Map<string, string[]>();
  for (const nin of nins) {
    const municipality = people?.get(nin)?.municipalityNumber ?? '~';
    const herId = listings?.get(nin)?.office.herId;
    const gp = (herId ? directory.gpOffice(herId)?.instance : undefined) ?? '~';
    const key = `${municipality}|${gp}`;
    groups.set(key, [...(groups.get(key) ?? []), nin]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, group]) => group);
}

/** What the sources hold of one living person in a batch, as their adapters read it (kept only while a job computes). */
export interface PersonRecords {
  nin: string;
  person: RegistryPerson;
  /** The municipality's care record, with the instance that holds it; null when none is held, or it could not be read. */
  care: { record: CareRecordModel | null; instance: string } | null;
  gp: { record: GpRecordModel | null; instance: string } | null;
  hospitals: { record: HospitalRecordModel; instance: string }[];
  /** Sectors whose source did not answer for this person. */
  missing: string[];
}

/**
 * The records of a batch of persons: the population register first (age, sex, residence, protection), the GP register
 * (which office), then each municipality's care system, each office's GP system and each catchment hospital, every
 * source asked once for all the batch's patients it holds. The dead and the unknown are left out.
 */
export async function readRecords(nins: readonly string[], reading: FactReading): Promise<PersonRecords[]> {
  const { directory } = reading;
  const registries = directory.orgs.registries;
  const people = await readSource<string, RegistryPerson>(reading, registries.population, 'RegistryPerson', [...nins]);
  const listings = await readSource<string, GpListingModel>(reading, registries.gpList, 'GpListingModel', [...nins]);
  const alive = nins.filter((n) => people?.get(n) && !people.get(n)!.deceasedDate);

  // Care, by the municipality's care system.
  const byCare = new Map<string, string[]>();
  const byHospital = new Map<string, string[]>();
  const byGp = new Map<string, { nin: string; officeHerId: string }[]>();
  for (const nin of alive) {
    const person = people!.get(nin)!;
    const municipality = person.municipalityNumber ? directory.municipality(person.municipalityNumber) : undefined;
    const careInstance = municipality?.careInstance;
    if (careInstance) byCare.set(careInstance, [...(byCare.get(careInstance) ?? []), nin]);
    for (const h of person.municipalityNumber ? directory.hospitalsFor(person.municipalityNumber) : []) byHospital.set(h.instance, [...(byHospital.get(h.instance) ?? []), nin]);
    const herId = listings?.get(nin)?.office.herId;
    const office = herId ? directory.gpOffice(herId) : undefined;
    if (office && herId) byGp.set(office.instance, [...(byGp.get(office.instance) ?? []), { nin, officeHerId: herId }]);
  }
  const care = new Map<string, { record: CareRecordModel | null; instance: string } | null>();
  const hospital = new Map<string, { record: HospitalRecordModel; instance: string }[]>();
  const gp = new Map<string, { record: GpRecordModel | null; instance: string } | null>();
  const missing = new Map<string, Set<string>>();
  const miss = (nin: string, sector: string) => missing.set(nin, (missing.get(nin) ?? new Set()).add(sector));
  await Promise.all([
    ...[...byCare].map(async ([instance, keys]) => {
      const answer = await readSource<string, CareRecordModel>(reading, instance, 'CareRecordModel', keys);
      for (const nin of keys) {
        if (!answer) miss(nin, 'MUNICIPAL_CARE');
        care.set(nin, answer ? { record: answer.get(nin) ?? null, instance } : null);
      }
    }),
    ...[...byHospital].map(async ([instance, keys]) => {
      const answer = await readSource<string, HospitalRecordModel>(reading, instance, 'HospitalRecordModel', keys);
      for (const nin of keys) {
        if (!answer) miss(nin, 'HOSPITAL');
        const record = answer?.get(nin);
        if (record) hospital.set(nin, [...(hospital.get(nin) ?? []), { record, instance }]);
      }
    }),
    ...[...byGp].map(async ([instance, keys]) => {
      const answer = await readSource<{ nin: string; officeHerId: string }, GpRecordModel>(reading, instance, 'GpRecordModel', keys);
      for (const { nin, officeHerId } of keys) {
        if (!answer) miss(nin, 'GP');
        gp.set(nin, answer ? { record: answer.get(`${officeHerId}:${nin}`) ?? answer.get(nin) ?? null, instance } : null);
      }
    }),
  ]);

  return nins.flatMap((nin): PersonRecords[] => {
    const person = people?.get(nin);
    if (!person || person.deceasedDate) return [];
    return [{ nin, person, care: care.get(nin) ?? null, gp: gp.get(nin) ?? null, hospitals: hospital.get(nin) ?? [], missing: [...(missing.get(nin) ?? [])] }];
  });
}

/** The facts of a batch of persons (readRecords, then factsOf). */
export async function readFacts(nins: readonly string[], reading: FactReading): Promise<PersonFacts[]> {
  return (await readRecords(nins, reading)).map((records) => factsOf(records, reading.directory, reading.today));
}

/** What a research question counts of one person, from their records. */
export function factsOf(records: PersonRecords, directory: SourceDirectory, today: string): PersonFacts {
  const { nin, person, care, gp } = records;
  const age = person.birthDate ? ageOn(person.birthDate, today) : null;
  const placeHidden = person.addressProtection === 'STRICTLY_CONFIDENTIAL' || person.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD';
  const careRecord = care?.record ?? null;
  const gpRecord = gp?.record ?? null;
  const hospitals = records.hospitals;
  const codes = (list: Coding[], chapterOf: (code: string) => string | null, system: string, day: string | null) =>
    list.flatMap((c) => {
      const chapter = c.system === system ? chapterOf(c.code) : null;
      const year = yearOf(day);
      return chapter && year ? [{ chapter, year }] : [];
    });
  const icd10 = hospitals.flatMap(({ record }) => [
    ...record.diagnoses.flatMap((d) => codes([d.code], icd10Chapter, ICD10_SYSTEM, d.recorded)),
    ...record.encounters.flatMap((e) => codes(e.diagnoses, icd10Chapter, ICD10_SYSTEM, e.start)),
  ]);
  const icpc2 = (gpRecord?.consultations ?? []).flatMap((c) => codes(c.diagnoses, icpc2Chapter, ICPC2_SYSTEM, c.time));
  const services = careRecord?.services ?? [];
  const homeCare = services.some((s) => HOME_CARE.has(s.type) && isActive(s, today));
  const inNursingHome = services.some((s) => NURSING_HOME.has(s.type) && isActive(s, today));

  // The merged medication list, as the record subgraph merges it: the GP's, the care service's and the hospitals'.
  const entries: MedicationEntry[] = [
    ...(gpRecord?.prescriptions ?? []).map((m) => medicationEntry(m, 'GP_PRESCRIPTION', directory.info(gp!.instance))),
    ...(careRecord?.medications ?? []).map((m) => medicationEntry(m, 'MUNICIPAL_CARE_LIST', directory.info(care!.instance))),
    ...hospitals.flatMap(({ record, instance }) => record.medications.map((m) => medicationEntry(m, 'HOSPITAL_STATEMENT', directory.info(instance)))),
  ];
  const listsRead = care !== null && gp !== null;
  const merged = mergeMedications(entries, { includeStopped: false });
  const unresolvedDiscrepancy = listsRead ? merged.some((m) => m.hasDiscrepancy) : null;
  let norgepWarning: boolean | null = null;
  if (age !== null && age >= 70 && !inNursingHome && listsRead) {
    const warnings = clinicalWarnings({
      today,
      medications: merged,
      criticalInformation: [],
      labResults: [],
      person: { birthDate: person.birthDate, sex: person.sex, deceasedDate: null, provenance: null },
      careServices: services.map((s) => ({ id: s.id, type: s.type, description: s.description, start: s.start, end: s.end, provenance: { sourceId: care!.instance, sector: 'MUNICIPAL_CARE' } as never })),
      missingSources: [],
    });
    norgepWarning = warnings.some((w) => w.kind === 'NORGEP');
  }
  // Each inpatient stay that ended, and the GP's next contact after it.
  const contacts = (gpRecord?.consultations ?? []).map((c) => c.time.slice(0, 10)).sort();
  const discharges = hospitals.flatMap(({ record }) =>
    record.encounters
      .filter((e) => e.class === 'INPATIENT' && e.end && e.end.slice(0, 10) <= today)
      .map((e) => {
        const end = e.end!.slice(0, 10);
        const next = contacts.find((c) => c >= end);
        return { year: end.slice(0, 4), daysToGp: next ? Math.round((Date.parse(next) - Date.parse(end)) / 86_400_000) : null };
      }),
  );
  return {
    nin,
    age,
    ageBand: age === null ? null : ageBandOf(age),
    sex: person.sex ?? 'UNKNOWN',
    municipality: placeHidden ? null : person.municipalityNumber,
    icd10,
    icpc2,
    homeCare,
    unresolvedDiscrepancy,
    norgepWarning,
    discharges,
    missing: records.missing,
  };
}
