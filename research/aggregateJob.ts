import { randomBytes } from 'node:crypto';
import type { PopulationRegisterAdapter } from '../adapters/contracts';
import { todayInOslo } from '../lib/osloTime';
import type { SourceDirectory } from '../subgraphs/kit/SourceDirectory';
import { definitionSchema, namesPlace, type AggregateDefinition } from './definition';
import { decryptFile, encryptFile, exportFileKey } from './bulk/files';
import { readFacts } from './facts';
import type { JobContext, JobProcessor } from './jobs';
import type { Contribution } from './disclosure';
import { protectAnswer, pseudonymousContributions } from './protect';

/**
 * The job that answers an aggregate question: the cohort from the population register's extract (the residents of
 * the municipalities asked about, or everyone where no place is named), read in batches through the adapter kit
 * within research's share of each source, each person's contributions kept in the worker's memory under a pseudonym,
 * and at the end the table protected (research/protect.ts). After each batch the job saves its checkpoint: the batches
 * done and the pseudonymous contributions so far, sealed (AES-256-GCM under a key derived from research's key and a
 * salt of this job's own), so that the job's record, in Redis or in memory, holds nothing readable of any person, and a
 * job resumed on another worker after a crash goes on from the last batch it finished.
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

/** What an aggregate job saves after each batch. */
interface AggregateCheckpoint {
  batchesDone: number;
  salt: string;
  /** Sealed: `{ contributions, missing }` so far. */
  sealed: string;
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
    const registerId = directory.orgs.registries.population;
    // Each call of the extract (an order per municipality, then its batches) within research's share of the register.
    const extractOptions = { requestId: `research-${Date.now()}`, signal: ctx.signal, beforeCall: () => ctx.sources.take(registerId, 1, ctx.signal) };
    const cohort: string[] = [];
    for await (const batch of register.extract(municipalities ? { municipalities } : {}, extractOptions)) {
      ctx.signal.throwIfAborted();
      cohort.push(...batch);
    }
    const batches = Math.ceil(cohort.length / batchSize);
    const resumed = ctx.checkpoint as AggregateCheckpoint | null;
    const salt = resumed?.salt ?? randomBytes(16).toString('base64');
    const sealKey = exportFileKey(deps.key, salt);
    const saved = resumed ? (JSON.parse(decryptFile(resumed.sealed, sealKey, 'checkpoint')) as { contributions: Contribution[]; missing: string[] }) : null;
    const contributions: Contribution[] = saved?.contributions ?? [];
    const missingSectors = new Set<string>(saved?.missing ?? []);
    const today = todayInOslo();
    const from = resumed?.batchesDone ?? 0;
    const progress = (done: number) => ({ sourcesDone: done, sourcesTotal: batches, patientsDone: Math.min(cohort.length, done * batchSize), patientsTotal: cohort.length });
    await ctx.progress(progress(from));
    for (let b = from; b < batches; b += 1) {
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
      const sealed = encryptFile(JSON.stringify({ contributions, missing: [...missingSectors] }), sealKey, 'checkpoint');
      await ctx.progress(progress(b + 1), { batchesDone: b + 1, salt, sealed } satisfies AggregateCheckpoint);
    }
    const answer = protectAnswer(definition, contributions, deps.key, directory.orgs.municipalities.map((m) => m.number), today);
    return { ...answer, missingSectors: [...missingSectors].sort(), cohortSize: Math.round(cohort.length / 10) * 10 };
  };
}
