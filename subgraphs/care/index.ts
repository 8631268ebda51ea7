import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const careSubgraph: SubgraphDefinition = {
  name: 'care',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['CareRecordModel'],
};
