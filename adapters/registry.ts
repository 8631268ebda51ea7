import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CONTRACTS, isContractName, type ContractName } from './contracts';
import type { AdapterManifest } from './kit/manifest';

/**
 * The registry of systems: every folder `adapters/<system>/` with a `manifest.ts` is a system, named by its
 * manifest (and the folder must carry that name). Nothing else lists systems: the configuration's checks
 * (lib/config.ts), the adapters a subgraph builds (adapters/index.ts, by contract), and the simulators
 * (simulators/registry.ts, `simulators/<system>/`) are derived from what is found here.
 *
 * Systems kept outside this repository (a vendor's own tree, a test's temporary folder) are found the same
 * way under each folder PATIENT_GRAPH_SYSTEM_ROOTS names (separated by the platform's path delimiter):
 * `<root>/adapters/<system>/manifest.ts` and, optionally, `<root>/simulators/<system>/index.ts`.
 */
export interface SystemEntry {
  system: string;
  manifest: AdapterManifest;
  /** The contract the system's adapter fulfils (the manifest's `provides`). */
  contract: ContractName;
  /** The adapter's folder: its index exports `{ manifest, create }`. */
  adapterDir: string;
  /** The simulator's folder, when the system has one. */
  simulatorDir?: string;
}

/** The folder holding adapters/ and simulators/ of this code: the repository in source runs, dist/ compiled. */
const CODE_ROOT = path.resolve(__dirname, '..');

function roots(env: NodeJS.ProcessEnv): string[] {
  const extra = (env.PATIENT_GRAPH_SYSTEM_ROOTS ?? '').split(path.delimiter).filter(Boolean);
  return [CODE_ROOT, ...extra.map((r) => path.resolve(r))];
}

const hasModule = (dir: string, name: string) => existsSync(path.join(dir, `${name}.ts`)) || existsSync(path.join(dir, `${name}.js`));

export class SystemRegistryError extends Error {
  override name = 'SystemRegistryError';
}

/** Reads the manifests under the given roots; throws naming the folder when one is inconsistent. */
export function discoverSystems(env: NodeJS.ProcessEnv = process.env): Map<string, SystemEntry> {
  const found = new Map<string, SystemEntry>();
  for (const root of roots(env)) {
    const adaptersDir = path.join(root, 'adapters');
    if (!existsSync(adaptersDir)) throw new SystemRegistryError(`${root} holds no adapters/ folder (PATIENT_GRAPH_SYSTEM_ROOTS)`);
    for (const entry of readdirSync(adaptersDir, { withFileTypes: true })) {
      const adapterDir = path.join(adaptersDir, entry.name);
      // kit/ is the shared adapter kit (its manifest.ts is the manifest's type), not a system.
      if (!entry.isDirectory() || entry.name === 'kit' || !hasModule(adapterDir, 'manifest')) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { manifest } = require(path.join(adapterDir, 'manifest')) as { manifest?: AdapterManifest };
      const where = `adapters/${entry.name}/manifest`;
      if (!manifest) throw new SystemRegistryError(`${where} exports no manifest`);
      if (manifest.system !== entry.name) throw new SystemRegistryError(`${where} declares system ${manifest.system}: the folder must be named after its system`);
      if (found.has(manifest.system)) throw new SystemRegistryError(`system ${manifest.system} is declared twice (${found.get(manifest.system)?.adapterDir} and ${adapterDir})`);
      const contract = manifest.provides[0];
      if (manifest.provides.length !== 1 || !isContractName(contract)) throw new SystemRegistryError(`${where} must provide exactly one contract of adapters/contracts.ts`);
      if (CONTRACTS[contract].sector !== manifest.sector) {
        throw new SystemRegistryError(`${where} declares sector ${manifest.sector}, but ${contract} belongs to ${CONTRACTS[contract].sector}`);
      }
      if (!hasModule(adapterDir, 'index')) throw new SystemRegistryError(`adapters/${entry.name} has no index exporting the adapter module`);
      const simulatorDir = path.join(root, 'simulators', entry.name);
      found.set(manifest.system, { system: manifest.system, manifest, contract, adapterDir, ...(hasModule(simulatorDir, 'index') ? { simulatorDir } : {}) });
    }
  }
  return found;
}

let cached: { key: string; systems: Map<string, SystemEntry> } | undefined;

/** Every system, found once per process (again if PATIENT_GRAPH_SYSTEM_ROOTS changes, as tests do). */
export function systemRegistry(): ReadonlyMap<string, SystemEntry> {
  const key = process.env.PATIENT_GRAPH_SYSTEM_ROOTS ?? '';
  if (cached?.key !== key) cached = { key, systems: discoverSystems() };
  return cached.systems;
}

export function systemEntry(system: string): SystemEntry {
  const entry = systemRegistry().get(system);
  if (!entry) throw new SystemRegistryError(`unknown system ${system}`);
  return entry;
}

/** The systems whose adapters fulfil any of these contracts. */
export function systemsProviding(contracts: readonly ContractName[]): string[] {
  return [...systemRegistry().values()].filter((e) => contracts.includes(e.contract)).map((e) => e.system);
}
