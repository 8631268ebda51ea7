import { createHmac, randomBytes } from 'node:crypto';
import { todayInOslo } from '../lib/osloTime';
import type { SourceDirectory } from '../subgraphs/kit/SourceDirectory';
import { exportResources } from './bulk/fhir';
import { decryptFile, encryptFile, exportFileKey, toNdjsonFiles } from './bulk/files';
import { DEFAULT_BATCH_SIZE, extractCohort, inSealedBatches, Pace } from './batches';
import { loadResearchProjects, projectById, resourceTypesOf, type ResearchProject } from './bulk/projects';
import { readRecords } from './facts';
import { JobFailure, type JobContext, type JobProcessor } from './jobs';

/**
 * The job that makes a pseudonymised extract for an approved project (FHIR Bulk Data's NDJSON files): the project's
 * cohort from the population register's extract, read in batches through the adapter kit within research's share of
 * each source (as an aggregate reads), each person's records turned into the FHIR resources the approval names under
 * the project's pseudonym (research/bulk/fhir.ts), and the files sealed (AES-256-GCM under a key derived from
 * research's key and a salt of this export's own) before they leave the worker: the job's record, in Redis or in
 * memory, holds ciphertext only. The checkpoint after each batch is sealed too (research/batches.ts), so a job resumed
 * on another worker goes on from the last batch it finished.
 */
export interface ExportJobInput {
  project: string;
  /** The FHIR types asked for (`_type`); all the project's when empty. */
  types: string[];
}

export interface SealedFile {
  type: string;
  name: string;
  count: number;
  sha256: string;
  /** The NDJSON, sealed (research/bulk/files.ts encryptFile; its associated data is the file's name). */
  sealed: string;
}

export interface ExportJobResult {
  project: string;
  transactionTime: string;
  dates: string;
  persons: number;
  /** Base64: with research's key, gives each file's key (exportFileKey). */
  salt: string;
  files: SealedFile[];
  /** Sectors some persons' records could not be read from: the extract lacks their part. */
  missingSectors: string[];
}

export interface ExportJobDeps {
  directory: SourceDirectory;
  /** research's key: the project keys, and the files' keys. */
  key: Buffer;
  batchSize?: number;
  /** Research's share of the process's time (RESEARCH_CPU_SHARE by default). */
  cpuShare?: number;
  /** The approved projects (config/research-projects.json) by default. */
  projects?: () => readonly ResearchProject[];
}

/** The project's own pseudonym key: a person has one pseudonym in a project, and another in every other. */
export function projectKeyOf(researchKey: Buffer, projectId: string): Buffer {
  return createHmac('sha256', researchKey).update(`research-project\u0000${projectId}`).digest();
}

/** The types an export holds: those asked for, of the project's; all of them when none are named. */
export function exportTypes(project: ResearchProject, asked: readonly string[]): string[] {
  const allowed = resourceTypesOf(project);
  if (asked.length === 0) return [...allowed];
  const refused = asked.filter((t) => !(allowed as readonly string[]).includes(t));
  if (refused.length > 0) throw new JobFailure('BAD_USER_INPUT', `The project's approval does not name ${refused.join(', ')}: it names ${allowed.join(', ')}`);
  // The Patient resources always come: every other resource refers to one.
  return [...new Set(['Patient', ...asked])];
}

export function exportProcessor(deps: ExportJobDeps): JobProcessor {
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const projects = deps.projects ?? (() => loadResearchProjects());
  return async (input: unknown, ctx: JobContext) => {
    const { project: projectId, types: asked } = input as ExportJobInput;
    const project = projectById(projects(), projectId);
    if (!project) throw new JobFailure('BAD_USER_INPUT', 'The project is not (or no longer) approved');
    const types = exportTypes(project, asked ?? []);
    const { directory } = deps;
    const today = todayInOslo();
    const projectKey = projectKeyOf(deps.key, project.id);

    // The cohort the project names (a minimum age by year of birth here; exportResources checks the exact age).
    const { municipalities, minAge } = project.cohort;
    const criteria = {
      ...(municipalities ? { municipalities } : {}),
      ...(minAge !== undefined ? { birthYearTo: Number(today.slice(0, 4)) - minAge } : {}),
    };
    const cohort = await extractCohort(directory, criteria, ctx);
    const pace = new Pace(deps.cpuShare);
    const state = await inSealedBatches(ctx, {
      key: deps.key,
      cohort,
      batchSize,
      // The files' salt and the transaction time are the job's own: a resumed job keeps them with its state.
      initial: () => ({ resources: Object.fromEntries(types.map((t) => [t, [] as object[]])), missing: [] as string[], transactionTime: new Date().toISOString(), salt: randomBytes(16).toString('base64') }),
      step: async (nins, state, reading) => {
        const records = await readRecords(nins, { directory, today, ...reading });
        pace.restart();
        for (const person of records) {
          const resources = exportResources(person, project, projectKey, today) as Record<string, object[]>;
          for (const type of types) state.resources[type]!.push(...(resources[type] ?? []));
          await pace.yield();
        }
        state.missing = [...new Set([...state.missing, ...records.flatMap((p) => p.missing)])];
      },
    });
    const { transactionTime, salt } = state;
    const sealKey = exportFileKey(deps.key, salt);
    const files = toNdjsonFiles(state.resources).map((f): SealedFile => ({ type: f.type, name: f.name, count: f.count, sha256: f.sha256, sealed: encryptFile(f.content, sealKey, f.name) }));
    const persons = state.resources.Patient?.length ?? 0;
    return { project: project.id, transactionTime, dates: project.dates.mode, persons, salt, files, missingSectors: [...state.missing].sort() } satisfies ExportJobResult;
  };
}

/** A completed export's file, opened: null when the job has no such file. */
export function openExportFile(result: ExportJobResult, key: Buffer, name: string): { file: SealedFile; content: string } | null {
  const file = result.files.find((f) => f.name === name);
  if (!file) return null;
  return { file, content: decryptFile(file.sealed, exportFileKey(key, result.salt), file.name) };
}
