import { getNamedType, isObjectType, type GraphQLObjectType, type SelectionSetNode, type ValidationRule } from 'graphql';
import { fieldsByResponseKey, type FragmentLookup } from './fieldsByResponseKey';
import { limitRefusal } from './limitRefusal';

const TYPE = 'Patient';
/** The log as a list and as a connection: one read of the store either way, so one of them, once. */
const FIELDS = new Set(['accessLog', 'accessLogConnection']);

/**
 * `Patient.accessLog` (or `accessLogConnection`) at most once per operation (by response path: selections that merge count once).
 * Each selection reads the log store, and aliases of it (40 were tried) multiply those reads for nothing.
 */
export function accessLogOnceRule(): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return false;
      const count = occurrences(root, [operation.selectionSet], (name) => context.getFragment(name));
      if (count > 1) context.reportError(limitRefusal('accessLog', 1, count));
      return false;
    },
  });
}

/** Response paths that end in `Patient.accessLog` or `Patient.accessLogConnection` below these selections of `type`. */
function occurrences(type: GraphQLObjectType, sets: readonly SelectionSetNode[], fragment: FragmentLookup): number {
  let count = 0;
  for (const nodes of fieldsByResponseKey(sets, fragment).values()) {
    // Nodes of one key share a field name in a valid document; validation may not have refused others yet.
    for (const name of new Set(nodes.map((n) => n.name.value))) {
      if (type.name === TYPE && FIELDS.has(name)) {
        count++;
        continue;
      }
      const field = type.getFields()[name];
      const inner = field && getNamedType(field.type);
      if (!inner || !isObjectType(inner)) continue;
      const below = nodes.filter((n) => n.name.value === name).flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      count += occurrences(inner, below, fragment);
    }
  }
  return count;
}
