import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The two configuration files every process reads, validated at start so that a typo fails the
 * process with a clear message instead of a wrong route at run time.
 * - organisations.json: which organisation's data lives in which system instance (routing);
 * - sources.json: the instances themselves (adapter, base URL, options, timeout).
 */

export const CONFIG_DIR = path.resolve(__dirname, '..', 'config');

const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`), `must be ${n} digits`);

export const organisationsSchema = z.object({
  municipalities: z
    .array(
      z.object({
        number: digits(4),
        name: z.string().min(1),
        /** The municipality's organisation number (Enhetsregisteret): who its health personnel work for. */
        orgNumber: digits(9),
        careInstance: z.string().min(1).nullable(),
        hospitals: z.array(digits(9)),
      }),
    )
    .min(1),
  hospitals: z.array(
    z.object({ orgNumber: digits(9), name: z.string().min(1), trust: z.string().min(1), instance: z.string().min(1) }),
  ),
  gpOffices: z.array(
    z.object({
      herId: z.string().regex(/^\d{3,9}$/),
      orgNumber: digits(9),
      name: z.string().min(1),
      municipality: digits(4),
      instance: z.string().min(1),
    }),
  ),
  national: z.object({ summaryRecord: z.string().min(1) }),
  registries: z.object({ population: z.string().min(1), gpList: z.string().min(1), practitioners: z.string().min(1) }),
});

export type Organisations = z.infer<typeof organisationsSchema>;
export type Municipality = Organisations['municipalities'][number];
export type Hospital = Organisations['hospitals'][number];
export type GpOffice = Organisations['gpOffices'][number];

export const systemNames = [
  'population-register',
  'gp-register',
  'practitioner-register',
  'care-json',
  'care-plo',
  'gp-kith',
  'hospital-fhir',
  'summary-record',
] as const;
export type SystemName = (typeof systemNames)[number];

const instanceSchema = z.object({
  system: z.enum(systemNames),
  baseUrl: z.url(),
  timeoutMs: z.number().int().positive().optional(),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const sourcesSchema = z.object({
  defaults: z.object({ timeoutMs: z.number().int().positive() }).default({ timeoutMs: 3000 }),
  instances: z.record(z.string().regex(/^[a-z0-9-]+$/), instanceSchema),
});

export type SourcesConfig = z.infer<typeof sourcesSchema>;
export interface InstanceConfig {
  id: string;
  system: SystemName;
  baseUrl: string;
  timeoutMs: number;
  options: Record<string, unknown>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `${NAME}` and `${NAME:-default}` in any string value read the environment. */
export function interpolateEnv<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_match, name: string, fallback?: string) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`environment variable ${name} is required by the configuration`);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolateEnv(v, env)) as T;
  if (value && typeof value === 'object') {
    // Keys starting with `$` ($comment) are documentation, not configuration.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('$') ? v : interpolateEnv(v, env)])) as T;
  }
  return value;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function parse<S extends z.ZodType>(schema: S, data: unknown, file: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid configuration in ${file}:\n${problems}`);
  }
  return result.data;
}

export function loadOrganisations(file = process.env.ORGANISATIONS_FILE ?? path.join(CONFIG_DIR, 'organisations.json')): Organisations {
  return parse(organisationsSchema, readJson(file), file);
}

export function loadSources(file = process.env.SOURCES_FILE ?? path.join(CONFIG_DIR, 'sources.json')): SourcesConfig {
  return parse(sourcesSchema, interpolateEnv(readJson(file)), file);
}

export function instancesOf(sources: SourcesConfig): InstanceConfig[] {
  return Object.entries(sources.instances).map(([id, inst]) => ({
    id,
    system: inst.system,
    baseUrl: inst.baseUrl.replace(/\/+$/, ''),
    timeoutMs: inst.timeoutMs ?? sources.defaults.timeoutMs,
    options: inst.options,
  }));
}

/** Every instance the routing names must exist and run the kind of system the route expects. */
export function checkConsistency(orgs: Organisations, sources: SourcesConfig): void {
  const problems: string[] = [];
  const expect = (id: string | null, systems: SystemName[], where: string) => {
    if (id === null) return;
    const inst = sources.instances[id];
    if (!inst) problems.push(`${where} names instance "${id}", which sources.json does not define`);
    else if (!systems.includes(inst.system)) {
      problems.push(`${where} names instance "${id}" of system ${inst.system}; expected ${systems.join(' or ')}`);
    }
  };
  const hospitalOrgs = new Set(orgs.hospitals.map((h) => h.orgNumber));
  for (const m of orgs.municipalities) {
    expect(m.careInstance, ['care-json', 'care-plo'], `municipality ${m.number}`);
    for (const h of m.hospitals) if (!hospitalOrgs.has(h)) problems.push(`municipality ${m.number} names unknown hospital ${h}`);
  }
  const municipalities = new Set(orgs.municipalities.map((m) => m.number));
  for (const h of orgs.hospitals) expect(h.instance, ['hospital-fhir'], `hospital ${h.orgNumber}`);
  for (const o of orgs.gpOffices) {
    expect(o.instance, ['gp-kith'], `GP office ${o.herId}`);
    if (!municipalities.has(o.municipality)) problems.push(`GP office ${o.herId} lies in unknown municipality ${o.municipality}`);
  }
  expect(orgs.national.summaryRecord, ['summary-record'], 'national.summaryRecord');
  expect(orgs.registries.population, ['population-register'], 'registries.population');
  expect(orgs.registries.gpList, ['gp-register'], 'registries.gpList');
  expect(orgs.registries.practitioners, ['practitioner-register'], 'registries.practitioners');
  if (problems.length) throw new ConfigError(`configuration is inconsistent:\n  ${problems.join('\n  ')}`);
}
