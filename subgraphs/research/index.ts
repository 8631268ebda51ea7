import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';
import { startResearch } from './runtime';

/**
 * Data for quality and research without copying records (issue 21): aggregates over the live sources with disclosure
 * control, as jobs. It reads every sector's systems (in batches, within research's share of each), and decides no
 * access to a patient: its one rule, researchAggregate, admits researchers under an approval and administration, and
 * what leaves it is anonymous.
 */
export const researchSubgraph: SubgraphDefinition = {
  name: 'research',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['RegistryPerson', 'GpListingModel', 'CareRecordModel', 'GpRecordModel', 'HospitalRecordModel'],
  background: startResearch,
};
