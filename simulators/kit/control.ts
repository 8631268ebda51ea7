import express from 'express';
import { jsonErrors, listen } from '../../lib/httpServer';
import type { Logger } from '../../lib/logger';
import { z } from 'zod';
import type { Person, PopulationIndex } from '../population';
import { behaviourPatchSchema } from './behaviour';
import { applyChange, changeRequestSchema, noticeSettings, sendChangeNotice } from './changeNotices';
import type { SimulatedInstance } from './SimulatedInstance';

/**
 * The simulators' control API, for tests and benchmarks (never part of a real system):
 * - `GET /instances`: each instance's id, URL, behaviour and request counts;
 * - `PUT /instances/:id/behaviour` with `{ "mode": "hang", "latencyMs": 40 }`, or `{ "answerDelayMs": 100 }` (how long a
 *   system that takes dialogue messages waits before it answers a question);
 * - `GET /instances/:id/messages`: how many dialogue messages the instance holds and how many answers are pending
 *   (counts only: the messages are the patients');
 * - `POST /reset`: every instance back to its start-up behaviour, counts to zero, changed names undone, the messages
 *   back to the seeded ones (pending answers dropped);
 * - `POST /instances/:id/changes` with `{ "patients": [...], "set": { "familyName": "…" } }` (or `"gpOfficeHerId"`: the patient changed GP to that office, today): the data of
 *   these patients changed (`set` changes names in the simulated population); the instance sends the graph
 *   its signed change notice, and the answer says whether it was taken;
 * - `POST /instances/:id/events` with `{ "patient": "<nin>", "kind": "ALARM" }` (and what the system takes: a
 *   `text`): for a system that pushes its events (SimulatorDefinition.pushEvent), a new event; the instance keeps it
 *   (until reset), sends its change notice and its signed webhook, and the answer says `{ eventId, delivered, status?,
 *   reason? }` of the webhook (its last sending: `"deliveries": 2` or 3 sends it again, each signed afresh, as a
 *   platform does that did not get the answer);
 * - `GET /settings`, `PUT /settings` with `{ "invalidationUrl": "http://…/cache/invalidate" }` and/or
 *   `{ "eventsUrl": "http://…" }`: where change notices and pushed events go (default SIM_INVALIDATION_URL,
 *   SIM_EVENTS_URL).
 */
export async function startControlServer(
  instances: Map<string, SimulatedInstance>,
  initial: Map<string, SimulatedInstance['behaviour']>,
  port: number,
  logger: Logger,
  population?: PopulationIndex,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  // Names as they were before any change, so that /reset gives the population back as it started.
  const originalNames = new Map<string, { givenName: string; familyName: string; gp: Person['gp'] }>();
  const settings = noticeSettings;
  // For container orchestration: the simulators answer once every instance listens.
  app.get(['/health/live', '/health/ready'], (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ready' });
  });
  app.get('/settings', (_req, res) => {
    res.json(settings);
  });
  app.put('/settings', (req, res) => {
    const patch = z
      .object({ invalidationUrl: z.url().nullable().optional(), eventsUrl: z.url().nullable().optional() })
      .strict()
      .refine((p) => p.invalidationUrl !== undefined || p.eventsUrl !== undefined)
      .safeParse(req.body);
    if (!patch.success) {
      res.status(400).json({ error: 'expected {"invalidationUrl": "http://…" or null} and/or {"eventsUrl": "http://…" or null}' });
      return;
    }
    if (patch.data.invalidationUrl !== undefined) settings.invalidationUrl = patch.data.invalidationUrl ?? undefined;
    if (patch.data.eventsUrl !== undefined) settings.eventsUrl = patch.data.eventsUrl ?? undefined;
    res.json(settings);
  });
  app.post('/instances/:id/changes', async (req, res) => {
    const instance = instances.get(req.params.id);
    const change = changeRequestSchema.safeParse(req.body);
    if (!instance || !population) {
      res.status(404).json({ error: 'unknown instance' });
      return;
    }
    if (!change.success) {
      res.status(400).json({ error: change.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    for (const nin of change.data.patients) {
      const person = population.byNin.get(nin);
      if (person && change.data.set && !originalNames.has(nin)) originalNames.set(nin, { givenName: person.givenName, familyName: person.familyName, gp: person.gp });
    }
    const known = applyChange(population, change.data);
    if (known.length === 0) {
      res.status(404).json({ error: 'none of these patients is in the simulated population' });
      return;
    }
    const notice = await sendChangeNotice(instance, settings.invalidationUrl, known);
    res.status(notice.delivered ? 200 : 502).json({ changed: known.length, notice });
  });
  app.post('/instances/:id/events', async (req, res) => {
    const instance = instances.get(req.params.id);
    if (!instance || !instance.pushesEvents) {
      res.status(404).json({ error: instance ? 'this instance pushes no events' : 'unknown instance' });
      return;
    }
    // `deliveries` (1 to 3) is the control API's, not the system's: the webhook sent that many times, each signed afresh.
    const { deliveries, ...request } = (req.body ?? {}) as { deliveries?: unknown };
    const times = deliveries === undefined ? 1 : Number(deliveries);
    if (!Number.isInteger(times) || times < 1 || times > 3) {
      res.status(400).json({ error: '`deliveries` is how many times the webhook is sent: 1 to 3' });
      return;
    }
    const { answer, webhook } = await instance.pushEvent(request, times);
    if (!answer.ok) {
      res.status(answer.status).json({ error: answer.error });
      return;
    }
    res.status(webhook?.delivered ? 200 : 502).json({ eventId: answer.eventId, ...webhook });
  });
  const describe = (i: SimulatedInstance) => ({ id: i.id, url: i.url, behaviour: i.behaviour, stats: i.stats });
  app.get('/instances', (_req, res) => {
    res.json([...instances.values()].map(describe));
  });
  app.get('/instances/:id', (req, res) => {
    const instance = instances.get(req.params.id);
    if (!instance) res.status(404).json({ error: 'unknown instance' });
    else res.json(describe(instance));
  });
  app.get('/instances/:id/messages', (req, res) => {
    const instance = instances.get(req.params.id);
    if (!instance) res.status(404).json({ error: 'unknown instance' });
    else res.json({ held: instance.messages.all().length, pendingAnswers: instance.messages.pending });
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
      instance.messages.reset();
      instance.resetKept();
    }
    for (const [nin, names] of originalNames) Object.assign(population?.byNin.get(nin) ?? {}, names);
    originalNames.clear();
    res.json([...instances.values()].map(describe));
  });
  app.use(jsonErrors(logger));
  const http = await listen(app, port);
  return { url: http.url, close: () => http.close(500) };
}
