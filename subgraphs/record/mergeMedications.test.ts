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
});
