import type { SubgraphDefinition } from '../kit/createSubgraph';
import { resolvers } from './resolvers';

export const personSubgraph: SubgraphDefinition = {
  name: 'person',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  systems: ['population-register', 'gp-register', 'practitioner-register'],
};
