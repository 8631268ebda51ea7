import { readFileSync } from 'node:fs';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import path from 'node:path';
import { z } from 'zod';
import { systemRegistry } from '../adapters/registry';
import { CONTRACTS, type ContractName } from '../adapters/contracts';
import { isSectorName, type SectorName } from './sectors';
import { herIdSchema, orgNumberSchema } from './identifiers';
import { fromRoot } from './repositoryRoot';

/**
 * The two configuration files every process reads, validated at start so that a typo fails the
 * process with a clear message instead of a wrong route at run time.
 * - organisations.json: which organisation's data lives in which system instance (routing);
 * - sources.json: the instances themselves (adapter, base URL, options, timeout).
 */

export const CONFIG_DIR = fromRoot('config');

const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`), `must be ${n} digits`);

/**
 * A service (a unit of a municipality, a hospital department) as the national address register (Adresseregisteret)
 * lists it: its HER-id is where dialogue messages for it go, its phone the unit's own (never a person's).
 */
const service = z.strictObject({
  herId: herIdSchema,
  name: z.string().min(1),
  phone: z.string().regex(/^\+47( \d{2}){4}$/, 'a Norwegian service number written +47 12 34 56 78'),
  /**
   * What the unit does: HOME_NURSING, NURSING_HOME, COORDINATION (koordinerende enhet), MENTAL_HEALTH (the municipality's
   * mental health and substance abuse service), or a hospital department's WARD/OUTPATIENT.
   */
  kind: z.enum(['HOME_NURSING', 'NURSING_HOME', 'COORDINATION', 'MENTAL_HEALTH', 'WARD', 'OUTPATIENT']),
});

/**
 * A service outside health care that takes part in patients' individual plans (hol. § 7-1): a NAV office, a school, the
 * educational-psychological service (PPT), child welfare. Named by its own unit's organisation number (underenhet), which
 * is what a consent in a plan names and what a participant's login carries (orgnr_child), under its legal entity.
 */
const outsideHealthService = z.strictObject({
  orgNumber: orgNumberSchema,
  /** The legal entity (Enhetsregisteret's hovedenhet): Arbeids- og velferdsetaten for a NAV office, the municipality for its school, PPT and child welfare. */
  parentOrgNumber: orgNumberSchema,
  name: z.string().min(1),
  kind: z.enum(['NAV', 'SCHOOL', 'PPT', 'CHILD_WELFARE']),
  /** The municipality it serves. */
  municipality: digits(4),
  phone: z.string().regex(/^\+47( \d{2}){4}$/, 'a Norwegian service number written +47 12 34 56 78'),
});

export const organisationsSchema = z.strictObject({
  municipalities: z
    .array(
      z.strictObject({
        number: digits(4),
        name: z.string().min(1),
        /** The municipality's organisation number (Enhetsregisteret): who its health personnel work for. */
        orgNumber: orgNumberSchema,
        careInstance: z.string().min(1).nullable(),
        hospitals: z.array(orgNumberSchema),
        /** The municipality's health and care services, by HER-id. */
        services: z.array(service).default([]),
        /**
         * The systems of the sectors that are routed by where the patient lives, beyond its care system, by sector
         * (lib/sectors.ts): `{"WELFARE_TECHNOLOGY": ["welfare-hub", "dispenser-dosevakt"]}`, the welfare technology
         * platforms its services use. A new sector routed this way needs no new key here: each instance must provide a
         * contract of that sector (checkConsistency).
         */
        sectorInstances: z.record(z.string(), z.array(z.string().min(1))).default({}),
      }),
    )
    .min(1),
  hospitals: z.array(
    z.strictObject({
      orgNumber: orgNumberSchema,
      name: z.string().min(1),
      trust: z.string().min(1),
      instance: z.string().min(1),
      /** The hospital's medical laboratory, which also analyses samples from GPs and care services of its area. */
      laboratoryInstance: z.string().min(1).optional(),
      /** The hospital's departments, by HER-id. */
      departments: z.array(service).default([]),
    }),
  ),
  gpOffices: z.array(
    z.strictObject({
      herId: herIdSchema,
      orgNumber: orgNumberSchema,
      name: z.string().min(1),
      municipality: digits(4),
      instance: z.string().min(1),
      /** The office's own phone. */
      phone: z.string().regex(/^\+47( \d{2}){4}$/).optional(),
    }),
  ),
  /** Services outside health care that take part in individual plans; no system of theirs is connected. */
  outsideHealth: z.array(outsideHealthService).default([]),
  national: z.strictObject({
    summaryRecord: z.string().min(1),
    /**
     * The citizens' portal (helsenorge.no, run by Norsk helsenett): the service a citizen's message is sent from and
     * answered to, by its HER-id in the address register. Without it, citizens cannot send messages.
     */
    citizenPortal: z
      .strictObject({ herId: z.string().regex(/^\d{1,9}$/), name: z.string().min(1), orgNumber: z.string().regex(/^\d{9}$/), phone: z.string().regex(/^\+47( \d{2}){4}$/).optional() })
      .optional(),
  }),
  registries: z.strictObject({
    population: z.string().min(1),
    gpList: z.string().min(1),
    practitioners: z.string().min(1),
    /** The representation register (powers of attorney); without it no one acts for another under a power of attorney. */
    representation: z.string().min(1).optional(),
  }),
});

export type Organisations = z.infer<typeof organisationsSchema>;
export type Municipality = Organisations['municipalities'][number];

/** The instances a municipality names for a sector routed by residence (`sectorInstances`), none when it names none. */
export function municipalityInstances(m: Pick<Municipality, 'sectorInstances'>, sector: SectorName): string[] {
  return m.sectorInstances[sector] ?? [];
}
export type Hospital = Organisations['hospitals'][number];
export type GpOffice = Organisations['gpOffices'][number];
export type OutsideHealthService = Organisations['outsideHealth'][number];

/**
 * A system's name as sources.json writes it (`system`): the name of its folder in adapters/, where its manifest
 * declares it. The list is not written here: adapters/registry.ts finds the manifests, and loading the sources
 * refuses a system none declares.
 */
export type SystemName = string;

/**
 * How long the source cache may keep one kind of data of an instance: fresh for `ttlSeconds` (0: never kept
 * beyond the request that read it), and served for `staleIfErrorSeconds` more when the source fails.
 */
const cacheSettingsSchema = z
  .object({ ttlSeconds: z.number().int().min(0).max(86_400).optional(), staleIfErrorSeconds: z.number().int().min(0).max(7 * 86_400).optional() })
  .strict();
const cacheSchema = cacheSettingsSchema.extend({ operations: z.record(z.string().regex(/^[a-z-]+$/), cacheSettingsSchema).optional() }).strict();

/**
 * How the graph protects an instance and itself from it: at most `maxConcurrent` reads at once (`queue` more
 * wait), the circuit breaker opens after `breakAfter` failures in a row and tries again after
 * `halfOpenAfterSeconds`, and a read that failed on the way is retried `retries` times.
 */
const resilienceSchema = z
  .object({
    maxConcurrent: z.number().int().min(1).max(1000).optional(),
    queue: z.number().int().min(0).max(10_000).optional(),
    breakAfter: z.number().int().min(1).max(1000).optional(),
    halfOpenAfterSeconds: z.number().min(0.1).max(3600).optional(),
    retries: z.number().int().min(0).max(3).optional(),
    /**
     * What the system can take, in calls a second (default 20): research's jobs take at most RESEARCH_SOURCE_SHARE of
     * it (research/), so that care's reads come first.
     */
    callsPerSecond: z.number().min(0.1).max(10_000).optional(),
  })
  .strict();

const instanceSchema = z.strictObject({
  system: z.string().regex(/^[a-z0-9-]+$/, 'must be a system name (lower case, digits and dashes)'),
  baseUrl: z.url(),
  timeoutMs: z.number().int().positive().optional(),
  options: z.record(z.string(), z.unknown()).default({}),
  cache: cacheSchema.optional(),
  resilience: resilienceSchema.optional(),
  /**
   * The secret this source signs its change notices with (POST /cache/invalidate), so that nobody else can
   * make the graph forget what it holds for a source.
   */
  invalidationSecret: z.string().min(16).optional(),
});

export const sourcesSchema = z.strictObject({
  defaults: z
    .object({ timeoutMs: z.number().int().positive(), cache: cacheSchema.optional(), resilience: resilienceSchema.optional() })
    .default({ timeoutMs: 3000 }),
  instances: z.record(z.string().regex(/^[a-z0-9-]+$/), instanceSchema),
});

export type SourcesConfig = z.infer<typeof sourcesSchema>;
export interface CachePolicy {
  /** How long an answer is fresh; 0: it is remembered for its request only. */
  ttlMs: number;
  /** How much longer it may stand in when the source fails. */
  staleMs: number;
}

export interface InstanceConfig {
  id: string;
  system: SystemName;
  baseUrl: string;
  timeoutMs: number;
  options: Record<string, unknown>;
  /** The cache policy of the instance's reads, by operation; `*` for any other. */
  cache?: Record<string, CachePolicy>;
  /** Resilience settings given in sources.json (defaults merged); the kit fills in the rest. */
  resilience?: ResilienceConfig;
  invalidationSecret?: string;
}

export type ResilienceConfig = z.infer<typeof resilienceSchema>;

/**
 * The policy for one kind of data of an instance. SOURCE_CACHE=off keeps nothing beyond a request (for
 * measuring what the cache is worth, and for operators who must turn it off).
 */
export function cachePolicy(instance: InstanceConfig, operation: string): CachePolicy {
  if (process.env.SOURCE_CACHE === 'off') return { ttlMs: 0, staleMs: 0 };
  return instance.cache?.[operation] ?? instance.cache?.['*'] ?? { ttlMs: 0, staleMs: 0 };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * `${NAME}` and `${NAME:-default}` in any string value read the environment. Every variable that is missing is
 * named at once (an operator fixes them all in one go, not one per restart).
 */
export function interpolateEnv<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  const required = new Set<string>();
  const production = new Set<string>();
  const result = interpolate(value, env, required, production);
  const problems = [
    ...(production.size ? [`${plural(production, 'environment variable')} ${[...production].join(', ')} must be set with NODE_ENV=production (their defaults are development values)`] : []),
    ...(required.size ? [`${plural(required, 'environment variable')} ${[...required].join(', ')} ${required.size === 1 ? 'is' : 'are'} required by the configuration`] : []),
  ];
  if (problems.length) throw new ConfigError(problems.join('; '));
  return result;
}

const plural = (names: Set<string>, noun: string) => (names.size === 1 ? noun : `${noun}s`);

function interpolate<T>(value: T, env: NodeJS.ProcessEnv, required: Set<string>, production: Set<string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (match, name: string, fallback?: string) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      // Development values (`dev-…`) stand in for credentials and secrets outside production only.
      if (fallback !== undefined && fallback.startsWith('dev-') && env.NODE_ENV === 'production') {
        production.add(name);
        return match;
      }
      if (fallback !== undefined) return fallback;
      required.add(name);
      return match;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, required, production)) as T;
  if (value && typeof value === 'object') {
    // Keys starting with `$` ($comment) are documentation, not configuration.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('$') ? v : interpolate(v, env, required, production)])) as T;
  }
  return value;
}

/** A configuration file's JSON, without its documentation keys (`$comment`); a ConfigError says what is wrong, with the line. */
export function readConfigJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return withoutDocumentation(JSON.parse(text));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${jsonErrorWithLine(text, (error as Error).message)}`);
  }
}

/**
 * Where JSON broke, as a line and column: V8's messages give a character offset, a snippet or neither.
 * jsonc-parser (strict: no comments, no trailing commas) finds the first error's offset.
 */
export function jsonErrorWithLine(text: string, message: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return message;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return `${printParseErrorCode(first.error)} at line ${line}, column ${column}`;
}

/** Keys starting with `$` (`$comment`) document a file; they are not configuration, so strict schemas skip them. */
export function withoutDocumentation(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDocumentation);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, withoutDocumentation(v)]));
  return value;
}

/** Validates a configuration file's content: a ConfigError names every problem with its path (`what`: what the file holds). */
export function parseConfig<S extends z.ZodType>(schema: S, data: unknown, file: string, what = 'configuration'): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => {
        const where = i.path.join('.') || '(root)';
        // An unknown key is most often a misspelt one: name it, with the path where it stands.
        return i.code === 'unrecognized_keys' ? `  ${where}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}` : `  ${where}: ${i.message}`;
      })
      .join('\n');
    throw new ConfigError(`invalid ${what} in ${file}:\n${problems}`);
  }
  return result.data;
}

export function loadOrganisations(file = process.env.ORGANISATIONS_FILE ?? path.join(CONFIG_DIR, 'organisations.json')): Organisations {
  return parseConfig(organisationsSchema, readConfigJson(file), file);
}

export function loadSources(file = process.env.SOURCES_FILE ?? path.join(CONFIG_DIR, 'sources.json')): SourcesConfig {
  const sources = parseConfig(sourcesSchema, interpolateEnv(readConfigJson(file)), file);
  // Each instance runs a system some adapter's manifest declares (adapters/registry.ts).
  const known = systemRegistry();
  const unknown = Object.entries(sources.instances).filter(([, i]) => !known.has(i.system));
  if (unknown.length) {
    const problems = unknown.map(([id, i]) => `  instances.${id}.system: unknown system "${i.system}"; known: ${[...known.keys()].sort().join(', ')}`).join('\n');
    throw new ConfigError(`invalid configuration in ${file}:\n${problems}`);
  }
  return sources;
}

export function instancesOf(sources: SourcesConfig): InstanceConfig[] {
  return Object.entries(sources.instances).map(([id, inst]) => {
    const defaults = sources.defaults.cache ?? {};
    const own = inst.cache ?? {};
    const policy = (s: { ttlSeconds?: number; staleIfErrorSeconds?: number } = {}): CachePolicy => ({
      ttlMs: 1000 * (s.ttlSeconds ?? own.ttlSeconds ?? defaults.ttlSeconds ?? 0),
      staleMs: 1000 * (s.staleIfErrorSeconds ?? own.staleIfErrorSeconds ?? defaults.staleIfErrorSeconds ?? 0),
    });
    const operations = { ...defaults.operations, ...own.operations };
    return {
      id,
      system: inst.system,
      baseUrl: inst.baseUrl.replace(/\/+$/, ''),
      timeoutMs: inst.timeoutMs ?? sources.defaults.timeoutMs,
      options: inst.options,
      cache: { '*': policy(), ...Object.fromEntries(Object.entries(operations).map(([op, s]) => [op, policy(s)])) },
      resilience: { ...sources.defaults.resilience, ...inst.resilience },
      ...(inst.invalidationSecret ? { invalidationSecret: inst.invalidationSecret } : {}),
    };
  });
}

/**
 * Every instance the routing names must exist and run a system whose adapter fulfils what the route needs: the
 * contract (adapters/contracts.ts) its manifest provides, not a list of system names, so that a new care or
 * GP system is accepted here through its manifest alone.
 */
export function checkConsistency(orgs: Organisations, sources: SourcesConfig): void {
  const problems: string[] = [];
  const systems = systemRegistry();
  const expect = (id: string | null, contract: ContractName, where: string) => {
    if (id === null) return;
    const inst = sources.instances[id];
    if (!inst) problems.push(`${where} names instance "${id}", which sources.json does not define`);
    else if (systems.get(inst.system)?.contract !== contract) {
      const providing = [...systems.values()].filter((e) => e.contract === contract).map((e) => e.system);
      problems.push(`${where} names instance "${id}" of system ${inst.system}; expected a system providing ${contract} (${providing.join(' or ')})`);
    }
  };
  const hospitalOrgs = new Set(orgs.hospitals.map((h) => h.orgNumber));
  for (const m of orgs.municipalities) {
    expect(m.careInstance, 'CareRecordModel', `municipality ${m.number}`);
    for (const [sector, ids] of Object.entries(m.sectorInstances)) {
      const contracts = (Object.keys(CONTRACTS) as ContractName[]).filter((c) => CONTRACTS[c].sector === sector);
      if (!isSectorName(sector) || contracts.length === 0) {
        problems.push(`municipality ${m.number} names instances for ${sector}, which is no sector with a contract (lib/sectors.ts, adapters/contracts.ts)`);
        continue;
      }
      for (const id of ids) {
        const inst = sources.instances[id];
        if (!inst) problems.push(`municipality ${m.number} ${sector} names instance "${id}", which sources.json does not define`);
        else if (!contracts.includes(systems.get(inst.system)?.contract as ContractName)) problems.push(`municipality ${m.number} ${sector} names instance "${id}" of system ${inst.system}, which provides no contract of that sector (${contracts.join(' or ')})`);
      }
    }
    for (const h of m.hospitals) if (!hospitalOrgs.has(h)) problems.push(`municipality ${m.number} names unknown hospital ${h}`);
  }
  // One HER-id, one service: it is where messages go.
  const herIds = [...orgs.gpOffices.map((o) => o.herId), ...orgs.municipalities.flatMap((m) => m.services.map((s) => s.herId)), ...orgs.hospitals.flatMap((h) => h.departments.map((d) => d.herId))];
  for (const herId of new Set(herIds.filter((id, i) => herIds.indexOf(id) !== i))) problems.push(`HER-id ${herId} names more than one service`);
  const municipalities = new Set(orgs.municipalities.map((m) => m.number));
  // A service outside health care is a unit of its own: its number names it in a plan's consent, so it must be no
  // health organisation's, and one unit's only.
  const healthOrgs = new Set([...orgs.municipalities.map((m) => m.orgNumber), ...orgs.hospitals.map((h) => h.orgNumber), ...orgs.gpOffices.map((o) => o.orgNumber)]);
  const outside = orgs.outsideHealth.map((s) => s.orgNumber);
  for (const s of orgs.outsideHealth) {
    if (healthOrgs.has(s.orgNumber)) problems.push(`outsideHealth ${s.name}: organisation number ${s.orgNumber} is a health organisation's`);
    if (!municipalities.has(s.municipality)) problems.push(`outsideHealth ${s.name} serves unknown municipality ${s.municipality}`);
  }
  for (const org of new Set(outside.filter((o, i) => outside.indexOf(o) !== i))) problems.push(`outsideHealth: organisation number ${org} names more than one service`);
  for (const h of orgs.hospitals) {
    expect(h.instance, 'HospitalRecordModel', `hospital ${h.orgNumber}`);
    expect(h.laboratoryInstance ?? null, 'LabResultsModel', `hospital ${h.orgNumber} laboratory`);
  }
  for (const o of orgs.gpOffices) {
    expect(o.instance, 'GpRecordModel', `GP office ${o.herId}`);
    if (!municipalities.has(o.municipality)) problems.push(`GP office ${o.herId} lies in unknown municipality ${o.municipality}`);
  }
  expect(orgs.national.summaryRecord, 'SummaryRecordModel', 'national.summaryRecord');
  expect(orgs.registries.population, 'RegistryPerson', 'registries.population');
  expect(orgs.registries.gpList, 'GpListingModel', 'registries.gpList');
  expect(orgs.registries.practitioners, 'PractitionerModel', 'registries.practitioners');
  expect(orgs.registries.representation ?? null, 'RepresentationModel', 'registries.representation');
  if (problems.length) throw new ConfigError(`configuration is inconsistent:\n  ${problems.join('\n  ')}`);
}
