import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const gpSubgraph: SubgraphDefinition = {
  name: 'gp',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['GpRecordModel'],
};
