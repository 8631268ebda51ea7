import { inSealedBatches, packBatches } from './batches';
import type { JobContext, JobProgress } from './jobs';

/** A job's context as an engine gives it, in memory: progress and checkpoints kept, a budget that always allows. */
function context(checkpoint: unknown = null) {
  const saved: { progress: JobProgress; checkpoint: unknown }[] = [];
  const ctx: JobContext = {
    signal: new AbortController().signal,
    checkpoint,
    progress: async (progress, checkpoint) => void saved.push({ progress, checkpoint: checkpoint ?? null }),
    sources: { take: async () => undefined },
  };
  return { ctx, saved };
}

const key = Buffer.alloc(32, 7);
const persons = Array.from({ length: 10 }, (_, i) => `person-${i}`);
/** Two groups of persons the same sources hold: 6 and 4. */
const cohort = [persons.slice(0, 6), persons.slice(6)];

describe('a job reading its cohort in sealed batches', () => {
  it('reads every batch as a request of its own run: two runs never share a request id (the kit remembers a request’s reads)', async () => {
    const ids: string[][] = [[], []];
    for (const run of [0, 1]) {
      const { ctx } = context();
      await inSealedBatches(ctx, { key, cohort, batchSize: 4, initial: () => ({ n: 0 }), step: async (nins, state, reading) => void (ids[run]!.push(reading.requestId), (state.n += nins.length)) });
    }
    expect(ids[0]).toHaveLength(3);
    expect(new Set([...ids[0]!, ...ids[1]!]).size).toBe(6);
  });

  it('packs whole groups into batches, and splits only a group larger than a batch', () => {
    expect(packBatches([['a', 'b'], ['c', 'd', 'e'], ['f']], 4)).toEqual([['a', 'b'], ['c', 'd', 'e', 'f']]);
    expect(packBatches([['a'], ['b', 'c', 'd', 'e', 'f'], ['g']], 3)).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f', 'g']]);
    expect(packBatches([], 3)).toEqual([]);
  });

  it('saves a sealed checkpoint after each batch, and a run given it goes on from there with its state', async () => {
    const { ctx, saved } = context();
    const first = await inSealedBatches(ctx, { key, cohort, batchSize: 4, initial: () => ({ seen: [] as string[] }), step: async (nins, state) => void state.seen.push(...nins) });
    expect(first.seen).toEqual(persons);
    // Batches of whole groups: the group of 6 is larger than a batch (4 and 2), the group of 4 is one.
    expect(saved.map((s) => s.progress.patientsDone)).toEqual([0, 4, 6, 10]);
    // The checkpoint holds nothing readable of any person.
    const afterTwo = saved[2]!.checkpoint as { batchesDone: number };
    expect(afterTwo.batchesDone).toBe(2);
    expect(JSON.stringify(afterTwo)).not.toContain('person-');
    // Resumed from it: only the last batch is read, and the state is the one saved.
    const read: string[] = [];
    const resumed = await inSealedBatches(context(afterTwo).ctx, { key, cohort, batchSize: 4, initial: () => ({ seen: [] as string[] }), step: async (nins, state) => void (read.push(...nins), state.seen.push(...nins)) });
    expect(read).toEqual(['person-6', 'person-7', 'person-8', 'person-9']);
    expect(resumed.seen).toEqual(persons);
    // Under another key the checkpoint does not open.
    await expect(inSealedBatches(context(afterTwo).ctx, { key: Buffer.alloc(32, 8), cohort, batchSize: 4, initial: () => ({}), step: async () => undefined })).rejects.toThrow();
  });
});
