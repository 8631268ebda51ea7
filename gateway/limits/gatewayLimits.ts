import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import { accessLogOnceRule } from './accessLogOnceRule';
import { armorLimits } from './armorLimits';
import { hideSuggestions } from './hideSuggestions';
import { keepLimitCodes } from './keepLimitCodes';
import { limitsFromEnv, type Limits } from './limitsFromEnv';
import { maxRootFieldsRule } from './maxRootFieldsRule';
import { costLimit, costReport } from './operationCost';
import { patientBudget } from './patientBudget';

/**
 * The gateway's limits as Apollo Server options: pass `plugins` with the others and `validationRules` as
 * they are. Every limit refuses before the operation is planned, so a refused request costs parsing and
 * validation (milliseconds) and asks no subgraph and no legacy system:
 * - while parsing: tokens (graphql-armor);
 * - while validating: aliases, depth, directives (graphql-armor), root fields, `accessLog` once;
 * - once the operation and its variables are known: the patient budget and the estimated cost.
 * And one that refuses nothing: `reportPlugins`, which put the answer's cost in `extensions.cost`.
 */
export function gatewayLimits<C extends BaseContext>(
  limits: Limits = limitsFromEnv(),
): { plugins: ApolloServerPlugin<C>[]; operationPlugins: ApolloServerPlugin<C>[]; reportPlugins: ApolloServerPlugin<C>[]; validationRules: ValidationRule[]; limits: Limits } {
  const armor = armorLimits(limits);
  // The plugins that act on the resolved operation and on errors, apart from the token count while
  // parsing (armor's, Apollo-specific): Hive Gateway runs these through its bridge and counts tokens itself.
  const operationPlugins = [keepLimitCodes<C>(), hideSuggestions<C>(), patientBudget<C>(limits.patients), costLimit<C>(limits.cost)];
  return {
    plugins: [...(armor.plugins as ApolloServerPlugin<C>[]), ...operationPlugins],
    operationPlugins,
    // Last among an engine's plugins: what the answer cost as it leaves (extensions.cost).
    reportPlugins: [costReport<C>(limits.cost)],
    validationRules: [...armor.validationRules, maxRootFieldsRule(limits.rootFields), accessLogOnceRule()],
    limits,
  };
}
