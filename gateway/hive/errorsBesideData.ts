import type { GatewayPlugin } from '@graphql-hive/gateway';
import { useOnResolve } from '@envelop/on-resolve';
import { GraphQLError, responsePathAsArray, type GraphQLFormattedError } from 'graphql';

/**
 * A subgraph's error beside data it did answer (a record computed without one source: the timeline and the merged
 * medicines hold the others' items, and SOURCE_UNAVAILABLE names the missing source) reaches the client on Hive's
 * default planner too. That planner (@graphql-tools/delegate 12.3) keeps an entity's errors whose path ends at a field
 * that has data as "unpathed" errors on the object, and sends them only where a field comes back null: beside a
 * non-null list they were dropped, and the answer looked whole. Apollo Gateway and Hive's Rust planner send them.
 *
 * As each field of such an object is resolved (the object carries its subgraph's errors under the delegate's
 * `subschemaErrors` symbol), an error below that field is placed at the field's path in the answer (list indexes
 * included) and kept on the request; when the answer is finished, those it does not hold already are added
 * (`withErrorsBesideData`).
 */
const UNPATHED_ERRORS = Symbol.for('subschemaErrors');

type Path = readonly (string | number)[];
const found = new WeakMap<object, Map<string, GraphQLError>>();

export function errorsBesideData(): GatewayPlugin {
  return useOnResolve(
    ({ root, context, info }) => {
      const errors = root && typeof root === 'object' ? ((root as Record<symbol, unknown>)[UNPATHED_ERRORS] as readonly GraphQLError[] | undefined) : undefined;
      if (!errors?.length || !context) return;
      const responseKey = info.fieldNodes[0]?.alias?.value ?? info.fieldName;
      for (const error of errors) {
        const below = belowEntity(error.path);
        if (!below || below[0] !== responseKey) continue;
        const path = [...responsePathAsArray(info.path), ...below.slice(1)];
        let map = found.get(context);
        if (!map) found.set(context, (map = new Map()));
        map.set(key(path, error.message), new GraphQLError(error.message, { path, extensions: error.extensions, originalError: error.originalError ?? undefined }));
      }
    },
    { skipIntrospection: true },
  ) as GatewayPlugin;
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
