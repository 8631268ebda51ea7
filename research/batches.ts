import { randomBytes, randomUUID } from 'node:crypto';
import type { ExtractCriteria, PopulationRegisterAdapter } from '../adapters/contracts';
import type { SourceDirectory } from '../subgraphs/kit/SourceDirectory';
import { decryptFile, encryptFile, exportFileKey } from './bulk/files';
import { groupBySource, type FactReading } from './facts';
import type { JobContext } from './jobs';

/**
 * How a research job reads its cohort: the identity numbers from the population register's extract, each call of it
 * (an order, then its batches) within research's share of the register; then the cohort in batches, each batch's
 * sources asked once, and after each batch a checkpoint: the batches done and the job's state so far, sealed with
 * AES-256-GCM under a key derived from research's key and a salt of the job's own. The job's record (in Redis or in
 * memory) so holds nothing readable of any person, and a job resumed on another worker after a crash goes on from the
 * last batch it finished, with the state it had then.
 */
/**
 * Persons per batch (RESEARCH_BATCH_SIZE, default 500): each source is asked once a batch for all of its patients in it
 * (in calls of its adapter's maxBatch), so larger batches ask each source fewer times for the same cohort. With 100 a
 * batch, a municipality's care system with 63 of 528 residents was asked 6 times (once a batch); with 500, twice.
 */
export const DEFAULT_BATCH_SIZE = 500;

export function batchSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.RESEARCH_BATCH_SIZE ?? DEFAULT_BATCH_SIZE);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error('RESEARCH_BATCH_SIZE must be a whole number from 1 to 10000');
  return n;
}

/**
 * Research's share of its process's time (RESEARCH_CPU_SHARE, default 0.25): a job computes each person's facts in the
 * process that also answers clinical reads (the embedded default), so between persons it hands the event loop back, and
 * after a stretch of computing it pauses long enough that its computing is at most this share of the time. Care's
 * requests go first; a job on a worker process of its own (`npm run research:worker`) may be given 1.
 */
export function cpuShareFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const share = Number(env.RESEARCH_CPU_SHARE ?? 0.25);
  if (!Number.isFinite(share) || share <= 0 || share > 1) throw new Error('RESEARCH_CPU_SHARE must be a share above 0, at most 1');
  return share;
}

export class Pace {
  private since = performance.now();

  constructor(private readonly share: number = cpuShareFromEnv()) {}

  /** Called between persons: yields to the event loop, and pauses when research has computed for 10 ms or more. */
  async yield(): Promise<void> {
    const busy = performance.now() - this.since;
    const pause = busy >= 10 && this.share < 1 ? (busy * (1 - this.share)) / this.share : 0;
    await new Promise((resolve) => (pause > 0 ? setTimeout(resolve, pause) : setImmediate(resolve)));
    this.since = performance.now();
  }

  /** After waiting for sources (time that was not computing): the next stretch starts now. */
  restart(): void {
    this.since = performance.now();
  }
}

export async function extractCohort(directory: SourceDirectory, criteria: ExtractCriteria, ctx: JobContext): Promise<string[][]> {
  const requestId = `research-extract-${randomUUID()}`;
  const register = directory.adapter(directory.orgs.registries.population, 'RegistryPerson') as PopulationRegisterAdapter;
  const registerId = directory.orgs.registries.population;
  const cohort: string[] = [];
  for await (const batch of register.extract(criteria, { requestId, signal: ctx.signal, beforeCall: () => ctx.sources.take(registerId, 1, ctx.signal) })) {
    ctx.signal.throwIfAborted();
    cohort.push(...batch);
  }
  // Grouped by the sources that hold them (research/facts.ts groupBySource), so that batches of whole groups ask each
  // source as few times as they can.
  return groupBySource(cohort, { directory, today: '', requestId: `research-route-${randomUUID()}`, signal: ctx.signal, take: (sourceId, calls, signal) => ctx.sources.take(sourceId, calls, signal) });
}

/**
 * Batches of at most `size` persons made of whole groups, in order: a group is split only where it is larger than a
 * batch. The same groups always give the same batches (a resumed job reads the batches it had not).
 */
export function packBatches(groups: readonly (readonly string[])[], size: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > size) {
      batches.push(current);
      current = [];
    }
    for (let i = 0; i < group.length; i += size) {
      const part = group.slice(i, i + size);
      if (current.length + part.length > size) {
        batches.push(current);
        current = [];
      }
      current.push(...part);
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

interface BatchCheckpoint {
  batchesDone: number;
  salt: string;
  /** Sealed: the job's state after those batches. */
  sealed: string;
}

export interface SealedBatches<S> {
  /** research's key: the checkpoint's key is derived from it. */
  key: Buffer;
  /** The cohort, in groups of persons the same sources hold (extractCohort). */
  cohort: readonly (readonly string[])[];
  batchSize: number;
  /** The state before the first batch. */
  initial: () => S;
  /** Reads one batch into the state (the budget and stop signal for its reads are in `reading`). */
  step: (nins: string[], state: S, reading: Pick<FactReading, 'requestId' | 'signal' | 'take'>) => Promise<void>;
}

/** Runs the batches from the last checkpoint (or the first), saving one after each; answers the final state. */
export async function inSealedBatches<S>(ctx: JobContext, run: SealedBatches<S>): Promise<S> {
  const batchList = packBatches(run.cohort, run.batchSize);
  const batches = batchList.length;
  const total = batchList.reduce((n, b) => n + b.length, 0);
  const doneAfter = (b: number) => batchList.slice(0, b).reduce((n, batch) => n + batch.length, 0);
  const resumed = ctx.checkpoint as BatchCheckpoint | null;
  const salt = resumed?.salt ?? randomBytes(16).toString('base64');
  const sealKey = exportFileKey(run.key, salt);
  const state = resumed ? (JSON.parse(decryptFile(resumed.sealed, sealKey, 'checkpoint')) as S) : run.initial();
  const from = resumed?.batchesDone ?? 0;
  // Each run's reads are its own request: the adapter kit remembers a request's answers for a while (one read a
  // request), and a request id another job (or run) shares would answer it from memory, not from the sources.
  const runId = randomUUID();
  const progress = (done: number) => ({ sourcesDone: done, sourcesTotal: batches, patientsDone: doneAfter(done), patientsTotal: total });
  await ctx.progress(progress(from));
  for (let b = from; b < batches; b += 1) {
    ctx.signal.throwIfAborted();
    await run.step(batchList[b]!, state, {
      requestId: `research-${runId}-batch-${b}`,
      signal: ctx.signal,
      take: (sourceId, calls, signal) => ctx.sources.take(sourceId, calls, signal),
    });
    const checkpoint: BatchCheckpoint = { batchesDone: b + 1, salt, sealed: encryptFile(JSON.stringify(state), sealKey, 'checkpoint') };
    await ctx.progress(progress(b + 1), checkpoint);
  }
  return state;
}
