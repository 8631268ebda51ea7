import type { SubgraphDefinition } from '../kit/createSubgraph';
import { reportPlanConsents } from './planConsents';
import { planConsentOf, resolvers } from './resolvers';

export const careSubgraph: SubgraphDefinition = {
  name: 'care',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  contracts: ['CareRecordModel'],
  // The care record holds the individual plan: a participant's consent in it is checked here, and reported for the log.
  planConsent: planConsentOf,
  plugins: [reportPlanConsents()],
};
