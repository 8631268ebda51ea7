import { ConfigError, type InstanceConfig, type SystemName } from '../lib/config';
import { careJson } from './care-json';
import { carePlo } from './care-plo';
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
import { gpKith } from './gp-kith';
import { gpRegister } from './gp-register';
import { hospitalFhir } from './hospital-fhir';
import type { AdapterKit } from './kit';
import { populationRegister } from './population-register';
import { practitionerRegister } from './practitioner-register';
import { summaryRecord } from './summary-record';

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

export const ADAPTERS: { [S in SystemName]: ModuleFor<S> } = {
  'population-register': populationRegister as ModuleFor<'population-register'>,
  'gp-register': gpRegister as ModuleFor<'gp-register'>,
  'practitioner-register': practitionerRegister as ModuleFor<'practitioner-register'>,
  'care-json': careJson as ModuleFor<'care-json'>,
  'care-plo': carePlo as ModuleFor<'care-plo'>,
  'gp-kith': gpKith as ModuleFor<'gp-kith'>,
  'hospital-fhir': hospitalFhir as ModuleFor<'hospital-fhir'>,
  'summary-record': summaryRecord as ModuleFor<'summary-record'>,
};

/** Builds the adapter for an instance, validating its options against the adapter's manifest. */
export function createAdapter<S extends SystemName>(instance: InstanceConfig & { system: S }, kit: AdapterKit): AdapterFor[S] {
  const module = ADAPTERS[instance.system] as unknown as AdapterModule<unknown, unknown, unknown>;
  const parsed = module.manifest.options.safeParse(instance.options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new ConfigError(`instance ${instance.id} (${instance.system}) has invalid options: ${problems}`);
  }
  return module.create(instance, parsed.data, kit) as AdapterFor[S];
}
