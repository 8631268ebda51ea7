import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ErrorCode } from '../../lib/errorCodes';

/**
 * The HTTP status of a refused action. A mutation that did nothing (its payload null) answers with the status
 * its refusal means, as a request refused before planning does: 400 for what the client sent wrong (the field
 * is named in `extensions.argument`), 403 for a rule, 409 for an idempotency key reused for another action,
 * 503 when the graph could not record or store it. Queries keep GraphQL's 200 with partial data: a read
 * answers what it can, an action either happened or did not.
 */
export const ACTION_STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  INVALID_NIN: 400,
  MESSAGE_RECIPIENT_UNKNOWN: 400,
  MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM: 400,
  MESSAGE_THREAD_UNKNOWN: 400,
  SENDER_NOT_ADDRESSABLE: 400,
  PRACTITIONER_UNKNOWN: 400,
  ORGANISATION_UNKNOWN: 400,
  BLOCK_NOT_FOUND: 400,
  FORBIDDEN: 403,
  DOCUMENT_NOT_YOURS: 403,
  BLOCK_NOT_YOURS: 403,
  BLOCK_NOT_POSSIBLE: 409,
  SOURCE_UNAVAILABLE: 503,
  SOURCE_TIMEOUT: 503,
  IDEMPOTENCY_KEY_REUSED: 409,
  AUDIT_UNAVAILABLE: 503,
  OUTBOX_UNAVAILABLE: 503,
  SUBGRAPH_UNAVAILABLE: 503,
};

export function actionStatus<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation }) {
          if (operation?.operation !== 'mutation' || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const data = result.data as Record<string, unknown> | null | undefined;
          const nothingDone = !data || Object.values(data).every((v) => v === null);
          if (!nothingDone || !result.errors?.length) return;
          const statuses = result.errors.map((e) => ACTION_STATUS[e.extensions?.code as ErrorCode] ?? 500);
          if (response.http) response.http.status = Math.max(...statuses);
        },
      };
    },
  };
}
