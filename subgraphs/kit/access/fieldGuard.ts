import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { deny, rule, shield, type IRule, type IRules } from 'graphql-shield';
import { fieldRules } from '../../../lib/accessRules';
import { graphError } from '../../../lib/errorCodes';
import type { SubgraphName } from '../../../lib/subgraphs';
import type { AccessContext } from './AccessContext';
import { RULE_IMPLEMENTATIONS } from './rules';

/**
 * Puts the subgraph's rule table in front of every field with graphql-shield: deny by default, a denial is
 * a FORBIDDEN error naming the rule, and a denied field's resolver never runs (so the legacy system it
 * would ask is not asked). Throws at start when the table does not cover the schema.
 */
export function guardFields(subgraph: SubgraphName, schema: GraphQLSchema): GraphQLSchema {
  const table = fieldRules(subgraph, schema);
  // One shield rule per named rule: shield caches results by rule name within a request, and 'no_cache'
  // keeps it from reusing an answer for another parent (rules here depend on the item they guard).
  const shieldRules = new Map(
    Object.entries(RULE_IMPLEMENTATIONS).map(([name, implementation]) => [
      name,
      rule(name, { cache: 'no_cache' })((parent: unknown, args: unknown, ctx: { access: AccessContext }, info) => implementation(parent, args, ctx, info)) as IRule,
    ]),
  );
  const tree: Record<string, Record<string, IRule>> = {};
  for (const [path, name] of table) {
    const [type, field] = path.split('.') as [string, string];
    const guard = shieldRules.get(name);
    if (!guard) throw new Error(`rule ${name} has no implementation`);
    (tree[type] ??= {})[field] = guard;
  }
  const middleware = shield(tree satisfies IRules, {
    fallbackRule: deny,
    // Reached only by a field the table missed, which fieldRules makes impossible; still a clean refusal.
    fallbackError: graphError('FORBIDDEN', 'Access denied: no rule grants this field', { rule: 'deny' }),
    // A resolver's own GraphQL errors (a source that failed) pass through as they are, not as denials.
    allowExternalErrors: true,
    debug: false,
  });
  return applyMiddleware(schema, middleware);
}
