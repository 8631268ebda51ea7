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
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { argumentError, argumentProblem } from '../../lib/argumentRules';
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

/**
 * The first field of the operation (fragments included) whose arguments are refused. Undefined when the
 * variables do not coerce: the gateway refuses them itself, before planning.
 */
export function firstArgumentProblem(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): { argument: string; message: string } | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables).coerced;
  if (!coerced) return undefined;
  const typeInfo = new TypeInfo(schema);
  let found: { argument: string; message: string } | undefined;
  const check = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          if (found) return false;
          const parent = typeInfo.getParentType();
          const definition = typeInfo.getFieldDef();
          if (!parent || !definition || !isObjectType(getNamedType(parent)) || !field.arguments?.length) return undefined;
          found = argumentProblem(parent.name, field.name.value, getArgumentValues(definition, field, coerced));
          return undefined;
        },
      }),
    );
  check(operation);
  // Fragments are visited with their own type condition (validation has refused unused ones).
  for (const fragment of fragments) if (!found) check(fragment);
  return found;
}
