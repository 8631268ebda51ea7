import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../lib/logger';
import { validateNin } from '../lib/nin';
import type { Issuer } from './auth/issuers';
import { authenticate } from './auth/authenticate';

/**
 * CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/): the standard way an EHR asks for decision support. Discovery at
 * `GET /cds-services`; the services `patient-graph-warnings` (hook `patient-view`) and `patient-graph-order-check`
 * (hook `order-select`) at `POST /cds-services/{id}`; feedback at `POST /cds-services/{id}/feedback`.
 *
 * The cards are computed by the same rules over the graph, with the caller's token: the service asks the gateway's own
 * GraphQL endpoint for `Patient.clinicalWarnings` (over loopback HTTP, with the request's `Authorization`), so the
 * access rules, the limits and the access log are those of any read. One deviation from the specification: the
 * bearer token is the user's own HelseID access token (the graph decides per user and logs who read), not a JWT that
 * identifies the EHR. The patient is the Norwegian identity number in a prefetched FHIR `Patient` (identifier system
 * `urn:oid:2.16.578.1.12.4.1.4.1`, `.2` or `.3`); the service never calls the client's `fhirServer` (nothing leaves the
 * machine that its operators did not configure), so without that prefetch it answers 412, as the specification lets it.
 *
 * Answers, each documented in docs/CDS-HOOKS.md: 200 with cards; 400 for a request that is not a CDS Hooks request of
 * this service's hook (or an invalid identity number); 401 without a valid token; 403 when the rules refuse the reader
 * (`reason`: NO_RELATIONSHIP, BLOCKED_BY_PATIENT, …); 404 for an unknown service; 412 without the patient's identity
 * number in the prefetch; 504 when the graph did not answer within CDS_HOOKS_TIMEOUT_MS (default 5,000). An unknown
 * patient gets one info card saying so, and a source that did not answer makes an info card naming it.
 */

export const CDS_SERVICES = [
  {
    hook: 'patient-view',
    id: 'patient-graph-warnings',
    title: 'Patient graph: warnings across the whole record',
    description:
      'Interactions, therapeutic duplication across prescribers, allergies (with cross-reactive classes), doses against the latest renal function, active medicines after death, NorGeP and NorGeP-NH: over the GP, hospital, municipal care and national records together.',
    prefetch: { patient: 'Patient/{{context.patientId}}' },
    usageRequirements: "The user's HelseID access token for the patient graph as the bearer token; the patient prefetched with a Norwegian identity number.",
  },
  {
    hook: 'order-select',
    id: 'patient-graph-order-check',
    title: 'Patient graph: check medicine orders against the whole record',
    description: 'The selected draft MedicationRequests (ATC-coded) checked as if in use: interactions, duplication, allergies, renal function, NorGeP and NorGeP-NH.',
    prefetch: { patient: 'Patient/{{context.patientId}}' },
    usageRequirements: "As patient-graph-warnings; draft orders coded with ATC (http://www.whocc.no/atc or urn:oid:2.16.578.1.12.4.1.1.7180).",
  },
] as const;

const NIN_SYSTEMS = new Set(['urn:oid:2.16.578.1.12.4.1.4.1', 'urn:oid:2.16.578.1.12.4.1.4.2', 'urn:oid:2.16.578.1.12.4.1.4.3']);
const ATC_SYSTEMS = new Set(['http://www.whocc.no/atc', 'urn:oid:2.16.578.1.12.4.1.1.7180']);

const coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).passthrough();
const quantity = z.object({ value: z.number().optional(), unit: z.string().optional() }).passthrough();
const doseAndRate = z.object({ doseQuantity: quantity.optional() }).passthrough();
const medicationRequest = z
  .object({
    resourceType: z.literal('MedicationRequest'),
    id: z.string().min(1).max(64),
    medicationCodeableConcept: z.object({ coding: z.array(coding).optional(), text: z.string().optional() }).passthrough().optional(),
    dosageInstruction: z
      .array(
        z
          .object({
            asNeededBoolean: z.boolean().optional(),
            timing: z.object({ repeat: z.object({ frequency: z.number().optional(), period: z.number().optional(), periodUnit: z.string().optional() }).passthrough().optional() }).passthrough().optional(),
            // An array in FHIR R4; the specification's own order-select example has a single object.
            doseAndRate: z.union([z.array(doseAndRate), doseAndRate.transform((d) => [d])]).optional(),
            // STU3 keeps the dose on the instruction itself.
            doseQuantity: quantity.optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

const baseRequest = z.object({
  hookInstance: z.string().min(1).max(200),
  fhirServer: z.string().optional(),
  fhirAuthorization: z.unknown().optional(),
  prefetch: z.record(z.string(), z.unknown()).nullish(),
});
const patientViewRequest = baseRequest.extend({
  hook: z.literal('patient-view'),
  context: z.object({ userId: z.string().min(1), patientId: z.string().min(1), encounterId: z.string().optional() }).passthrough(),
});
const orderSelectRequest = baseRequest.extend({
  hook: z.literal('order-select'),
  context: z
    .object({
      userId: z.string().min(1),
      patientId: z.string().min(1),
      encounterId: z.string().optional(),
      selections: z.array(z.string()).min(1).max(50),
      draftOrders: z.object({ resourceType: z.literal('Bundle'), entry: z.array(z.object({ resource: z.record(z.string(), z.unknown()) }).passthrough()).max(200).default([]) }).passthrough(),
    })
    .passthrough(),
});
type HookRequest = z.infer<typeof patientViewRequest> | z.infer<typeof orderSelectRequest>;

/** A draft order as `clinicalWarnings(proposed:)` takes it. */
interface Proposed {
  id: string;
  atc: string;
  name: string;
  amount?: number;
  unit?: string;
  timesPerDay?: number;
  asNeeded?: boolean;
  intervalDays?: number;
}

interface Warning {
  ruleId: string;
  kind: string;
  severity: 'HIGH' | 'MODERATE' | 'LOW';
  summary: string;
  detail: string;
  suggestedAction: string;
  knowledge: { source: string; version: string; citation: string; unverified: boolean };
  evidence: { what: string; value: string; date: string | null; provenance: { organisation: string; system: string } | null }[];
  medications: string[];
  partial: boolean;
  missingSources: string[];
}

export interface Card {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; topic?: { system: string; code: string; display?: string } };
  suggestions?: { label: string; uuid: string; isRecommended?: boolean; actions: { type: 'delete'; description: string; resourceId: string[] }[] }[];
  selectionBehavior?: 'at-most-one';
}

export const CDS_WARNINGS_OPERATION = `query CdsHooksWarnings($nin: String!, $proposed: [ProposedMedication!]) {
  patient(nin: $nin) {
    clinicalWarnings(proposed: $proposed) {
      ruleId kind severity summary detail suggestedAction
      knowledge { source version citation unverified }
      evidence { what value date provenance { organisation system } }
      medications partial missingSources
    }
  }
}`;

const SOURCE = { label: 'Patient graph decision support' };
const TOPIC_SYSTEM = 'https://github.com/patient-graph/rules';
const INDICATOR = { HIGH: 'critical', MODERATE: 'warning', LOW: 'info' } as const;

/** A UUID that is the same for the same hook instance and rule (cards are deterministic, like the warnings). */
function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const clip = (text: string, max = 140) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The identity number in a prefetched Patient (any prefetch key: the specification's examples use their own). */
export function ninFromPrefetch(prefetch: Record<string, unknown> | null | undefined): string | null {
  for (const value of Object.values(prefetch ?? {})) {
    const resource = value as { resourceType?: unknown; identifier?: unknown } | null;
    if (!resource || resource.resourceType !== 'Patient' || !Array.isArray(resource.identifier)) continue;
    for (const id of resource.identifier as { system?: unknown; value?: unknown }[]) {
      if (typeof id?.system === 'string' && NIN_SYSTEMS.has(id.system) && typeof id.value === 'string') return id.value;
    }
  }
  return null;
}

/** The selected draft medication orders, ATC-coded ones as proposals, the others named as not checkable. */
export function proposedOrders(request: z.infer<typeof orderSelectRequest>): { proposed: Proposed[]; uncoded: { id: string; name: string }[] } {
  const selected = new Set(request.context.selections);
  const proposed: Proposed[] = [];
  const uncoded: { id: string; name: string }[] = [];
  for (const { resource } of request.context.draftOrders.entry) {
    const id = typeof resource.id === 'string' ? resource.id : '';
    if (resource.resourceType !== 'MedicationRequest' || !selected.has(`MedicationRequest/${id}`)) continue;
    const parsed = medicationRequest.safeParse(resource);
    // A selected order this service cannot read is named as not checked, never passed over in silence.
    if (!parsed.success) {
      uncoded.push({ id, name: id });
      continue;
    }
    const order = parsed.data;
    const codings = order.medicationCodeableConcept?.coding ?? [];
    const atc = codings.find((c) => c.system && ATC_SYSTEMS.has(c.system) && c.code);
    const name = atc?.display ?? order.medicationCodeableConcept?.text ?? codings.find((c) => c.display)?.display ?? order.id;
    if (!atc?.code) {
      uncoded.push({ id: order.id, name });
      continue;
    }
    const dosage = order.dosageInstruction?.[0];
    const dose = dosage?.doseAndRate?.[0]?.doseQuantity ?? dosage?.doseQuantity;
    const repeat = dosage?.timing?.repeat;
    const perDay = repeat?.frequency !== undefined && repeat.period !== undefined && repeat.periodUnit === 'd' && repeat.period > 0 ? repeat.frequency / repeat.period : undefined;
    const weekly = repeat?.periodUnit === 'wk' && repeat.period !== undefined ? repeat.period * 7 : undefined;
    proposed.push({
      id: order.id,
      atc: atc.code.toUpperCase(),
      name,
      ...(dose?.value !== undefined ? { amount: dose.value } : {}),
      ...(dose?.unit ? { unit: dose.unit } : {}),
      ...(perDay !== undefined ? { timesPerDay: perDay } : {}),
      ...(weekly !== undefined ? { intervalDays: weekly, timesPerDay: repeat?.frequency ?? 1 } : {}),
      ...(dosage?.asNeededBoolean !== undefined ? { asNeeded: dosage.asNeededBoolean } : {}),
    });
  }
  return { proposed, uncoded };
}

/** A warning as a card: the suggested action, the evidence and the knowledge in the detail (markdown). */
export function cardOf(w: Warning, hookInstance: string, orderIds: readonly string[] = []): Card {
  const evidence = w.evidence.map((e) => `- ${e.what}: ${e.value}${e.date ? ` (${e.date.slice(0, 10)})` : ''}${e.provenance ? ` — ${e.provenance.organisation}` : ''}`);
  const detail = [
    w.detail,
    `**What to do:** ${w.suggestedAction}`,
    evidence.length ? `**Evidence:**\n${evidence.join('\n')}` : '',
    w.partial ? `**Incomplete:** ${w.missingSources.join(', ')} did not answer.` : '',
    `_Source: ${w.knowledge.citation} (${w.knowledge.version}; ${w.knowledge.source})${w.knowledge.unverified ? '; not checked against the published source' : ''}. Rule ${w.ruleId}._`,
  ].filter(Boolean);
  const orders = orderIds.filter((id) => w.medications.includes(`proposed:${id}`));
  return {
    uuid: stableUuid(hookInstance, w.ruleId, ...w.medications),
    summary: clip(w.summary),
    detail: detail.join('\n\n'),
    indicator: INDICATOR[w.severity],
    source: { ...SOURCE, topic: { system: TOPIC_SYSTEM, code: w.ruleId, display: w.kind } },
    ...(orders.length && w.severity !== 'LOW'
      ? {
          selectionBehavior: 'at-most-one' as const,
          suggestions: [
            {
              label: 'Remove the draft order',
              uuid: stableUuid(hookInstance, w.ruleId, 'remove'),
              actions: orders.map((id) => ({ type: 'delete' as const, description: `Remove the draft order ${id}`, resourceId: [`MedicationRequest/${id}`] })),
            },
          ],
        }
      : {}),
  };
}

function infoCard(hookInstance: string, code: string, summary: string, detail: string): Card {
  return { uuid: stableUuid(hookInstance, code), summary: clip(summary), detail, indicator: 'info', source: { ...SOURCE, topic: { system: TOPIC_SYSTEM, code } } };
}

const fail = (res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  res.status(status).set('Cache-Control', 'no-store').json({ error: code, message, ...extra });

interface GraphAnswer {
  status: number;
  body: { data?: { patient?: { clinicalWarnings?: Warning[] | null } | null } | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

async function askGraph(req: Request, nin: string, proposed: Proposed[] | null, timeoutMs: number): Promise<GraphAnswer> {
  const url = `http://127.0.0.1:${req.socket.localPort}/graphql`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: req.get('authorization') ?? '' },
    body: JSON.stringify({ operationName: 'CdsHooksWarnings', query: CDS_WARNINGS_OPERATION, variables: { nin, proposed } }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: (await response.json()) as GraphAnswer['body'] };
}

export function cdsTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CDS_HOOKS_TIMEOUT_MS ?? 5000);
  if (!Number.isFinite(value) || value <= 0) throw new Error('CDS_HOOKS_TIMEOUT_MS must be a number of milliseconds above 0');
  return value;
}

/** The CDS Hooks routes (discovery, the two services, feedback), in front of the gateway's GraphQL endpoint. */
export function cdsHooksRouter(issuers: readonly Issuer[], logger: Logger, timeoutMs = cdsTimeoutMs()): Router {
  const router = express.Router();
  router.get('/cds-services', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ services: CDS_SERVICES });
  });
  router.post('/cds-services/:id/feedback', authenticate(issuers, logger), express.json({ limit: '64kb' }), (req, res) => {
    const service = CDS_SERVICES.find((s) => s.id === req.params.id);
    if (!service) return fail(res, 404, 'UNKNOWN_SERVICE', 'No CDS service has this id; GET /cds-services lists them');
    const feedback = z.object({ feedback: z.array(z.object({ card: z.string(), outcome: z.enum(['accepted', 'overridden']) }).passthrough()).min(1).max(100) }).safeParse(req.body);
    if (!feedback.success) return fail(res, 400, 'BAD_REQUEST', 'Feedback is {"feedback": [{"card": <uuid>, "outcome": "accepted" | "overridden", …}]}');
    // Outcomes by service only: no card text, no patient, no user.
    logger.info({ service: service.id, accepted: feedback.data.feedback.filter((f) => f.outcome === 'accepted').length, overridden: feedback.data.feedback.filter((f) => f.outcome === 'overridden').length }, 'cds hooks feedback');
    return res.status(200).set('Cache-Control', 'no-store').json({});
  });
  router.post('/cds-services/:id', authenticate(issuers, logger), express.json({ limit: '1mb' }), async (req, res) => {
    const service = CDS_SERVICES.find((s) => s.id === req.params.id);
    if (!service) return fail(res, 404, 'UNKNOWN_SERVICE', 'No CDS service has this id; GET /cds-services lists them');
    const parsed = (service.hook === 'patient-view' ? patientViewRequest : orderSelectRequest).safeParse(req.body);
    if (!parsed.success) {
      const where = parsed.error.issues[0];
      return fail(res, 400, 'BAD_REQUEST', `Not a CDS Hooks ${service.hook} request: ${where ? `${where.path.join('.') || 'body'}: ${where.message}` : 'invalid'}`);
    }
    const request: HookRequest = parsed.data;
    const nin = ninFromPrefetch(request.prefetch);
    if (nin === null) {
      return fail(res, 412, 'PREFETCH_REQUIRED', "The prefetch must hold the patient (key `patient`, a FHIR Patient with a Norwegian identity number: system urn:oid:2.16.578.1.12.4.1.4.1, .2 or .3); this service does not call the client's FHIR server");
    }
    if (!validateNin(nin).valid) return fail(res, 400, 'INVALID_NIN', "The prefetched patient's identity number is not a valid fødselsnummer, D-number or H-number");
    const orders = request.hook === 'order-select' ? proposedOrders(request) : null;
    let answer: GraphAnswer;
    try {
      answer = await askGraph(req, nin, orders?.proposed ?? null, timeoutMs);
    } catch (error) {
      const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      logger.warn({ service: service.id, timeout }, 'cds hooks: the graph did not answer');
      return fail(res, timeout ? 504 : 502, timeout ? 'CDS_TIMEOUT' : 'GRAPH_UNAVAILABLE', timeout ? `The graph did not answer within ${timeoutMs} ms` : 'The graph did not answer');
    }
    const errors = answer.body.errors ?? [];
    if (answer.status === 401) return fail(res, 401, 'UNAUTHENTICATED', errors[0]?.message ?? 'No valid bearer token');
    const refusal = errors.find((e) => e.extensions?.code === 'FORBIDDEN' || e.extensions?.code === 'WITHHELD_FROM_PARENTS');
    const warnings = answer.body.data?.patient?.clinicalWarnings;
    if (!warnings && refusal) return fail(res, 403, 'FORBIDDEN', refusal.message, { reason: refusal.extensions?.reason ?? refusal.extensions?.code });
    const notFound = errors.find((e) => e.extensions?.code === 'PATIENT_NOT_FOUND');
    const cards: Card[] = [];
    if (notFound || answer.body.data?.patient === null) {
      cards.push(infoCard(request.hookInstance, 'PATIENT_NOT_FOUND', 'No decision support: the population register does not know this identity number', 'The prefetched patient is not in the population register, so the graph has no record to check.'));
      return res.status(200).set('Cache-Control', 'no-store').json({ cards });
    }
    if (!warnings) {
      const code = String(errors[0]?.extensions?.code ?? 'GRAPH_ERROR');
      return fail(res, answer.status >= 400 ? answer.status : 502, code, errors[0]?.message ?? 'The graph gave no warnings');
    }
    const orderIds = orders?.proposed.map((p) => p.id) ?? [];
    const relevant = orders ? warnings.filter((w) => w.medications.some((m) => orderIds.some((id) => m === `proposed:${id}`)) || w.partial) : warnings;
    cards.push(...relevant.map((w) => cardOf(w, request.hookInstance, orderIds)));
    for (const order of orders?.uncoded ?? []) {
      cards.push(infoCard(request.hookInstance, `UNCODED:${order.id}`, clip(`Not checked: ${order.name} has no ATC code`), 'The patient graph checks medicines by their ATC code (http://www.whocc.no/atc or urn:oid:2.16.578.1.12.4.1.1.7180); this selected draft order carries none (RxNorm and other code systems are not mapped), or is not a MedicationRequest this service can read.'));
    }
    // A source that did not answer and that no warning names: the check is incomplete, say so.
    const missing = errors.filter((e) => e.extensions?.partial && !relevant.some((w) => w.partial));
    if (missing.length) {
      cards.push(infoCard(request.hookInstance, 'PARTIAL', 'Decision support is incomplete: a source did not answer', missing.map((e) => `- ${e.message}`).join('\n')));
    }
    return res.status(200).set('Cache-Control', 'no-store').json({ cards });
  });
  return router;
}
