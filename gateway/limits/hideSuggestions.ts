import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * graphql-js helps a client that mistypes a name with "Did you mean …?", naming fields, arguments, types and
 * enum values of the schema, including to clients that may not introspect it (introspection is off in
 * production). Every such hint is removed from error messages before they are formatted. Names never
 * contain "?", so the hint ends at the first one.
 */
const HINT = /\s*Did you mean [^?]*\?/g;

/** The message without graphql-js's "Did you mean …?" hints. */
export const withoutSuggestions = (message: string): string => (message.includes('Did you mean') ? message.replace(HINT, '') : message);

export function hideSuggestions<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            error.message = withoutSuggestions(error.message);
          }
        },
      };
    },
  };
}
