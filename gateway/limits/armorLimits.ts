import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { limitRefusal, type LimitName } from './limitRefusal';
import type { Limits } from './limitsFromEnv';

/**
 * graphql-armor's limits, as Apollo Server options: tokens while parsing (a plugin), aliases, depth and
 * directives while validating (validation rules). The cost is the gateway's own (operationCost.ts). Each refusal carries its own code (see
 * limitRefusal) instead of armor's BAD_USER_INPUT. Armor's field-suggestion masking is not used: its
 * pattern leaves a stray "?" and misses "Did you mean the enum value …" (see hideSuggestions).
 */
export function armorLimits(limits: Limits): { plugins: ApolloServerPlugin<BaseContext>[]; validationRules: ValidationRule[] } {
  // Reported to the validation context, so Apollo answers HTTP 400 with every refusal at once; thrown
  // (armor's propagateOnRejection) it would abort validation with a generic error.
  const report = (limit: LimitName, max: number) => ({
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(limitRefusal(limit, max, foundIn(error)))],
  });
  const validation = new ApolloArmor({
    maxAliases: { n: limits.aliases, ...report('aliases', limits.aliases) },
    maxDepth: { n: limits.depth, ...report('depth', limits.depth) },
    maxDirectives: { n: limits.directives, ...report('directives', limits.directives) },
    // The cost is estimated with the variables' values (operationCost.ts): armor's rule sees literals only.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();

  // Armor counts tokens in `parsingDidStart`, parsing the text itself, and throws when there are too many,
  // which stops parsing at the limit. Apollo takes an error thrown by a hook for a fault of the server, and
  // armor's own `unexpectedErrorProcessingRequest` then answers HTTP 500 GRAPHQL_VALIDATION_FAILED, for a
  // mere syntax error too, and for every other fault with its internal message. So armor's hook is not
  // used: a syntax error is left to Apollo's own parse (GRAPHQL_PARSE_FAILED, HTTP 400), the token refusal
  // becomes TOO_MANY_TOKENS (HTTP 400), and any other fault is Apollo's (logged, a bare 500).
  const refused = new WeakSet<object>();
  const tokens = new ApolloArmor({
    maxTokens: { n: limits.tokens, propagateOnRejection: true, onReject: [(_context: ValidationContext | null, error: GraphQLError) => refused.add(error)] },
    maxAliases: { enabled: false },
    maxDepth: { enabled: false },
    maxDirectives: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const tokenPlugins = tokens.plugins.map(
    (armor): ApolloServerPlugin<BaseContext> => ({
      async requestDidStart(requestContext) {
        const listener = await armor.requestDidStart?.(requestContext);
        return {
          ...listener,
          async parsingDidStart(parsingContext) {
            try {
              return await listener?.parsingDidStart?.(parsingContext);
            } catch (error) {
              if (error instanceof GraphQLError && !refused.has(error)) return undefined;
              throw error;
            }
          },
        };
      },
      async unexpectedErrorProcessingRequest({ error }) {
        if (refused.has(error)) throw limitRefusal('tokens', limits.tokens);
      },
    }),
  );
  return { plugins: tokenPlugins, validationRules: validation.validationRules };
}

/** The size armor found, from its message ("… exceeded, found 150."): armor reports it nowhere else. */
function foundIn(error: GraphQLError): number | undefined {
  const found = /found (\d+(?:\.\d+)?)/.exec(error.message)?.[1];
  return found === undefined ? undefined : Math.round(Number(found));
}
