import type { SubgraphName } from '../lib/subgraphs';
import { careSubgraph } from './care';
import { gpSubgraph } from './gp';
import { hospitalSubgraph } from './hospital';
import type { SubgraphDefinition } from './kit/createSubgraph';
import { nationalSubgraph } from './national';
import { personSubgraph } from './person';
import { messagingSubgraph } from './messaging';
import { recordSubgraph } from './record';
import { welfareSubgraph } from './welfare';
import { researchSubgraph } from './research';

export const SUBGRAPH_DEFINITIONS: Record<SubgraphName, SubgraphDefinition> = {
  person: personSubgraph,
  care: careSubgraph,
  gp: gpSubgraph,
  hospital: hospitalSubgraph,
  national: nationalSubgraph,
  record: recordSubgraph,
  messaging: messagingSubgraph,
  welfare: welfareSubgraph,
  research: researchSubgraph,
};
