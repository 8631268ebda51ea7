import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FragmentDefinitionNode } from 'graphql';
import { describeReader, subjectOf, type Identity } from '../../lib/identity';
import { citizenAccessor } from '../../lib/audit/citizenAccessor';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import type { AuditStore } from '../../lib/audit/AuditStore';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import type { Logger } from '../../lib/logger';
import type { GatewayContext } from '../SubgraphDataSource';
import { metrics } from '../../lib/metrics';
import { disclosures, UnattributedDisclosure, type Disclosure } from './disclosures';

/**
 * Writes the access log: after the answer is assembled and before it leaves, one record per patient the
 * answer discloses anything about. If the store cannot take the records, the answer is replaced by
 * AUDIT_UNAVAILABLE (HTTP 503) with no data: what is not on record is not disclosed (pjl § 22).
 */
export function accessLogPlugin(store: AuditStore, pseudonymKey: Buffer, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operation, document, request, schema }) {
          if (response.body.kind !== 'single' || !operation || !document || !contextValue.identity) return;
          const result = response.body.singleResult;
          if (!result.data) return;
          const fragments = Object.fromEntries(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          const identity = contextValue.identity;
          try {
            const found = disclosures(schema, operation, fragments, request.variables ?? {}, result.data, result.errors ?? [], identity.kind === 'CITIZEN' ? subjectOf(identity) : null);
            if (found.length === 0) return;
            const time = new Date().toISOString();
            await store.append(found.map((d) => recordOf(d, identity, contextValue, pseudonymKey, time)));
            metrics().accessLogWrites.inc({ outcome: 'ok' });
          } catch (error) {
            metrics().accessLogWrites.inc({ outcome: error instanceof UnattributedDisclosure ? 'unattributed' : 'failed' });
            // The reason is the store's error code; neither the records nor the answer are logged.
            logger.error({ requestId: contextValue.requestId, reason: (error as Error).message, ...describeReader(identity) }, 'access log unavailable: answer withheld');
            response.body.singleResult = {
              data: null,
              errors: [
                {
                  message: 'The access log could not record this disclosure, so nothing was disclosed; try again later',
                  extensions: { code: 'AUDIT_UNAVAILABLE', requestId: contextValue.requestId },
                },
              ],
            };
            if (response.http) response.http.status = 503;
          }
        },
      };
    },
  };
}

function recordOf(d: Disclosure, identity: Identity, ctx: GatewayContext, key: Buffer, time: string): AccessRecord {
  const patient = patientPseudonym(d.nin, key);
  // The person subgraph's grounds, and a participant's consent in the patient's individual plan (the care subgraph's).
  const grounds = [...(ctx.accessDecisions.get(patient)?.grounds ?? []), ...(ctx.planConsents?.get(patient) ?? [])];
  const basis = grounds.length > 0 ? grounds : [identity.kind === 'CITIZEN' ? (identity.represents ? 'REPRESENTATIVE' : 'OWN_RECORD') : identity.role === 'PARTICIPANT' ? 'PLAN_PARTICIPANT' : 'HEALTH_PERSONNEL'];
  return {
    id: randomUUID(),
    time,
    requestId: ctx.requestId,
    accessor:
      identity.kind === 'CITIZEN'
        ? citizenAccessor(identity, key)
        : {
            kind: 'PERSONNEL',
            hprNumber: identity.hprNumber,
            orgNumber: identity.orgNumber,
            childOrgNumber: identity.childOrgNumber,
            herId: identity.herId,
            profession: identity.profession,
          },
    patient,
    purpose: identity.purpose,
    emergencyReason: identity.purpose === 'ETREAT' ? identity.emergencyReason : null,
    basis,
    fields: [...d.fields].sort(),
    denied: [...d.denied].sort(),
  };
}
