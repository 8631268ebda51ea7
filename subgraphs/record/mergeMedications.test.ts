import type { MedicationEntry } from '../kit/shapes';
import { dailyDose, mergeMedications, strengthInMg } from './mergeMedications';

const source = (organisation: string, sourceId: string, sector = 'GP') => ({ sourceId, system: 'x', sector, organisation, recordId: null });
const GP = source('Nordnes legekontor', 'gp-nordlys-vest');
const HOSPITAL = source('Haukeland universitetssjukehus', 'hospital-haukeland', 'HOSPITAL');
const CARE = source('Bergen kommune', 'care-bergen', 'MUNICIPAL_CARE');
const KJ = source('Kjernejournal', 'summary-record', 'NATIONAL');

function entry(over: Partial<MedicationEntry> & Pick<MedicationEntry, 'kind' | 'provenance'>): MedicationEntry {
  return {
    atc: 'C07AB02',
    name: 'Metoprolol',
    strength: '50 mg',
    form: 'depottablett',
    dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett 1 gang daglig' },
    status: 'ACTIVE',
    startDate: '2024-01-01',
    endDate: null,
    lastDispensed: null,
    note: null,
    ...over,
  };
}

describe('merged medication list', () => {
  it('merges one medicine from four sources into one item with every entry and source', () => {
    const [item, ...rest] = mergeMedications([
      entry({ kind: 'GP_PRESCRIPTION', provenance: GP }),
      entry({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL }),
      entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE }),
      entry({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-10-01' }),
    ]);
    expect(rest).toHaveLength(0);
    expect(item?.entries.map((e) => e.kind)).toEqual(['GP_PRESCRIPTION', 'HOSPITAL_STATEMENT', 'MUNICIPAL_CARE_LIST', 'NATIONAL_DISPENSATION']);
    expect(item?.sources.map((s) => s.organisation)).toEqual(['Nordnes legekontor', 'Haukeland universitetssjukehus', 'Bergen kommune', 'Kjernejournal']);
    expect(item).toMatchObject({ atc: 'C07AB02', name: 'Metoprolol', status: 'ACTIVE', hasDiscrepancy: false, discrepancies: [] });
  });

  it('flags a daily-dose discrepancy with each value and who says it', () => {
    const [item] = mergeMedications([
      entry({ kind: 'GP_PRESCRIPTION', provenance: GP }),
      entry({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, strength: '25 mg' }),
      entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE, strength: '25 mg' }),
    ]);
    expect(item?.hasDiscrepancy).toBe(true);
    expect(item?.discrepancies).toEqual([
      {
        kind: 'DOSE',
        forPatient: expect.any(String),
        description: 'Daily dose differs: 50 mg/day (Nordnes legekontor) vs 25 mg/day (Haukeland universitetssjukehus, Bergen kommune).',
        values: [
          { value: '50 mg/day', sources: [expect.objectContaining({ organisation: 'Nordnes legekontor' })] },
          { value: '25 mg/day', sources: [expect.objectContaining({ sourceId: 'hospital-haukeland' }), expect.objectContaining({ sourceId: 'care-bergen' })] },
        ],
      },
    ]);
  });

  it('does not flag the same daily dose written differently (2 × 25 mg = 1 × 50 mg)', () => {
    const [item] = mergeMedications([
      entry({ kind: 'GP_PRESCRIPTION', provenance: GP }),
      entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE, strength: '25 mg', dose: { amount: 2, unit: 'tablett', timesPerDay: 1, text: '2 tabletter' } }),
    ]);
    expect(item?.hasDiscrepancy).toBe(false);
  });

  it('flags a drug stopped at the hospital but still prescribed and dispensed after the stop', () => {
    const ibuprofen = { atc: 'M01AE01', name: 'Ibuprofen', strength: '400 mg' };
    const [item] = mergeMedications([
      entry({ ...ibuprofen, kind: 'GP_PRESCRIPTION', provenance: GP }),
      entry({ ...ibuprofen, kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, status: 'STOPPED', endDate: '2026-09-30' }),
      entry({ ...ibuprofen, kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-10-12' }),
    ]);
    expect(item?.status).toBe('ACTIVE');
    const status = item?.discrepancies.find((d) => d.kind === 'STATUS');
    expect(status?.description).toBe(
      'Stopped according to Haukeland universitetssjukehus (2026-09-30); in use according to Nordnes legekontor; dispensed after it was stopped (2026-10-12).',
    );
    expect(status?.values.map((v) => v.value)).toEqual(['STOPPED', 'ACTIVE']);
  });

  it('treats a dispensation before the stop as history, not as a conflict', () => {
    const [item] = mergeMedications([
      entry({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, status: 'STOPPED', endDate: '2026-09-30' }),
      entry({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-06-01' }),
    ]);
    expect(item?.discrepancies.filter((d) => d.kind === 'STATUS')).toEqual([]);
    expect(item?.status).toBe('STOPPED');
  });

  it('shows a drug stopped by every record as STOPPED despite an earlier dispensation, and leaves it out on request', () => {
    const list = [
      entry({ kind: 'GP_PRESCRIPTION', provenance: GP, status: 'STOPPED', endDate: '2026-09-30' }),
      entry({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-05-01' }),
    ];
    expect(mergeMedications(list)[0]?.status).toBe('STOPPED');
    expect(mergeMedications(list, { includeStopped: false })).toEqual([]);
  });

  it('shows a drug known only from dispensations as ACTIVE', () => {
    expect(mergeMedications([entry({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-05-01' })])[0]?.status).toBe('ACTIVE');
  });

  it('lists active medicines first, and can leave out what every source has stopped', () => {
    const list = [
      entry({ atc: 'A02BC01', name: 'Omeprazol', kind: 'GP_PRESCRIPTION', provenance: GP, status: 'STOPPED' }),
      entry({ atc: 'C07AB02', name: 'Metoprolol', kind: 'GP_PRESCRIPTION', provenance: GP }),
      entry({ atc: 'B01AA03', name: 'Warfarin', kind: 'GP_PRESCRIPTION', provenance: GP }),
    ];
    expect(mergeMedications(list).map((i) => i.name)).toEqual(['Metoprolol', 'Warfarin', 'Omeprazol']);
    expect(mergeMedications(list, { includeStopped: false }).map((i) => i.name)).toEqual(['Metoprolol', 'Warfarin']);
  });

  describe('with the records of services the patient has left (provenance with a period)', () => {
    const LEFT = { from: '2014-09-25', to: '2025-09-07' };
    const EARLIER_GP = { ...source('Lade legekontor', 'gp-nordlys-midt'), period: LEFT };
    const EARLIER_CARE = { ...source('Trondheim kommune', 'care-trondheim', 'MUNICIPAL_CARE'), period: LEFT };

    it('lists their entries and names their sources with the period, after today\'s, and compares today\'s lists only', () => {
      const [item] = mergeMedications([
        entry({ kind: 'GP_PRESCRIPTION', provenance: EARLIER_GP, strength: '100 mg' }),
        entry({ kind: 'GP_PRESCRIPTION', provenance: GP }),
        entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: EARLIER_CARE, strength: '25 mg' }),
        entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE }),
      ]);
      expect(item?.entries.map((e) => e.provenance.organisation)).toEqual(['Nordnes legekontor', 'Lade legekontor', 'Bergen kommune', 'Trondheim kommune']);
      expect(item?.sources.map((s) => [s.organisation, s.period ?? null])).toEqual([
        ['Nordnes legekontor', null],
        ['Lade legekontor', LEFT],
        ['Bergen kommune', null],
        ['Trondheim kommune', LEFT],
      ]);
      // The doses the earlier lists had when she left are history, not a discrepancy.
      expect(item).toMatchObject({ status: 'ACTIVE', hasDiscrepancy: false });
    });

    it('does not count an earlier list as today\'s: no omission from a list she left, none from today\'s because of it', () => {
      // Only the earlier municipality's care list has it; today's GP list has it too. Today she has no care list.
      const [item] = mergeMedications([entry({ kind: 'GP_PRESCRIPTION', provenance: GP }), entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: EARLIER_CARE })]);
      expect(item?.discrepancies).toEqual([]);
      // Known only from a service she left: no list today says whether it is still taken.
      const [old] = mergeMedications([entry({ kind: 'GP_PRESCRIPTION', provenance: EARLIER_GP })]);
      expect([old?.status, old?.hasDiscrepancy]).toEqual(['UNKNOWN', false]);
    });

    it('tells apart two sources named by their sector alone, today\'s and an earlier one, by the period', () => {
      const masked = { sourceId: 'municipal-care', system: 'protected', sector: 'MUNICIPAL_CARE', organisation: 'municipal care', recordId: null };
      const [item] = mergeMedications([entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: masked }), entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: { ...masked, period: LEFT } })]);
      expect(item?.sources.map((s) => s.period ?? null)).toEqual([null, LEFT]);
    });
  });

  it('groups by name where a source has no ATC code', () => {
    const list = mergeMedications([
      entry({ atc: null, name: 'Paracet', kind: 'MUNICIPAL_CARE_LIST', provenance: CARE }),
      entry({ atc: null, name: 'paracet ', kind: 'GP_PRESCRIPTION', provenance: GP }),
    ]);
    expect(list).toHaveLength(1);
  });

  it('computes daily doses in mg from Norwegian strengths', () => {
    expect(strengthInMg('2,5 mg')).toBe(2.5);
    expect(strengthInMg('100 mikrog')).toBeCloseTo(0.1);
    expect(strengthInMg('50/250 mikrog')).toBeNull();
    expect(dailyDose(entry({ kind: 'GP_PRESCRIPTION', provenance: GP, strength: '2,5 mg', dose: { amount: 2, unit: 'tablett', timesPerDay: 1, text: '' } }))).toBe('5 mg/day');
    expect(
      dailyDose(entry({ kind: 'GP_PRESCRIPTION', provenance: GP, strength: '50/250 mikrog', dose: { amount: 1, unit: 'inhalasjon', timesPerDay: 2, text: '' } })),
    ).toBe('50/250 mikrog × 1 inhalasjon × 2/day');
  });

  describe('omission (on one list, missing from another that should hold it)', () => {
    const spironolactone = (over: Partial<MedicationEntry> & Pick<MedicationEntry, 'kind' | 'provenance'>) =>
      entry({ atc: 'C03DA01', name: 'Spironolakton', strength: '25 mg', form: 'tablett', startDate: '2026-09-30', ...over });
    const metoprololEverywhere = [
      entry({ kind: 'GP_PRESCRIPTION', provenance: GP }),
      entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE }),
    ];

    it('flags a medicine started at discharge and dispensed but on neither the GP’s nor the care list, saying who has it', () => {
      const list = mergeMedications([
        ...metoprololEverywhere,
        spironolactone({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL }),
        spironolactone({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-10-01', startDate: null }),
      ]);
      const item = list.find((i) => i.atc === 'C03DA01');
      expect(item?.status).toBe('ACTIVE');
      expect(item?.discrepancies.map((d) => d.kind)).toEqual(['OMISSION', 'OMISSION']);
      const [gp, care] = item?.discrepancies ?? [];
      expect(gp?.description).toBe(
        "Missing from the GP's list (fastlegens legemiddelliste): in use according to Haukeland universitetssjukehus (discharge list, from 2026-09-30), " +
          'Kjernejournal (dispensed 2026-10-01). The regular GP keeps the complete list that others reconcile against; add it there, or record why it was left off.',
      );
      expect(gp?.values).toEqual([
        { value: 'IN_USE', sources: [expect.objectContaining({ organisation: 'Haukeland universitetssjukehus' }), expect.objectContaining({ organisation: 'Kjernejournal' })] },
        { value: 'NOT_ON_GP_LIST', sources: [] },
      ]);
      expect(care?.description).toMatch(/^Missing from the municipal care service's medication list .*prescribed by Haukeland universitetssjukehus \(discharge list, from 2026-09-30\)\. The nurses give medicines from that list/);
      // Metoprolol is on both lists: nothing to flag.
      expect(list.find((i) => i.atc === 'C07AB02')?.hasDiscrepancy).toBe(false);
    });

    it('flags a GP prescription the care list lacks, but not a care-list medicine the GP has', () => {
      const list = mergeMedications([...metoprololEverywhere, spironolactone({ kind: 'GP_PRESCRIPTION', provenance: GP })]);
      expect(list.find((i) => i.atc === 'C03DA01')?.discrepancies).toEqual([
        expect.objectContaining({ kind: 'OMISSION', values: [expect.objectContaining({ value: 'PRESCRIBED' }), { value: 'NOT_ON_CARE_LIST', sources: [] }] }),
      ]);
    });

    it('flags a care-list medicine missing from the GP’s list', () => {
      const list = mergeMedications([...metoprololEverywhere, spironolactone({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE })]);
      expect(list.find((i) => i.atc === 'C03DA01')?.discrepancies.map((d) => d.values[1]?.value)).toEqual(['NOT_ON_GP_LIST']);
    });

    it('does not flag absence from a discharge list, from the dispensations, or from a list the patient does not have', () => {
      // On the GP's and the care list, not on the hospital's (started after discharge) nor dispensed (nursing-home stock).
      const both = mergeMedications([
        entry({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL }),
        ...metoprololEverywhere,
        spironolactone({ kind: 'GP_PRESCRIPTION', provenance: GP }),
        spironolactone({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE }),
      ]);
      expect(both.every((i) => !i.hasDiscrepancy)).toBe(true);
      // No care list at all (no municipal care): only the GP's list is expected to hold it.
      const noCare = mergeMedications([entry({ kind: 'GP_PRESCRIPTION', provenance: GP }), spironolactone({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL })]);
      expect(noCare.find((i) => i.atc === 'C03DA01')?.discrepancies.map((d) => d.values[1]?.value)).toEqual(['NOT_ON_GP_LIST']);
      // A GP that answered with an empty list still has one.
      const emptyGp = mergeMedications([spironolactone({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL })], { holders: { gp: true } });
      expect(emptyGp[0]?.discrepancies.map((d) => d.kind)).toEqual(['OMISSION']);
      expect(mergeMedications([spironolactone({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL })])[0]?.hasDiscrepancy).toBe(false);
    });

    it('does not call a stopped medicine missing', () => {
      const list = mergeMedications([...metoprololEverywhere, spironolactone({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, status: 'STOPPED', endDate: '2026-09-30' })]);
      expect(list.find((i) => i.atc === 'C03DA01')).toMatchObject({ status: 'STOPPED', hasDiscrepancy: false });
    });
  });

  describe('as needed (ved behov) versus fixed dosing', () => {
    const salbutamol = (over: Partial<MedicationEntry> & Pick<MedicationEntry, 'kind' | 'provenance'>) =>
      entry({ atc: 'R03AC02', name: 'Salbutamol', strength: '0,1 mg/dose', form: 'inhalasjonsaerosol', ...over });
    const prn = { amount: 2, unit: 'inhalasjon', timesPerDay: 4, text: '2 inhalasjoner ved behov, inntil 4 ganger daglig' };
    const scheduled = { amount: 2, unit: 'inhalasjon', timesPerDay: 4, text: '2 inhalasjoner 4 ganger daglig' };

    it('flags a reliever given on a schedule, reading ved behov from the text or the structure', () => {
      const [item] = mergeMedications([
        salbutamol({ kind: 'GP_PRESCRIPTION', provenance: GP, dose: prn }),
        salbutamol({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, dose: { ...scheduled, text: '', asNeeded: true } }),
        salbutamol({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE, dose: scheduled }),
      ]);
      expect(item?.discrepancies).toEqual([
        {
          kind: 'AS_NEEDED',
          forPatient: expect.any(String),
          description:
            'Taken as needed (ved behov, PRN) according to Nordnes legekontor, Haukeland universitetssjukehus; on a fixed schedule according to Bergen kommune. ' +
            'A reliever given on a schedule, or a regular medicine given only when asked for, is a different treatment.',
          values: [
            { value: 'as needed', sources: [expect.objectContaining({ sector: 'GP' }), expect.objectContaining({ sector: 'HOSPITAL' })] },
            { value: 'fixed schedule', sources: [expect.objectContaining({ sector: 'MUNICIPAL_CARE' })] },
          ],
        },
      ]);
    });

    it('does not compare daily doses of as-needed entries, nor flag sources that agree it is as needed', () => {
      const [item] = mergeMedications([
        salbutamol({ kind: 'GP_PRESCRIPTION', provenance: GP, dose: prn }),
        salbutamol({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-10-01', dose: { ...prn, timesPerDay: 2, text: '2 inhalasjoner ved behov, inntil 2 ganger daglig' } }),
      ]);
      expect(item?.hasDiscrepancy).toBe(false);
    });
  });

  describe('weekly and other non-daily schedules', () => {
    const alendronate = (over: Partial<MedicationEntry> & Pick<MedicationEntry, 'kind' | 'provenance'>) =>
      entry({ atc: 'M05BA04', name: 'Alendronsyre', strength: '70 mg', form: 'tablett', ...over });
    const weekly = { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett 1 gang i uken' };

    it('flags a weekly tablet listed as daily, and does not call it a dose difference', () => {
      const [item] = mergeMedications([
        alendronate({ kind: 'GP_PRESCRIPTION', provenance: GP, dose: weekly }),
        alendronate({ kind: 'NATIONAL_DISPENSATION', provenance: KJ, lastDispensed: '2026-10-01', dose: weekly }),
        alendronate({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE, dose: { ...weekly, text: '1 tablett 1 gang daglig' } }),
      ]);
      expect(item?.discrepancies).toEqual([
        {
          kind: 'SCHEDULE',
          forPatient: expect.any(String),
          description:
            'Dosing interval differs: once a week (Nordnes legekontor, Kjernejournal) vs every day (Bergen kommune). Taken on the shorter interval, the same dose adds up to 7 times as much.',
          values: [
            { value: 'once a week', sources: [expect.objectContaining({ sector: 'GP' }), expect.objectContaining({ sector: 'NATIONAL' })] },
            { value: 'every day', sources: [expect.objectContaining({ sector: 'MUNICIPAL_CARE' })] },
          ],
        },
      ]);
    });

    it('takes the interval from FHIR’s structure where the text says nothing, and writes weekly doses per week', () => {
      const [item] = mergeMedications([
        alendronate({ kind: 'GP_PRESCRIPTION', provenance: GP, dose: weekly }),
        alendronate({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, strength: '35 mg', dose: { amount: 1, unit: 'tablett', timesPerDay: 1, intervalDays: 7, text: '' } }),
      ]);
      expect(item?.discrepancies).toEqual([
        expect.objectContaining({ kind: 'DOSE', description: 'Daily dose differs: 70 mg/week (Nordnes legekontor) vs 35 mg/week (Haukeland universitetssjukehus).' }),
      ]);
    });

    it('agrees when every source says once a week', () => {
      const [item] = mergeMedications([
        alendronate({ kind: 'GP_PRESCRIPTION', provenance: GP, dose: weekly }),
        alendronate({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, dose: { ...weekly, text: '', intervalDays: 7 } }),
      ]);
      expect(item?.hasDiscrepancy).toBe(false);
    });
  });

  describe('formulation', () => {
    it('flags a depot tablet listed as a plain tablet, and ignores sources that name no form', () => {
      const [item] = mergeMedications([
        entry({ kind: 'GP_PRESCRIPTION', provenance: GP }),
        entry({ kind: 'MUNICIPAL_CARE_LIST', provenance: CARE, form: 'Tablett' }),
        entry({ kind: 'HOSPITAL_STATEMENT', provenance: HOSPITAL, form: null }),
      ]);
      expect(item?.discrepancies).toEqual([
        {
          kind: 'FORMULATION',
          forPatient: expect.any(String),
          description:
            'Formulation differs: depottablett (Nordnes legekontor) vs tablett (Bergen kommune). Forms are not interchangeable mg for mg: a depot (modified-release) ' +
            'tablet must not be swapped for a plain one, nor an enteric-coated capsule opened.',
          values: [
            { value: 'depottablett', sources: [expect.objectContaining({ sector: 'GP' })] },
            { value: 'tablett', sources: [expect.objectContaining({ sector: 'MUNICIPAL_CARE' })] },
          ],
        },
      ]);
    });
  });
});

