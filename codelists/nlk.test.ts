import { getPopulation } from '../simulators/population';
import { CODE_LISTS } from './index';
import nlkFile from './nlk.json';

/**
 * The NLK extract against NLK itself: each code's bruksnavn, definition and unit as NLK 7280.77 has them (read
 * from a full CSV extract of that version, see nlk.json's source), so that a code from another country's list
 * (NPU28309 in g/L is Swedish and Danish usage) or a definition written from memory fails here. And the
 * population's results in the units and reference intervals the list gives.
 */
const NLK_7280_77: Record<string, { nlkName: string; definition: string; unit: string }> = {
  NPU27300: { nlkName: 'B-HbA1c', definition: 'Haemoglobin beta chain(B)—N-(1-deoxyfructos-1-yl)haemoglobin beta chain; subst.fr. = ? mmol/mol', unit: 'mmol/mol' },
  NPU04998: { nlkName: 'P-Kreatinin', definition: 'P—Creatininium; subst.c.(enz.) = ? µmol/L', unit: 'umol/L' },
  NPU03230: { nlkName: 'P-Kalium', definition: 'P—Potassium ion; subst.c. = ? mmol/L', unit: 'mmol/L' },
  NOR05172: { nlkName: 'B-Hemoglobin', definition: 'B—Haemoglobin; mass c. = ? g/dL', unit: 'g/dL' },
  NPU19748: { nlkName: 'P-CRP', definition: 'P—C-reactive protein; mass c. = ? mg/L', unit: 'mg/L' },
  NPU01685: { nlkName: 'P-INR', definition: 'P—Coagulation, tissue factor-induced; rel.time(actual/norm; INR; IRP 67/40; proc.) = ?', unit: '{INR}' },
  NPU21571: { nlkName: 'P-NT-proBNP', definition: 'P—Pro-brain natriuretic peptide(1-76); mass c. = ? ng/L', unit: 'ng/L' },
  NPU27501: { nlkName: 'P-Troponin T (hs-cTnT)', definition: 'P—Troponin T, cardiac muscle; mass c. = ? ng/L', unit: 'ng/L' },
  NPU01568: { nlkName: 'P-LDL-kolesterol', definition: 'P—Cholesterol, LDL; subst.c. = ? mmol/L', unit: 'mmol/L' },
  NPU03577: { nlkName: 'P-TSH', definition: 'P—Thyrotropin; arb.subst.c.(IRP 80/558; proc.) = ? × 10⁻³ IU/L', unit: 'm[IU]/L' },
};
/** Codes seen in use elsewhere that NLK 7280.77 does not hold. */
const NOT_IN_NLK = ['NPU28309', 'NPU27357', 'NPU02319'];

const population = getPopulation();
const labs = population.persons.flatMap((p) => p.hospitalRecords.flatMap((h) => h.labs.map((l) => ({ person: p, lab: l }))));

describe('the NLK extract', () => {
  it('holds each code with NLK 7280.77’s bruksnavn, definition and unit', () => {
    expect(Object.fromEntries(nlkFile.entries.map((e) => [e.code, { nlkName: e.nlkName, definition: e.definition, unit: e.unit }]))).toEqual(NLK_7280_77);
    // The project prints the bruksnavn without its system prefix.
    for (const e of nlkFile.entries) expect([e.code, e.nlkName.replace(/^[A-Za-z]+-/, '').replace(/ \(.*\)$/, '')]).toEqual([e.code, e.shortName]);
  });

  it('is verified throughout, and holds no code NLK lacks', () => {
    expect(CODE_LISTS.nlk.entries.filter((e) => e.verified === false)).toEqual([]);
    for (const code of NOT_IN_NLK) expect(CODE_LISTS.nlk.entries.map((e) => e.code)).not.toContain(code);
    expect(nlkFile.version).toBe('7280.77');
  });

  it('gives blood haemoglobin in g/dL with the reference interval of each sex', () => {
    const hb = nlkFile.entries.find((e) => e.code === 'NOR05172');
    expect(hb).toMatchObject({ unit: 'g/dL', referenceLow: 11.7, referenceHigh: 17.0, referenceBySex: { female: [11.7, 15.3], male: [13.4, 17.0] } });
  });
});

describe('the population’s laboratory results', () => {
  it('use only NLK codes, haemoglobin (222 results) in g/dL and troponin T as hs-cTnT', () => {
    expect(labs.filter(({ lab }) => NOT_IN_NLK.includes(lab.code))).toEqual([]);
    const hb = labs.filter(({ lab }) => lab.code === 'NOR05172');
    expect(hb.length).toBeGreaterThan(200);
    for (const { person, lab } of hb) {
      expect(lab.unit).toBe('g/dL');
      // A value in g/L (90-170) would be ten times too high for g/dL.
      expect(lab.value).toBeGreaterThanOrEqual(3);
      expect(lab.value).toBeLessThanOrEqual(25);
      expect([lab.low, lab.high]).toEqual(person.sex === 'female' ? [11.7, 15.3] : [13.4, 17.0]);
    }
    const troponin = labs.filter(({ lab }) => lab.code === 'NPU27501');
    expect(troponin.length).toBeGreaterThan(10);
    for (const { lab } of troponin) expect([lab.unit, lab.low, lab.high]).toEqual(['ng/L', 0, 14]);
  });
});
