import type { ValidationRule } from 'graphql';
import { fieldsByResponseKey } from './fieldsByResponseKey';
import { limitRefusal } from './limitRefusal';

/**
 * At most `max` root fields per operation (graphql-armor has no such limit). Each root field is planned and
 * fetched on its own, and the planner's time grows faster than their number: 150 aliases of `patient` took
 * it 13–20 s. Root fields are counted by response key, as they run (two selections of the same key merge);
 * `__typename` and introspection are answered by the gateway itself and do not count.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const fields = fieldsByResponseKey([operation.selectionSet], (name) => context.getFragment(name));
      const count = [...fields.values()].filter((nodes) => nodes.some((n) => !n.name.value.startsWith('__'))).length;
      if (count > max) context.reportError(limitRefusal('rootFields', max, count));
      // Nothing below the root matters here.
      return false;
    },
  });
}
