import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { HospitalRecord, Person } from '../population';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { requireSubscriptionKey, TokenService } from './auth';
import { FHIR_JSON, operationOutcome, sendFhir, sendOutcome } from './outcome';
import { includedResources, patientResource, type ProjectionContext, type Resource, REVINCLUDE_VALUES, SYSTEM } from './resources';
import { SearchStore } from './searchStore';
import { matches, MAX_COUNT, parsePatientSearch, type PatientSearch } from './searchParams';

/**
 * Hospital record system (DIPS Arena) simulator: FHIR R4 JSON behind Azure API Management.
 * - `POST /oauth2/token`: OAuth2 client credentials (form body or HTTP Basic), 300 s opaque tokens;
 * - every `/fhir` call needs `Ocp-Apim-Subscription-Key` (APIM's 401 body when missing or wrong) and
 *   `Authorization: Bearer` (401 OperationOutcome when missing, invalid or expired);
 * - `POST /fhir/Patient/_search` with a form body only (identity numbers never in a URL): `identifier`
 *   (`system|value`, comma = OR, at most 50), `_revinclude=<Type>:subject` for the clinical resources and
 *   `Consent:patient`, `EpisodeOfCare:patient` for blocks and episodes of care, `_count` (default 50,
 *   capped at 200);
 * - the answer is a searchset Bundle paged over all its entries (matches and includes alike); further
 *   pages by `GET /fhir?_getpages=<id>&_getpagesoffset=<n>&_count=<n>`, kept for five minutes, 410 after;
 * - search by GET is refused (405): it would put identity numbers in a URL.
 * The instance serves the patients of the hospital whose `instance` in organisations.json is this one.
 */
export const TOKEN_PATH = '/oauth2/token';

interface Patient {
  person: Person;
  record: HospitalRecord;
}

function createApp({ instance, orgs, population }: SimulatorContext): express.Express {
  const options = instance.options;
  const hospital = orgs.hospitals.find((h) => h.instance === instance.id);
  const patients = new Map<string, Patient>();
  if (hospital) {
    for (const person of population.population.persons) {
      const record = person.hospitalRecords.find((r) => r.orgNumber === hospital.orgNumber);
      if (record) patients.set(person.nin, { person, record });
    }
  }
  const projection: ProjectionContext = {
    hospital: { orgNumber: hospital?.orgNumber ?? '', name: hospital?.name ?? '' },
    practitioners: population.practitioners,
  };
  const tokens = new TokenService({
    clientId: String(options.clientId ?? ''),
    clientSecret: String(options.clientSecret ?? ''),
    subscriptionKey: String(options.subscriptionKey ?? ''),
    // Simulator-only knob for tests of token expiry; the real token lives 300 s.
    tokenLifetimeSeconds: Number(options.tokenLifetimeSeconds ?? 300),
  });
  const searches = new SearchStore();
  const form = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 });

  const app = express();
  app.disable('x-powered-by');
  app.post(TOKEN_PATH, form, tokens.issue);

  const fhir = express.Router();
  fhir.use(requireSubscriptionKey(String(options.subscriptionKey ?? '')));
  fhir.use(acceptsFhirJson);
  fhir.get('/metadata', (req, res) => sendFhir(res, 200, capabilityStatement(baseOf(req))));
  fhir.use(tokens.require);

  fhir.post('/Patient/_search', form, (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      sendOutcome(res, 415, 'not-supported', 'POST _search takes an application/x-www-form-urlencoded body.');
      return;
    }
    if (Object.keys(req.query).length > 0) {
      sendOutcome(res, 400, 'invalid', 'Search parameters go in the form body, not in the URL.');
      return;
    }
    const parsed = parsePatientSearch((req.body ?? {}) as Record<string, unknown>);
    if (!parsed.ok) {
      sendOutcome(res, 400, parsed.code, parsed.message);
      return;
    }
    const base = baseOf(req);
    const found = findPatients(parsed.search);
    const entries = searchEntries(found, parsed.search, base);
    const { count } = parsed.search;
    const id = entries.length > count ? searches.save({ entries, total: found.length, count, clientId: String(res.locals.clientId) }) : undefined;
    sendFhir(res, 200, page(base, entries, found.length, 0, count, id, `${base}/fhir/Patient/_search`));
  });

  fhir.get('/', (req, res) => {
    const { _getpages: id, _getpagesoffset: offsetText, _count: countText } = req.query;
    if (typeof id !== 'string' || id === '') {
      sendOutcome(res, 400, 'not-supported', 'System-level search is not supported; search with POST /fhir/Patient/_search.');
      return;
    }
    const search = searches.get(id, String(res.locals.clientId));
    if (!search) {
      sendOutcome(res, 410, 'not-found', 'Search does not exist or has expired. Run the search again.');
      return;
    }
    const offset = offsetText === undefined ? 0 : wholeNumber(offsetText);
    const count = countText === undefined ? search.count : wholeNumber(countText);
    if (offset === undefined || count === undefined || count < 1) {
      sendOutcome(res, 400, 'invalid', '_getpagesoffset and _count must be whole numbers, _count at least 1.');
      return;
    }
    const base = baseOf(req);
    const capped = Math.min(count, MAX_COUNT);
    sendFhir(res, 200, page(base, search.entries, search.total, offset, capped, id, pagesUrl(base, id, offset, capped)));
  });

  fhir.all(['/Patient', '/Patient/_search'], (_req, res) => {
    // A GET search carries its parameters in the URL, and with them identity numbers.
    res.set('Allow', 'POST');
    sendOutcome(res, 405, 'not-supported', 'Search Patient with POST /fhir/Patient/_search and a form body.');
  });
  fhir.use((_req, res) => sendOutcome(res, 404, 'not-found', 'Unknown resource or operation.'));
  app.use('/fhir', fhir);

  // Outside the API's paths, APIM answers in its own shape.
  app.use((_req, res) => {
    res.status(404).json({ statusCode: 404, message: 'Resource not found' });
  });
  // A body the parser rejects: the FHIR server answers with an OperationOutcome, not express's HTML page.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendOutcome(res, 400, 'structure', 'The request body could not be read.');
  });

  function findPatients(search: PatientSearch): Patient[] {
    const [first = [], ...rest] = search.identifiers;
    const found: Patient[] = [];
    for (const t of first) {
      const patient = patients.get(t.value);
      if (!patient || found.includes(patient)) continue;
      const { nin, kind } = patient.person;
      if (!matches(t, nin, kind)) continue;
      // Repeated `identifier` parameters are ANDed: the patient must match one token of every list.
      if (rest.every((or) => or.some((other) => matches(other, nin, kind)))) found.push(patient);
    }
    return found;
  }

  function searchEntries(found: Patient[], search: PatientSearch, base: string): unknown[] {
    const entry = (resource: Resource, mode: 'match' | 'include') => ({
      fullUrl: `${base}/fhir/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode },
    });
    // Matches first, then the included resources, as HAPI-based servers order a page.
    const matched = found.map((p) => entry(patientResource(p.person, p.record, projection), 'match'));
    const included = found.flatMap((p) => {
      const byType = includedResources(p.record, projection);
      return search.revinclude.flatMap((type) => byType[type].map((r) => entry(r, 'include')));
    });
    return [...matched, ...included];
  }

  return app;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

/** The server's base as the client addressed it (APIM forwards the public host). */
function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function pagesUrl(base: string, id: string, offset: number, count: number): string {
  return `${base}/fhir?_getpages=${id}&_getpagesoffset=${offset}&_count=${count}&_bundletype=searchset`;
}

function page(base: string, entries: unknown[], total: number, offset: number, count: number, id: string | undefined, self: string) {
  const link = [{ relation: 'self', url: self }];
  if (id && offset + count < entries.length) link.push({ relation: 'next', url: pagesUrl(base, id, offset + count, count) });
  if (id && offset > 0) link.push({ relation: 'previous', url: pagesUrl(base, id, Math.max(0, offset - count), count) });
  const slice = entries.slice(offset, offset + count);
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    total,
    link,
    ...(slice.length ? { entry: slice } : {}),
  };
}

/** Refuses clients that only accept XML: this API speaks JSON. */
function acceptsFhirJson(req: Request, res: Response, next: NextFunction): void {
  if (req.get('accept') && !req.accepts(['application/fhir+json', 'application/json'])) {
    sendOutcome(res, 406, 'not-supported', 'Only application/fhir+json is supported.');
    return;
  }
  next();
}

function capabilityStatement(base: string): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    software: { name: 'DIPS Arena FHIR API (simulated)' },
    implementation: { description: 'Simulated DIPS Arena FHIR R4 API', url: `${base}/fhir` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${base}/oauth2/token` }],
            },
          ],
        },
        resource: [
          {
            type: 'Patient',
            interaction: [{ code: 'search-type' }],
            searchParam: [{ name: 'identifier', type: 'token', documentation: `${SYSTEM.fnr} or ${SYSTEM.dnr}; POST only` }],
            searchRevInclude: REVINCLUDE_VALUES,
          },
        ],
      },
    ],
  };
}

export const hospitalFhirSimulator: SimulatorDefinition = {
  system: 'hospital-fhir',
  createApp,
  failure: {
    status: 503,
    contentType: FHIR_JSON,
    body: JSON.stringify(operationOutcome('transient', 'The FHIR server is temporarily unavailable. Try again later.', 'fatal')),
  },
  // A well-formed searchset whose Patient carries its identifier as a bare string instead of a list of
  // Identifier objects, and whose Encounter has no period.
  invalid: {
    status: 200,
    contentType: FHIR_JSON,
    body: JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      link: [{ relation: 'self', url: 'http://localhost/fhir/Patient/_search' }],
      entry: [
        { fullUrl: 'http://localhost/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1', identifier: 'ukjent' }, search: { mode: 'match' } },
        {
          fullUrl: 'http://localhost/fhir/Encounter/e1',
          resource: { resourceType: 'Encounter', id: 'e1', status: 'finished', subject: { reference: 'Patient/p1' } },
          search: { mode: 'include' },
        },
      ],
    }),
  },
};
