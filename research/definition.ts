import { z } from 'zod';
import { AGE_BANDS } from './facts';

/**
 * What a research question may ask, as data: grouping by fixed dimensions (whole municipalities, fixed age bands,
 * sex, diagnosis chapters, calendar years), filtering on their values only, and one measure, over all residents or
 * the population of a named quality indicator. No free predicate, no single year of age, no date range: two questions
 * can differ only by whole cells, which the disclosure control protects (research/disclosure).
 */
export const DIMENSIONS = ['MUNICIPALITY', 'AGE_BAND', 'SEX', 'ICD10_CHAPTER', 'ICPC2_CHAPTER', 'PERIOD'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const MEASURES = ['COUNT', 'SHARE', 'MEAN', 'MEDIAN'] as const;
export type Measure = (typeof MEASURES)[number];

/** The named quality indicators, with what each counts: its population, its numerator or its value. */
export const INDICATORS = {
  HOME_CARE_MEDICATION_DISCREPANCY: {
    title: 'Home-care patients with an unresolved medication discrepancy',
    population: 'Residents receiving home nursing or practical assistance today whose GP and care medication lists could be read',
    numerator: 'Those with a medicine in use on which the GP, the care service and the hospitals disagree (the merged list: hasDiscrepancy)',
    measures: ['SHARE', 'COUNT'],
    period: false,
  },
  DISCHARGE_TO_GP_CONTACT_DAYS: {
    title: "Days from hospital discharge to the GP's next contact",
    population: 'Residents discharged from an inpatient stay in the period, their first discharge in each year, with a GP contact after it',
    numerator: "The days from the discharge to the GP's next consultation (any contact type)",
    measures: ['MEDIAN', 'MEAN', 'COUNT'],
    period: true,
  },
  NORGEP_WARNING_70_PLUS: {
    title: 'Patients 70 and over with a NorGeP warning',
    population: 'Residents aged 70 or more, not in a nursing home, whose medication lists could be read',
    numerator: 'Those whose merged medication list meets a NorGeP criterion (the decision support of Patient.clinicalWarnings)',
    measures: ['SHARE', 'COUNT'],
    period: false,
  },
} as const;
export type Indicator = keyof typeof INDICATORS;

const municipality = z.string().regex(/^\d{4}$/, 'a municipality number has four digits');
const year = z.string().regex(/^\d{4}$/, 'a period is a calendar year (yyyy)');

export const definitionSchema = z
  .strictObject({
    indicator: z.enum(Object.keys(INDICATORS) as [Indicator, ...Indicator[]]).nullable().default(null),
    measure: z.enum(MEASURES).default('COUNT'),
    groupBy: z.array(z.enum(DIMENSIONS)).max(3, 'at most three dimensions').default([]),
    filter: z
      .strictObject({
        municipalities: z.array(municipality).max(50).optional(),
        ageBands: z.array(z.enum(AGE_BANDS)).optional(),
        sexes: z.array(z.enum(['FEMALE', 'MALE'])).optional(),
        periods: z.array(year).max(20).optional(),
        icd10Chapters: z.array(z.string().regex(/^[IVX]{1,5}$/)).optional(),
        icpc2Chapters: z.array(z.string().regex(/^[A-Z]$/)).optional(),
      })
      .default({}),
    margins: z.boolean().default(true),
  })
  .superRefine((d, ctx) => {
    if (new Set(d.groupBy).size !== d.groupBy.length) ctx.addIssue({ code: 'custom', message: 'a dimension is named twice', path: ['groupBy'] });
    if (d.groupBy.includes('ICD10_CHAPTER') && d.groupBy.includes('ICPC2_CHAPTER')) ctx.addIssue({ code: 'custom', message: 'one diagnosis classification at a time', path: ['groupBy'] });
    const indicator = d.indicator ? INDICATORS[d.indicator] : null;
    if (indicator && !(indicator.measures as readonly string[]).includes(d.measure)) ctx.addIssue({ code: 'custom', message: `${d.indicator} is measured as ${indicator.measures.join(' or ')}`, path: ['measure'] });
    if (!indicator && d.measure !== 'COUNT') ctx.addIssue({ code: 'custom', message: 'without a quality indicator only COUNT is defined (persons)', path: ['measure'] });
    const periodic = d.groupBy.includes('PERIOD') || (d.filter.periods?.length ?? 0) > 0;
    const hasEvents = d.groupBy.includes('ICD10_CHAPTER') || d.groupBy.includes('ICPC2_CHAPTER') || (indicator?.period ?? false);
    if (periodic && !hasEvents) ctx.addIssue({ code: 'custom', message: 'a period is the year of a diagnosis or a discharge: group by a diagnosis chapter, or ask DISCHARGE_TO_GP_CONTACT_DAYS', path: ['groupBy'] });
    if (indicator && (d.groupBy.includes('ICD10_CHAPTER') || d.groupBy.includes('ICPC2_CHAPTER'))) ctx.addIssue({ code: 'custom', message: 'a quality indicator is not grouped by diagnosis chapter', path: ['groupBy'] });
  });

export type AggregateDefinition = z.infer<typeof definitionSchema>;

/** Whether the question names a place (grouped or filtered by municipality): strictly confidential persons stay out of it. */
export function namesPlace(d: AggregateDefinition): boolean {
  return d.groupBy.includes('MUNICIPALITY') || (d.filter.municipalities?.length ?? 0) > 0;
}
