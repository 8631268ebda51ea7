import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { CareRecordModel, GpRecordModel, HospitalRecordModel, MedicationModel, RegistryPerson } from '../../adapters/model';
import { personaNamed } from '../../gateway/devIdp/personas';
import { ICD10_SYSTEM, ICPC2_SYSTEM, type PersonRecords } from '../facts';
import { addDays, ATC_SYSTEM, dayOffsetOf, exportResources, MUNICIPALITY_EXTENSION, protectDate, pseudonymOf, scrubDoseText, type ExportedResources, type FhirResource } from './fhir';
import { bulkManifest, decryptFile, encryptFile, exportFileKey, fileAad, toNdjsonFiles } from './files';
import {
  approvedProjectFor,
  EXPORT_VARIABLES,
  inCohort,
  loadResearchProjects,
  parseResearchProjects,
  projectById,
  projectForApproval,
  resourceTypesOf,
  type ResearchProject,
} from './projects';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const TODAY = '2026-05-04';
const NIN = '03864013065';
const HIDDEN_NIN = '15076500565';

// ------------------------------------------------------------------ fixtures

function project(over: Partial<ResearchProject> = {}): ResearchProject {
  return {
    id: 'rek-2026-104512',
    approval: 'REK 2026/104512',
    title: 'Medication safety for home-dwelling older people in Vestland',
    recipient: { orgNumber: '874789542', name: 'Universitetet i Bergen' },
    validUntil: '2028-12-31',
    cohort: { municipalities: ['4601'], minAge: 65 },
    variables: [...EXPORT_VARIABLES],
    dates: { mode: 'SHIFT', maxDays: 30 },
    ...over,
  };
}
const NATIONAL = project({ id: 'rek-2025-87321', approval: 'REK 2025/87321', cohort: {}, variables: ['Patient.birthYear', 'Patient.gender', 'Condition', 'Encounter'], dates: { mode: 'YEAR' } });

const medication = (over: Partial<MedicationModel>): MedicationModel => ({
  id: 'med',
  atc: null,
  name: 'x',
  strength: null,
  form: null,
  dose: null,
  status: 'ACTIVE',
  startDate: null,
  endDate: null,
  note: 'Kari Hansen tar den med frokost i Strandgaten',
  hprNumber: '9429915',
  ...over,
});

function registryPerson(over: Partial<RegistryPerson> = {}): RegistryPerson {
  return {
    name: { given: 'Kari', middle: 'Marie', family: 'Hansen' },
    birthDate: '1944-05-17',
    sex: 'FEMALE',
    deceasedDate: null,
    address: { street: 'Strandgaten', houseNumber: '12', postalCode: '5013', city: 'Bergen' },
    addressProtection: 'NONE',
    municipalityNumber: '4601',
    parentalResponsibility: [],
    ...over,
  };
}

const hospital = (): HospitalRecordModel => ({
  encounters: [
    {
      id: 'enc-haukeland-1',
      class: 'INPATIENT',
      start: '2025-03-02T10:15:00+01:00',
      end: '2025-03-09T13:00:00+01:00',
      department: 'Hjertemedisinsk avdeling',
      diagnoses: [
        { system: ICD10_SYSTEM, code: 'I50.9', display: 'Hjertesvikt, uspesifisert' },
        { system: ICD10_SYSTEM, code: 'E11.9', display: null },
        { system: 'urn:local:haukeland-fritekst', code: 'X', display: 'Kari Hansen fra Strandgaten' },
      ],
      hprNumber: '9429915',
      referralIds: ['ref-1'],
    },
    { id: 'enc-haukeland-2', class: 'OUTPATIENT', start: '2025-04-01', end: '2025-04-01', department: 'Poliklinikk Haukeland', diagnoses: [], hprNumber: null },
    { id: 'enc-haukeland-3', class: 'OUTPATIENT', start: '2026-06-01', end: null, department: null, diagnoses: [], hprNumber: null },
  ],
  diagnoses: [{ id: 'dx-haukeland-1', code: { system: ICD10_SYSTEM, code: 'I50.9', display: 'Hjertesvikt, uspesifisert' }, primary: true, recorded: '2025-03-02', encounterId: 'enc-haukeland-1' }],
  medications: [medication({ id: 'hmed-1', atc: 'C03CA01', name: 'Furosemid', status: 'ACTIVE', startDate: '2025-03-03', dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett daglig' } })],
  documents: [{ id: 'doc-1', kind: 'DISCHARGE_SUMMARY', date: '2025-03-09', title: 'Epikrise Kari Hansen', text: 'Kari Hansen, Strandgaten 12', blocked: false, withheldFromPatient: false, encounterId: 'enc-haukeland-1', authorHpr: '9429915' }],
  labResults: [],
  careEpisodes: [{ id: 'ep-1', status: 'ACTIVE', start: '2025-03-02', end: null, department: 'Hjertemedisinsk avdeling', orgNumber: '983974724' }],
  blocks: [],
});

const gp = (): GpRecordModel => ({
  consultations: [
    {
      id: 'cons-nordnes-1',
      time: '2025-03-12T08:30:00Z',
      contactType: 'OFFICE',
      reason: { system: ICPC2_SYSTEM, code: 'K77', display: 'Hjertesvikt' },
      diagnoses: [{ system: ICPC2_SYSTEM, code: 'K77', display: 'Hjertesvikt' }],
      note: 'Kari Hansen bor i Strandgaten, ring 55 12 34 56',
      hprNumber: '565501',
    },
    { id: 'cons-nordnes-2', time: '2025-04-02T09:00:00Z', contactType: 'PHONE', reason: null, diagnoses: [{ system: ICPC2_SYSTEM, code: 'K77', display: 'Hjertesvikt' }], note: null, hprNumber: '565501' },
  ],
  problems: [{ code: { system: ICPC2_SYSTEM, code: 'T90', display: 'Diabetes type 2' }, since: '2019-06-01' }],
  prescriptions: [
    medication({ id: 'rx-1', atc: 'C03CA01', name: 'Furosemid', strength: '40 mg', form: 'tablett', startDate: '2025-03-12', dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett om morgenen fra 12.03.2025, spør Kari på 55123456' } }),
  ],
  referrals: [{ id: 'ref-1', date: '2025-02-20', toOrgNumber: '983974724', toDepartment: 'Hjertemedisinsk avdeling', reason: null, text: 'Kari Hansen, tungpust', hprNumber: '565501' }],
});

const care = (): CareRecordModel => ({
  services: [{ id: 'svc-1', type: 'HOME_NURSING', description: 'Hjemmesykepleien Årstad, Strandgaten', decisionDate: '2025-01-01', start: '2025-01-05', end: null, hoursPerWeek: 3, unit: 'Årstad' }],
  visits: [],
  functionalAssessment: null,
  nextOfKin: [{ name: 'Ola Hansen', relation: 'CHILD', phone: '+47 99 88 77 66', primary: true }],
  welfareTechnology: [],
  medications: [
    medication({ id: 'cmed-1', atc: 'C03CA01', name: 'Furosemid', status: 'ACTIVE', startDate: '2025-03-10' }),
    medication({ id: 'cmed-2', atc: 'N05CF01', name: 'Zopiklon', status: 'STOPPED', startDate: '2024-01-01', endDate: '2024-06-30', dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett ved behov om kvelden' } }),
  ],
  administrations: [],
});

/** A woman in Bergen with records at a hospital, a GP office and the municipal care service. */
function records(over: { nin?: string; person?: Partial<RegistryPerson> } = {}): PersonRecords {
  return {
    nin: over.nin ?? NIN,
    person: registryPerson(over.person),
    care: { record: care(), instance: 'care-bergen-gerica' },
    gp: { record: gp(), instance: 'gp-nordnes-legekontor' },
    hospitals: [{ record: hospital(), instance: 'hospital-haukeland-dips' }],
    missing: [],
  };
}

/** Strictly confidential: the register still routes by municipality, but nothing may place her. */
const hidden = () => records({ nin: HIDDEN_NIN, person: { addressProtection: 'STRICTLY_CONFIDENTIAL', address: null } });

/** What an organisation, a place, a person or a source record could be recognised by in the fixtures. */
const PLACING = ['Haukeland', 'haukeland', 'Hjertemedisinsk', 'Poliklinikk', 'nordnes', 'Nordnes', 'bergen', 'Bergen', 'gerica', 'Årstad', 'Strandgaten', '5013', '983974724', '9429915', '565501'];
const NAMES = ['Kari', 'Hansen', 'Marie', 'Ola'];
const SOURCE_IDS = ['enc-haukeland-1', 'dx-haukeland-1', 'cons-nordnes-1', 'rx-1', 'cmed-1', 'hmed-1', 'ref-1', 'doc-1'];

const all = (out: ExportedResources): FhirResource[] => Object.values(out).flat();
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(strings) : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]) : [];
/** Every date and date-time element of the resources (FHIR names them …Date, …DateTime, period start/end). */
const dates = (out: ExportedResources): string[] => {
  const found: string[] = [];
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string' && /(Date|DateTime|^start|^end)$/.test(key) && key !== 'birthDate') found.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => walk(x, k));
  };
  walk(out);
  return found;
};
const byType = <T extends FhirResource>(out: ExportedResources, type: keyof ExportedResources) => (out[type] ?? []) as T[];
const codeOf = (r: FhirResource) => (r.code as { coding: { code: string }[] }).coding[0]!.code;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

// ------------------------------------------------------------------ projects

describe('research projects (config/research-projects.json)', () => {
  it('ships two valid projects, the first with the researcher persona approval and organisation as recipient', () => {
    const projects = loadResearchProjects();
    expect(projects.map((p) => p.id)).toEqual(['rek-2026-104512', 'rek-2025-87321']);
    const researcher = personaNamed('researcher');
    const approval = researcher && 'emergencyReason' in researcher ? researcher.emergencyReason : undefined;
    const found = projectForApproval(projects, approval ?? null, TODAY);
    expect(found?.id).toBe('rek-2026-104512');
    expect(found?.recipient.orgNumber).toBe(researcher && 'orgNumber' in researcher ? researcher.orgNumber : 'none');
    const national = projectById(projects, 'rek-2025-87321')!;
    expect(national.cohort.municipalities).toBeUndefined();
    expect(national.dates).toEqual({ mode: 'YEAR' });
    expect(national.variables).not.toContain('Patient.municipality');
    expect(national.recipient.orgNumber).not.toBe(found?.recipient.orgNumber);
    expect(projectById(projects, 'nope')).toBeNull();
  });

  it('rejects bad input with the path and what is wrong', () => {
    const good = { ...project(), recipient: { orgNumber: '874789542', name: 'Universitetet i Bergen' } };
    const problem = (p: Record<string, unknown>) => {
      try {
        parseResearchProjects({ projects: [p] }, 'test.json');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problem(good)).toBe('accepted');
    expect(problem({ ...good, approvl: 'x' })).toMatch(/test\.json[\s\S]*projects\.0: unknown key "approvl"/);
    expect(problem({ ...good, approval: '2026/104512' })).toMatch(/projects\.0\.approval: must be a REK reference/);
    expect(problem({ ...good, recipient: { orgNumber: '874789543', name: 'UiB' } })).toMatch(/projects\.0\.recipient\.orgNumber: not an organisation number/);
    expect(problem({ ...good, variables: ['Patient.name'] })).toMatch(/projects\.0\.variables\.0: must be one of Patient\.birthYear/);
    expect(problem({ ...good, variables: ['Condition', 'Condition'] })).toMatch(/projects\.0\.variables: names a variable twice/);
    expect(problem({ ...good, dates: { mode: 'SHIFT' } })).toMatch(/projects\.0\.dates\.maxDays/);
    expect(problem({ ...good, dates: { mode: 'SHIFT', maxDays: 0 } })).toMatch(/maxDays: must be at least 1 day/);
    expect(problem({ ...good, dates: { mode: 'WEEK' } })).toMatch(/projects\.0\.dates(\.mode)?: mode must be SHIFT \(with maxDays\), MONTH or YEAR/);
    expect(problem({ ...good, dates: { mode: 'YEAR', maxDays: 3 } })).toMatch(/unknown key "maxDays"/);
    expect(problem({ ...good, validUntil: '2028-02-30' })).toMatch(/projects\.0\.validUntil: is not a calendar date/);
    expect(problem({ ...good, cohort: { municipalities: ['46'] } })).toMatch(/projects\.0\.cohort\.municipalities\.0: must be a municipality number of 4 digits/);
    expect(problem({ ...good, cohort: { municipalities: [] } })).toMatch(/must name at least one municipality/);
    expect(() => parseResearchProjects({ projects: [good, { ...good, id: 'other' }] })).toThrow(/projects\.1\.approval: approval REK 2026\/104512 is given to more than one project/);
    expect(() => parseResearchProjects({ project: [] })).toThrow(/\(root\): unknown key "project"/);
  });

  it('reads RESEARCH_PROJECTS_FILE at call time, and says where a file is broken', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'research-projects-'));
    const saved = process.env.RESEARCH_PROJECTS_FILE;
    try {
      const file = path.join(dir, 'projects.json');
      writeFileSync(file, JSON.stringify({ $comment: 'test', projects: [{ ...NATIONAL, recipient: { orgNumber: '971035854', name: 'UiO' } }] }));
      process.env.RESEARCH_PROJECTS_FILE = file;
      expect(loadResearchProjects().map((p) => p.id)).toEqual(['rek-2025-87321']);
      expect(approvedProjectFor('REK 2025/87321', TODAY)?.id).toBe('rek-2025-87321');
      expect(approvedProjectFor('REK 2026/104512', TODAY)).toBeNull();
      writeFileSync(file, '{ "projects": [ }');
      expect(() => loadResearchProjects()).toThrow(/projects\.json is not valid JSON: .* at line 1, column/);
      expect(() => approvedProjectFor('REK 2025/87321', TODAY)).toThrow(/not valid JSON/);
      expect(() => loadResearchProjects(path.join(dir, 'none.json'))).toThrow(/cannot read .*none\.json: no such file/);
    } finally {
      if (saved === undefined) delete process.env.RESEARCH_PROJECTS_FILE;
      else process.env.RESEARCH_PROJECTS_FILE = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a project by its approval until validUntil (inclusive), and none after or without one', () => {
    const projects = [project(), NATIONAL];
    expect(projectForApproval(projects, 'REK 2026/104512', '2028-12-31')?.id).toBe('rek-2026-104512');
    expect(projectForApproval(projects, '  REK  2026/104512 ', '2026-01-01')?.id).toBe('rek-2026-104512');
    expect(projectForApproval(projects, 'REK 2026/104512', '2029-01-01')).toBeNull();
    expect(projectForApproval(projects, 'REK 2026/999999', TODAY)).toBeNull();
    expect(projectForApproval(projects, null, TODAY)).toBeNull();
    expect(() => exportResources(records(), project(), KEY_A, '2029-01-01')).toThrow(/expired/);
  });

  it('allows the Patient always, and the other types the approval names', () => {
    expect(resourceTypesOf(project())).toEqual(['Patient', 'Condition', 'Encounter', 'MedicationStatement']);
    expect(resourceTypesOf(NATIONAL)).toEqual(['Patient', 'Condition', 'Encounter']);
    expect(resourceTypesOf(project({ variables: ['Patient.gender'] }))).toEqual(['Patient']);
  });

  it('leaves a strictly confidential person out of a cohort limited to municipalities, and in a national one', () => {
    const person = registryPerson();
    expect(inCohort(project(), person, TODAY)).toBe(true);
    expect(inCohort(project(), { ...person, municipalityNumber: '5001' }, TODAY)).toBe(false);
    expect(inCohort(project(), { ...person, birthDate: '1962-01-01' }, TODAY)).toBe(false);
    expect(inCohort(project(), { ...person, birthDate: null }, TODAY)).toBe(false);
    expect(inCohort(project(), hidden().person, TODAY)).toBe(false);
    expect(inCohort(NATIONAL, hidden().person, TODAY)).toBe(true);
    expect(exportResources(hidden(), project(), KEY_A, TODAY)).toEqual({ Patient: [], Condition: [], Encounter: [], MedicationStatement: [] });
  });
});

// ------------------------------------------------------------------ resources

describe('exportResources', () => {
  const out = exportResources(records(), project(), KEY_A, TODAY);
  const text = JSON.stringify(out);
  const patientId = pseudonymOf(KEY_A, NIN);

  it('holds no identity number, name, address, organisation, practitioner, source id or free text', () => {
    expect(text).not.toMatch(/\b\d{11}\b/);
    for (const word of [...NAMES, ...PLACING, ...SOURCE_IDS, 'tungpust', 'frokost', 'fritekst', '55123456', 'Epikrise']) expect(text).not.toContain(word);
    // No element that names, reaches or places anyone; text only as a medicine's name and its dose text.
    const keys: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, at));
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          keys.push(`${at}.${k}`);
          walk(x, `${at}.${k}`);
        }
    };
    for (const r of all(out)) walk(r, r.resourceType);
    for (const forbidden of ['identifier', 'name', 'telecom', 'note', 'serviceProvider', 'location', 'participant', 'performer', 'recorder', 'asserter', 'informationSource', 'contact', 'managingOrganization', 'generalPractitioner']) {
      expect(keys.filter((k) => k.endsWith(`.${forbidden}`))).toEqual([]);
    }
    expect([...new Set(keys.filter((k) => k.endsWith('.text')))].sort()).toEqual(['MedicationStatement.dosage.text', 'MedicationStatement.medicationCodeableConcept.text']);
  });

  it('gives the Patient the pseudonym, the birth year, the gender and the municipality, nothing more', () => {
    const [patient] = byType(out, 'Patient');
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: patientId,
      gender: 'female',
      birthDate: '1944',
      address: [{ extension: [{ url: MUNICIPALITY_EXTENSION, valueCoding: { system: 'urn:oid:2.16.578.1.12.4.1.1.3402', code: '4601' } }] }],
    });
    expect(patientId).toMatch(/^[0-9a-f]{64}$/);
    expect(patientId).toMatch(FHIR_ID);
    for (const r of all(out)) expect(r.id).toMatch(FHIR_ID);
    for (const r of all(out).filter((r) => r.resourceType !== 'Patient')) expect(r.subject).toEqual({ reference: `Patient/${patientId}` });
  });

  it('keeps the pseudonym and resource ids within a project, and changes them across projects', () => {
    const again = exportResources(records(), project(), KEY_A, TODAY);
    expect(again).toEqual(out);
    const other = exportResources(records(), project(), KEY_B, TODAY);
    const otherPatient = byType(other, 'Patient')[0]!.id;
    expect(otherPatient).not.toBe(patientId);
    expect(otherPatient).toBe(pseudonymOf(KEY_B, NIN));
    const ids = new Set(all(out).map((r) => r.id));
    expect(all(other).some((r) => ids.has(r.id))).toBe(false);
    expect(pseudonymOf(KEY_A, HIDDEN_NIN)).not.toBe(patientId);
    // Unique within each type.
    for (const list of Object.values(out)) expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
  });

  it('holds only the approved types and patient variables', () => {
    const national = exportResources(records(), NATIONAL, KEY_A, TODAY);
    expect(Object.keys(national).sort()).toEqual(['Condition', 'Encounter', 'Patient']);
    expect(byType(national, 'Patient')[0]).toEqual({ resourceType: 'Patient', id: patientId, gender: 'female', birthDate: '1944' });
    const genderOnly = exportResources(records(), project({ variables: ['Patient.gender'] }), KEY_A, TODAY);
    expect(genderOnly).toEqual({ Patient: [{ resourceType: 'Patient', id: patientId, gender: 'female' }] });
    const conditionsOnly = exportResources(records(), project({ variables: ['Condition'] }), KEY_A, TODAY);
    expect(Object.keys(conditionsOnly).sort()).toEqual(['Condition', 'Patient']);
    // No reference to an Encounter the extract does not hold.
    expect(JSON.stringify(conditionsOnly)).not.toContain('Encounter/');
  });

  it('places a strictly confidential person nowhere', () => {
    const national = exportResources(hidden(), { ...NATIONAL, variables: [...EXPORT_VARIABLES] }, KEY_A, TODAY);
    const [patient] = byType(national, 'Patient');
    expect(patient).toEqual({ resourceType: 'Patient', id: pseudonymOf(KEY_A, HIDDEN_NIN), gender: 'female', birthDate: '1944' });
    const values = strings(national);
    expect(values).not.toContain('4601');
    expect(values).not.toContain('address');
    expect(values).not.toContain(MUNICIPALITY_EXTENSION);
    const serialized = JSON.stringify(national);
    for (const word of [...PLACING, ...NAMES]) expect(serialized).not.toContain(word);
    expect(serialized).not.toMatch(/\b\d{11}\b/);
    // Her records are still there, by sector only.
    expect(byType(national, 'Encounter').length).toBeGreaterThan(0);
    expect(new Set(byType(national, 'Encounter').flatMap((e) => (e.meta as { tag: { code: string }[] }).tag.map((t) => t.code)))).toEqual(new Set(['HOSPITAL', 'GP']));
  });

  it('takes the diagnoses once each, with their codes, and ties them to exported encounters', () => {
    const conditions = byType(out, 'Condition');
    expect(conditions.map((c) => `${(c.meta as { tag: { code: string }[] }).tag[0]!.code}:${codeOf(c)}`).sort()).toEqual(['GP:K77', 'GP:K77', 'GP:T90', 'HOSPITAL:E11.9', 'HOSPITAL:I50.9']);
    const i50 = conditions.find((c) => codeOf(c) === 'I50.9')!;
    expect(i50.code).toEqual({ coding: [{ system: ICD10_SYSTEM, code: 'I50.9', display: 'Hjertesvikt, uspesifisert' }] });
    expect((conditions.find((c) => codeOf(c) === 'E11.9')!.code as { coding: object[] }).coding).toEqual([{ system: ICD10_SYSTEM, code: 'E11.9' }]);
    const t90 = conditions.find((c) => codeOf(c) === 'T90')!;
    expect(t90.clinicalStatus).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] });
    expect(t90.category).toEqual([{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }]);
    const encounterIds = new Set(byType(out, 'Encounter').map((e) => `Encounter/${e.id}`));
    const refs = conditions.flatMap((c) => (c.encounter ? [(c.encounter as { reference: string }).reference] : []));
    expect(refs).toHaveLength(4);
    for (const ref of refs) expect(encounterIds.has(ref)).toBe(true);
  });

  it('gives encounters their v3-ActCode class and status', () => {
    const encounters = byType(out, 'Encounter');
    const summary = encounters.map((e) => `${(e.meta as { tag: { code: string }[] }).tag[0]!.code}:${(e.class as { code: string }).code}:${e.status as string}`);
    expect(summary).toEqual(['HOSPITAL:IMP:finished', 'HOSPITAL:AMB:finished', 'HOSPITAL:AMB:planned', 'GP:AMB:finished', 'GP:VR:finished']);
    expect(encounters.every((e) => (e.class as { system: string }).system === 'http://terminology.hl7.org/CodeSystem/v3-ActCode')).toBe(true);
    expect(encounters[3]!.reasonCode).toEqual([{ coding: [{ system: ICPC2_SYSTEM, code: 'K77', display: 'Hjertesvikt' }] }]);
    expect(encounters.some((e) => 'department' in e || 'serviceProvider' in e)).toBe(false);
  });

  it('merges the medicines of all three lists, with ATC, status, period and a dose text without dates or numbers', () => {
    const meds = byType(out, 'MedicationStatement');
    expect(meds).toHaveLength(2);
    const furosemid = meds.find((m) => (m.medicationCodeableConcept as { text: string }).text === 'Furosemid')!;
    expect(furosemid.status).toBe('active');
    expect((furosemid.medicationCodeableConcept as { coding: object[] }).coding).toEqual([{ system: ATC_SYSTEM, code: 'C03CA01' }]);
    expect((furosemid.meta as { tag: { code: string }[] }).tag.map((t) => t.code).sort()).toEqual(['GP', 'HOSPITAL', 'MUNICIPAL_CARE']);
    expect(furosemid.dosage).toEqual([{ text: '1 tablett om morgenen fra [dato], spør [navn] på [tall]' }]);
    expect((furosemid.effectivePeriod as { end?: string }).end).toBeUndefined();
    const zopiklon = meds.find((m) => (m.medicationCodeableConcept as { text: string }).text === 'Zopiklon')!;
    expect(zopiklon.status).toBe('stopped');
    expect(zopiklon.dosage).toEqual([{ text: '1 tablett ved behov om kvelden' }]);
    const offset = dayOffsetOf(KEY_A, NIN, 30);
    const shift = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    expect(zopiklon.effectivePeriod).toEqual({ start: shift('2024-01-01'), end: shift('2024-06-30') });
    expect((furosemid.effectivePeriod as { start: string }).start).toBe(shift('2025-03-03'));
  });
});

describe('dose text', () => {
  it("loses dates, long numbers and the person's names and places, keeps the dosing", () => {
    expect(scrubDoseText('1 tablett om morgenen fra 12.03.2025, ring 55 12 34 56')).toBe('1 tablett om morgenen fra [dato], ring [tall]');
    expect(scrubDoseText('2 tabl. fra 3. mars 2025 til 2025-04-01, så 1.4.')).toBe('2 tabl. fra [dato] til [dato], så [dato]');
    expect(scrubDoseText('10-10-10 IE, 2,5 mg x 2, 1-0-1, 10000 IE ukentlig')).toBe('10-10-10 IE, 2,5 mg x 2, 1-0-1, 10000 IE ukentlig');
    expect(scrubDoseText('1 tablett 1 mai og 2 marevan')).toBe('1 tablett [dato] og 2 marevan');
    expect(scrubDoseText('Ola Hansen gir 1 tablett i Strandgaten; Olav tar 2', ['Ola Hansen', 'Ola', 'Hansen', 'Strandgaten'])).toBe('[navn] gir 1 tablett i [navn]; Olav tar 2');
  });
});

// ------------------------------------------------------------------ dates

describe('date protection', () => {
  it('SHIFT moves every date of a person by the same nonzero offset within ±maxDays, keeping intervals and times', () => {
    const out = exportResources(records(), project(), KEY_A, TODAY);
    const offset = dayOffsetOf(KEY_A, NIN, 30);
    expect(offset).not.toBe(0);
    expect(Math.abs(offset)).toBeLessThanOrEqual(30);
    const inpatient = byType(out, 'Encounter')[0]!.period as { start: string; end: string };
    expect(inpatient.start).toMatch(/^\d{4}-\d{2}-\d{2}T10:15:00\+01:00$/);
    expect(inpatient.end).toMatch(/^\d{4}-\d{2}-\d{2}T13:00:00\+01:00$/);
    expect(Date.parse(inpatient.end) - Date.parse(inpatient.start)).toBe(Date.parse('2025-03-09T13:00:00+01:00') - Date.parse('2025-03-02T10:15:00+01:00'));
    expect((Date.parse(inpatient.start) - Date.parse('2025-03-02T10:15:00+01:00')) / 86_400_000).toBe(offset);
    const recorded = byType(out, 'Condition').find((c) => codeOf(c) === 'I50.9')!.recordedDate as string;
    expect((Date.parse(recorded) - Date.parse('2025-03-02')) / 86_400_000).toBe(offset);
    const gpStart = (byType(out, 'Encounter')[3]!.period as { start: string }).start;
    expect(gpStart).toMatch(/T08:30:00Z$/);
    expect((Date.parse(gpStart) - Date.parse('2025-03-12T08:30:00Z')) / 86_400_000).toBe(offset);
    // Every date of the extract is one of the records' dates moved by the offset: none is given as it is.
    const recordDates = new Set(['2025-03-02', '2025-03-09', '2025-03-12', '2025-04-01', '2025-04-02', '2026-06-01', '2019-06-01', '2024-01-01', '2024-06-30', '2025-03-03']);
    expect(dates(out).length).toBeGreaterThan(10);
    for (const d of dates(out)) expect(recordDates.has(addDays(d.slice(0, 10), -offset))).toBe(true);
    // Each person has an offset of their own, and another project another one.
    const offsets = Array.from({ length: 400 }, (_, i) => dayOffsetOf(KEY_A, String(10_000_000_000 + i * 7919), 30));
    expect(offsets.every((o) => o !== 0 && o >= -30 && o <= 30)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(50);
    expect(offsets.some((o) => o < 0) && offsets.some((o) => o > 0)).toBe(true);
    expect(Array.from({ length: 100 }, (_, i) => dayOffsetOf(KEY_A, String(i), 1)).every((o) => o === 1 || o === -1)).toBe(true);
    const acrossProjects = Array.from({ length: 100 }, (_, i) => String(20_000_000_000 + i)).filter((n) => dayOffsetOf(KEY_A, n, 30) !== dayOffsetOf(KEY_B, n, 30));
    expect(acrossProjects.length).toBeGreaterThan(80);
  });

  it('MONTH and YEAR coarsen every date and drop the time', () => {
    const month = exportResources(records(), project({ dates: { mode: 'MONTH' } }), KEY_A, TODAY);
    expect(dates(month).length).toBeGreaterThan(5);
    for (const d of dates(month)) expect(d).toMatch(/^\d{4}-\d{2}$/);
    expect(byType(month, 'Encounter')[0]!.period).toEqual({ start: '2025-03', end: '2025-03' });
    const year = exportResources(records(), project({ dates: { mode: 'YEAR' } }), KEY_A, TODAY);
    for (const d of dates(year)) expect(d).toMatch(/^\d{4}$/);
    expect(byType(year, 'Patient')[0]!.birthDate).toBe('1944');
  });

  it('writes valid FHIR dates, and leaves out what is no date', () => {
    const shift = { mode: 'SHIFT', maxDays: 30 } as const;
    expect(protectDate('2024-12-31T23:59:59.123Z', shift, 1)).toBe('2025-01-01T23:59:59.123Z');
    expect(protectDate('2024-03-01T10:15+02:00', shift, -1)).toBe('2024-02-29T10:15:00+02:00');
    // A time without an offset is no FHIR dateTime: the shifted day alone.
    expect(protectDate('2024-03-01T10:15:00', shift, 2)).toBe('2024-03-03');
    expect(protectDate('yesterday', shift, 2)).toBeNull();
    expect(protectDate('2024-02-30', { mode: 'YEAR' }, 0)).toBeNull();
    expect(protectDate(null, { mode: 'MONTH' }, 0)).toBeNull();
    expect(() => protectDate('2024-01-01', shift, 0)).toThrow(/never 0/);
  });
});

// ------------------------------------------------------------------ files

describe('NDJSON files, encryption and the manifest', () => {
  const resources = exportResources(records(), project(), KEY_A, TODAY);

  it('writes one resource a line, per type, split at maxLinesPerFile', () => {
    const patients = Array.from({ length: 5 }, (_, i) => ({ resourceType: 'Patient' as const, id: `p${i}`, note: 'a\nb' }));
    const files = toNdjsonFiles({ ...resources, Patient: patients }, 2);
    expect(files.filter((f) => f.type === 'Patient').map((f) => [f.name, f.count])).toEqual([
      ['Patient-1.ndjson', 2],
      ['Patient-2.ndjson', 2],
      ['Patient-3.ndjson', 1],
    ]);
    expect(files.map((f) => f.type)).toEqual(['Patient', 'Patient', 'Patient', 'Condition', 'Condition', 'Condition', 'Encounter', 'Encounter', 'Encounter', 'MedicationStatement']);
    for (const f of files) {
      expect(f.content.endsWith('\n')).toBe(true);
      const lines = f.content.slice(0, -1).split('\n');
      expect(lines).toHaveLength(f.count);
      for (const line of lines) expect((JSON.parse(line) as FhirResource).resourceType).toBe(f.type);
      expect(f.sha256).toBe(createHash('sha256').update(f.content).digest('hex'));
    }
    const whole = toNdjsonFiles(resources);
    expect(whole.map((f) => f.name)).toEqual(['Patient-1.ndjson', 'Condition-1.ndjson', 'Encounter-1.ndjson', 'MedicationStatement-1.ndjson']);
    expect(whole.map((f) => f.content).join('')).not.toMatch(/\b\d{11}\b/);
    expect(toNdjsonFiles({ Patient: [], Condition: [] })).toEqual([]);
    expect(() => toNdjsonFiles(resources, 0)).toThrow(RangeError);
  });

  it('encrypts with AES-256-GCM bound to the job and file, under a key per job', () => {
    const research = Buffer.alloc(32, 9);
    const key = exportFileKey(research, 'job-1');
    expect(key).toHaveLength(32);
    expect(exportFileKey(research, 'job-1').equals(key)).toBe(true);
    expect(exportFileKey(research, 'job-2').equals(key)).toBe(false);
    const [file] = toNdjsonFiles(resources);
    const aad = fileAad('job-1', file!.name);
    const sealed = encryptFile(file!.content, key, aad);
    expect(sealed).not.toContain(byType(resources, 'Patient')[0]!.id);
    expect(encryptFile(file!.content, key, aad)).not.toBe(sealed);
    expect(decryptFile(sealed, key, aad)).toBe(file!.content);
    expect(() => decryptFile(sealed, key, fileAad('job-1', 'Condition-1.ndjson'))).toThrow(/does not decrypt/);
    expect(() => decryptFile(sealed, key, fileAad('job-2', file!.name))).toThrow(/does not decrypt/);
    expect(() => decryptFile(sealed, exportFileKey(research, 'job-2'), aad)).toThrow(/does not decrypt/);
    const tampered = Buffer.from(sealed, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decryptFile(tampered.toString('base64'), key, aad)).toThrow(/does not decrypt/);
    expect(() => encryptFile('x', Buffer.alloc(16), aad)).toThrow(/32 bytes/);
  });

  it('lists the files in a Bulk Data manifest', () => {
    const files = toNdjsonFiles(resources);
    const manifest = bulkManifest({ transactionTime: '2026-05-04T10:00:00.000Z', requestUrl: 'https://graph.example/fhir/$export?_type=Patient', files, fileUrl: (name) => `https://graph.example/files/job-1/${name}` });
    expect(manifest).toEqual({
      transactionTime: '2026-05-04T10:00:00.000Z',
      request: 'https://graph.example/fhir/$export?_type=Patient',
      requiresAccessToken: true,
      output: [
        { type: 'Patient', url: 'https://graph.example/files/job-1/Patient-1.ndjson', count: 1 },
        { type: 'Condition', url: 'https://graph.example/files/job-1/Condition-1.ndjson', count: 5 },
        { type: 'Encounter', url: 'https://graph.example/files/job-1/Encounter-1.ndjson', count: 5 },
        { type: 'MedicationStatement', url: 'https://graph.example/files/job-1/MedicationStatement-1.ndjson', count: 2 },
      ],
      error: [],
    });
  });
});
