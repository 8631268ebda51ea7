import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { CONNECTIONS, isConnectionType } from '../../lib/argumentRules';
import { limitRefusal } from './limitRefusal';
import { PATIENT_ROOTS } from './patientBudget';

/**
 * An operation's estimated cost, with its variables: what graphql-armor's cost rule estimates (an object 2, a
 * scalar 1, each level of nesting × 1.5, fragments costed where they are spread), but with every list size
 * taken from the arguments *as the operation will run them*: a literal, a variable's value, or the argument's
 * default. armor reads only literal `first:`/`last:`, so `timeline(first: $n)` with n = 500, ten aliases of it,
 * passed as if each asked for one event (outside review: 133–187 KB answers, up to 6 s).
 *
 * List sizes: `first` or `last` where a field takes one (their default when omitted); for the root fields
 * that read patients, the number of patients they read (PATIENT_ROOTS: `patients(nins:)` its list's length). A cursor
 * connection is one object whose `edges` are the list: its `first`/`last` (or its page size, lib/argumentRules.ts
 * CONNECTIONS) size the edges one level down, and its pageInfo is counted once.
 *
 * Computed once the operation and its variables are known, before planning (a validation rule cannot: the
 * gateway caches validated documents by their text, whatever the variables), on both engines.
 */
export function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[], variables: Record<string, unknown>): number | undefined {
  const values = getVariableValues(schema, operation.variableDefinitions ?? [], variables).coerced;
  if (!values) return undefined;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  // `page`: below a connection, the size of its `edges`.
  const walk = selectionWalker<{ isRoot: boolean; page?: number }>(schema, fragments, (node, parent, { isRoot, page }, inner) => {
    if (node.name.value.startsWith('__')) return node.name.value === '__typename' ? SCALAR : 0;
    const field = 'getFields' in parent ? parent.getFields()[node.name.value] : undefined;
    if (!field) return SCALAR;
    const type = getNamedType(field.type);
    if (!node.selectionSet || !isCompositeType(type)) return SCALAR;
    const args = getArgumentValues(field, node, values);
    // The arguments are on the connection field, the list they size is its `edges`.
    if (isConnectionType(type)) return OBJECT + inner(node.selectionSet, type, { isRoot: false, page: pageSize(`${parent.name}.${node.name.value}`, args) });
    const size = page !== undefined && node.name.value === 'edges' && isConnectionType(parent) ? page : listSize(node.name.value, args, isRoot);
    return (OBJECT + inner(node.selectionSet, type, { isRoot: false })) * size;
  });
  return walk(operation.selectionSet, root, { isRoot: true });
}

/**
 * The sum of a selection set's field costs by the cost measure's rules, shared by the estimate and the actual cost:
 * fragments costed where they are spread (one spread inside itself, invalid and refused by validation anyway, is not
 * followed twice on one path), each level of nesting × 1.5. `field` prices one field (undefined: it costs nothing
 * and is not counted), given `inner` to price its own selection one level down with the state it passes.
 */
type Inner<S> = (set: SelectionSetNode, parent: GraphQLCompositeType, state: S) => number;
function selectionWalker<S>(
  schema: GraphQLSchema,
  fragments: readonly FragmentDefinitionNode[],
  field: (node: FieldNode, parent: GraphQLCompositeType, state: S, inner: Inner<S>) => number | undefined,
): (set: SelectionSetNode, root: GraphQLCompositeType, state: S) => number {
  const byName = new Map(fragments.map((f) => [f.name.value, f]));
  const typeOr = (name: string | undefined, parent: GraphQLCompositeType): GraphQLCompositeType => {
    const type = name ? schema.getType(name) : parent;
    return type && isCompositeType(type) ? type : parent;
  };
  const cost = (set: SelectionSetNode, parent: GraphQLCompositeType, depth: number, path: ReadonlySet<string>, state: S): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, typeOr(selection.typeCondition?.name.value, parent), depth, path, state);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = byName.get(selection.name.value);
        if (!fragment || path.has(fragment.name.value)) continue;
        total += cost(fragment.selectionSet, typeOr(fragment.typeCondition.name.value, parent), depth, new Set([...path, fragment.name.value]), state);
      } else {
        const inner: Inner<S> = (innerSet, innerParent, innerState) => cost(innerSet, innerParent, depth + 1, path, innerState);
        const priced = field(selection, parent, state, inner);
        if (priced !== undefined) total += (depth === 0 ? 1 : DEPTH_FACTOR) * priced;
      }
    }
    return total;
  };
  return (set, root, state) => cost(set, root, 0, new Set(), state);
}

const OBJECT = 2;
const SCALAR = 1;
const DEPTH_FACTOR = 1.5;


/** The edges a connection field returns at most: its `first` or `last`, else its page size (CONNECTIONS). */
function pageSize(coordinate: string, args: Record<string, unknown>): number {
  for (const name of ['first', 'last']) {
    const n = args[name];
    if (typeof n === 'number' && Number.isFinite(n)) return Math.max(1, n);
  }
  return (CONNECTIONS as Record<string, { pageSize: number } | undefined>)[coordinate]?.pageSize ?? 1;
}

function listSize(fieldName: string, args: Record<string, unknown>, isRoot: boolean): number {
  const patients = isRoot ? PATIENT_ROOTS[fieldName] : undefined;
  if (patients && 'listArgument' in patients) {
    const list = args[patients.listArgument];
    return Math.max(1, Array.isArray(list) ? list.length : 1);
  }
  for (const name of ['first', 'last']) {
    const n = args[name];
    if (typeof n === 'number' && Number.isFinite(n)) return Math.max(1, n);
  }
  return 1;
}

/** What costLimit estimated for a request, for costReport to put in its answer (by the request's context). */
const estimates = new WeakMap<object, { requested: number; operation: OperationDefinitionNode; fragments: FragmentDefinitionNode[] }>();

/**
 * Refuses, before planning, an operation whose estimated cost with its variables is over `max` (QUERY_TOO_COSTLY,
 * HTTP 400); keeps the estimate of one it lets through for costReport.
 */
export function costLimit<C extends BaseContext>(max: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request, contextValue }) {
          if (!operation) return;
          const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
          const cost = operationCost(schema, operation, fragments, request.variables ?? {});
          if (cost !== undefined && cost > max) throw limitRefusal('cost', max, Math.round(cost));
          if (cost !== undefined) estimates.set(contextValue, { requested: cost, operation, fragments });
        },
      };
    },
  };
}

/**
 * Puts the CostReport in the answer's `extensions.cost`. Last among the plugins: the actual cost is that of the
 * answer as it leaves, after the rules and the access log had their say (an answer the log could not record
 * holds no data, and costs nothing: a withheld list's length is not told by its cost).
 */
export function costReport<C extends BaseContext>(max: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, schema, contextValue }) {
          const estimate = estimates.get(contextValue);
          if (!estimate || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const data = result.data as Record<string, unknown> | null | undefined;
          const report: CostReport = {
            requestedQueryCost: Math.round(estimate.requested),
            actualQueryCost: data ? Math.round(actualCost(schema, estimate.operation, estimate.fragments, data)) : null,
            maximumQueryCost: max,
          };
          result.extensions = { ...result.extensions, cost: report };
        },
      };
    },
  };
}

/**
 * What an answer actually cost, by the same measure as its estimate (operationCost), with every list counted at
 * the length it came back with instead of the length asked for: a timeline asked `first: 500` that held 12 events
 * costs as 12. Fields the answer does not hold (a fragment on another type, a field refused whole) cost nothing.
 */
export function actualCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[], data: Record<string, unknown>): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const walk = selectionWalker<Record<string, unknown>>(schema, fragments, (node, parent, value, inner) => {
    const key = node.alias?.value ?? node.name.value;
    if (!(key in value)) return undefined;
    if (node.name.value.startsWith('__')) return node.name.value === '__typename' ? SCALAR : 0;
    const field = 'getFields' in parent ? parent.getFields()[node.name.value] : undefined;
    const type = field ? getNamedType(field.type) : undefined;
    if (!node.selectionSet || !type || !isCompositeType(type)) return SCALAR;
    const selectionSet = node.selectionSet;
    const one = (item: unknown): number => {
      if (Array.isArray(item)) return item.length === 0 ? OBJECT : item.reduce((sum: number, i) => sum + one(i), 0);
      return OBJECT + (item && typeof item === 'object' ? inner(selectionSet, type, item as Record<string, unknown>) : 0);
    };
    return one(value[key]);
  });
  return walk(operation.selectionSet, root, data);
}

/**
 * What an answer says of its cost, in `extensions.cost` (the names Shopify's API gives them, which client
 * libraries and people already know): the estimate the limit was checked against, what the answer actually cost,
 * and the limit. Whole numbers.
 */
export interface CostReport {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  maximumQueryCost: number;
}
