import express from 'express';
import { jsonErrors, listen } from '../../lib/httpServer';
import type { Logger } from '../../lib/logger';
import { behaviourPatchSchema } from './behaviour';
import type { SimulatedInstance } from './SimulatedInstance';

/**
 * The simulators' control API, for tests and benchmarks (never part of a real system):
 * - `GET /instances`: each instance's id, URL, behaviour and request counts;
 * - `PUT /instances/:id/behaviour` with `{ "mode": "hang", "latencyMs": 40 }`;
 * - `POST /reset`: every instance back to its start-up behaviour, counts to zero.
 */
export async function startControlServer(
  instances: Map<string, SimulatedInstance>,
  initial: Map<string, { mode: SimulatedInstance['behaviour']['mode']; latencyMs: number }>,
  port: number,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  const describe = (i: SimulatedInstance) => ({ id: i.id, url: i.url, behaviour: i.behaviour, stats: i.stats });
  app.get('/instances', (_req, res) => {
    res.json([...instances.values()].map(describe));
  });
  app.get('/instances/:id', (req, res) => {
    const instance = instances.get(req.params.id);
    if (!instance) res.status(404).json({ error: 'unknown instance' });
    else res.json(describe(instance));
  });
  app.put('/instances/:id/behaviour', async (req, res) => {
    const instance = instances.get(req.params.id);
    if (!instance) {
      res.status(404).json({ error: 'unknown instance' });
      return;
    }
    const patch = behaviourPatchSchema.safeParse(req.body);
    if (!patch.success) {
      res.status(400).json({ error: patch.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    await instance.setBehaviour(patch.data);
    res.json(describe(instance));
  });
  app.post('/reset', async (_req, res) => {
    for (const instance of instances.values()) {
      const start = initial.get(instance.id);
      if (start) await instance.setBehaviour(start);
      instance.resetStats();
    }
    res.json([...instances.values()].map(describe));
  });
  app.use(jsonErrors(logger));
  const http = await listen(app, port);
  return { url: http.url, close: () => http.close(500) };
}
