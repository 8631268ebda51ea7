import { systemRegistry } from '../adapters/registry';
import type { SimulatorDefinition } from './kit/definition';

/**
 * Every simulated system, by the system name used in sources.json: derived from the registry of systems
 * (adapters/registry.ts), which finds `simulators/<system>/index.ts` beside each adapter. A simulator's folder
 * exports one SimulatorDefinition for its system; a system without one (a vendor's real system) has none here.
 * The registry reads the adapters' manifests only, never their clients or mappers.
 */
export function simulators(): Map<string, SimulatorDefinition> {
  const found = new Map<string, SimulatorDefinition>();
  for (const entry of systemRegistry().values()) {
    if (!entry.simulatorDir) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(entry.simulatorDir) as Record<string, unknown>;
    const definition = Object.values(exports).find(
      (value): value is SimulatorDefinition =>
        typeof value === 'object' && value !== null && ('createApp' in value || 'createMllpHandler' in value) && (value as SimulatorDefinition).system === entry.system,
    );
    if (!definition) throw new Error(`simulators/${entry.system}/index exports no SimulatorDefinition for system ${entry.system}`);
    found.set(entry.system, definition);
  }
  return found;
}
