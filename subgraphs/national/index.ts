import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const nationalSubgraph: SubgraphDefinition = {
  name: 'national',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['SummaryRecordModel'],
};
