import { definitionSchema } from './definition';
import { ageBandOf, icd10Chapter, icpc2Chapter, type PersonFacts } from './facts';
import { contributionsOf } from './contributions';
import { protectAnswer, pseudonymousContributions } from './protect';

const KEY = Buffer.alloc(32, 7);

function person(over: Partial<PersonFacts> = {}): PersonFacts {
  return {
    nin: '03864013065',
    age: 80,
    ageBand: '75-84',
    sex: 'FEMALE',
    municipality: '4601',
    icd10: [],
    icpc2: [],
    homeCare: false,
    unresolvedDiscrepancy: null,
    norgepWarning: null,
    discharges: [],
    missing: [],
    ...over,
  };
}


describe('research facts', () => {
  it('puts ages in the fixed bands, and codes in their chapters', () => {
    expect([0, 17, 18, 49, 50, 66, 67, 74, 75, 84, 85, 103].map(ageBandOf)).toEqual(['0-17', '0-17', '18-49', '18-49', '50-66', '50-66', '67-74', '67-74', '75-84', '75-84', '85+', '85+']);
    expect(['A09', 'C50.9', 'D64', 'E11', 'F32', 'H25', 'H66', 'I50', 'J44', 'S72', 'T81', 'U07', 'V89', 'Y95', 'Z51'].map(icd10Chapter)).toEqual(['I', 'II', 'III', 'IV', 'V', 'VII', 'VIII', 'IX', 'X', 'XIX', 'XIX', 'XXII', 'XX', 'XX', 'XXI']);
    expect(['K77', 'R95', 'T90', 'X01'].map(icpc2Chapter)).toEqual(['K', 'R', 'T', 'X']);
    expect([icd10Chapter('hello'), icpc2Chapter('E11'), icpc2Chapter('-')]).toEqual([null, null, null]);
  });
});

describe("a person's contributions", () => {
  it('are their values of the dimensions, and reach the disclosure control under a pseudonym only', () => {
    const d = definitionSchema.parse({ groupBy: ['MUNICIPALITY', 'AGE_BAND'] });
    expect(contributionsOf(d, person())).toEqual([{ values: ['4601', '75-84'], flag: false, value: null }]);
    const pseudonymous = pseudonymousContributions(d, KEY, person());
    expect(pseudonymous[0]!.cell).toEqual({ MUNICIPALITY: '4601', AGE_BAND: '75-84' });
    expect(JSON.stringify(pseudonymous)).not.toContain('03864013065');
  });

  it('leave a strictly confidential person out of any table that names a place, and count them where none is named', () => {
    const hidden = person({ municipality: null });
    expect(contributionsOf(definitionSchema.parse({ groupBy: ['MUNICIPALITY'] }), hidden)).toEqual([]);
    expect(contributionsOf(definitionSchema.parse({ groupBy: ['AGE_BAND'], filter: { municipalities: ['4601'] } }), hidden)).toEqual([]);
    expect(contributionsOf(definitionSchema.parse({ groupBy: ['AGE_BAND'] }), hidden)).toEqual([{ values: ['75-84'], flag: false, value: null }]);
  });

  it('are one per chapter and year', () => {
    const d = definitionSchema.parse({ groupBy: ['ICD10_CHAPTER', 'PERIOD'] });
    const c = contributionsOf(d, person({ icd10: [{ chapter: 'IX', year: '2025' }, { chapter: 'IX', year: '2025' }, { chapter: 'X', year: '2025' }] }));
    expect(c.map((x) => x.values)).toEqual([['IX', '2025'], ['X', '2025']]);
  });

  it("follow a quality indicator's population, numerator and value", () => {
    const share = definitionSchema.parse({ indicator: 'HOME_CARE_MEDICATION_DISCREPANCY', measure: 'SHARE', groupBy: ['MUNICIPALITY'] });
    expect(contributionsOf(share, person({ homeCare: true, unresolvedDiscrepancy: true }))).toEqual([{ values: ['4601'], flag: true, value: null }]);
    expect(contributionsOf(share, person({ homeCare: false, unresolvedDiscrepancy: true }))).toEqual([]);
    expect(contributionsOf(share, person({ homeCare: true, unresolvedDiscrepancy: null }))).toEqual([]);
    const days = definitionSchema.parse({ indicator: 'DISCHARGE_TO_GP_CONTACT_DAYS', measure: 'MEDIAN', groupBy: ['PERIOD'] });
    expect(contributionsOf(days, person({ discharges: [{ year: '2025', daysToGp: 4 }, { year: '2025', daysToGp: 30 }, { year: '2026', daysToGp: null }] }))).toEqual([{ values: ['2025'], flag: false, value: 4 }]);
  });
});

describe('a protected answer', () => {
  it('has every cell of the dimensions, small ones suppressed, and no person in it', () => {
    const d = definitionSchema.parse({ groupBy: ['MUNICIPALITY', 'AGE_BAND'] });
    const people = Array.from({ length: 40 }, (_, i) => person({ nin: `p-${i}`, ageBand: i < 37 ? '75-84' : '85+' }));
    const answer = protectAnswer(d, people.flatMap((p) => pseudonymousContributions(d, KEY, p)), KEY, ['4601', '5001'], '2026-12-07');
    // 2 municipalities x 6 bands, their margins, and the grand total.
    expect(answer.cells).toHaveLength(2 * 6 + 2 + 6 + 1);
    const cellOf = (m: string | null, a: string | null) => answer.cells.find((c) => c.municipality === m && c.ageBand === a)!;
    expect(cellOf('4601', '85+')).toMatchObject({ status: 'SUPPRESSED', suppression: 'SMALL_CELL', count: null });
    expect(cellOf('5001', '75-84')).toMatchObject({ status: 'SUPPRESSED', count: null });
    expect(Math.abs(cellOf(null, null).count! - 40)).toBeLessThanOrEqual(2);
    expect(JSON.stringify(answer)).not.toMatch(/p-\d/);
  });
});

describe('research questions', () => {
  it('refuse what could tell two questions apart by less than a whole cell, or makes no sense', () => {
    const refused = [
      { groupBy: ['MUNICIPALITY', 'MUNICIPALITY'] },
      { groupBy: ['ICD10_CHAPTER', 'ICPC2_CHAPTER'] },
      { groupBy: ['PERIOD'] },
      { measure: 'MEDIAN' },
      { indicator: 'HOME_CARE_MEDICATION_DISCREPANCY', measure: 'MEDIAN' },
      { filter: { ageBands: ['75-80'] } },
      { filter: { municipalities: ['Bergen'] } },
      { filter: { age: 75 } },
      { groupBy: ['MUNICIPALITY', 'AGE_BAND', 'SEX', 'PERIOD'] },
    ];
    for (const q of refused) expect([q, definitionSchema.safeParse(q).success]).toEqual([q, false]);
    expect(definitionSchema.safeParse({ groupBy: ['MUNICIPALITY', 'AGE_BAND'], filter: { ageBands: ['75-84', '85+'] } }).success).toBe(true);
  });
});
