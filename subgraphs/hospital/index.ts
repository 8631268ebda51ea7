import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const hospitalSubgraph: SubgraphDefinition = {
  name: 'hospital',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['HospitalRecordModel', 'LabResultsModel'],
};
