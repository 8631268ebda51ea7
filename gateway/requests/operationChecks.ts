import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ARGUMENT_RULES, argumentError, argumentProblem, type ArgumentProblem } from '../../lib/argumentRules';
import { graphError } from '../../lib/errorCodes';

const BAD = { http: { status: 400 } };

/**
 * Client mistakes that Apollo Gateway would otherwise turn into HTTP 500 and an error-level log line (it
 * throws where Apollo Server expects an error result), answered before planning with HTTP 400 and a
 * registered code:
 * - no operation to run: `operationName` names none in the document, or several and no name (the name is
 *   not echoed: it is whatever the client sent);
 * - a mutation or subscription on a graph that has queries only;
 * - arguments outside what they take (lib/argumentRules.ts), with the variables as GraphQL coerces them:
 *   `timeline(first: -1)`, `timeline(from: "yesterday")`.
 * Put it first among the plugins: the first refusal is the one the client gets.
 */
export function operationChecks<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) {
            const several = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length > 1;
            throw graphError(
              'OPERATION_RESOLUTION_FAILURE',
              request.operationName
                ? 'The document has no operation with the given operationName.'
                : several
                  ? 'The document has several operations: send operationName to choose one.'
                  : 'The document has no operation to run.',
              BAD,
            );
          }
          if (!schema.getRootType(operation.operation)) {
            throw graphError('OPERATION_NOT_SUPPORTED', `This graph is read-only: it answers queries, not ${operation.operation}s.`, BAD);
          }
          const problem = firstArgumentProblem(schema, operation, document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION), request.variables ?? {});
          if (problem) throw argumentError(problem, BAD);
        },
      };
    },
  };
}

/** A field of a document whose arguments have rules (lib/argumentRules.ts). */
interface RuledField {
  typeName: string;
  field: FieldNode;
  definition: GraphQLField<unknown, unknown>;
}

// The fields with ruled arguments, found once per parsed document (Apollo and Yoga keep one parsed document
// per operation text); only their arguments are worked out per request, with that request's variables.
const ruledFieldsByDocument = new WeakMap<OperationDefinitionNode, RuledField[]>();
const RULED = new Set(Object.keys(ARGUMENT_RULES).map((c) => c.split('.').slice(0, 2).join('.')));

function ruledFields(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[]): RuledField[] {
  let found = ruledFieldsByDocument.get(operation);
  if (found) return found;
  const fields: RuledField[] = [];
  const typeInfo = new TypeInfo(schema);
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          const definition = typeInfo.getFieldDef();
          if (!parent || !definition || !isObjectType(getNamedType(parent)) || !RULED.has(`${parent.name}.${field.name.value}`)) return;
          fields.push({ typeName: parent.name, field, definition });
        },
      }),
    );
  collect(operation);
  // Fragments are visited with their own type condition (validation has refused unused ones).
  for (const fragment of fragments) collect(fragment);
  found = fields;
  ruledFieldsByDocument.set(operation, found);
  return found;
}

/**
 * The first field of the operation (fragments included) whose arguments are refused. Undefined when the
 * variables do not coerce: the gateway refuses them itself, before planning.
 */
export function firstArgumentProblem(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): ArgumentProblem | undefined {
  const fields = ruledFields(schema, operation, fragments);
  if (fields.length === 0) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables).coerced;
  if (!coerced) return undefined;
  for (const { typeName, field, definition } of fields) {
    const problem = argumentProblem(typeName, field.name.value, getArgumentValues(definition, field, coerced));
    if (problem) return problem;
  }
  return undefined;
}
