import { buildSchema, getNamedType, isAbstractType, isObjectType, isRequiredArgument, type GraphQLNamedType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { readSupergraph } from '../../lib/subgraphs';

/**
 * A query for everything the API has under one root field: every field a client can ask for (not the hidden
 * ones between subgraphs), with its arguments' defaults, down to `maxDepth`, through every member of a union or
 * an interface, without going round a type already on the path. For tests that compare whole answers (the two
 * system modes): a field nobody thought to list is compared too.
 */
export function wholeQuery(root: 'patient' | 'me', options: { skip?: readonly string[]; maxDepth?: number } = {}): string {
  const schema = apiSchema();
  const skip = new Set(options.skip ?? []);
  const maxDepth = options.maxDepth ?? 6;
  const selection = (type: GraphQLNamedType, path: readonly string[], depth: number): string | undefined => {
    if (isAbstractType(type)) {
      const members = schema.getPossibleTypes(type).map((t) => {
        const inner = objectSelection(t, path, depth);
        return inner ? `... on ${t.name} ${inner}` : '';
      });
      return `{ __typename ${members.join(' ')} }`;
    }
    return isObjectType(type) ? objectSelection(type, path, depth) : '';
  };
  const objectSelection = (type: GraphQLObjectType, path: readonly string[], depth: number): string | undefined => {
    if (depth > maxDepth || path.includes(type.name)) return undefined;
    const fields = Object.values(type.getFields()).flatMap((field) => {
      if (field.name.startsWith('_') || skip.has(field.name) || skip.has(`${type.name}.${field.name}`)) return [];
      if (field.astNode?.directives?.some((d) => d.name.value === 'inaccessible')) return [];
      if (field.args.some(isRequiredArgument)) return [];
      const inner = selection(getNamedType(field.type), [...path, type.name], depth + 1);
      if (inner === undefined) return [];
      return [`${field.name} ${inner}`];
    });
    return fields.length > 0 ? `{ ${fields.join(' ')} }` : undefined;
  };
  const patient = schema.getType('Patient') as GraphQLObjectType;
  const body = objectSelection(patient, [], 1);
  return root === 'me' ? `query Whole { me ${body} }` : `query Whole($nin: String!) { patient(nin: $nin) ${body} }`;
}

let cached: GraphQLSchema | undefined;

/** The supergraph as a schema (its join directives are declared in it), with @inaccessible fields still marked. */
export function apiSchema(): GraphQLSchema {
  cached ??= buildSchema(readSupergraph(), { assumeValidSDL: true });
  return cached;
}
