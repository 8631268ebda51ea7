import { defaultFieldResolver, isObjectType, Kind, parse, type GraphQLSchema } from 'graphql';
import { graphError } from '../../lib/errorCodes';

/** A field computed from other subgraphs' objects, and the inputs (top-level `@requires` fields) the gateway must hand over. */
export interface ComputedField {
  type: string;
  field: string;
  inputs: string[];
}

/**
 * The fields of this subgraph's SDL that are computed from other subgraphs' objects: `@requires` with a selection
 * (`medications`, `timeline`, `messages`, …), each with its inputs. `accessGrant` is not counted as an input here:
 * the grant is the access rules' to check, and an absent one is refused by them (FORBIDDEN, INVALID_GRANT).
 */
export function computedFields(sdl: string): ComputedField[] {
  const found: ComputedField[] = [];
  for (const definition of parse(sdl, { noLocation: true }).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const requires = field.directives?.find((d) => d.name.value === 'requires')?.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (requires?.kind !== Kind.STRING || !requires.value.includes('{')) continue;
      const selection = parse(`{ ${requires.value} }`, { noLocation: true }).definitions[0];
      if (selection?.kind !== Kind.OPERATION_DEFINITION) continue;
      const inputs = selection.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD && s.name.value !== 'accessGrant' ? [s.name.value] : []));
      found.push({ type: definition.name.value, field: field.name.value, inputs });
    }
  }
  return found;
}

/** The inputs the gateway did not hand over. Null is handed over: it is how a sector subgraph that failed arrives (its sources then say so). */
export function missingInputs(parent: unknown, inputs: readonly string[]): string[] {
  const given = parent !== null && typeof parent === 'object' ? parent : {};
  return inputs.filter((name) => !(name in given));
}

/**
 * A computed field refuses to answer without its inputs: REQUIRED_INPUTS_MISSING, the field null. Without them a
 * merged view would be built from part of the record and look complete (an empty timeline, every sector
 * "unavailable"); that is a fault of the gateway's query plan, not of a source, and must never pass as an answer.
 * An error beside data is not enough: Hive Gateway's default planner drops a subgraph's errors beside non-null data.
 * The absent inputs' names (internal, @inaccessible fields) go to `report` for the operators, not to the client.
 */
export function requireInputs(schema: GraphQLSchema, sdl: string, report: (missing: ComputedField & { absent: string[] }) => void = () => undefined): GraphQLSchema {
  for (const computed of computedFields(sdl)) {
    const type = schema.getType(computed.type);
    const field = isObjectType(type) ? type.getFields()[computed.field] : undefined;
    if (!field) throw new Error(`${computed.type}.${computed.field} is in the SDL but not in the schema`);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx, info) => {
      const absent = missingInputs(parent, computed.inputs);
      if (absent.length > 0) {
        report({ ...computed, absent });
        throw graphError(
          'REQUIRED_INPUTS_MISSING',
          `${computed.type}.${computed.field} could not be computed: the gateway did not hand over ${absent.length} of the ${computed.inputs.length} parts it is computed from. This is a fault of the gateway's query plan, not a missing source.`,
          { field: `${computed.type}.${computed.field}`, absent: absent.length },
        );
      }
      return resolve(parent, args, ctx, info);
    };
  }
  return schema;
}
