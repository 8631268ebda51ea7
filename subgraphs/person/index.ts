import type { SubgraphDefinition } from '../kit/createSubgraph';
import { auditPseudonymKey } from './accessLog';
import { decider, reportDecisions } from './decisions';
import { resolvers } from './resolvers';

export const personSubgraph: SubgraphDefinition = {
  name: 'person',
  resolvers: resolvers as SubgraphDefinition['resolvers'],
  // The care and hospital systems too: a reader's relationship is read from their own organisation's system.
  systems: ['population-register', 'gp-register', 'practitioner-register', 'care-json', 'care-plo', 'hospital-fhir', 'summary-record'],
  decide: decider,
  plugins: [reportDecisions(auditPseudonymKey)],
};
