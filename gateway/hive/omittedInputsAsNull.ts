import type { GatewayPlugin } from '@graphql-hive/gateway';
import { Kind, parse, type DocumentNode, type SelectionNode, type SelectionSetNode } from 'graphql';

/**
 * For Hive Gateway's Rust planner (HIVE_RUNTIME=router): the `@requires` inputs it leaves out of an entity
 * representation because they came back null are handed over as null, at every level of the `@requires` selection,
 * as the Apollo gateway and Hive's default planner hand them over.
 *
 * Why: a computing subgraph tells "this sector's subgraph failed, or gave nothing" (the input is null: the view holds
 * the others' part and names the missing one) from "the gateway never fetched it" (the input is absent: a fault of
 * the query plan, refused as REQUIRED_INPUTS_MISSING, subgraphs/kit/requireInputs.ts). The Rust planner drops
 * null fields from the representations it builds: a reader for whom one sector's entries are null got a refusal
 * instead of the merged view, and a care-team member without an end date (`end: null`, left out) failed `careTeam`
 * (INTERNAL_SERVER_ERROR). The planner fetched those inputs (gateway/hive/requiresInPlanOrder.test.ts holds the
 * plans); only the nulls are put back, and only for the fields the supergraph's `@requires` selects.
 */
export function omittedInputsAsNull(supergraphSdl: string, subgraphOfUrl: ReadonlyMap<string, string>): GatewayPlugin {
  const inputs = requiredInputs(supergraphSdl);
  const selections = new Map<string, Map<string, string[]>>();
  return {
    onFetch({ url, options, setOptions }) {
      const subgraph = subgraphOfUrl.get(url);
      if (!subgraph || typeof options.body !== 'string' || !options.body.includes('_entities')) return;
      const body = JSON.parse(options.body) as { query?: string; variables?: { representations?: unknown } };
      const representations = body.variables?.representations;
      if (typeof body.query !== 'string' || !Array.isArray(representations)) return;
      let byType = selections.get(body.query);
      if (!byType) {
        byType = entityFieldsByType(parse(body.query, { noLocation: true }));
        // The plans are few and fixed per operation shape; bounded all the same.
        if (selections.size < 1000) selections.set(body.query, byType);
      }
      let changed = false;
      for (const representation of representations as Record<string, unknown>[]) {
        const type = typeof representation?.__typename === 'string' ? representation.__typename : undefined;
        if (!type) continue;
        for (const field of byType.get(type) ?? []) {
          if (withNulls(representation, inputs.get(`${subgraph}:${type}.${field}`) ?? [])) changed = true;
        }
      }
      if (changed) setOptions({ ...options, body: JSON.stringify(body) });
    },
  };
}

/** Sets every field of `selections` that `value` (an object, or a list of them) lacks to null, at every level; true when it set one. */
export function withNulls(value: unknown, selections: readonly SelectionNode[]): boolean {
  if (Array.isArray(value)) return value.map((item) => withNulls(item, selections)).some(Boolean);
  if (value === null || typeof value !== 'object') return false;
  const object = value as Record<string, unknown>;
  let changed = false;
  for (const s of selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      if (!s.typeCondition || s.typeCondition.name.value === object.__typename) changed = withNulls(object, s.selectionSet.selections) || changed;
      continue;
    }
    if (s.kind !== Kind.FIELD) continue;
    const key = s.alias?.value ?? s.name.value;
    if (!(key in object)) {
      object[key] = null;
      changed = true;
    } else if (s.selectionSet) {
      changed = withNulls(object[key], s.selectionSet.selections) || changed;
    }
  }
  return changed;
}

/** `subgraph:Type.field` → the selection of its `@requires`, from the supergraph's `@join__field(requires:)`. */
export function requiredInputs(supergraphSdl: string): Map<string, readonly SelectionNode[]> {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphNames = new Map<string, string>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.ENUM_TYPE_DEFINITION || d.name.value !== 'join__Graph') continue;
    for (const value of d.values ?? []) {
      const name = value.directives?.find((x) => x.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind === Kind.STRING) graphNames.set(value.name.value, name.value);
    }
  }
  const found = new Map<string, readonly SelectionNode[]>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of d.fields ?? []) {
      for (const join of field.directives ?? []) {
        if (join.name.value !== 'join__field') continue;
        const arg = (name: string) => join.arguments?.find((a) => a.name.value === name)?.value;
        const graph = arg('graph');
        const requires = arg('requires');
        if (graph?.kind !== Kind.ENUM || requires?.kind !== Kind.STRING) continue;
        const selection = parse(`{ ${requires.value} }`, { noLocation: true }).definitions[0];
        if (selection?.kind !== Kind.OPERATION_DEFINITION) continue;
        found.set(`${graphNames.get(graph.value) ?? graph.value.toLowerCase()}:${d.name.value}.${field.name.value}`, selection.selectionSet.selections);
      }
    }
  }
  return found;
}

/** The fields an `_entities` operation asks of each type (`... on Patient { medications { … } }` → Patient: medications). */
function entityFieldsByType(document: DocumentNode): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  const add = (type: string, set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) byType.set(type, [...(byType.get(type) ?? []), s.name.value]);
      if (s.kind === Kind.INLINE_FRAGMENT) add(s.typeCondition?.name.value ?? type, s.selectionSet);
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const s of d.selectionSet.selections) {
      if (s.kind === Kind.FIELD && s.name.value === '_entities' && s.selectionSet) add('', s.selectionSet);
    }
  }
  return byType;
}
