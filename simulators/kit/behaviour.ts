import { z } from 'zod';
import { DEFAULT_ANSWER_DELAY_MS, MODES, type Behaviour } from './SimulatedInstance';

const behaviourSchema = z.record(
  z.string(),
  z.object({ mode: z.enum(MODES).optional(), latencyMs: z.number().int().min(0).optional(), answerDelayMs: z.number().int().min(0).optional() }).strict(),
);

/**
 * Start-up behaviour from the environment:
 * - `SIM_LATENCY_MS`: latency added to every answer of every instance (default 0);
 * - `SIM_ANSWER_DELAY_MS`: how long a system that takes dialogue messages waits before it answers a question
 *   (default 2000);
 * - `SIM_BEHAVIOUR`: JSON per instance id, for example `{"gp-fjord-vest":{"mode":"hang"},"care-bergen":{"latencyMs":300}}`.
 */
export function behaviourFromEnv(ids: readonly string[], env: NodeJS.ProcessEnv = process.env): Map<string, Behaviour> {
  const latencyMs = Number(env.SIM_LATENCY_MS ?? 0);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error('SIM_LATENCY_MS must be a whole number of milliseconds');
  let overrides: z.infer<typeof behaviourSchema> = {};
  if (env.SIM_BEHAVIOUR) {
    const parsed = behaviourSchema.safeParse(JSON.parse(env.SIM_BEHAVIOUR));
    if (!parsed.success) throw new Error(`SIM_BEHAVIOUR is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    overrides = parsed.data;
  }
  const answerDelayMs = Number(env.SIM_ANSWER_DELAY_MS ?? DEFAULT_ANSWER_DELAY_MS);
  if (!Number.isInteger(answerDelayMs) || answerDelayMs < 0) throw new Error('SIM_ANSWER_DELAY_MS must be a whole number of milliseconds');
  for (const id of Object.keys(overrides)) if (!ids.includes(id)) throw new Error(`SIM_BEHAVIOUR names unknown instance ${id}`);
  return new Map(
    ids.map((id) => [id, { mode: overrides[id]?.mode ?? 'normal', latencyMs: overrides[id]?.latencyMs ?? latencyMs, answerDelayMs: overrides[id]?.answerDelayMs ?? answerDelayMs }]),
  );
}

export const behaviourPatchSchema = z
  .object({ mode: z.enum(MODES).optional(), latencyMs: z.number().int().min(0).max(600_000).optional(), answerDelayMs: z.number().int().min(0).max(600_000).optional() })
  .strict();
