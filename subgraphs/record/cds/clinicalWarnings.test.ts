import { knowledge } from '../../../codelists/cds';
import type { Provenance } from '../../kit/provenance';
import type { MedicationEntry, MedicationEntryKind } from '../../kit/shapes';
import { mergeMedications } from '../mergeMedications';
import { cdsIndicator, clinicalWarnings, missingSourcesFrom, warningsFor } from './clinicalWarnings';
import { ckdEpi2021 } from './egfr';
import type { ClinicalWarningsInput, CriticalInformationInput, LabResultInput, MissingSource } from './types';

const TODAY = '2026-11-01';

const prov = (organisation: string, sector = 'GP', sourceId = 'gp-x'): Provenance => ({ sourceId, system: sourceId, sector, organisation, recordId: null });
const GP = prov('Nordnes legekontor');
const HOSPITAL = prov('Haukeland universitetssjukehus', 'HOSPITAL', 'hospital-haukeland');
const CARE = prov('Bergen kommune', 'MUNICIPAL_CARE', 'care-bergen');
const PHARMACY = prov('Apotek 1 Lagunen', 'NATIONAL', 'summary-record');
const KJ = prov('Kjernejournal', 'NATIONAL', 'summary-record');
const LAB = prov('Laboratoriet, Haukeland', 'HOSPITAL', 'lab-haukeland');
const REGISTER = prov('Folkeregisteret', 'REGISTRY', 'population-register');

interface Med {
  atc: string;
  name: string;
  strength?: string;
  text?: string;
  amount?: number;
  timesPerDay?: number;
  intervalDays?: number;
  asNeeded?: boolean;
  kind?: MedicationEntryKind;
  provenance?: Provenance;
  status?: 'ACTIVE' | 'STOPPED';
  startDate?: string;
  endDate?: string | null;
  lastDispensed?: string | null;
}

function med(m: Med): MedicationEntry {
  return {
    atc: m.atc,
    name: m.name,
    strength: m.strength ?? null,
    form: null,
    dose: { amount: m.amount ?? 1, unit: 'tablett', timesPerDay: m.timesPerDay ?? 1, intervalDays: m.intervalDays ?? 1, asNeeded: m.asNeeded ?? false, text: m.text ?? '1 tablett daglig' },
    status: m.status ?? 'ACTIVE',
    startDate: m.startDate ?? '2025-01-01',
    endDate: m.endDate ?? null,
    lastDispensed: m.lastDispensed ?? null,
    note: null,
    kind: m.kind ?? 'GP_PRESCRIPTION',
    provenance: m.provenance ?? GP,
  };
}

function allergy(a: Partial<CriticalInformationInput> & { text: string }): CriticalInformationInput {
  return { id: 'ki-1', type: 'ALLERGY', atc: null, reaction: null, severity: 'SEVERE', recorded: '2024-01-01', verified: true, recordedByHpr: null, provenance: KJ, ...a };
}

function lab(code: string, value: number, time: string, unit = 'umol/L', provenance = LAB): LabResultInput {
  return { id: `${code}-${time}`, time, code: { system: 'urn:oid:2.16.578.1.12.4.1.1.7280', code, display: code === 'NPU04998' ? 'Kreatinin' : code === 'NPU03230' ? 'Kalium' : 'eGFR' }, value, unit, provenance };
}

function input(over: Partial<Omit<ClinicalWarningsInput, 'medications'>> & { meds?: MedicationEntry[] } = {}): ClinicalWarningsInput {
  const { meds = [], ...rest } = over;
  return {
    today: TODAY,
    medications: mergeMedications(meds),
    criticalInformation: [],
    labResults: [],
    person: { birthDate: '1980-05-05', sex: 'FEMALE', deceasedDate: null, provenance: REGISTER },
    careServices: [],
    missingSources: [],
    ...rest,
  };
}

const OLD = { birthDate: '1940-06-03', sex: 'FEMALE' as const, deceasedDate: null, provenance: REGISTER };
const ids = (ws: { ruleId: string }[]) => ws.map((w) => w.ruleId);

const warfarin = (o: Partial<Med> = {}) => med({ atc: 'B01AA03', name: 'Warfarin', strength: '2,5 mg', amount: 2, ...o });
const ibuprofen = (o: Partial<Med> = {}) => med({ atc: 'M01AE01', name: 'Ibuprofen', strength: '400 mg', timesPerDay: 3, text: '1 tablett 3 ganger daglig', ...o });
const asa = (o: Partial<Med> = {}) => med({ atc: 'B01AC06', name: 'Acetylsalisylsyre', strength: '75 mg', ...o });
const metformin = (o: Partial<Med> = {}) => med({ atc: 'A10BA02', name: 'Metformin', strength: '500 mg', timesPerDay: 2, text: '1 tablett 2 ganger daglig', ...o });

describe('clinicalWarnings', () => {
  describe('INTERACTION', () => {
    it('warfarin (GP) with ibuprofen (dispensed): HIGH, both sources in the evidence, knowledge unverified', () => {
      const ws = clinicalWarnings(input({ meds: [warfarin(), ibuprofen({ kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, startDate: undefined, lastDispensed: '2026-10-11' })] }));
      const w = ws.find((x) => x.ruleId === 'CDS-INTERACTION-VKA-NSAID');
      expect(w).toMatchObject({ kind: 'INTERACTION', severity: 'HIGH', medications: ['B01AA03', 'M01AE01'], knowledge: { source: 'codelists/cds/interactions.json#VKA-NSAID', unverified: true } });
      expect(w?.evidence.map((e) => [e.provenance?.organisation, e.date])).toEqual([
        ['Nordnes legekontor', '2025-01-01'],
        ['Apotek 1 Lagunen', '2026-10-11'],
      ]);
      expect(w?.summary.length).toBeLessThanOrEqual(140);
      expect(cdsIndicator(w!.severity)).toBe('critical');
    });

    it('a stopped NSAID does not interact', () => {
      const ws = clinicalWarnings(input({ meds: [warfarin(), ibuprofen({ status: 'STOPPED', endDate: '2026-01-01' })] }));
      expect(ws).toEqual([]);
    });

    it('an as-needed NSAID still interacts, and says it is taken as needed', () => {
      const ws = clinicalWarnings(input({ meds: [warfarin(), ibuprofen({ asNeeded: true, text: '1 tablett ved behov, inntil 3 ganger daglig' })] }));
      expect(ws.find((w) => w.ruleId === 'CDS-INTERACTION-VKA-NSAID')?.detail).toMatch(/as needed \(ved behov\)/);
    });
  });

  describe('DUPLICATION', () => {
    it('two different ACE inhibitors from the GP and the hospital: one warning naming both sources', () => {
      const ws = clinicalWarnings(input({ meds: [med({ atc: 'C09AA05', name: 'Ramipril', strength: '5 mg' }), med({ atc: 'C09AA02', name: 'Enalapril', strength: '10 mg', kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL })] }));
      const dup = ws.filter((w) => w.kind === 'DUPLICATION');
      expect(dup).toHaveLength(1);
      expect(dup[0]).toMatchObject({ ruleId: 'CDS-DUPLICATION', severity: 'MODERATE', medications: ['C09AA02', 'C09AA05'] });
      expect(dup[0]?.detail).toMatch(/different sources/);
    });

    it('the same medicine reported by the GP, the hospital and the pharmacy is one medicine, not a duplication', () => {
      const ws = clinicalWarnings(input({ meds: [metformin(), metformin({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL }), metformin({ kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, lastDispensed: '2026-10-01' })] }));
      expect(ws.filter((w) => w.kind === 'DUPLICATION')).toEqual([]);
    });

    it('two oral anticoagulants of different level 4 (warfarin and apixaban) are a HIGH duplication by class', () => {
      const ws = clinicalWarnings(input({ meds: [warfarin(), med({ atc: 'B01AF02', name: 'Apiksaban', strength: '5 mg', timesPerDay: 2, kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL })] }));
      expect(ws.filter((w) => w.kind === 'DUPLICATION').map((w) => [w.severity, w.medications])).toEqual([['HIGH', ['B01AA03', 'B01AF02']]]);
    });

    it('skips an as-needed medicine beside a regular one of its class (a reliever beside a controller)', () => {
      const ws = clinicalWarnings(input({ meds: [med({ atc: 'N02AA05', name: 'Oksykodon', strength: '10 mg' }), med({ atc: 'N02AA01', name: 'Morfin', strength: '10 mg', asNeeded: true, text: '1 tablett ved behov' })] }));
      expect(ws.filter((w) => w.kind === 'DUPLICATION')).toEqual([]);
    });

    it('weekly methotrexate from the GP, the care list and the pharmacy: no duplication, no renal or dose warning', () => {
      const weekly = { atc: 'L04AX03', name: 'Metotreksat', strength: '2,5 mg', amount: 6, intervalDays: 7, text: '6 tabletter 1 gang i uken' };
      const ws = clinicalWarnings(
        input({
          person: OLD,
          labResults: [lab('NPU04998', 60, '2026-10-01T08:00:00Z')],
          meds: [med(weekly), med({ ...weekly, kind: 'MUNICIPAL_CARE_LIST', provenance: CARE }), med({ ...weekly, kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, lastDispensed: '2026-10-01' })],
        }),
      );
      expect(ws).toEqual([]);
    });
  });

  describe('ALLERGY', () => {
    const nsaidAllergy = allergy({ text: 'NSAIDs', atc: 'M01A', reaction: 'Bronkospasme', severity: 'SEVERE', recorded: '2021-12-24' });

    it('an NSAID allergy against acetylsalicylic acid 75 mg (cross-reactivity): HIGH, allergy and prescription both in the evidence', () => {
      const ws = clinicalWarnings(input({ criticalInformation: [nsaidAllergy], meds: [asa(), asa({ kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, lastDispensed: '2026-09-15' })] }));
      const w = ws.find((x) => x.kind === 'ALLERGY');
      expect(w).toMatchObject({ ruleId: 'CDS-ALLERGY', severity: 'HIGH', medications: ['B01AC06'], knowledge: { source: 'codelists/cds/allergy-cross-reactivity.json#NSAID-ASA', unverified: true } });
      expect(w?.evidence.map((e) => e.provenance?.organisation)).toEqual(['Kjernejournal', 'Nordnes legekontor', 'Apotek 1 Lagunen']);
      expect(w?.evidence[0]).toMatchObject({ value: 'Bronkospasme, SEVERE', date: '2021-12-24' });
    });

    it('a penicillin allergy (J01CE) against amoxicillin (J01CA04) and, less severely, a cephalosporin', () => {
      const ws = clinicalWarnings(
        input({
          criticalInformation: [allergy({ text: 'Penicilliner', atc: 'J01CE', reaction: 'Anafylaksi' })],
          meds: [med({ atc: 'J01CA04', name: 'Amoksicillin', strength: '500 mg' }), med({ atc: 'J01DB01', name: 'Cefaleksin', strength: '500 mg' })],
        }),
      );
      expect(ws.filter((w) => w.kind === 'ALLERGY').map((w) => [w.medications[0], w.severity])).toEqual([
        ['J01CA04', 'HIGH'],
        ['J01DB01', 'MODERATE'],
      ]);
    });

    it('an allergy recorded only in words is matched by its text; a mild reaction lowers a class match one step', () => {
      const ws = clinicalWarnings(input({ criticalInformation: [allergy({ text: 'Penicillin (utslett)', atc: null, severity: 'MILD' })], meds: [med({ atc: 'J01CE02', name: 'Fenoksymetylpenicillin', strength: '660 mg' })] }));
      expect(ws.map((w) => [w.ruleId, w.severity])).toEqual([['CDS-ALLERGY', 'MODERATE']]);
    });

    it('false alarm: a medicine stopped before the allergy was recorded does not warn', () => {
      const ws = clinicalWarnings(
        input({
          criticalInformation: [allergy({ text: 'Penicilliner', atc: 'J01CE', recorded: '2024-03-10' })],
          meds: [med({ atc: 'J01CE02', name: 'Fenoksymetylpenicillin', strength: '660 mg', status: 'STOPPED', startDate: '2024-03-01', endDate: '2024-03-08' })],
        }),
      );
      expect(ws).toEqual([]);
    });

    it('false alarm: a course known only from its dispensation before the allergy was recorded (the reaction it records) does not warn', () => {
      const ws = clinicalWarnings(
        input({
          criticalInformation: [allergy({ text: 'Penicilliner', atc: 'J01CE', recorded: '2026-10-05' })],
          meds: [med({ atc: 'J01CE02', name: 'Fenoksymetylpenicillin', strength: '660 mg', kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, startDate: undefined, lastDispensed: '2026-10-01' })],
        }),
      );
      expect(ws).toEqual([]);
      // Dispensed again after the allergy was recorded: it warns.
      const again = clinicalWarnings(
        input({
          criticalInformation: [allergy({ text: 'Penicilliner', atc: 'J01CE', recorded: '2026-10-05' })],
          meds: [med({ atc: 'J01CE02', name: 'Fenoksymetylpenicillin', strength: '660 mg', kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, lastDispensed: '2026-10-20' })],
        }),
      );
      expect(ids(again)).toEqual(['CDS-ALLERGY']);
    });

    it('an as-needed NSAID still warns against an NSAID allergy (one dose is enough), and says so', () => {
      const ws = clinicalWarnings(input({ criticalInformation: [nsaidAllergy], meds: [ibuprofen({ asNeeded: true, text: '1 tablett ved behov' })] }));
      expect(ws.map((w) => [w.ruleId, w.severity])).toEqual([['CDS-ALLERGY', 'HIGH']]);
      expect(ws[0]?.detail).toMatch(/as needed/);
    });

    it('a sulfonamide antibiotic allergy does not warn against furosemide (not cross-reactive)', () => {
      const ws = clinicalWarnings(input({ criticalInformation: [allergy({ text: 'Sulfonamider', atc: 'J01EC', severity: 'MILD' })], meds: [med({ atc: 'C03CA01', name: 'Furosemid', strength: '40 mg' })] }));
      expect(ws).toEqual([]);
    });
  });

  describe('RENAL', () => {
    it('metformin with an eGFR of 26 estimated from the laboratory creatinine: HIGH, with the result, its date and source', () => {
      const ws = clinicalWarnings(input({ person: { ...OLD, birthDate: '1930-03-13' }, labResults: [lab('NPU04998', 154, '2026-10-18T08:59:00Z')], meds: [metformin()] }));
      const w = ws.find((x) => x.kind === 'RENAL');
      expect(w).toMatchObject({ ruleId: 'CDS-RENAL-A10BA02', severity: 'HIGH', knowledge: { source: 'codelists/cds/renal.json#A10BA02-LT30' } });
      expect(w?.evidence[0]).toMatchObject({ value: '154 umol/L', date: '2026-10-18T08:59:00Z', provenance: LAB });
      expect(w?.evidence[1]).toMatchObject({ value: '26 mL/min/1.73 m²', provenance: null });
      expect(w?.summary).toBe('Kidney function: Metformin with eGFR 26 (2026-10-18)');
    });

    it('uses the newest result, says when it is more than a year old', () => {
      const labs = [lab('NPU04998', 70, '2024-01-01T08:00:00Z'), lab('NPU04998', 154, '2025-02-18T08:00:00Z')];
      const w = clinicalWarnings(input({ person: OLD, labResults: labs, meds: [metformin()] })).find((x) => x.kind === 'RENAL');
      expect(w?.detail).toMatch(/days old: measure kidney function again/);
    });

    it('a reported eGFR newer than the creatinine is used as reported', () => {
      const labs = [lab('NPU04998', 70, '2026-01-01T08:00:00Z'), lab('X-EGFR', 38, '2026-10-01T08:00:00Z', 'mL/min/{1.73_m2}')];
      const ws = clinicalWarnings(input({ person: OLD, labResults: labs, meds: [metformin({ amount: 2, timesPerDay: 2, text: '2 tabletter 2 ganger daglig' })] }));
      expect(ws.filter((w) => w.kind === 'RENAL').map((w) => [w.severity, w.knowledge.source])).toEqual([['MODERATE', 'codelists/cds/renal.json#A10BA02-30-44']]);
      // At 1000 mg a day, within the limit for eGFR 30-44: nothing.
      expect(clinicalWarnings(input({ person: OLD, labResults: labs, meds: [metformin()] })).filter((w) => w.kind === 'RENAL')).toEqual([]);
    });

    it('NSAIDs at eGFR < 30, spironolactone with potassium above 5.0', () => {
      const labs = [lab('NPU04998', 170, '2026-10-01T08:00:00Z'), lab('NPU03230', 5.6, '2026-10-01T08:00:00Z', 'mmol/L')];
      const ws = clinicalWarnings(input({ person: OLD, labResults: labs, meds: [ibuprofen(), med({ atc: 'C03DA01', name: 'Spironolakton', strength: '25 mg' })] }));
      expect(ws.filter((w) => w.kind === 'RENAL').map((w) => w.knowledge.source)).toEqual([
        'codelists/cds/renal.json#C03DA01-LT30',
        'codelists/cds/renal.json#C03DA01-K',
        'codelists/cds/renal.json#NSAID-LT30',
      ]);
    });

    it('a weekly dose is averaged per day (the dose-limit mechanism, with a test-only rule)', () => {
      const k = knowledge();
      const rule = { ...k.renal.items[0]!, id: 'TEST', drugs: ['L04AX03'], bands: [{ id: 'TEST-LT90', eGfrFrom: 0, eGfrBelow: 90, maxDailyDoseMg: 5, severity: 'MODERATE' as const, text: 'Test limit.', action: 'Test.' }] };
      const test = { ...k, renal: { ...k.renal, items: [rule] } };
      const labs = [lab('NPU04998', 90, '2026-10-01T08:00:00Z')];
      const weekly = med({ atc: 'L04AX03', name: 'Metotreksat', strength: '2,5 mg', amount: 6, intervalDays: 7, text: '6 tabletter 1 gang i uken' });
      expect(clinicalWarnings(input({ person: OLD, labResults: labs, meds: [weekly] }), test).filter((w) => w.kind === 'RENAL')).toEqual([]);
      const daily = med({ atc: 'L04AX03', name: 'Metotreksat', strength: '2,5 mg', amount: 6, intervalDays: 1, text: '6 tabletter daglig' });
      expect(clinicalWarnings(input({ person: OLD, labResults: labs, meds: [daily] }), test).find((w) => w.kind === 'RENAL')?.detail).toMatch(/15 mg a day/);
    });

    it('no warning at normal kidney function', () => {
      expect(clinicalWarnings(input({ labResults: [lab('NPU04998', 70, '2026-10-01T08:00:00Z')], meds: [metformin()] }))).toEqual([]);
    });
  });

  describe('DECEASED', () => {
    it('active medicines after the date of death, with the register as evidence; HIGH when dispensed after it', () => {
      const person = { ...OLD, deceasedDate: '2026-08-14' };
      const meds = [med({ atc: 'C03CA01', name: 'Furosemid', strength: '40 mg' }), med({ atc: 'C07AB02', name: 'Metoprolol', strength: '50 mg' })];
      const w = clinicalWarnings(input({ person, meds }))[0];
      expect(w).toMatchObject({ ruleId: 'CDS-DECEASED', severity: 'MODERATE', medications: ['C03CA01', 'C07AB02'] });
      expect(w?.evidence[0]).toEqual({ what: 'Date of death (population register)', value: '2026-08-14', date: '2026-08-14', provenance: REGISTER });
      const dispensedAfter = [...meds, med({ atc: 'C03CA01', name: 'Furosemid', strength: '40 mg', kind: 'NATIONAL_DISPENSATION', provenance: PHARMACY, lastDispensed: '2026-09-01' })];
      expect(clinicalWarnings(input({ person, meds: dispensedAfter }))[0]?.severity).toBe('HIGH');
    });

    it('no NORGEP nor renal warnings for the dead: the one warning is that the lists were not closed', () => {
      const ws = clinicalWarnings(input({ person: { ...OLD, deceasedDate: '2026-08-14' }, labResults: [lab('NPU04998', 200, '2026-08-01T08:00:00Z')], meds: [warfarin(), ibuprofen()] }));
      expect(ws.map((w) => w.kind).sort()).toEqual(['DECEASED', 'INTERACTION']);
    });
  });

  describe('NORGEP and NORGEP-NH', () => {
    const tripleWhammy = [ibuprofen(), med({ atc: 'C09AA05', name: 'Ramipril', strength: '5 mg' }), med({ atc: 'C03CA01', name: 'Furosemid', strength: '40 mg' })];

    it('NORGEP for a patient of 70 and over at home: NSAID with an ACE inhibitor and a diuretic (triple whammy)', () => {
      const ws = clinicalWarnings(input({ person: OLD, meds: tripleWhammy }));
      expect(ws.filter((w) => w.kind === 'NORGEP').map((w) => w.ruleId)).toEqual(['CDS-NORGEP-14', 'CDS-NORGEP-12', 'CDS-NORGEP-13']);
      expect(ws.find((w) => w.ruleId === 'CDS-NORGEP-14')).toMatchObject({ severity: 'HIGH', knowledge: { source: 'codelists/cds/norgep.json#14', unverified: true } });
      expect(ws.find((w) => w.ruleId === 'CDS-NORGEP-14')?.evidence[0]).toMatchObject({ what: 'Age (population register)', value: '86 years' });
    });

    it('not under 70', () => {
      expect(clinicalWarnings(input({ meds: tripleWhammy })).filter((w) => w.kind === 'NORGEP')).toEqual([]);
    });

    it('a dose criterion counts the dose averaged per day: zopiclone 10 mg a day, not 5 mg', () => {
      const zop = (amount: number) => med({ atc: 'N05CF01', name: 'Zopiklon', strength: '5 mg', amount });
      expect(ids(clinicalWarnings(input({ person: OLD, meds: [zop(2)] })))).toEqual(['CDS-NORGEP-8']);
      expect(clinicalWarnings(input({ person: OLD, meds: [zop(1)] }))).toEqual([]);
    });

    it('three psychotropics together', () => {
      const ws = clinicalWarnings(input({ person: OLD, meds: [med({ atc: 'N06AB10', name: 'Escitalopram', strength: '10 mg' }), med({ atc: 'N05CF01', name: 'Zopiklon', strength: '5 mg' }), med({ atc: 'N05AH04', name: 'Kvetiapin', strength: '25 mg' })] }));
      expect(ids(ws)).toEqual(['CDS-NORGEP-17']);
    });

    it('NORGEP-NH (not NORGEP) for a nursing-home resident, with the stay as evidence', () => {
      const careServices = [{ id: 's1', type: 'NURSING_HOME_LONG_TERM' as const, description: 'Langtidsopphold', start: '2025-11-19', end: null, provenance: CARE }];
      const meds = [med({ atc: 'N05CF01', name: 'Zopiklon', strength: '5 mg', startDate: '2023-10-13' }), med({ atc: 'N06DA02', name: 'Donepezil', strength: '5 mg', startDate: '2024-03-25' }), ...tripleWhammy];
      const ws = clinicalWarnings(input({ person: { ...OLD, birthDate: '1935-11-14' }, careServices, meds }));
      expect(ws.filter((w) => w.kind === 'NORGEP')).toEqual([]);
      expect(ws.filter((w) => w.kind === 'NORGEP_NH').map((w) => w.ruleId)).toEqual(['CDS-NORGEPNH-4', 'CDS-NORGEPNH-3', 'CDS-NORGEPNH-9', 'CDS-NORGEPNH-11']);
      expect(ws.find((w) => w.ruleId === 'CDS-NORGEPNH-9')?.evidence[0]).toMatchObject({ what: 'Nursing-home stay (long-term): Langtidsopphold', provenance: CARE });
    });

    it('an as-needed hypnotic, or one started last week, is not "regular use for more than four weeks"', () => {
      const careServices = [{ id: 's1', type: 'NURSING_HOME_SHORT_TERM' as const, description: null, start: '2026-10-01', end: null, provenance: CARE }];
      const prn = med({ atc: 'N05CF01', name: 'Zopiklon', strength: '5 mg', asNeeded: true, text: '1 tablett ved behov', startDate: '2023-01-01' });
      const fresh = med({ atc: 'N05CF02', name: 'Zolpidem', strength: '5 mg', startDate: '2026-10-25' });
      expect(clinicalWarnings(input({ person: OLD, careServices, meds: [prn, fresh] })).filter((w) => w.kind === 'NORGEP_NH')).toEqual([]);
    });

    it('an ended nursing-home stay is not residence', () => {
      const careServices = [{ id: 's1', type: 'NURSING_HOME_SHORT_TERM' as const, description: null, start: '2026-01-01', end: '2026-02-01', provenance: CARE }];
      const ws = clinicalWarnings(input({ person: OLD, careServices, meds: tripleWhammy }));
      expect(ws.some((w) => w.kind === 'NORGEP')).toBe(true);
      expect(ws.some((w) => w.kind === 'NORGEP_NH')).toBe(false);
    });
  });

  describe('partial: a source that did not answer', () => {
    const labMissing: MissingSource = { sourceId: 'lab-haukeland', sector: 'HOSPITAL', organisation: 'Laboratoriet, Haukeland', inputs: ['LAB_RESULTS'] };

    it('renal dosing cannot be checked when the laboratory did not answer: a LOW notice naming it, for the medicines that need it', () => {
      const ws = clinicalWarnings(input({ person: OLD, meds: [metformin()], missingSources: [labMissing] }));
      expect(ws).toEqual([
        expect.objectContaining({ ruleId: 'CDS-RENAL-PARTIAL', kind: 'RENAL', severity: 'LOW', summary: 'Doses against kidney function not fully checked: Laboratoriet, Haukeland did not answer', partial: { missingSources: [labMissing] } }),
      ]);
    });

    it('a warning raised from what did answer carries partial too (a newer result may be at the missing laboratory)', () => {
      const ws = clinicalWarnings(input({ person: OLD, labResults: [lab('NPU04998', 170, '2026-05-01T08:00:00Z', 'umol/L', HOSPITAL)], meds: [metformin()], missingSources: [labMissing] }));
      expect(ws.find((w) => w.ruleId === 'CDS-RENAL-A10BA02')?.partial).toEqual({ missingSources: [labMissing] });
    });

    it('no renal notice for a patient on no medicine the kidney rules concern', () => {
      expect(clinicalWarnings(input({ person: OLD, meds: [med({ atc: 'C08CA01', name: 'Amlodipin', strength: '5 mg' })], missingSources: [labMissing] }))).toEqual([]);
    });

    it('the summary record missing: allergies not checked, named', () => {
      const kj: MissingSource = { sourceId: 'summary-record', sector: 'NATIONAL', organisation: 'Kjernejournal', inputs: ['CRITICAL_INFORMATION', 'MEDICATIONS'] };
      const ws = clinicalWarnings(input({ meds: [asa()], missingSources: [kj] }));
      expect(ws.map((w) => w.ruleId)).toEqual(['CDS-ALLERGY-PARTIAL', 'CDS-INTERACTION-PARTIAL', 'CDS-DUPLICATION-PARTIAL']);
    });

    it('missingSourcesFrom reads failed source statuses', () => {
      const statuses = [
        { sourceId: 'lab-haukeland', sector: 'HOSPITAL', system: 'lab-hl7', organisation: 'Laboratoriet', state: 'TIMEOUT' },
        { sourceId: 'hospital-haukeland', sector: 'HOSPITAL', system: 'hospital-fhir', organisation: 'Haukeland', state: 'OK' },
        { sourceId: 'gp-register', sector: 'REGISTRY', system: 'gp-register', organisation: null, state: 'UNAVAILABLE' },
      ];
      expect(missingSourcesFrom(statuses)).toEqual([{ sourceId: 'lab-haukeland', sector: 'HOSPITAL', organisation: 'Laboratoriet', inputs: ['LAB_RESULTS'] }]);
    });
  });

  describe('determinism', () => {
    it('the same record in any order of its lists gives the same warnings in the same order', () => {
      const meds = [warfarin(), ibuprofen(), asa(), metformin(), med({ atc: 'C09AA05', name: 'Ramipril', strength: '5 mg' }), med({ atc: 'C03CA01', name: 'Furosemid', strength: '40 mg' })];
      const allergies = [allergy({ id: 'a', text: 'NSAIDs', atc: 'M01A' }), allergy({ id: 'b', text: 'Penicilliner', atc: 'J01CE' })];
      const labs = [lab('NPU04998', 160, '2026-10-01T08:00:00Z'), lab('NPU04998', 60, '2025-10-01T08:00:00Z'), lab('NPU03230', 5.4, '2026-10-01T08:00:00Z', 'mmol/L')];
      const one = clinicalWarnings(input({ person: OLD, meds, criticalInformation: allergies, labResults: labs }));
      const two = clinicalWarnings(input({ person: OLD, meds: [...meds].reverse(), criticalInformation: [...allergies].reverse(), labResults: [...labs].reverse() }));
      expect(one.length).toBeGreaterThan(5);
      expect(two).toEqual(one);
      expect(JSON.stringify(clinicalWarnings(input({ person: OLD, meds, criticalInformation: allergies, labResults: labs })))).toBe(JSON.stringify(one));
      // Sorted by severity first.
      const ranks = one.map((w) => ['HIGH', 'MODERATE', 'LOW'].indexOf(w.severity));
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      expect(one.every((w) => w.summary.length <= 140)).toBe(true);
    });

    it('warningsFor gives one merged medication its warnings', () => {
      const ws = clinicalWarnings(input({ meds: [warfarin(), ibuprofen()] }));
      expect(warningsFor(ws, { atc: 'M01AE01', name: 'Ibuprofen' }).map((w) => w.ruleId)).toEqual(['CDS-INTERACTION-VKA-NSAID']);
    });
  });
});

describe('ckdEpi2021', () => {
  it('gives the published equation’s values (worked by hand)', () => {
    // Female 82, creatinine 98 µmol/L (1.109 mg/dL): 142 × (1.584)^-1.2 × 0.9938^82 × 1.012 ≈ 49.7.
    expect(ckdEpi2021(98, 82, 'FEMALE')).toBeCloseTo(49.7, 0);
    // Male 50, creatinine 80 µmol/L (0.905 mg/dL, just above κ 0.9): ≈ 142 × 1.0056^-1.2 × 0.9938^50 ≈ 103.
    expect(ckdEpi2021(80, 50, 'MALE')).toBeCloseTo(103, 0);
  });
});
