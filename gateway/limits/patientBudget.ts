import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getArgumentValues, getVariableValues, Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { fieldsByResponseKey } from './fieldsByResponseKey';
import { limitRefusal } from './limitRefusal';

/**
 * How many patients each root field reads. The person subgraph caps one `patients` list; only the gateway
 * sees every root field and alias of a request together (20 aliases of a 100-number list read 2,000).
 * A root field that returns patients and is missing here is a gap: gateway/limits/patientBudget.test.ts
 * checks the table against the schema.
 */
export const PATIENT_ROOTS: Readonly<Record<string, { one: true } | { listArgument: string }>> = {
  patient: { one: true },
  me: { one: true },
  patients: { listArgument: 'nins' },
  // One object, a patient or not: counted as one, since whether the id holds a patient is not known before planning.
  node: { one: true },
};

/**
 * Refuses, before planning, a request that would read more than `max` patients over all its root fields
 * and aliases (TOO_MANY_PATIENTS, HTTP 400). Here rather than in validation because it needs the
 * variables: validated documents are cached by their text, whatever the variables.
 */
export function patientBudget<C extends BaseContext>(max: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const count = patientsRead(schema, operation, document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION), request.variables ?? {});
          if (count !== undefined && count > max) throw limitRefusal('patients', max, count);
        },
      };
    },
  };
}

/**
 * The patients an operation reads, with its arguments as GraphQL coerces them (variable defaults filled
 * in, a single number taken as a list of one). Undefined when the variables do not coerce: the gateway
 * then refuses them itself, before planning, and nothing is read.
 */
export function patientsRead(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[], variables: Record<string, unknown>): number | undefined {
  const values = getVariableValues(schema, operation.variableDefinitions ?? [], variables).coerced;
  if (!values) return undefined;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const byName = new Map(fragments.map((f) => [f.name.value, f]));
  let count = 0;
  for (const nodes of fieldsByResponseKey([operation.selectionSet], (name) => byName.get(name)).values()) {
    // One key, one field: validation has made sure that selections sharing a key merge.
    const node = nodes[0] as FieldNode;
    const how = PATIENT_ROOTS[node.name.value];
    const field = root.getFields()[node.name.value];
    if (!how || !field) continue;
    count += 'one' in how ? 1 : listLength(field, node, values, how.listArgument);
  }
  return count;
}

function listLength(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>, argument: string): number {
  const value = getArgumentValues(field, node, variables)[argument];
  return Array.isArray(value) ? value.length : value === null || value === undefined ? 0 : 1;
}
