import {
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { isConnectionType, isEdgeType } from '../../lib/argumentRules';
import { globalIds } from '../../lib/globalId';

/**
 * What one answer disclosed about each patient, read from the operation and the answer itself: which
 * patient each root field is about (the `nin` argument, the numbers of `patients`, the reader for `me`, the number
 * inside a Patient's global id for `node`),
 * and which fields came back with a value (as `Type.field`) or were refused (FORBIDDEN errors). Only the
 * gateway sees the whole answer and the reader together, so this is where a disclosure is known exactly.
 */
export interface Disclosure {
  nin: string;
  fields: Set<string>;
  denied: Set<string>;
}

/** Root fields that return patients, and how to tell which patient. */
const PATIENT_ROOTS: Record<string, 'nin' | 'nins' | 'me' | 'id'> = { patient: 'nin', patients: 'nins', me: 'me', node: 'id' };

/** An answer holds a patient the log could not name: it must not leave (the plugin answers AUDIT_UNAVAILABLE). */
export class UnattributedDisclosure extends Error {
  override name = 'UnattributedDisclosure';
}

export function disclosures(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data: Record<string, unknown> | null | undefined,
  errors: readonly GraphQLFormattedError[],
  readerPid: string | null,
): Disclosure[] {
  const query = schema.getQueryType();
  if (!query || operation.operation !== 'query') return [];
  // The values GraphQL itself executed with: defaults filled in, a single value coerced to a list.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const variableValues = 'coerced' in coerced ? coerced.coerced : {};
  const byNin = new Map<string, Disclosure>();
  const entry = (nin: string) => {
    let d = byNin.get(nin);
    if (!d) byNin.set(nin, (d = { nin, fields: new Set(), denied: new Set() }));
    return d;
  };

  for (const selection of rootFields(operation.selectionSet, fragments)) {
    const how = PATIENT_ROOTS[selection.name];
    const field = query.getFields()[selection.name];
    if (!how || !field) continue;
    const value = data?.[selection.key];
    const items = how === 'nins' ? (Array.isArray(value) ? value : []) : [value];
    if (items.every((item) => !item)) continue;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, selection.node, variableValues);
    } catch {
      throw new UnattributedDisclosure(`the arguments of ${selection.key} could not be read`);
    }
    let nins: unknown[];
    let patientType = getNamedType(field.type) as GraphQLObjectType;
    if (how === 'id') {
      // node(id:): the patient inside the id, decoded with the key that made it. An id of another type (a
      // practitioner) discloses no patient; an answer to an id the log cannot read is not let out.
      const decoded = globalIds().decode(args.id);
      if (decoded && decoded.type !== 'Patient') continue;
      const patient = schema.getType('Patient');
      if (!decoded || !isObjectType(patient)) throw new UnattributedDisclosure(`${selection.key} holds an object whose id the log cannot read`);
      nins = [decoded.key[0]];
      patientType = patient;
    } else {
      nins = how === 'me' ? [readerPid] : how === 'nin' ? [args.nin] : Array.isArray(args.nins) ? args.nins : [];
    }
    items.forEach((item, index) => {
      if (!item || typeof item !== 'object') return;
      const nin = nins[index];
      // Fail closed: a patient in the answer that the log cannot name is a disclosure it would miss.
      if (typeof nin !== 'string') throw new UnattributedDisclosure(`${selection.key}[${index}] has no identity number to log`);
      const d = entry(nin);
      walk(patientType, selection.node.selectionSet, item as Record<string, unknown>, fragments, d.fields);
      // Even an answer with no field of the patient (only `__typename`) tells that the patient exists.
      if (d.fields.size === 0) d.fields.add(patientType.name);
      const prefix = how === 'nins' ? [selection.key, index] : [selection.key];
      for (const error of errors) {
        if (error.extensions?.code !== 'FORBIDDEN' || !error.path || !startsWith(error.path, prefix)) continue;
        const denied = fieldAtPath(patientType, selection.node.selectionSet, error.path.slice(prefix.length), fragments);
        if (denied) d.denied.add(denied);
      }
    });
  }
  return [...byNin.values()];
}

interface RootField {
  name: string;
  key: string;
  node: Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>;
}

function rootFields(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): RootField[] {
  return set.selections.flatMap((s): RootField[] => {
    if (s.kind === Kind.FIELD) return [{ name: s.name.value, key: s.alias?.value ?? s.name.value, node: s }];
    if (s.kind === Kind.INLINE_FRAGMENT) return rootFields(s.selectionSet, fragments);
    const fragment = fragments[s.name.value];
    return fragment ? rootFields(fragment.selectionSet, fragments) : [];
  });
}

/** Adds `Type.field` for every field of the selection that holds a value in the answer, recursively. */
function walk(type: GraphQLObjectType, set: SelectionSetNode | undefined, value: Record<string, unknown>, fragments: Record<string, FragmentDefinitionNode>, out: Set<string>): void {
  if (!set) return;
  for (const s of set.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      if (!s.typeCondition || appliesTo(s.typeCondition.name.value, type)) walk(type, s.selectionSet, value, fragments, out);
      continue;
    }
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments[s.name.value];
      if (fragment && appliesTo(fragment.typeCondition.name.value, type)) walk(type, fragment.selectionSet, value, fragments, out);
      continue;
    }
    const name = s.name.value;
    if (name.startsWith('__')) continue;
    const field = type.getFields()[name];
    const result = value[s.alias?.value ?? name];
    if (!field || result === null || result === undefined) continue;
    if (!plumbing(type, name)) out.add(`${type.name}.${name}`);
    const inner = getNamedType(field.type);
    if (!isObjectType(inner)) continue;
    for (const item of flatten(result)) if (item && typeof item === 'object') walk(inner, s.selectionSet, item as Record<string, unknown>, fragments, out);
  }
}

/**
 * A cursor connection's own parts: its edges, their cursors and `node`, and where the page lies (PageInfo). They hold
 * nothing of the patient, so a page is logged as its list is: the connection field (`CareRecord.visitsConnection`)
 * and the items' fields read (`CareVisit.time`), not `CareVisitEdge.node` or `PageInfo.hasNextPage`. A connection's
 * `totalCount` is data (how many visits there are), and is logged.
 */
function plumbing(type: GraphQLObjectType, field: string): boolean {
  if (type.name === 'PageInfo') return true;
  if (isConnectionType(type)) return field === 'edges' || field === 'pageInfo';
  if (isEdgeType(type)) return field === 'node' || field === 'cursor';
  return false;
}

/** A fragment on the type itself or on an interface it implements (`... on Node { id }` below `node`) selects on it. */
function appliesTo(condition: string, type: GraphQLObjectType): boolean {
  return condition === type.name || type.getInterfaces().some((i) => i.name === condition);
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

/**
 * `Type.field` of the last field on a response path below a patient. Paths name response keys (aliases),
 * so each step is looked up in the selection that produced it; list indexes are skipped.
 */
function fieldAtPath(
  root: GraphQLObjectType,
  rootSet: SelectionSetNode | undefined,
  path: readonly (string | number)[],
  fragments: Record<string, FragmentDefinitionNode>,
): string | undefined {
  let type: GraphQLObjectType = root;
  let set = rootSet;
  let last: string | undefined;
  for (const step of path) {
    if (typeof step === 'number') continue;
    const node = set && selectionFor(set, step, type, fragments);
    const field = node && type.getFields()[node.name.value];
    if (!node || !field) return last;
    last = `${type.name}.${node.name.value}`;
    const inner = unwrap(field.type);
    if (!isObjectType(inner)) return last;
    type = inner;
    set = node.selectionSet;
  }
  return last;
}

function selectionFor(set: SelectionSetNode, key: string, type: GraphQLObjectType, fragments: Record<string, FragmentDefinitionNode>): RootField['node'] | undefined {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === key) return s;
    const inner = s.kind === Kind.INLINE_FRAGMENT ? s : s.kind === Kind.FRAGMENT_SPREAD ? fragments[s.name.value] : undefined;
    if (inner && (!inner.typeCondition || appliesTo(inner.typeCondition.name.value, type))) {
      const found = selectionFor(inner.selectionSet, key, type, fragments);
      if (found) return found;
    }
  }
  return undefined;
}

function unwrap(type: GraphQLType): GraphQLType {
  return isNonNullType(type) || isListType(type) ? unwrap(type.ofType) : type;
}
