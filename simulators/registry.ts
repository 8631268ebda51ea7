import type { SystemName } from '../lib/config';
import { careJsonSimulator } from './care-json';
import { carePloSimulator } from './care-plo';
import { gpKithSimulator } from './gp-kith';
import { gpRegisterSimulator } from './gp-register';
import { hospitalFhirSimulator } from './hospital-fhir';
import type { SimulatorDefinition } from './kit/definition';
import { populationRegisterSimulator } from './population-register';
import { practitionerRegisterSimulator } from './practitioner-register';
import { summaryRecordSimulator } from './summary-record';

/** Every simulated system, by the system name used in sources.json. */
export const SIMULATORS: Record<SystemName, SimulatorDefinition> = {
  'population-register': populationRegisterSimulator,
  'gp-register': gpRegisterSimulator,
  'practitioner-register': practitionerRegisterSimulator,
  'summary-record': summaryRecordSimulator,
  'gp-kith': gpKithSimulator,
  'hospital-fhir': hospitalFhirSimulator,
  'care-json': careJsonSimulator,
  'care-plo': carePloSimulator,
};
