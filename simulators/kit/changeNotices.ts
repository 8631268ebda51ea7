import { z } from 'zod';
import { SIGNATURE_HEADER, signChangeNotice } from '../../lib/invalidation';
import type { PopulationIndex } from '../population';
import type { SimulatedInstance } from './SimulatedInstance';

/**
 * Change notices, as a real source would send them: when a patient's data changes in an instance, the
 * instance tells the graph (`POST <invalidation URL>`, signed with the instance's own `invalidationSecret`
 * from sources.json) so that the graph forgets what it holds for that patient.
 *
 * The simulated data only changes through the control API (`POST /instances/:id/changes`): a change may
 * set a person's name (as a name change reported to the population register would), then the instance
 * sends its notice. Where notices go is SIM_INVALIDATION_URL, or `PUT /settings {"invalidationUrl"}` at run time.
 */
export const changeRequestSchema = z
  .object({
    patients: z.array(z.string().regex(/^\d{11}$/)).min(1).max(100),
    set: z
      .object({
        givenName: z.string().min(1).max(100).optional(),
        familyName: z.string().min(1).max(100).optional(),
        // The patient changed GP (a new listing in the GP register, from today): to this office, with a GP listed there.
        gpOfficeHerId: z.string().regex(/^\d{1,9}$/).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ChangeRequest = z.infer<typeof changeRequestSchema>;

export interface NoticeOutcome {
  /** Whether the notice was sent and taken (HTTP 2xx). */
  delivered: boolean;
  /** The receiver's HTTP status, when one answered. */
  status?: number;
  /** Why not, when it was not. */
  reason?: string;
}

/** Applies a change to the shared simulated population; returns the identity numbers it knows. */
export function applyChange(population: PopulationIndex, change: ChangeRequest): string[] {
  const known = change.patients.filter((nin) => population.byNin.has(nin));
  const { gpOfficeHerId, ...names } = change.set ?? {};
  const gpAt = gpOfficeHerId ? population.population.persons.find((p) => p.gp?.officeHerId === gpOfficeHerId)?.gp : undefined;
  for (const nin of known) {
    const person = population.byNin.get(nin);
    if (!person) continue;
    Object.assign(person, names);
    if (gpAt) person.gp = { officeHerId: gpAt.officeHerId, hprNumber: gpAt.hprNumber, since: new Date().toISOString().slice(0, 10) };
  }
  return known;
}

/**
 * Where the simulators send change notices (`SIM_INVALIDATION_URL`, or `PUT /settings` on the control API):
 * one setting for the process, read by the control API's changes and by an instance whose data a message changed.
 * `eventsUrl` (`SIM_EVENTS_URL`, or `PUT /settings`) is where a system that pushes its events sends its webhooks.
 */
export const noticeSettings: { invalidationUrl: string | undefined; eventsUrl: string | undefined } = {
  invalidationUrl: process.env.SIM_INVALIDATION_URL || undefined,
  eventsUrl: process.env.SIM_EVENTS_URL || undefined,
};

/** Sends the instance's signed change notice for these patients to `url`. */
export async function sendChangeNotice(instance: SimulatedInstance, url: string | undefined, patients: readonly string[]): Promise<NoticeOutcome> {
  if (!url) return { delivered: false, reason: 'no invalidation URL is set (SIM_INVALIDATION_URL or PUT /settings)' };
  return postSigned(instance, url, JSON.stringify({ source: instance.id, patients }));
}

/**
 * Sends an event the instance pushes (a webhook: `{ "source": <instance id>, "resource": … }`) to `url`, signed
 * exactly as its change notices are (the instance's `invalidationSecret`, header `x-patient-graph-signature`).
 */
export async function sendEventWebhook(instance: SimulatedInstance, url: string | undefined, resource: unknown): Promise<NoticeOutcome> {
  if (!url) return { delivered: false, reason: 'no events URL is set (SIM_EVENTS_URL or PUT /settings)' };
  return postSigned(instance, url, JSON.stringify({ source: instance.id, resource }));
}

async function postSigned(instance: SimulatedInstance, url: string, body: string): Promise<NoticeOutcome> {
  const secret = instance.config.invalidationSecret;
  if (!secret) return { delivered: false, reason: `instance ${instance.id} has no invalidationSecret in sources.json` };
  try {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signChangeNotice(secret, body) },
      body,
      signal: AbortSignal.timeout(5000),
    });
    await answer.body?.cancel();
    return { delivered: answer.ok, status: answer.status };
  } catch (error) {
    return { delivered: false, reason: (error as Error).name };
  }
}
