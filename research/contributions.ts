import type { AggregateDefinition, Dimension } from './definition';
import { namesPlace } from './definition';
import type { PersonFacts } from './facts';

/**
 * What each person of a research question's cohort gives its table: their values of the question's dimensions (one
 * contribution per cell they are in: a person with two diagnosis chapters is in two), and the flag (SHARE) or value
 * (MEAN, MEDIAN) of the question's indicator. The disclosure control (research/disclosure) counts each person once per
 * cell and margin, under a pseudonym: the identity number never reaches it.
 *
 * One contribution of a person: the cell's values (one per groupBy dimension), and the flag or value.
 */
export interface Contribution {
  values: string[];
  flag: boolean;
  value: number | null;
}

/** Whether the person is in the question's population (its filter, and where it names a place, a known place). */
function inScope(d: AggregateDefinition, p: PersonFacts): boolean {
  const f = d.filter;
  if (namesPlace(d) && p.municipality === null) return false;
  if (f.municipalities && !f.municipalities.includes(p.municipality ?? '')) return false;
  if (f.ageBands && (!p.ageBand || !f.ageBands.includes(p.ageBand))) return false;
  if (f.sexes && !f.sexes.includes(p.sex as 'FEMALE' | 'MALE')) return false;
  return true;
}

/** A person's contributions to the question's cells: none, one, or (by diagnosis chapter and year) several. */
export function contributionsOf(d: AggregateDefinition, p: PersonFacts): Contribution[] {
  if (!inScope(d, p)) return [];
  const base: Record<Dimension, string | null> = {
    MUNICIPALITY: p.municipality,
    AGE_BAND: p.ageBand,
    SEX: p.sex,
    ICD10_CHAPTER: null,
    ICPC2_CHAPTER: null,
    PERIOD: null,
  };
  const periods = d.filter.periods;
  const inPeriod = (year: string) => !periods || periods.includes(year);
  const withValues = (extra: Partial<Record<Dimension, string>>, flag: boolean, value: number | null): Contribution[] => {
    const all = { ...base, ...extra };
    const values = d.groupBy.map((dim) => all[dim]);
    return values.some((v) => v === null) ? [] : [{ values: values as string[], flag, value }];
  };
  switch (d.indicator) {
    case 'HOME_CARE_MEDICATION_DISCREPANCY':
      return p.homeCare && p.unresolvedDiscrepancy !== null ? withValues({}, p.unresolvedDiscrepancy, null) : [];
    case 'NORGEP_WARNING_70_PLUS':
      return p.norgepWarning !== null ? withValues({}, p.norgepWarning, null) : [];
    case 'DISCHARGE_TO_GP_CONTACT_DAYS': {
      // The first discharge of each year with a GP contact after it: one contribution per person and year.
      const byYear = new Map<string, number>();
      for (const x of p.discharges) if (x.daysToGp !== null && inPeriod(x.year) && !byYear.has(x.year)) byYear.set(x.year, x.daysToGp);
      const years = [...byYear].sort(([a], [b]) => a.localeCompare(b));
      if (!d.groupBy.includes('PERIOD')) return years.length ? withValues({}, false, years[0]![1]) : [];
      return years.flatMap(([year, days]) => withValues({ PERIOD: year }, false, days));
    }
    case null: {
      const chapterDim = d.groupBy.includes('ICD10_CHAPTER') ? 'ICD10_CHAPTER' : d.groupBy.includes('ICPC2_CHAPTER') ? 'ICPC2_CHAPTER' : null;
      const chapterFilter = d.filter.icd10Chapters ?? d.filter.icpc2Chapters;
      const needsEvents = chapterDim !== null || d.groupBy.includes('PERIOD') || periods !== undefined || chapterFilter !== undefined;
      if (!needsEvents) return withValues({}, false, null);
      const events = chapterDim === 'ICPC2_CHAPTER' || (!chapterDim && d.filter.icpc2Chapters) ? p.icpc2 : p.icd10;
      const seen = new Set<string>();
      return events.flatMap((e) => {
        if (!inPeriod(e.year) || (chapterFilter && !chapterFilter.includes(e.chapter))) return [];
        const extra: Partial<Record<Dimension, string>> = {};
        if (chapterDim) extra[chapterDim] = e.chapter;
        if (d.groupBy.includes('PERIOD')) extra.PERIOD = e.year;
        const key = JSON.stringify(extra);
        if (seen.has(key)) return [];
        seen.add(key);
        return withValues(extra, false, null);
      });
    }
  }
}
