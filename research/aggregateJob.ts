import { todayInOslo } from '../lib/osloTime';
import type { SourceDirectory } from '../subgraphs/kit/SourceDirectory';
import { definitionSchema, namesPlace, type AggregateDefinition } from './definition';
import { DEFAULT_BATCH_SIZE, extractCohort, inSealedBatches, Pace } from './batches';
import { factsOf, readRecords } from './facts';
import type { JobContext, JobProcessor } from './jobs';
import type { Contribution } from './disclosure';
import { protectAnswer, pseudonymousContributions } from './protect';

/**
 * The job that answers an aggregate question: the cohort from the population register's extract (the residents of
 * the municipalities asked about, or everyone where no place is named), read in batches through the adapter kit
 * within research's share of each source, each person's contributions kept in the worker's memory under a pseudonym,
 * and at the end the table protected (research/protect.ts). After each batch the job saves its checkpoint, sealed
 * (research/batches.ts): a job resumed on another worker after a crash goes on from the last batch it finished.
 */
export interface AggregateJobDeps {
  directory: SourceDirectory;
  /** research's key: each person's record key for the perturbation. */
  key: Buffer;
  /** Persons per batch: every source is asked once per batch for all its patients in it (DEFAULT_BATCH_SIZE). */
  batchSize?: number;
  /** Research's share of the process's time (RESEARCH_CPU_SHARE by default). */
  cpuShare?: number;
  /** Counts each legacy read, by source (the bench). */
  onRead?: (sourceId: string, keys: number) => void;
}

/** The job's definition: the question, as the API validated it. */
export interface AggregateJobInput {
  definition: AggregateDefinition;
}

export function aggregateProcessor(deps: AggregateJobDeps): JobProcessor {
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  return async (input: unknown, ctx: JobContext) => {
    const definition = definitionSchema.parse((input as AggregateJobInput).definition);
    const { directory } = deps;
    // The cohort: by municipality only where the question names a place (an extract by municipality leaves out the
    // strictly confidential persons: it would place them).
    const municipalities = namesPlace(definition) ? (definition.filter.municipalities ?? directory.orgs.municipalities.map((m) => m.number)) : undefined;
    const cohort = await extractCohort(directory, municipalities ? { municipalities } : {}, ctx);
    const today = todayInOslo();
    const pace = new Pace(deps.cpuShare);
    const { contributions, missing } = await inSealedBatches(ctx, {
      key: deps.key,
      cohort,
      batchSize,
      initial: () => ({ contributions: [] as Contribution[], missing: [] as string[] }),
      step: async (nins, state, reading) => {
        const records = await readRecords(nins, { directory, today, ...reading, ...(deps.onRead ? { onRead: deps.onRead } : {}) });
        pace.restart();
        for (const person of records) {
          const facts = factsOf(person, directory, today);
          state.contributions.push(...pseudonymousContributions(definition, deps.key, facts));
          state.missing = [...new Set([...state.missing, ...facts.missing])];
          await pace.yield();
        }
      },
    });
    const missingSectors = new Set(missing);
    const answer = protectAnswer(definition, contributions, deps.key, directory.orgs.municipalities.map((m) => m.number), today);
    return { ...answer, missingSectors: [...missingSectors].sort(), cohortSize: Math.round(cohort.flat().length / 10) * 10 };
  };
}
