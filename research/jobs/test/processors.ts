import { appendFileSync } from 'node:fs';
import { sleep } from '../shape';
import { JobError, type JobProcessor } from '../types';

/**
 * The test jobs: a counter that saves a checkpoint at every step (what resume is proved with), a job that waits to be
 * cancelled, jobs that fail, and one that calls a source through the budget. Shared by the tests and the worker they
 * start as a child process.
 */

export interface CountDefinition {
  steps: number;
  stepMs: number;
  /** A file each step's number and process id are appended to as it is done: a step done twice shows there. */
  log?: string;
}

export interface CountCheckpoint {
  next: number;
  sum: number;
}

export interface CountResult {
  sum: number;
  /** The step this run started at: 0, or the checkpoint's. */
  resumedAt: number;
  steps: number;
}

/** What the processors saw, by the tag in their definition: in this process only. */
export const seen = { started: [] as string[], aborted: [] as string[], calls: [] as string[] };

export function fixtureProcessors(worker = 'main'): Record<string, JobProcessor> {
  return {
    count: async (definition, { signal, checkpoint, progress }) => {
      const { steps, stepMs, log } = definition as CountDefinition;
      const saved = checkpoint as CountCheckpoint | null;
      const resumedAt = saved?.next ?? 0;
      let sum = saved?.sum ?? 0;
      for (let step = resumedAt; step < steps; step++) {
        await sleep(stepMs, signal);
        if (log) appendFileSync(log, `${step} ${process.pid}\n`);
        sum += step + 1;
        await progress({ sourcesDone: 0, sourcesTotal: 1, patientsDone: step + 1, patientsTotal: steps }, { next: step + 1, sum } satisfies CountCheckpoint);
      }
      await progress({ sourcesDone: 1, sourcesTotal: 1, patientsDone: steps, patientsTotal: steps });
      return { sum, resumedAt, steps } satisfies CountResult;
    },
    wait: async (definition, { signal }) => {
      const { tag } = definition as { tag: string };
      seen.started.push(tag);
      try {
        await sleep(600_000, signal);
      } finally {
        if (signal.aborted) seen.aborted.push(tag);
      }
      return null;
    },
    fail: async (definition) => {
      const { how } = definition as { how: 'code' | 'generic' };
      if (how === 'code') throw new JobError('BAD_USER_INPUT', 'No such indicator');
      // The kind of text a source's error may carry: it must not reach the job's state or any record.
      throw new Error('GP register: no list for patient 01010112345');
    },
    calls: async (definition, { signal, sources }) => {
      const { source, calls, tag } = definition as { source: string; calls: number; tag: string };
      seen.started.push(`${tag}@${worker}`);
      for (let i = 0; i < calls; i++) {
        await sources.take(source, 1, signal);
        seen.calls.push(tag);
      }
      return { calls, worker };
    },
  };
}
