import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const recordSubgraph: SubgraphDefinition = {
  name: 'record',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: [],
};
