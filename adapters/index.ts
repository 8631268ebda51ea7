import { z } from 'zod';
import { ConfigError, type InstanceConfig } from '../lib/config';
import type { AdapterFor, AdapterModule, ContractName } from './contracts';
import type { AdapterKit, AdapterManifest } from './kit';
import { systemEntry, systemRegistry } from './registry';

export type { AdapterFor, ContractName } from './contracts';
export { systemRegistry, systemsProviding } from './registry';

/** A system's manifest alone (`adapters/<system>/manifest.ts`): what describes an instance, without its client. */
export function adapterManifest(system: string): AdapterManifest {
  return systemEntry(system).manifest;
}

/*
 * Each adapter module is loaded when first asked for, not with the registry: a subgraph process then holds the
 * protocol clients, mappers and schemas of the systems it calls (the contracts in its definition), not all of
 * them. `require` rather than `import()` because adapters are created synchronously, at start and in resolvers.
 */
const modules = new Map<string, AdapterModule<unknown, unknown, unknown>>();

/** A system's adapter module (the one its folder's index exports with the system's manifest), loaded on first use. */
export function adapterModule(system: string): AdapterModule<unknown, unknown, unknown> {
  let module = modules.get(system);
  if (!module) {
    const entry = systemEntry(system);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(entry.adapterDir) as Record<string, unknown>;
    module = Object.values(exports).find(
      (value): value is AdapterModule<unknown, unknown, unknown> =>
        typeof value === 'object' && value !== null && 'create' in value && 'manifest' in value && (value as { manifest: AdapterManifest }).manifest === entry.manifest,
    );
    if (!module) throw new Error(`adapters/${system}/index exports no adapter module ({ manifest, create }) with its manifest`);
    modules.set(system, module);
  }
  return module;
}

/** Every system's manifest, by system name. */
export function manifests(): Map<string, AdapterManifest> {
  return new Map([...systemRegistry().values()].map((e) => [e.system, e.manifest]));
}

/**
 * Builds the adapter for an instance, validating its options against the adapter's manifest. `contract` is
 * what the caller needs from it: an instance whose system fulfils another contract is refused (a routing
 * mistake in organisations.json, also caught by checkConsistency at start).
 */
export function createAdapter<C extends ContractName>(instance: InstanceConfig, contract: C, kit: AdapterKit): AdapterFor[C] {
  const entry = systemEntry(instance.system);
  if (entry.contract !== contract) throw new ConfigError(`instance ${instance.id} runs ${instance.system}, which provides ${entry.contract}, not ${contract}`);
  const module = adapterModule(instance.system);
  // Unknown keys are refused (a misspelt `timeoutMS` must not pass silently).
  const schema = module.manifest.options instanceof z.ZodObject ? module.manifest.options.strict() : module.manifest.options;
  const parsed = schema.safeParse(instance.options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new ConfigError(`instance ${instance.id} (${instance.system}) has invalid options: ${problems}`);
  }
  // The registry checked that this module's manifest provides `contract`; its create returns that contract's adapter.
  return module.create(instance, parsed.data, kit) as AdapterFor[C];
}
