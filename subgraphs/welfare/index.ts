import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const welfareSubgraph: SubgraphDefinition = {
  name: 'welfare',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['WelfareRecordModel'],
};
