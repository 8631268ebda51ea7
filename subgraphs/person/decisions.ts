import type { ApolloServerPlugin } from '@apollo/server';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { groundLabel } from '../kit/access/AccessDecision';
import type { SubgraphContext } from '../kit/createSubgraph';

export { decider, loadListing, loadPerson } from '../kit/access/decider';

/**
 * Hands the gateway each decision of the request in the response's extensions, keyed by the patient's
 * pseudonym in the access log, so the log can say which relationship granted each disclosure.
 */
export function reportDecisions(pseudonymKey: () => Buffer): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const made = contextValue.access.settled();
          if (response.body.kind !== 'single' || made.size === 0) return;
          const report = Object.fromEntries(
            [...made].map(([nin, d]) => [patientPseudonym(nin, pseudonymKey()), { grounds: [...d.grounds.map(groundLabel), ...(d.blocksUnchecked ?? []).map((org) => `BLOCKS_UNCHECKED:${org}`)], refusal: d.refusal }]),
          );
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, accessDecisions: report };
        },
      };
    },
  };
}
