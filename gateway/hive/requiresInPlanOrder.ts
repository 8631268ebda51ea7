import { Kind, parse, print, visit, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode, type SelectionNode } from 'graphql';

/**
 * The supergraph for Hive Gateway's default planner, with every `@requires` selection written in an order its
 * planner judges rightly. Nothing else changes: the same fields are fetched from the same subgraphs.
 *
 * Why: the planner (`@graphql-tools/stitch` 10.3, `typesContainSelectionSet`) decides that a computing subgraph may
 * be called once the subgraphs fetched so far hold the fields its `@requires` names, but it reads that selection
 * only up to its first field with a sub-selection and returns that field's verdict, unchecked the rest. Our merged
 * views require `accessGrant` (person), then objects from each sector. `timeline`, `sources` and `careTeam` named
 * the person subgraph's object first (`registryTimelineEvents`, …): with the patient read from the person subgraph,
 * the planner called the record subgraph at once, beside the sector subgraphs instead of after them, with the
 * registry's part alone. Asked alone, `timeline` came back `[]` (and the record subgraph's errors about the missing
 * sectors were dropped, as Hive drops a subgraph's errors beside non-null data). Asked beside `medications`, whose
 * selection names a sector's object first, the record subgraph waited: the summary was right.
 *
 * The order written here: every leaf field first (those are all checked), then the objects that come latest first,
 * by how many `@requires` steps lie before them (a sector's entries need the person subgraph's `accessGrant`, one
 * step; the registry's come with the patient, none). The first object is then one that is there only when the
 * later ones are, for every entry point of `Patient` (all in the person subgraph). The record subgraph still
 * refuses to compute a view from absent inputs (REQUIRED_INPUTS_MISSING, subgraphs/kit/requireInputs.ts), and
 * gateway/hive/requiresInPlanOrder.test.ts checks the plan for every computed field.
 */
export function requiresInPlanOrder(supergraphSdl: string): string {
  const document = parse(supergraphSdl, { noLocation: true });
  const fields = joinFieldsByType(document);
  const stepsBefore = (type: string, field: string, seen: ReadonlySet<string>): number => {
    const key = `${type}.${field}`;
    if (seen.has(key)) return 0;
    const providers = (fields.get(type)?.get(field) ?? []).filter((p) => !p.external);
    // No @join__field: every subgraph of the type resolves it.
    if (providers.length === 0) return 0;
    return Math.min(
      ...providers.map((p) =>
        p.requires === undefined ? 0 : 1 + Math.max(0, ...topLevelFields(p.requires).map((f) => stepsBefore(type, f, new Set([...seen, key])))),
      ),
    );
  };
  let changed = false;
  const rewritten = visit(document, {
    ObjectTypeDefinition(typeNode) {
      const type = typeNode.name.value;
      const rewriteDirective = (directive: ConstDirectiveNode): ConstDirectiveNode => {
        if (directive.name.value !== 'join__field') return directive;
        const args = directive.arguments?.map((arg): ConstArgumentNode => {
          if (arg.name.value !== 'requires' || arg.value.kind !== Kind.STRING) return arg;
          const ordered = orderRequires(arg.value.value, (field) => stepsBefore(type, field, new Set()));
          if (ordered === arg.value.value) return arg;
          changed = true;
          return { ...arg, value: { ...arg.value, value: ordered, block: false } };
        });
        return { ...directive, arguments: args };
      };
      return {
        ...typeNode,
        fields: typeNode.fields?.map((f) => ({ ...f, directives: f.directives?.map(rewriteDirective) })),
      };
    },
  });
  return changed ? print(rewritten) : supergraphSdl;
}

/**
 * A `@requires` selection in the order the planner needs: at the top, leaves first, then objects latest first
 * (`stepsBefore`, larger first; ties keep their order); below, leaves first. The same selection otherwise.
 */
export function orderRequires(requires: string, stepsBefore: (field: string) => number): string {
  const selections = selectionsOf(requires);
  const isLeaf = (s: SelectionNode) => s.kind === Kind.FIELD && !s.selectionSet;
  const leavesFirst = (list: readonly SelectionNode[]): SelectionNode[] => [...list.filter(isLeaf), ...list.filter((s) => !isLeaf(s))].map(withOrderedChildren);
  const withOrderedChildren = (s: SelectionNode): SelectionNode =>
    s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet ? { ...s, selectionSet: { ...s.selectionSet, selections: leavesFirst(s.selectionSet.selections) } } : s;
  const steps = (s: SelectionNode) => (s.kind === Kind.FIELD ? stepsBefore(s.name.value) : 0);
  const objects = selections
    .filter((s) => !isLeaf(s))
    .map((s, index) => ({ s, index, steps: steps(s) }))
    .sort((a, b) => b.steps - a.steps || a.index - b.index)
    .map(({ s }) => withOrderedChildren(s));
  const ordered = [...selections.filter(isLeaf), ...objects];
  const text = ordered.map((s) => print(s).replace(/\s+/g, ' ')).join(' ');
  // Unchanged selections keep their text exactly (no reprinting where nothing moved).
  return text === selectionsOf(requires).map((s) => print(s).replace(/\s+/g, ' ')).join(' ') ? requires : text;
}

interface JoinField {
  graph?: string;
  requires?: string;
  external: boolean;
}

/** Each object type's fields with their `@join__field` directives. */
function joinFieldsByType(document: DocumentNode): Map<string, Map<string, JoinField[]>> {
  const byType = new Map<string, Map<string, JoinField[]>>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const fields = new Map<string, JoinField[]>();
    for (const field of definition.fields ?? []) {
      const joins = (field.directives ?? [])
        .filter((d) => d.name.value === 'join__field')
        .map((d) => {
          const arg = (name: string) => d.arguments?.find((a) => a.name.value === name)?.value;
          const graph = arg('graph');
          const requires = arg('requires');
          const external = arg('external');
          return {
            graph: graph?.kind === Kind.ENUM ? graph.value : undefined,
            requires: requires?.kind === Kind.STRING ? requires.value : undefined,
            external: external?.kind === Kind.BOOLEAN && external.value,
          };
        });
      fields.set(field.name.value, joins);
    }
    byType.set(definition.name.value, fields);
  }
  return byType;
}

function selectionsOf(fieldSet: string): readonly SelectionNode[] {
  const operation = parse(`{ ${fieldSet} }`, { noLocation: true }).definitions[0];
  return operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
}

function topLevelFields(fieldSet: string): string[] {
  return selectionsOf(fieldSet).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}
