import type { PopulationRegisterAdapter } from '../adapters/contracts';
import { todayInOslo } from '../lib/osloTime';
import type { SourceDirectory } from '../subgraphs/kit/SourceDirectory';
import { definitionSchema, namesPlace, type AggregateDefinition } from './definition';
import { readFacts } from './facts';
import type { JobContext, JobProcessor } from './jobs';
import type { Contribution } from './disclosure';
import { protectAnswer, pseudonymousContributions } from './protect';

/**
 * The job that answers an aggregate question: the cohort from the population register's extract (the residents of
 * the municipalities asked about, or everyone where no place is named), read in batches through the adapter kit
 * within research's share of each source, each person's contributions kept in the worker's memory under a pseudonym,
 * and at the end the table protected (research/protect.ts). The job's record holds its progress only, nothing of any
 * person: a job resumed on another worker after a crash reads its cohort again from the start.
 */
export interface AggregateJobDeps {
  directory: SourceDirectory;
  /** research's key: each person's record key for the perturbation. */
  key: Buffer;
  /** Persons per batch: every source is asked once per batch for all its patients in it (default 100). */
  batchSize?: number;
  /** Counts each legacy read, by source (the bench). */
  onRead?: (sourceId: string, keys: number) => void;
}


/** The job's definition: the question, as the API validated it. */
export interface AggregateJobInput {
  definition: AggregateDefinition;
}

export function aggregateProcessor(deps: AggregateJobDeps): JobProcessor {
  const batchSize = deps.batchSize ?? 100;
  return async (input: unknown, ctx: JobContext) => {
    const definition = definitionSchema.parse((input as AggregateJobInput).definition);
    const { directory } = deps;
    const register = directory.adapter(directory.orgs.registries.population, 'RegistryPerson') as PopulationRegisterAdapter;
    // The cohort: by municipality only where the question names a place (an extract by municipality leaves out the
    // strictly confidential persons: it would place them).
    const municipalities = namesPlace(definition) ? (definition.filter.municipalities ?? directory.orgs.municipalities.map((m) => m.number)) : undefined;
    const cohort: string[] = [];
    const registerId = directory.orgs.registries.population;
    // Each call of the extract (an order per municipality, then its batches) within research's share of the register.
    const extractOptions = { requestId: `research-${Date.now()}`, signal: ctx.signal, beforeCall: () => ctx.sources.take(registerId, 1, ctx.signal) };
    for await (const batch of register.extract(municipalities ? { municipalities } : {}, extractOptions)) {
      ctx.signal.throwIfAborted();
      cohort.push(...batch);
    }
    const batches = Math.ceil(cohort.length / batchSize);
    const contributions: Contribution[] = [];
    const missingSectors = new Set<string>();
    const today = todayInOslo();
    let patientsDone = 0;
    await ctx.progress({ sourcesDone: 0, sourcesTotal: batches, patientsDone: 0, patientsTotal: cohort.length }, { resumedFrom: 0 });
    for (let b = 0; b < batches; b += 1) {
      ctx.signal.throwIfAborted();
      const nins = cohort.slice(b * batchSize, (b + 1) * batchSize);
      const facts = await readFacts(nins, {
        directory,
        today,
        requestId: `research-batch-${b}`,
        signal: ctx.signal,
        take: (sourceId, calls, signal) => ctx.sources.take(sourceId, calls, signal),
        ...(deps.onRead ? { onRead: deps.onRead } : {}),
      });
      for (const person of facts) {
        contributions.push(...pseudonymousContributions(definition, deps.key, person));
        for (const sector of person.missing) missingSectors.add(sector);
      }
      patientsDone += nins.length;
      await ctx.progress({ sourcesDone: b + 1, sourcesTotal: batches, patientsDone, patientsTotal: cohort.length });
    }
    const answer = protectAnswer(definition, contributions, deps.key, directory.orgs.municipalities.map((m) => m.number), today);
    return { ...answer, missingSectors: [...missingSectors].sort(), cohortSize: Math.round(cohort.length / 10) * 10 };
  };
}
