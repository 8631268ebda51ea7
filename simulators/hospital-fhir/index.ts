import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { HospitalRecord, Person } from '../population';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { requireSubscriptionKey, TokenService } from './auth';
import { FHIR_JSON, operationOutcome, sendFhir, sendOutcome } from './outcome';
import { consentResources, INCLUDABLE, includedResources, includeTargets, INCLUDE_VALUES, patientResource, type ProjectionContext, type Resource, REVINCLUDE_VALUES, SYSTEM } from './resources';
import { SearchStore } from './searchStore';
import { CitizenConsents } from './citizenConsents';
import { communicationResource, takeCommunication } from './communication';
import { messagesOf, type MessagingSystem } from '../kit/messaging';
import { appliedQuery, matches, MAX_COUNT, parsePatientSearch, wantsStrictHandling, type PatientSearch } from './searchParams';

/**
 * Hospital record system (DIPS Arena) simulator: FHIR R4 JSON behind Azure API Management.
 * - `POST /oauth2/token`: OAuth2 client credentials (form body or HTTP Basic), 300 s opaque tokens;
 * - every `/fhir` call needs `Ocp-Apim-Subscription-Key` (APIM's 401 body when missing or wrong) and
 *   `Authorization: Bearer` (401 OperationOutcome when missing, invalid or expired);
 * - Patient search by `POST /fhir/Patient/_search` (form body) or `GET /fhir/Patient` (query): `identifier`
 *   (`system|value`, comma = OR, at most 50), `_id`, `_revinclude=<Type>:subject` for the clinical
 *   resources and `Consent:patient`, `EpisodeOfCare:patient` for blocks and episodes of care,
 *   `_include:iterate=Consent:data` and `_include:iterate=DocumentReference:encounter` for the documents a block
 *   names and their encounters (with the referral each encounter was based on, contained), `_count`
 *   (matched patients per page, default 50, capped at 200). Unknown parameters are ignored, as FHIR's default
 *   is, unless the client sends `Prefer: handling=strict` (then 400 with an OperationOutcome). A URL that
 *   holds an identity number is refused before it reaches the API (400 with an OperationOutcome: identity
 *   numbers travel in POST bodies);
 * - the answer is a searchset Bundle paged by matched patients, as HAPI pages: each page holds `_count`
 *   matches and every resource included for them, so a patient arrives with its own data and `total`
 *   counts matches; further pages by `GET /fhir?_getpages=<id>&_getpagesoffset=<n>&_count=<n>` (offset and
 *   count in matches), kept for five minutes, 410 after.
 * The instance serves the patients of the hospital whose `instance` in organisations.json is this one.
 *
 * Dialogue messages between services (issue 15): `POST /fhir/Communication` takes one message for one of the
 * hospital's departments (simulators/hospital-fhir/communication.ts), and a search with
 * `_revinclude=Communication:subject` returns the messages about each patient.
 */
export const TOKEN_PATH = '/oauth2/token';

interface Patient {
  person: Person;
  record: HospitalRecord;
}

function createApp(context: SimulatorContext): express.Express {
  const { instance, orgs, population } = context;
  const options = instance.options;
  const hospital = orgs.hospitals.find((h) => h.instance === instance.id);
  const patients = new Map<string, Patient>();
  if (hospital) {
    for (const person of population.population.persons) {
      const record = person.hospitalRecords.find((r) => r.orgNumber === hospital.orgNumber);
      if (record) patients.set(person.nin, { person, record });
    }
  }
  const patientsById = new Map([...patients.values()].map((p) => [p.record.localId, p]));
  const projection: ProjectionContext = {
    hospital: { orgNumber: hospital?.orgNumber ?? '', name: hospital?.name ?? '' },
    practitioners: population.practitioners,
    departments: new Map((hospital?.departments ?? []).map((d) => [d.name, d.herId])),
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

  /** Runs a search and answers its first page; `self` is the link the answer names itself by. */
  function search(req: Request, res: Response, params: Record<string, unknown>, self: (search: PatientSearch) => string): void {
    const parsed = parsePatientSearch(params, wantsStrictHandling(req.get('prefer')));
    if (!parsed.ok) {
      sendOutcome(res, 400, parsed.code, parsed.message);
      return;
    }
    const base = baseOf(req);
    const groups = searchGroups(findPatients(parsed.search), parsed.search, base);
    const { count } = parsed.search;
    const id = groups.length > count ? searches.save({ groups, count, clientId: String(res.locals.clientId) }) : undefined;
    sendFhir(res, 200, page(base, groups, 0, count, id, self(parsed.search)));
  }

  fhir.post('/Patient/_search', form, (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      sendOutcome(res, 415, 'not-supported', 'POST _search takes an application/x-www-form-urlencoded body.');
      return;
    }
    if (Object.keys(req.query).length > 0) {
      sendOutcome(res, 400, 'invalid', 'Search parameters go in the form body, not in the URL.');
      return;
    }
    // The self link of a POST search names no parameters: they may hold identity numbers.
    search(req, res, (req.body ?? {}) as Record<string, unknown>, () => `${baseOf(req)}/fhir/Patient/_search`);
  });

  fhir.get('/Patient', (req, res) => {
    search(req, res, req.query as Record<string, unknown>, (s) => `${baseOf(req)}/fhir/Patient?${appliedQuery(s)}`);
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
    sendFhir(res, 200, page(base, search.groups, offset, capped, id, pagesUrl(base, id, offset, capped)));
  });

  // One dialogue message for a department: created once per message id (201), the same resource again (200).
  const messaging: MessagingSystem = { service: 'HOSPITAL', holds: (nin) => patients.has(nin) };
  const communicationHost = {
    patient: (ref: { nin?: string; localId?: string }) => {
      const p = ref.nin ? patients.get(ref.nin) : ref.localId ? patientsById.get(ref.localId) : undefined;
      return p ? { nin: p.person.nin, localId: p.record.localId } : undefined;
    },
  };
  fhir.post('/Communication', express.json({ type: ['application/fhir+json', 'application/json'], limit: '1mb' }), (req, res) => {
    if (!req.is(['application/fhir+json', 'application/json'])) {
      sendOutcome(res, 415, 'not-supported', 'Create a Communication with an application/fhir+json body.');
      return;
    }
    const taken = takeCommunication(context, messaging, communicationHost, req.body);
    if (!taken) {
      sendOutcome(res, 400, 'required', 'A Communication with the sender\'s message id in identifier is expected.');
      return;
    }
    if (taken.status === 201) res.set('Location', `${baseOf(req)}/fhir/Communication/${String(taken.body.id)}/_history/1`);
    sendFhir(res, taken.status, taken.body);
  });
  // Blocks a patient sets and lifts herself (citizenConsents.ts). The graph's caches are told before the answer,
  // so that the block holds for the next read on every process.
  const consents = () => context.kept('citizen-consents', () => new CitizenConsents());
  // The blocks the hospital registered itself: not the patient's to change.
  const registeredConsents = new Set([...patients.values()].flatMap((p) => consentResources(p.record, `Patient/${p.record.localId}`, projection).map((c) => c.id)));
  const fhirJson = express.json({ type: ['application/fhir+json', 'application/json'], limit: '100kb' });
  fhir.post('/Consent', fhirJson, async (req, res) => {
    if (!req.is(['application/fhir+json', 'application/json'])) {
      sendOutcome(res, 415, 'not-supported', 'Create a Consent with an application/fhir+json body.');
      return;
    }
    const wanted = /^identifier=(.+)\|(.+)$/.exec(req.get('if-none-exist') ?? '');
    const body = req.body as { identifier?: { system?: string; value?: string }[] };
    if (!wanted || !body.identifier?.some((i) => i.system === wanted[1] && i.value === wanted[2])) {
      sendOutcome(res, 412, 'required', 'Create a block once: If-None-Exist: identifier=<system>|<value> naming the Consent\'s own identifier.');
      return;
    }
    const taken = consents().create(req.body, (nin) => {
      const p = patients.get(nin);
      return p ? { record: p.record, localId: p.record.localId } : undefined;
    }, projection);
    if (taken.status === 201 && taken.nin) {
      context.observe('consent:created');
      await context.changed([taken.nin]);
      res.set('Location', `${baseOf(req)}/fhir/Consent/${String(taken.body.id)}/_history/1`);
    }
    sendFhir(res, taken.status, taken.body);
  });
  fhir.put('/Consent/:id', fhirJson, async (req, res) => {
    const taken = consents().update(String(req.params.id), req.body, (id) => registeredConsents.has(id));
    if (taken.status === 200 && taken.nin) {
      context.observe('consent:updated');
      await context.changed([taken.nin]);
    }
    sendFhir(res, taken.status, taken.body);
  });
  fhir.all('/Consent', (_req, res) => {
    res.set('Allow', 'POST');
    sendOutcome(res, 405, 'not-supported', 'Create a Consent with POST; read blocks through a Patient search with _revinclude=Consent:patient.');
  });

  fhir.all('/Communication', (_req, res) => {
    res.set('Allow', 'POST');
    sendOutcome(res, 405, 'not-supported', 'Create a Communication with POST; read messages through a Patient search with _revinclude=Communication:subject.');
  });

  fhir.all(['/Patient', '/Patient/_search'], (req, res) => {
    res.set('Allow', req.path === '/Patient' ? 'GET' : 'POST');
    sendOutcome(res, 405, 'not-supported', 'Search Patient with GET /fhir/Patient or POST /fhir/Patient/_search.');
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
    // Candidates: by identifier (the first OR list), else by logical id; every other condition must hold too.
    const candidates =
      search.identifiers.length > 0
        ? (search.identifiers[0] ?? []).flatMap((t) => patients.get(t.value) ?? [])
        : search.ids.flatMap((id) => patientsById.get(id) ?? []);
    const found: Patient[] = [];
    for (const patient of candidates) {
      if (found.includes(patient)) continue;
      const { nin, kind } = patient.person;
      // Repeated `identifier` parameters are ANDed: the patient must match one token of every list.
      if (!search.identifiers.every((or) => or.some((t) => matches(t, nin, kind)))) continue;
      if (search.ids.length > 0 && !search.ids.includes(patient.record.localId)) continue;
      found.push(patient);
    }
    return found;
  }

  /** One group per matched patient: the match, then what was included for it, as HAPI orders a page. */
  function searchGroups(found: Patient[], search: PatientSearch, base: string): unknown[][] {
    const entry = (resource: Resource, mode: 'match' | 'include') => ({
      fullUrl: `${base}/fhir/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode },
    });
    return found.map((p) => {
      const patientRef = `Patient/${p.record.localId}`;
      const communications = messagesOf(context, p.person.nin).map((m) => communicationResource(m, patientRef, (id) => context.messages.has(id)));
      const byType = includedResources(p.record, projection, communications);
      // The blocks the patient set herself, beside those the hospital registered.
      byType.Consent = [...byType.Consent, ...consents().forPatient(p.person.nin, patientRef)];
      const match = patientResource(p.person, p.record, projection);
      const included = search.revinclude.flatMap((type) => byType[type]);
      // _include follows references from the matches; _include:iterate from everything included, until nothing
      // new turns up. A resource appears once, whichever way it was reached.
      const seen = new Set([match, ...included].map((r) => `${r.resourceType}/${r.id}`));
      const follow = (from: Resource[], iterate: boolean): Resource[] =>
        search.include
          .filter((i) => i.iterate === iterate)
          .flatMap((i) => {
            const { from: type, to } = INCLUDABLE[i.value];
            const targets = new Set(from.filter((r) => r.resourceType === type).flatMap((r) => includeTargets(i.value, r)));
            return (byType[to] as Resource[]).filter((r) => targets.has(r.id) && !seen.has(`${to}/${r.id}`) && seen.add(`${to}/${r.id}`));
          });
      included.push(...follow([match], false));
      for (let added = follow(included, true); added.length > 0; added = follow(added, true)) included.push(...added);
      return [entry(match, 'match'), ...included.map((r) => entry(r, 'include'))];
    });
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

/** A page of `count` matched patients from `offset`, each with everything included for it; `total` counts matches. */
function page(base: string, groups: unknown[][], offset: number, count: number, id: string | undefined, self: string) {
  const link = [{ relation: 'self', url: self }];
  if (id && offset + count < groups.length) link.push({ relation: 'next', url: pagesUrl(base, id, offset + count, count) });
  if (id && offset > 0) link.push({ relation: 'previous', url: pagesUrl(base, id, Math.max(0, offset - count), count) });
  const slice = groups.slice(offset, offset + count).flat();
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type: 'searchset',
    total: groups.length,
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
            searchParam: [
              { name: 'identifier', type: 'token', documentation: `${SYSTEM.fnr} or ${SYSTEM.dnr}: identity numbers only by POST _search, never in a URL` },
              { name: '_id', type: 'token' },
            ],
            searchInclude: INCLUDE_VALUES,
            searchRevInclude: REVINCLUDE_VALUES,
          },
          { type: 'Communication', interaction: [{ code: 'create' }], conditionalCreate: true },
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
  // An identity number in a URL is refused before the API sees it, as the FHIR server answers a bad request:
  // an OperationOutcome, whose diagnostics never quote the URL.
  ninInUrl: {
    status: 400,
    contentType: FHIR_JSON,
    body: JSON.stringify(operationOutcome('security', 'Identity numbers must not be sent in URLs; search for patients with POST /fhir/Patient/_search.')),
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
