import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { isLimitCode } from './limitRefusal';

/**
 * Apollo wraps every validation error in its own, coded GRAPHQL_VALIDATION_FAILED whatever code the rule
 * gave. A refusal by a limit gets its own code back here (the wrapped error keeps it), before errors are
 * formatted, so that a client can tell TOO_MANY_ALIASES from a mistyped field.
 */
export function keepLimitCodes<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const original = error.originalError;
            if (original instanceof GraphQLError && isLimitCode(original.extensions.code) && error.extensions.code !== original.extensions.code) {
              (error.extensions as Record<string, unknown>).code = original.extensions.code;
            }
          }
        },
      };
    },
  };
}
