import { z } from 'zod';
import { ConfigError, systemNames, type InstanceConfig, type SystemName } from '../lib/config';
import type * as CareJson from './care-json';
import type * as CarePlo from './care-plo';
import type {
  AdapterModule,
  CareAdapter,
  GpAdapter,
  GpRegisterAdapter,
  HospitalAdapter,
  PopulationRegisterAdapter,
  PractitionerRegisterAdapter,
  SourceAdapter,
  SummaryRecordAdapter,
} from './contracts';
import type * as GpKith from './gp-kith';
import type * as GpRegister from './gp-register';
import type * as HospitalFhir from './hospital-fhir';
import type { AdapterKit, AdapterManifest } from './kit';
import type * as PopulationRegister from './population-register';
import type * as PractitionerRegister from './practitioner-register';
import type * as SummaryRecord from './summary-record';

/** The adapter each system's instances get, by the system name used in sources.json. */
export interface AdapterFor {
  'population-register': PopulationRegisterAdapter;
  'gp-register': GpRegisterAdapter;
  'practitioner-register': PractitionerRegisterAdapter;
  'care-json': CareAdapter;
  'care-plo': CareAdapter;
  'gp-kith': GpAdapter;
  'hospital-fhir': HospitalAdapter;
  'summary-record': SummaryRecordAdapter;
}

/** An adapter module whose key and value types are those of the system's adapter. */
type ModuleFor<S extends SystemName> = AdapterFor[S] extends SourceAdapter<infer K, infer V> ? AdapterModule<K, V, never> : never;

/*
 * Each adapter module is loaded when first asked for, not when this file is: a subgraph process then holds
 * the protocol clients, mappers and schemas of the systems it calls (its definition's `systems`), not all
 * eight. `require` rather than `import()` because adapters are created synchronously, at start and inside
 * resolvers; the `import type` lines above keep the modules' types exact and load nothing.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: { [S in SystemName]: () => ModuleFor<S> } = {
  'population-register': () => (require('./population-register') as typeof PopulationRegister).populationRegister as ModuleFor<'population-register'>,
  'gp-register': () => (require('./gp-register') as typeof GpRegister).gpRegister as ModuleFor<'gp-register'>,
  'practitioner-register': () => (require('./practitioner-register') as typeof PractitionerRegister).practitionerRegister as ModuleFor<'practitioner-register'>,
  'care-json': () => (require('./care-json') as typeof CareJson).careJson as ModuleFor<'care-json'>,
  'care-plo': () => (require('./care-plo') as typeof CarePlo).carePlo as ModuleFor<'care-plo'>,
  'gp-kith': () => (require('./gp-kith') as typeof GpKith).gpKith as ModuleFor<'gp-kith'>,
  'hospital-fhir': () => (require('./hospital-fhir') as typeof HospitalFhir).hospitalFhir as ModuleFor<'hospital-fhir'>,
  'summary-record': () => (require('./summary-record') as typeof SummaryRecord).summaryRecord as ModuleFor<'summary-record'>,
};

/** A system's manifest alone (`adapters/<system>/manifest.ts`): what describes an instance, without its client. */
export function adapterManifest(system: SystemName): AdapterManifest {
  // Each adapter's folder is named after its system (sources.json `system`), a convention checked here.
  const { manifest } = require(`./${system}/manifest`) as { manifest: AdapterManifest };
  if (manifest.system !== system) throw new Error(`adapters/${system}/manifest declares system ${manifest.system}`);
  return manifest;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** A system's adapter module, loaded on first use (Node keeps it loaded). */
export function adapterModule<S extends SystemName>(system: S): ModuleFor<S> {
  return LOADERS[system]();
}

/** Every system's adapter module by system name; each is loaded when its property is first read. */
export const ADAPTERS = Object.defineProperties(
  {},
  Object.fromEntries(systemNames.map((system) => [system, { enumerable: true, get: () => adapterModule(system) }])),
) as { readonly [S in SystemName]: ModuleFor<S> };

/** Builds the adapter for an instance, validating its options against the adapter's manifest. */
export function createAdapter<S extends SystemName>(instance: InstanceConfig & { system: S }, kit: AdapterKit): AdapterFor[S] {
  const module = adapterModule(instance.system) as unknown as AdapterModule<unknown, unknown, unknown>;
  // Unknown keys are refused (a misspelt `timeoutMS` must not pass silently).
  const schema = module.manifest.options instanceof z.ZodObject ? module.manifest.options.strict() : module.manifest.options;
  const parsed = schema.safeParse(instance.options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new ConfigError(`instance ${instance.id} (${instance.system}) has invalid options: ${problems}`);
  }
  return module.create(instance, parsed.data, kit) as AdapterFor[S];
}
