import type { SystemName } from '../lib/config';
import type { SimulatorDefinition } from './kit/definition';
import { populationRegisterSimulator } from './population-register';

/** Every simulated system, by the system name used in sources.json. */
export const SIMULATORS: Partial<Record<SystemName, SimulatorDefinition>> = {
  'population-register': populationRegisterSimulator,
};
