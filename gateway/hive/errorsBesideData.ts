import type { GatewayPlugin } from '@graphql-hive/gateway';
import path from 'node:path';
import { GraphQLError, isObjectType, responsePathAsArray, type GraphQLFieldResolver, type GraphQLFormattedError, type GraphQLResolveInfo } from 'graphql';

/**
 * A subgraph's error beside data it did answer (a record computed without one source: the timeline and the merged
 * medicines hold the others' items, and SOURCE_UNAVAILABLE names the missing source) reaches the client on Hive's
 * default planner too. That planner (@graphql-tools/delegate 12.3) keeps an entity's errors whose path ends at a field
 * that has data as "unpathed" errors on the object, and sends them only where a field comes back null: beside a
 * non-null list they were dropped, and the answer looked whole. Apollo Gateway and Hive's Rust planner send them.
 *
 * As each field of a Patient is resolved (the object carries its subgraph's errors under the delegate's
 * `subschemaErrors` symbol), an error below that field is placed at the field's path in the answer (list indexes
 * included) and kept on the request; when the answer is finished, those it does not hold already are added
 * (`withErrorsBesideData`).
 */
const UNPATHED_ERRORS = Symbol.for('subschemaErrors');

/**
 * The resolver Hive Gateway gives every field of its schema that has none (the runtime's merged-type resolver, from
 * its own copy of @graphql-tools/delegate): what a wrapped field without its own resolver calls.
 */
const mergedResolver = (() => {
  const runtime = path.dirname(require.resolve('@graphql-hive/gateway-runtime'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(require.resolve('@graphql-tools/delegate', { paths: [runtime] })) as { defaultMergedResolver: GraphQLFieldResolver<unknown, unknown> }).defaultMergedResolver;
})();

type Path = readonly (string | number)[];
const found = new WeakMap<object, Map<string, GraphQLError>>();

export function errorsBesideData(): GatewayPlugin {
  const done = new WeakSet<object>();
  return {
    // Only the fields of Patient, the entity every sector's subgraph answers for: where errors beside data arise here.
    // (Wrapping every field of the gateway's schema broke its planning of other entities: Referral.assessment.)
    onSchemaChange({ schema }) {
      if (done.has(schema)) return;
      done.add(schema);
      const patient = schema.getType('Patient');
      if (!isObjectType(patient)) return;
      for (const field of Object.values(patient.getFields())) {
        const original = field.resolve ?? mergedResolver;
        field.resolve = (root, args, context, info) => {
          if (context && typeof context === 'object') keepErrorsBelow(root, context, info);
          return original(root, args, context, info);
        };
      }
    },
  };
}

/** The errors the object's subgraph answered beside data below this field, placed at the field's path. */
function keepErrorsBelow(root: unknown, context: object, info: GraphQLResolveInfo): void {
  const errors = root && typeof root === 'object' ? ((root as Record<symbol, unknown>)[UNPATHED_ERRORS] as readonly GraphQLError[] | undefined) : undefined;
  if (!errors?.length) return;
  const responseKey = info.fieldNodes[0]?.alias?.value ?? info.fieldName;
  for (const error of errors) {
    const below = belowEntity(error.path);
    if (!below || below[0] !== responseKey) continue;
    const at = [...responsePathAsArray(info.path), ...below.slice(1)];
    let map = found.get(context);
    if (!map) found.set(context, (map = new Map()));
    map.set(key(at, error.message), new GraphQLError(error.message, { path: at, extensions: error.extensions, originalError: error.originalError ?? undefined }));
  }
}

/** The result with the errors found beside data during its execution that it does not hold already (by path and message). */
export function withErrorsBesideData<R extends { errors?: readonly (GraphQLError | GraphQLFormattedError)[] }>(context: object, result: R): R {
  const map = found.get(context);
  if (!map?.size) return result;
  const have = new Set((result.errors ?? []).map((e) => key(e.path ?? [], e.message)));
  const missing = [...map.entries()].filter(([k]) => !have.has(k)).map(([, e]) => e);
  map.clear();
  return missing.length ? { ...result, errors: [...(result.errors ?? []), ...missing] } : result;
}

/** `['_v0__entities', 2, 'medications', …]` → `['medications', …]`: the path below the entity. */
function belowEntity(path: Path | undefined): (string | number)[] | undefined {
  if (!path || path.length < 3 || typeof path[0] !== 'string' || !/(^|_)_entities$/.test(path[0]) || typeof path[1] !== 'number') return undefined;
  return path.slice(2) as (string | number)[];
}

function key(path: Path, message: string): string {
  return JSON.stringify([path, message]);
}
