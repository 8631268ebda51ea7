import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CONFIG_DIR, parseConfig, readConfigJson, withoutDocumentation } from '../../lib/config';
import { orgNumberSchema } from '../../lib/identifiers';
import { ageOn } from '../facts';

/**
 * The research projects approved for a pseudonymised extract (issue 21, FHIR Bulk Data `$export`), as data in
 * config/research-projects.json: each names its approval (the REK reference a researcher's token carries in the
 * purpose-of-use details), who receives the extract, whom it covers, the variables the approval names and how its
 * dates are protected. Nothing outside these variables ever leaves in an extract (research/bulk/fhir.ts).
 *
 * Validated when read, like the other configuration files: a typo stops the process with the key and what is wrong,
 * never an extract with more in it than was approved.
 */

/**
 * What an approval can name: three properties of the patient (each its own variable, since each is its own risk) and
 * whole resource types. A resource type brings only what research/bulk/fhir.ts puts in it: codes, dates under the
 * project's date rule and statuses, never free text, a practitioner or a place.
 */
export const EXPORT_VARIABLES = ['Patient.birthYear', 'Patient.gender', 'Patient.municipality', 'Condition', 'Encounter', 'MedicationStatement'] as const;
export type ExportVariable = (typeof EXPORT_VARIABLES)[number];

/** The FHIR R4 resource types an extract may hold, in the order its files are listed. */
export const RESOURCE_TYPES = ['Patient', 'Condition', 'Encounter', 'MedicationStatement'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written yyyy-mm-dd')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');

/**
 * How an extract protects dates (every date and date-time in it but the birth year, which is already a year):
 * - SHIFT: each person's dates move by the same whole number of days, from -maxDays to +maxDays but never 0, fixed per
 *   project and person (intervals between one person's events are kept exactly; the calendar date of none is given);
 * - MONTH: dates are given as yyyy-mm; YEAR: as yyyy.
 */
const datesSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('SHIFT'), maxDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(365, 'must be at most 365 days') }),
    z.strictObject({ mode: z.literal('MONTH') }),
    z.strictObject({ mode: z.literal('YEAR') }),
  ],
  { error: 'mode must be SHIFT (with maxDays), MONTH or YEAR' },
);
export type DateRule = z.infer<typeof datesSchema>;

export const researchProjectSchema = z.strictObject({
  /** The project's id in URLs and logs: lower case letters, digits and dashes. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower case letters, digits and dashes (at most 64)'),
  /** The approval as a token carries it: `REK 2026/104512`. */
  approval: z.string().regex(/^REK \d{4}\/\d{1,10}$/, 'must be a REK reference written "REK yyyy/number"'),
  title: z.string().min(1, 'must not be empty'),
  /** Who receives the extract: the organisation that answers for it under the approval (the data controller). */
  recipient: z.strictObject({ orgNumber: orgNumberSchema, name: z.string().min(1, 'must not be empty') }),
  /** The last day (inclusive) an extract may be made under the approval. */
  validUntil: isoDate,
  /**
   * Whom the extract covers: those living in these municipalities (absent: the whole population), aged at least
   * minAge on the day of the extract (absent: any age).
   */
  cohort: z.strictObject({
    municipalities: z
      .array(z.string().regex(/^\d{4}$/, 'must be a municipality number of 4 digits'))
      .min(1, 'must name at least one municipality, or be left out for the whole population')
      .optional(),
    minAge: z.number().int('must be a whole number of years').min(0, 'must not be negative').max(120, 'must be at most 120').optional(),
  }),
  variables: z
    .array(z.enum(EXPORT_VARIABLES, { error: `must be one of ${EXPORT_VARIABLES.join(', ')}` }))
    .min(1, 'must name at least one variable')
    .refine((v) => new Set(v).size === v.length, 'names a variable twice'),
  dates: datesSchema,
});

export type ResearchProject = z.infer<typeof researchProjectSchema>;

export const researchProjectsSchema = z
  .strictObject({ projects: z.array(researchProjectSchema) })
  .superRefine(({ projects }, ctx) => {
    // One approval, one project: a token's approval must find exactly one project, and an id one set of files.
    for (const key of ['id', 'approval'] as const) {
      const seen = new Set<string>();
      projects.forEach((p, i) => {
        if (seen.has(p[key])) ctx.addIssue({ code: 'custom', path: ['projects', i, key], message: `${key} ${p[key]} is given to more than one project` });
        seen.add(p[key]);
      });
    }
  });

/** Validates the file's content; a ConfigError names every problem with its path, as lib/config.ts does. */
export function parseResearchProjects(data: unknown, file = 'research-projects.json'): ResearchProject[] {
  return parseConfig(researchProjectsSchema, withoutDocumentation(data), file, 'research projects').projects;
}

/** The approved projects, from RESEARCH_PROJECTS_FILE (read at each call) or config/research-projects.json. */
export function loadResearchProjects(file = process.env.RESEARCH_PROJECTS_FILE || path.join(CONFIG_DIR, 'research-projects.json')): ResearchProject[] {
  return parseResearchProjects(readConfigJson(file), file);
}

/**
 * The project a token's approval names, if it is approved and still valid on `today` (its validUntil included);
 * null for no approval, an unknown one or an expired one. Spaces around and inside the reference are not significant.
 */
export function projectForApproval(projects: readonly ResearchProject[], approval: string | null, today: string): ResearchProject | null {
  if (!approval) return null;
  const wanted = approval.trim().replace(/\s+/g, ' ');
  const project = projects.find((p) => p.approval === wanted);
  return project && today.slice(0, 10) <= project.validUntil ? project : null;
}

let loaded: { file: string; mtimeMs: number; size: number; projects: ResearchProject[] } | undefined;

/**
 * The project a token's approval names on `today` (projectForApproval), from the configured file: read once and again
 * only when the file changes (its path, time or size), so that access rules can ask on every request. An invalid file
 * throws (ConfigError), never answers as if no project were approved.
 */
export function approvedProjectFor(approval: string | null, today: string): ResearchProject | null {
  const file = process.env.RESEARCH_PROJECTS_FILE || path.join(CONFIG_DIR, 'research-projects.json');
  let stat: { mtimeMs: number; size: number } | null = null;
  try {
    stat = statSync(file);
  } catch {
    // Not there: loadResearchProjects says so.
  }
  if (!loaded || !stat || loaded.file !== file || loaded.mtimeMs !== stat.mtimeMs || loaded.size !== stat.size) {
    loaded = { file, mtimeMs: stat?.mtimeMs ?? 0, size: stat?.size ?? 0, projects: loadResearchProjects(file) };
  }
  return projectForApproval(loaded.projects, approval, today);
}

/** A project by its id, or null. */
export function projectById(projects: readonly ResearchProject[], id: string): ResearchProject | null {
  return projects.find((p) => p.id === id) ?? null;
}

/** The FHIR resource types an extract under the project holds: Patient always (what the others refer to), then those approved. */
export function resourceTypesOf(project: ResearchProject): ResourceType[] {
  return RESOURCE_TYPES.filter((t) => t === 'Patient' || (project.variables as readonly string[]).includes(t));
}

/** Whether the project's approval names the variable. */
export function approves(project: ResearchProject, variable: ExportVariable): boolean {
  return project.variables.includes(variable);
}

/** What inCohort needs of a person: the register's birth date, residence and address protection. */
export interface CohortPerson {
  birthDate: string | null;
  municipalityNumber: string | null;
  addressProtection: string;
}

/** A strictly confidential address (strengt fortrolig, also abroad): nothing may tell where the person lives. */
export function placeHidden(person: { addressProtection: string }): boolean {
  return person.addressProtection === 'STRICTLY_CONFIDENTIAL' || person.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD';
}

/**
 * Whether the person belongs to the project's cohort on `today`. A cohort limited to some municipalities leaves out
 * everyone with a strictly confidential address: being in such an extract at all would tell that they live in one of
 * its municipalities (as aggregate tables filtered by municipality leave them out). A national cohort includes them,
 * with no place. A minimum age leaves out those whose birth date the register does not give.
 */
export function inCohort(project: ResearchProject, person: CohortPerson, today: string): boolean {
  const { municipalities, minAge } = project.cohort;
  if (municipalities) {
    if (placeHidden(person) || !person.municipalityNumber || !municipalities.includes(person.municipalityNumber)) return false;
  }
  if (minAge !== undefined) {
    if (!person.birthDate || ageOn(person.birthDate, today.slice(0, 10)) < minAge) return false;
  }
  return true;
}
