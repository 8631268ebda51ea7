import type { ApolloServerPlugin } from '@apollo/server';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { auditPseudonymKey } from '../../lib/secrets';
import type { SubgraphContext } from '../kit/createSubgraph';

/**
 * Hands the gateway the consents that granted a participant outside health care a patient's individual plan in this
 * request (`PLAN_CONSENT:<the unit's organisation number>`), in the response's extensions, keyed by the patient's
 * pseudonym in the access log: the person subgraph's decision gives such a reader no ground, so without this the log
 * could not say what allowed the disclosure. The gateway takes only grounds of this form, and only from this subgraph.
 */
export function reportPlanConsents(pseudonymKey: () => Buffer = auditPseudonymKey): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const granted = contextValue.access.consentGrounds();
          if (response.body.kind !== 'single' || granted.size === 0) return;
          const report = Object.fromEntries([...granted].map(([nin, ground]) => [patientPseudonym(nin, pseudonymKey()), [ground]]));
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, planConsents: report };
        },
      };
    },
  };
}

