import { municipalityInstances } from '../../lib/config';
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { PushedEventAnswer, SimulatorContext, SimulatorDefinition } from '../kit/definition';
import type { Person } from '../population';
import { worldToday } from '../population/clock';
import { welfareWorld, type HubEvent, type HubEventKind, type WelfareWorld } from '../population/welfare';
import { HubTokens } from './auth';
import { FHIR_JSON, operationOutcome, sendFhir, sendOutcome } from './outcome';
import { communicationResource, deviceResource, deviceUseStatementResource, observationResource, patientReference, type Resource, SYSTEM } from './resources';

/**
 * The national integration hub for welfare technology (Nasjonalt velferdsteknologisk knutepunkt), simulated: FHIR R4
 * JSON behind OAuth2 client credentials. What it holds is simulators/population/welfare.ts; how it writes it in
 * FHIR is ./resources.ts.
 * - `POST /oauth2/token`: client credentials (form body or HTTP Basic), 300 s opaque tokens; wrong credentials 401
 *   `invalid_client`; every `/fhir` call needs `Authorization: Bearer` (401 OperationOutcome without a valid one);
 * - `POST /fhir/<Type>/_search` (form body) for Observation, Communication, Device and DeviceUseStatement, by
 *   patient: `patient:identifier` (or `subject:identifier`, except on Device) = `system|value` tokens, comma = OR,
 *   at most 100; `_count` (resources per page, default 100, at most 1000); on DeviceUseStatement,
 *   `_include=DeviceUseStatement:device` adds the devices of each page's statements (search mode include).
 *   Unknown parameters are ignored, unless `Prefer: handling=strict` (then 400). A search without a patient is
 *   refused (400): the hub answers for the patients it is asked about only. Search parameters in the URL are refused
 *   (identity numbers travel in POST bodies, and a URL that holds one is refused by the kit before it gets here);
 * - the answer is a searchset Bundle, `total` counting matches, paged by `_count` matches: further pages by the
 *   `next` link, `GET /fhir?_getpages=<id>&_getpagesoffset=<n>&_count=<n>`, kept for five minutes (410 after), for the
 *   client that ran the search only.
 * The instance serves the residents of the municipalities whose `sectorInstances` (organisations.json) name it.
 *
 * Pushed events (SimulatorDefinition.pushEvent, the control API's `POST /instances/:id/events` with
 * `{ "patient": "<nin>", "kind": "ALARM" | "FALL" | "DOOR", "text"?: "…" }`): a new alarm from the patient's device of
 * that kind (none when the patient has none), not yet handled, kept until reset and read like the others; the kit
 * sends the change notice and the webhook `{ "source": <instance id>, "resource": <the Communication> }`.
 */
export const TOKEN_PATH = '/oauth2/token';
const SEARCHABLE = ['Observation', 'Communication', 'Device', 'DeviceUseStatement'] as const;
type Searchable = (typeof SEARCHABLE)[number];
const DEFAULT_COUNT = 100;
const MAX_COUNT = 1000;
const MAX_IDENTIFIERS = 100;
const KNOWN_PARAMETERS = new Set(['patient:identifier', 'subject:identifier', '_count', '_include', '_format']);

interface Held {
  person: Person;
  world: WelfareWorld;
  /** Who takes the alarms (the response centre of the patient's devices). */
  responseCentre: string | null;
}

interface StoredSearch {
  matches: Resource[];
  /** What `_include` may add, by reference (`Device/<id>`); empty without it. */
  includable: Map<string, Resource>;
  count: number;
  clientId: string;
  expiresAt: number;
}

const pushRequestSchema = z
  .object({
    patient: z.string().regex(/^\d{11}$/),
    kind: z.enum(['ALARM', 'FALL', 'DOOR']),
    text: z.string().min(1).max(500).optional(),
  })
  .strict();

const DEVICE_OF_EVENT = { ALARM: 'SAFETY_ALARM', FALL: 'FALL_SENSOR', DOOR: 'DOOR_SENSOR' } as const;
const DEFAULT_TEXT: Record<HubEventKind, string> = {
  ALARM: 'Trygghetsalarm utløst',
  FALL: 'Fall registrert av fallsensor',
  DOOR: 'Dør åpnet om natten',
};

/** The events pushed through the control API, by identity number: kept for the instance's life, emptied by reset. */
const pushedEvents = (context: SimulatorContext) => context.kept('welfare-pushed-events', () => new Map<string, HubEvent[]>());

/** The residents of the municipalities this instance serves, with the municipality's name. */
function servedResidents(context: SimulatorContext): Map<string, { person: Person; municipalityName: string }> {
  const municipalities = new Map(context.orgs.municipalities.filter((m) => municipalityInstances(m, 'WELFARE_TECHNOLOGY').includes(context.instance.id)).map((m) => [m.number, m.name]));
  const served = new Map<string, { person: Person; municipalityName: string }>();
  for (const person of context.population.population.persons) {
    const name = municipalities.get(person.municipality);
    if (name) served.set(person.nin, { person, municipalityName: name });
  }
  return served;
}

/** What the hub holds for a served resident today, or undefined when nothing. */
function heldFor(context: SimulatorContext, resident: { person: Person; municipalityName: string }, worlds: Map<string, { today: string; world: WelfareWorld }>): Held | undefined {
  const today = worldToday();
  let cached = worlds.get(resident.person.nin);
  if (!cached || cached.today !== today) {
    cached = { today, world: welfareWorld(resident.person, { today, municipalityName: resident.municipalityName }) };
    worlds.set(resident.person.nin, cached);
  }
  const pushed = pushedEvents(context).get(resident.person.nin) ?? [];
  const world = pushed.length ? { ...cached.world, events: [...cached.world.events, ...pushed] } : cached.world;
  if (world.devices.length === 0 && world.measurements.length === 0 && world.events.length === 0) return undefined;
  const responseCentre = world.devices.find((d) => d.responseCentre)?.responseCentre ?? null;
  return { person: resident.person, world, responseCentre };
}

function resourcesOf(type: Searchable, held: Held): Resource[] {
  const patient = patientReference(held.person);
  const { world } = held;
  switch (type) {
    case 'Observation':
      return world.measurements.map((m) => observationResource(m, patient, world.thresholds));
    case 'Communication':
      return world.events.map((e) => communicationResource(e, patient, held.responseCentre));
    case 'Device':
      return world.devices.map((d) => deviceResource(d, patient));
    case 'DeviceUseStatement':
      return world.devices.map((d) => deviceUseStatementResource(d, patient));
  }
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function letters(length: number): string {
  return [...randomBytes(length)].map((b) => 'abcdefghijklmnopqrstuvwxyz'[b % 26]).join('');
}

function createApp(context: SimulatorContext): express.Express {
  const { instance } = context;
  const residents = servedResidents(context);
  const worlds = new Map<string, { today: string; world: WelfareWorld }>();
  const tokens = new HubTokens({
    clientId: String(instance.options.clientId ?? ''),
    clientSecret: String(instance.options.clientSecret ?? ''),
    // Simulator-only knob for tests of token expiry.
    tokenLifetimeSeconds: Number(instance.options.tokenLifetimeSeconds ?? 300),
  });
  const searches = new Map<string, StoredSearch>();
  const form = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 50 });

  const app = express();
  app.disable('x-powered-by');
  app.post(TOKEN_PATH, form, tokens.issue);

  const fhir = express.Router();
  fhir.use((req, res, next) => {
    if (req.get('accept') && !req.accepts(['application/fhir+json', 'application/json'])) {
      sendOutcome(res, 406, 'not-supported', 'Only application/fhir+json is supported.');
      return;
    }
    next();
  });
  fhir.get('/metadata', (req, res) => sendFhir(res, 200, capabilityStatement(baseOf(req))));
  fhir.use(tokens.require);

  fhir.post('/:type/_search', form, (req, res) => {
    const type = String(req.params.type);
    if (!(SEARCHABLE as readonly string[]).includes(type)) {
      sendOutcome(res, 404, 'not-supported', 'This resource type cannot be searched here.');
      return;
    }
    if (!req.is('application/x-www-form-urlencoded')) {
      sendOutcome(res, 415, 'not-supported', 'POST _search takes an application/x-www-form-urlencoded body.');
      return;
    }
    if (Object.keys(req.query).length > 0) {
      sendOutcome(res, 400, 'invalid', 'Search parameters go in the form body, not in the URL.');
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const strict = /(^|[;,\s])handling=strict\b/i.test(req.get('prefer') ?? '');
    const unknown = Object.keys(body).filter((k) => !KNOWN_PARAMETERS.has(k) || (k === 'subject:identifier' && type === 'Device'));
    if (strict && unknown.length > 0) {
      sendOutcome(res, 400, 'not-supported', 'The search has a parameter this server does not support.');
      return;
    }
    const tokensOf = (name: string) => (type === 'Device' && name === 'subject:identifier' ? [] : list(body[name]).flatMap((v) => v.split(',')).filter((t) => t !== ''));
    const wanted = [...tokensOf('patient:identifier'), ...tokensOf('subject:identifier')];
    if (wanted.length === 0) {
      sendOutcome(res, 400, 'required', 'Search by patient: patient:identifier=<system>|<value>.');
      return;
    }
    if (wanted.length > MAX_IDENTIFIERS) {
      sendOutcome(res, 400, 'too-costly', `At most ${MAX_IDENTIFIERS} patients in one search.`);
      return;
    }
    const countText = list(body._count)[0];
    const count = countText === undefined ? DEFAULT_COUNT : /^\d{1,6}$/.test(countText) ? Math.min(Number(countText), MAX_COUNT) : -1;
    if (count < 1) {
      sendOutcome(res, 400, 'invalid', '_count must be a whole number, at least 1.');
      return;
    }
    const includes = list(body._include);
    if (includes.some((i) => !(type === 'DeviceUseStatement' && i === 'DeviceUseStatement:device'))) {
      sendOutcome(res, 400, 'not-supported', 'Only _include=DeviceUseStatement:device is supported.');
      return;
    }
    const seen = new Set<string>();
    const matches: Resource[] = [];
    const includable = new Map<string, Resource>();
    for (const text of wanted) {
      const bar = text.indexOf('|');
      const system = bar < 0 ? undefined : text.slice(0, bar) || undefined;
      const value = bar < 0 ? text : text.slice(bar + 1);
      const resident = residents.get(value);
      if (!resident || seen.has(value)) continue;
      if (system && system !== (resident.person.kind === 'DNR' ? SYSTEM.dnr : SYSTEM.fnr)) continue;
      seen.add(value);
      const held = heldFor(context, resident, worlds);
      if (!held) continue;
      matches.push(...resourcesOf(type as Searchable, held));
      if (includes.length > 0) for (const d of resourcesOf('Device', held)) includable.set(`Device/${d.id}`, d);
    }
    context.observe(`search:${type}`);
    const base = baseOf(req);
    let id: string | undefined;
    if (matches.length > count) {
      id = letters(20);
      purge();
      searches.set(id, { matches, includable, count, clientId: String(res.locals.clientId), expiresAt: Date.now() + 5 * 60_000 });
    }
    sendFhir(res, 200, page(base, matches, includable, 0, count, id, `${base}/fhir/${type}/_search`));
  });

  fhir.get('/', (req, res) => {
    const { _getpages: id, _getpagesoffset: offsetText, _count: countText } = req.query;
    if (typeof id !== 'string' || id === '') {
      sendOutcome(res, 400, 'not-supported', 'System-level search is not supported; search with POST /fhir/<Type>/_search.');
      return;
    }
    purge();
    const search = searches.get(id);
    if (!search || search.clientId !== String(res.locals.clientId)) {
      sendOutcome(res, 410, 'not-found', 'Search does not exist or has expired. Run the search again.');
      return;
    }
    const offset = typeof offsetText === 'string' && /^\d{1,6}$/.test(offsetText) ? Number(offsetText) : offsetText === undefined ? 0 : -1;
    const count = typeof countText === 'string' && /^\d{1,6}$/.test(countText) ? Math.min(Number(countText), MAX_COUNT) : countText === undefined ? search.count : -1;
    if (offset < 0 || count < 1) {
      sendOutcome(res, 400, 'invalid', '_getpagesoffset and _count must be whole numbers, _count at least 1.');
      return;
    }
    const base = baseOf(req);
    sendFhir(res, 200, page(base, search.matches, search.includable, offset, count, id, pagesUrl(base, id, offset, count)));
  });

  fhir.all('/:type/_search', (_req, res) => {
    res.set('Allow', 'POST');
    sendOutcome(res, 405, 'not-supported', 'Search with POST /fhir/<Type>/_search and a form body.');
  });
  fhir.use((_req, res) => sendOutcome(res, 404, 'not-found', 'Unknown resource or operation.'));
  app.use('/fhir', fhir);
  app.use((_req, res) => sendOutcome(res, 404, 'not-found', 'Unknown path.'));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendOutcome(res, 400, 'structure', 'The request body could not be read.');
  });

  function purge(): void {
    const now = Date.now();
    for (const [key, search] of searches) if (search.expiresAt <= now) searches.delete(key);
    while (searches.size > 500) searches.delete(searches.keys().next().value as string);
  }

  /** A page of `count` matches from `offset`, and the includable devices its statements name. */
  function page(base: string, matches: Resource[], includable: Map<string, Resource>, offset: number, count: number, id: string | undefined, self: string) {
    const link = [{ relation: 'self', url: self }];
    if (id && offset + count < matches.length) link.push({ relation: 'next', url: pagesUrl(base, id, offset + count, count) });
    if (id && offset > 0) link.push({ relation: 'previous', url: pagesUrl(base, id, Math.max(0, offset - count), count) });
    const slice = matches.slice(offset, offset + count);
    const entry = (resource: Resource, mode: 'match' | 'include') => ({ fullUrl: `${base}/fhir/${resource.resourceType}/${resource.id}`, resource, search: { mode } });
    const entries = slice.map((r) => entry(r, 'match'));
    const included = new Set<string>();
    for (const r of slice) {
      const ref = (r.device as { reference?: string } | undefined)?.reference;
      const device = ref ? includable.get(ref) : undefined;
      if (ref && device && !included.has(ref)) {
        included.add(ref);
        entries.push(entry(device, 'include'));
      }
    }
    return {
      resourceType: 'Bundle',
      id: letters(16),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'searchset',
      total: matches.length,
      link,
      ...(entries.length ? { entry: entries } : {}),
    };
  }

  return app;
}

/** Takes an event pushed through the control API (see the header). */
function pushEvent(context: SimulatorContext, request: unknown): PushedEventAnswer {
  const parsed = pushRequestSchema.safeParse(request);
  if (!parsed.success) return { ok: false, status: 400, error: 'expected {"patient": "<11 digits>", "kind": "ALARM" | "FALL" | "DOOR", "text"?: "…"}' };
  const resident = servedResidents(context).get(parsed.data.patient);
  if (!resident) return { ok: false, status: 404, error: 'the patient lives in no municipality this instance serves' };
  const { kind } = parsed.data;
  const world = welfareWorld(resident.person, { municipalityName: resident.municipalityName });
  const device = world.devices.find((d) => d.kind === DEVICE_OF_EVENT[kind] && d.until === null);
  const responseCentre = world.devices.find((d) => d.responseCentre)?.responseCentre ?? null;
  const event: HubEvent = {
    id: `push-${letters(16)}`,
    time: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    kind,
    text: parsed.data.text ?? DEFAULT_TEXT[kind],
    deviceId: device?.id ?? null,
    handled: false,
    handledBy: null,
  };
  const kept = pushedEvents(context);
  kept.set(resident.person.nin, [...(kept.get(resident.person.nin) ?? []), event]);
  context.observe(`event:${kind}`);
  return { ok: true, eventId: event.id, patients: [resident.person.nin], resource: communicationResource(event, patientReference(resident.person), responseCentre) };
}

/** The server's base as the client addressed it. */
function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function pagesUrl(base: string, id: string, offset: number, count: number): string {
  return `${base}/fhir?_getpages=${id}&_getpagesoffset=${offset}&_count=${count}&_bundletype=searchset`;
}

function capabilityStatement(base: string): Record<string, unknown> {
  const patientParam = { name: 'patient', type: 'reference', documentation: `:identifier with ${SYSTEM.fnr} or ${SYSTEM.dnr}, by POST _search only` };
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    software: { name: 'Nasjonalt velferdsteknologisk knutepunkt (simulated)' },
    implementation: { description: 'Simulated national integration hub for welfare technology, FHIR R4', url: `${base}/fhir` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: { service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }] },
        resource: SEARCHABLE.map((type) => ({
          type,
          interaction: [{ code: 'search-type' }],
          searchParam: [patientParam, ...(type === 'Device' ? [] : [{ ...patientParam, name: 'subject' }])],
          ...(type === 'DeviceUseStatement' ? { searchInclude: ['DeviceUseStatement:device'] } : {}),
        })),
      },
    ],
  };
}

export const welfareFhirSimulator: SimulatorDefinition = {
  system: 'welfare-fhir',
  createApp,
  pushEvent,
  failure: {
    status: 503,
    contentType: FHIR_JSON,
    body: JSON.stringify(operationOutcome('transient', 'The integration hub is temporarily unavailable. Try again later.', 'fatal')),
  },
  ninInUrl: {
    status: 400,
    contentType: FHIR_JSON,
    body: JSON.stringify(operationOutcome('security', 'Identity numbers must not be sent in URLs; search with POST /fhir/<Type>/_search.')),
  },
  // A well-formed searchset whose Observation has its subject as a bare string and no effective time.
  invalid: {
    status: 200,
    contentType: FHIR_JSON,
    body: JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      link: [{ relation: 'self', url: 'http://localhost/fhir/Observation/_search' }],
      entry: [
        {
          fullUrl: 'http://localhost/fhir/Observation/o1',
          resource: { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'puls' }, subject: 'ukjent', valueQuantity: { value: 'høy' } },
          search: { mode: 'match' },
        },
      ],
    }),
  },
};
