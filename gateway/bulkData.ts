import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../lib/logger';
import type { Issuer } from './auth/issuers';
import { authenticate } from './auth/authenticate';

/**
 * FHIR Bulk Data Access (https://hl7.org/fhir/uv/bulkdata/, v2.0.0) for an approved research project's pseudonymised
 * extract: the asynchronous kick-off `GET|POST /fhir/research/Group/{project}/$export` (with `Prefer: respond-async`),
 * the status `GET /fhir/research/$export-status/{job}` (202 with `X-Progress` and `Retry-After` while it runs; 200 and
 * the manifest when done), `DELETE` of the same to cancel, and the NDJSON files at the manifest's urls
 * (`requiresAccessToken`: the same bearer token).
 *
 * Each step is the graph's own GraphQL operation (startExport, researchJob, cancelResearchJob, researchExportFile),
 * asked over loopback HTTP with the caller's token, as the CDS Hooks services ask: the rule researchExport, the
 * limits and the research log are those of the API. The group is the project (config/research-projects.json): its
 * cohort is what the approval names, so there is no `Patient/$export` or system-level export. Parameters the server
 * does not support (`_since`, `_typeFilter`, `_elements`, `patient`, `includeAssociatedData`) are refused (400), unless
 * the client sends `Prefer: handling=lenient`, as the guide allows. A kick-off may carry an `Idempotency-Key` header: the
 * same key again answers with the same job; without one each kick-off is a new export, as the guide has it.
 *
 * Errors are FHIR OperationOutcomes, with the graph's error code (`extensions.code`, docs/errors.md) in `details`.
 */

const BASE = '/fhir/research';
const FHIR_JSON = 'application/fhir+json';
const NDJSON = 'application/fhir+ndjson';
const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const UNSUPPORTED = ['_since', '_until', '_typeFilter', '_elements', 'patient', 'includeAssociatedData', 'organizeOutputBy', 'allowPartialManifests'];
const ERROR_SYSTEM = 'https://patient-graph.no/fhir/error-code';

const KICK_OFF = `mutation BulkDataKickOff($input: ExportInput!) { startExport(input: $input) { job { id status } replayed } }`;
const STATUS = `query BulkDataStatus($id: ID!) { researchJob(id: $id) { id kind status definition progress { patientsDone patientsTotal share } error { code message } export { project transactionTime persons files { type name count } } } }`;
const CANCEL = `mutation BulkDataCancel($id: ID!) { cancelResearchJob(id: $id) { id status } }`;
const FILE = `query BulkDataFile($id: ID!, $name: String!) { researchExportFile(id: $id, name: $name) }`;

interface GraphError {
  message: string;
  extensions?: { code?: string; reason?: string };
}
interface GraphAnswer<T> {
  status: number;
  data: T | null;
  errors: GraphError[];
}

async function ask<T>(req: Request, operationName: string, query: string, variables: Record<string, unknown>): Promise<GraphAnswer<T>> {
  const response = await fetch(`http://127.0.0.1:${req.socket.localPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: req.get('authorization') ?? '' },
    body: JSON.stringify({ operationName, query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphError[] };
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
}

/** The FHIR issue type and HTTP status of a graph error code. */
function statusOf(code: string | undefined): { http: number; issue: string } {
  switch (code) {
    case 'UNAUTHENTICATED':
      return { http: 401, issue: 'login' };
    case 'FORBIDDEN':
      return { http: 403, issue: 'forbidden' };
    case 'BAD_USER_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'IDEMPOTENCY_KEY_REUSED':
      return { http: 400, issue: 'invalid' };
    case 'JOB_LIMIT':
    case 'RATE_LIMITED':
      return { http: 429, issue: 'throttled' };
    case 'AUDIT_UNAVAILABLE':
      return { http: 503, issue: 'transient' };
    case undefined:
    default:
      return { http: 500, issue: 'exception' };
  }
}

export function operationOutcome(code: string, text: string, issue = statusOf(code).issue) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: issue, details: { coding: [{ system: ERROR_SYSTEM, code }], text }, diagnostics: text }] };
}

function fail(res: Response, http: number, code: string, text: string, issue?: string): void {
  res.status(http).type(FHIR_JSON).set('Cache-Control', 'no-store').send(JSON.stringify(operationOutcome(code, text, issue ?? statusOf(code).issue)));
}

/** A graph answer's first error, as an OperationOutcome with its HTTP status. */
function failWith(res: Response, errors: readonly GraphError[]): void {
  const error = errors[0];
  const code = error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  fail(res, statusOf(code).http, code, error?.message ?? 'The graph did not answer');
}

const baseUrl = (req: Request) => `${req.protocol}://${req.get('host')}${BASE}`;

/** The kick-off's parameters, from the query string (GET) or a FHIR Parameters resource (POST). */
function parameters(req: Request): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, value: unknown) => {
    if (typeof value === 'string') out.set(name, [...(out.get(name) ?? []), value]);
  };
  for (const [name, value] of Object.entries(req.query)) for (const v of Array.isArray(value) ? value : [value]) add(name, v);
  const body = req.body as { resourceType?: string; parameter?: { name?: string; valueString?: string; valueCode?: string; valueInstant?: string }[] } | undefined;
  if (req.method === 'POST' && body && typeof body === 'object' && body.resourceType === 'Parameters') {
    for (const p of body.parameter ?? []) if (p.name) add(p.name, p.valueString ?? p.valueCode ?? p.valueInstant);
  }
  return out;
}

export function bulkDataRouter(issuers: readonly Issuer[], logger: Logger): Router {
  const router = express.Router();
  const auth = authenticate(issuers, logger);

  router.get(`${BASE}/metadata`, (req, res) => {
    res.type(FHIR_JSON).send(
      JSON.stringify({
        resourceType: 'CapabilityStatement',
        status: 'active',
        date: '2026-12-07',
        kind: 'instance',
        fhirVersion: '4.0.1',
        format: ['json'],
        instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
        implementation: { description: "Pseudonymised extracts for approved research projects (the patient graph's research subgraph)", url: baseUrl(req) },
        rest: [
          {
            mode: 'server',
            security: { description: 'A HelseID access token with purpose of use HRESCH and the REK reference in the purpose-of-use details, of the project\'s recipient organisation.' },
            resource: [{ type: 'Group', operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' }] }],
          },
        ],
      }),
    );
  });

  const kickOff = async (req: Request, res: Response) => {
    const prefer = (req.get('prefer') ?? '').toLowerCase();
    if (!prefer.split(/[,;]\s*/).includes('respond-async')) return fail(res, 400, 'BAD_USER_INPUT', 'A bulk export is asynchronous: send `Prefer: respond-async`', 'invalid');
    const accept = req.get('accept');
    if (accept && !/(application\/fhir\+json|application\/json|\*\/\*)/.test(accept)) return fail(res, 406, 'BAD_USER_INPUT', 'The kick-off answers in application/fhir+json', 'not-supported');
    const params = parameters(req);
    const lenient = prefer.includes('handling=lenient');
    const unsupported = UNSUPPORTED.filter((p) => params.has(p));
    if (unsupported.length > 0 && !lenient) return fail(res, 400, 'BAD_USER_INPUT', `Not supported by this server: ${unsupported.join(', ')} (the project's approval fixes the cohort and its variables)`, 'not-supported');
    const format = params.get('_outputFormat')?.[0];
    if (format && !OUTPUT_FORMATS.has(format)) return fail(res, 400, 'BAD_USER_INPUT', 'The only output format is application/fhir+ndjson', 'not-supported');
    const types = (params.get('_type') ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    const key = req.get('idempotency-key') ?? randomUUID();
    const purpose = req.get('x-purpose')?.slice(0, 500) || `FHIR Bulk Data export of group ${req.params.id}`;
    const answer = await ask<{ startExport: { job: { id: string } } | null }>(req, 'BulkDataKickOff', KICK_OFF, {
      input: { idempotencyKey: key, purpose, project: req.params.id, ...(types.length ? { types } : {}) },
    });
    const job = answer.data?.startExport?.job;
    if (!job) return failWith(res, answer.errors);
    res
      .status(202)
      .set('Content-Location', `${baseUrl(req)}/$export-status/${job.id}`)
      .set('Cache-Control', 'no-store')
      .type(FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `Export started: follow ${baseUrl(req)}/$export-status/${job.id}` }] }));
  };
  const guarded = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response) => {
    handler(req, res).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.name : 'error' }, 'bulk data: the graph did not answer');
      if (!res.headersSent) fail(res, 503, 'SUBGRAPH_UNAVAILABLE', 'The graph did not answer; try again', 'transient');
    });
  };
  router.get(`${BASE}/Group/:id/\\$export`, auth, guarded(kickOff));
  router.post(`${BASE}/Group/:id/\\$export`, auth, express.json({ type: ['application/fhir+json', 'application/json'], limit: '64kb' }), guarded(kickOff));

  type Status = {
    researchJob: {
      id: string;
      kind: string;
      status: string;
      definition: string;
      progress: { patientsDone: number; patientsTotal: number; share: number };
      error: { code: string; message: string } | null;
      export: { project: string; transactionTime: string; persons: number; files: { type: string; name: string; count: number }[] } | null;
    } | null;
  };
  router.get(
    `${BASE}/\\$export-status/:job`,
    auth,
    guarded(async (req, res) => {
      const answer = await ask<Status>(req, 'BulkDataStatus', STATUS, { id: req.params.job });
      if (answer.errors.length > 0 && !answer.data?.researchJob) return failWith(res, answer.errors);
      const job = answer.data?.researchJob;
      if (!job || job.kind !== 'EXPORT' || job.status === 'CANCELLED') return fail(res, 404, 'JOB_NOT_FOUND', 'No such export (or it was cancelled, or is no longer kept)', 'not-found');
      if (job.status === 'FAILED') return fail(res, 500, job.error?.code ?? 'JOB_FAILED', job.error?.message ?? 'The export failed', 'exception');
      if (job.status !== 'COMPLETED' || !job.export) {
        const { patientsDone, patientsTotal, share } = job.progress;
        res
          .status(202)
          .set('X-Progress', `${Math.round(share * 100)}% (${patientsDone} of ${patientsTotal} persons read)`)
          .set('Retry-After', '2')
          .set('Cache-Control', 'no-store')
          .end();
        return;
      }
      const definition = JSON.parse(job.definition) as { project: string; types: string[] };
      const manifest = {
        transactionTime: job.export.transactionTime,
        request: `${baseUrl(req)}/Group/${definition.project}/$export?_type=${definition.types.join(',')}`,
        requiresAccessToken: true,
        output: job.export.files.map((f) => ({ type: f.type, url: `${baseUrl(req)}/$export-file/${job.id}/${f.name}`, count: f.count })),
        error: [],
      };
      res.status(200).set('Cache-Control', 'no-store').type('application/json').send(JSON.stringify(manifest));
    }),
  );
  router.delete(
    `${BASE}/\\$export-status/:job`,
    auth,
    guarded(async (req, res) => {
      const answer = await ask<{ cancelResearchJob: { id: string; status: string } | null }>(req, 'BulkDataCancel', CANCEL, { id: req.params.job });
      if (answer.errors.length > 0) return failWith(res, answer.errors);
      if (!answer.data?.cancelResearchJob) return fail(res, 404, 'JOB_NOT_FOUND', 'No such export', 'not-found');
      res.status(202).set('Cache-Control', 'no-store').end();
    }),
  );
  router.get(
    `${BASE}/\\$export-file/:job/:name`,
    auth,
    guarded(async (req, res) => {
      const answer = await ask<{ researchExportFile: string | null }>(req, 'BulkDataFile', FILE, { id: req.params.job, name: req.params.name });
      if (answer.errors.length > 0) return failWith(res, answer.errors);
      const content = answer.data?.researchExportFile;
      if (typeof content !== 'string') return fail(res, 404, 'JOB_NOT_FOUND', 'No such file (the export is not complete, not yours, or no longer kept)', 'not-found');
      res.status(200).set('Cache-Control', 'no-store').type(NDJSON).send(content);
    }),
  );
  return router;
}
