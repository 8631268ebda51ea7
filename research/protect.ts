import { AGE_BANDS, type PersonFacts } from './facts';
import { contributionsOf } from './contributions';
import type { AggregateDefinition, Dimension } from './definition';
import { protectTable, recordKeyFor, type Contribution, type Measure } from './disclosure';

/** Research's disclosure control: no cell under 5, counts perturbed by at most 2 (research/disclosure). */
export const DISCLOSURE = { threshold: 5, noiseBound: 2 } as const;

/** The answer's cells, by the schema's names (AggregateCell): a dimension not grouped by, or totalled over, is null. */
export interface AnswerCell {
  municipality: string | null;
  ageBand: string | null;
  sex: string | null;
  icd10Chapter: string | null;
  icpc2Chapter: string | null;
  period: string | null;
  status: 'PUBLISHED' | 'SUPPRESSED';
  suppression: 'SMALL_CELL' | 'COMPLEMENTARY' | null;
  count: number | null;
  value: number | null;
}

export interface AggregateAnswer {
  cells: AnswerCell[];
  method: string;
  threshold: number;
  noiseBound: number;
}

const FIELD: Record<Dimension, keyof AnswerCell> = {
  MUNICIPALITY: 'municipality',
  AGE_BAND: 'ageBand',
  SEX: 'sex',
  ICD10_CHAPTER: 'icd10Chapter',
  ICPC2_CHAPTER: 'icpc2Chapter',
  PERIOD: 'period',
};

const ICD10 = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX', 'XXI', 'XXII'];
const ICPC2 = 'ABDFHKLNPRSTUWXYZ'.split('');

/**
 * Every value each dimension can take in this question, whoever the cohort holds: the table has the same cells
 * whatever it finds, so that the presence of a row tells nothing. Years are the question's, or the ten before today's.
 */
function domainOf(dim: Dimension, d: AggregateDefinition, municipalities: readonly string[], today: string): string[] {
  const f = d.filter;
  switch (dim) {
    case 'MUNICIPALITY':
      return [...(f.municipalities ?? municipalities)];
    case 'AGE_BAND':
      return [...(f.ageBands ?? AGE_BANDS)];
    case 'SEX':
      return [...(f.sexes ?? ['FEMALE', 'MALE'])];
    case 'ICD10_CHAPTER':
      return f.icd10Chapters ?? ICD10;
    case 'ICPC2_CHAPTER':
      return f.icpc2Chapters ?? ICPC2;
    case 'PERIOD': {
      const year = Number(today.slice(0, 4));
      return f.periods ? [...f.periods].sort() : Array.from({ length: 10 }, (_, i) => String(year - 9 + i));
    }
  }
}

const MEASURE: Record<AggregateDefinition['measure'], Measure> = { COUNT: 'count', SHARE: 'share', MEAN: 'mean', MEDIAN: 'median' };

/** A person's contributions under their pseudonym (research's key): what the disclosure control counts. */
export function pseudonymousContributions(d: AggregateDefinition, key: Buffer, person: PersonFacts): Contribution[] {
  const recordKey = recordKeyFor(key, person.nin);
  return contributionsOf(d, person).map((c) => ({
    recordKey,
    cell: Object.fromEntries(d.groupBy.map((dim, i) => [dim, c.values[i]!])),
    flag: c.flag,
    value: c.value,
  }));
}

/** The protected table of a question, from its cohort's contributions. */
export function protectAnswer(d: AggregateDefinition, contributions: readonly Contribution[], key: Buffer, municipalities: readonly string[], today: string): AggregateAnswer {
  const table = protectTable(
    {
      dimensions: [...d.groupBy],
      measure: MEASURE[d.measure],
      contributions,
      margins: d.margins,
      domains: Object.fromEntries(d.groupBy.map((dim) => [dim, domainOf(dim, d, municipalities, today)])),
    },
    { ...DISCLOSURE, key },
  );
  const cells = table.cells.map((c): AnswerCell => {
    const cell: AnswerCell = { municipality: null, ageBand: null, sex: null, icd10Chapter: null, icpc2Chapter: null, period: null, status: c.status, suppression: c.reason, count: c.count, value: c.value };
    for (const dim of d.groupBy) (cell as unknown as Record<string, unknown>)[FIELD[dim]] = c.cell[dim] ?? null;
    return cell;
  });
  return { cells, method: table.method, threshold: table.threshold, noiseBound: table.noiseBound };
}
