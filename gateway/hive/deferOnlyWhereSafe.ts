import type { GatewayPlugin } from '@graphql-hive/gateway';
import { BREAK, Kind, parse, visit, type DirectiveNode, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * `@defer` only where Hive Gateway's planner defers correctly; elsewhere the fragment is answered at once
 * (the directive dropped, which incremental delivery allows: a server may send deferred data early).
 *
 * - A deferred fragment that selects a field the supergraph computes from other subgraphs' objects (`@requires`
 *   with a selection: `medications`, `timeline`, `sources`, `careTeam`, `upcoming`, `messages`) is not deferred
 *   (a field that requires only `accessGrant`, as every sector's record does, is). Its planner
 *   (@graphql-tools/delegate 12.3) fetches those inputs for a deferred fragment on its own path, sends them bare
 *   (a list of objects without its selection: the owning subgraph refuses the whole request) and may call the
 *   computing subgraph before they have come (seen: `timeline` and `sources` built with every sector "UNAVAILABLE"
 *   while all of them had answered). Wrong health data is worse than a slower answer.
 * - `@stream` is dropped everywhere: lists come whole (the planner streams nothing across subgraphs here, and
 *   nothing was checked that it would stream right).
 * Fields are told by name, over every type: a name that is computed somewhere is never deferred anywhere, which
 * errs on the side of answering at once.
 */
export function deferOnlyWhereSafe(supergraphSdl: string): GatewayPlugin {
  const computed = computedFieldNames(supergraphSdl);
  // The after-parse hook runs on the parser cache's hits too, which hand back the same document: each is walked once.
  const made = new WeakMap<DocumentNode, DocumentNode>();
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result && typeof result === 'object' && 'kind' in result && result.kind === Kind.DOCUMENT) {
          let safe = made.get(result);
          if (!safe) {
            safe = withSafeDefers(result, computed);
            made.set(result, safe);
          }
          if (safe !== result) replaceParseResult(safe);
        }
      };
    },
  };
}

/** Names of the fields that some subgraph computes from other subgraphs' objects: `@join__field(requires:)` with a selection. */
export function computedFieldNames(supergraphSdl: string): Set<string> {
  const names = new Set<string>();
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      if (field.kind !== Kind.FIELD_DEFINITION) continue;
      const requires = field.directives?.some(
        (d) => d.name.value === 'join__field' && d.arguments?.some((a) => a.name.value === 'requires' && a.value.kind === Kind.STRING && a.value.value.includes('{')),
      );
      if (requires) names.add(field.name.value);
    }
  }
  return names;
}

/** The document with `@stream` dropped and `@defer` dropped from fragments that select a computed field; the same document when nothing changes. */
export function withSafeDefers(document: DocumentNode, computed: ReadonlySet<string>): DocumentNode {
  const uses = (directives: readonly DirectiveNode[] | undefined, name: string) => directives?.some((d) => d.name.value === name) ?? false;
  let mentions = false;
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'defer' && node.name.value !== 'stream') return undefined;
      mentions = true;
      return BREAK;
    },
  });
  if (!mentions) return document;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const selectsComputed = (set: SelectionSetNode | undefined, seen: Set<string>): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === Kind.FIELD) return computed.has(s.name.value) || selectsComputed(s.selectionSet, seen);
      if (s.kind === Kind.INLINE_FRAGMENT) return selectsComputed(s.selectionSet, seen);
      if (seen.has(s.name.value)) return false;
      return selectsComputed(fragments.get(s.name.value)?.selectionSet, new Set([...seen, s.name.value]));
    });
  const without = (directives: readonly DirectiveNode[] | undefined, name: string) => directives?.filter((d) => d.name.value !== name);
  return visit(document, {
    Field(node) {
      return uses(node.directives, 'stream') ? { ...node, directives: without(node.directives, 'stream') } : undefined;
    },
    InlineFragment(node) {
      return uses(node.directives, 'defer') && selectsComputed(node.selectionSet, new Set()) ? { ...node, directives: without(node.directives, 'defer') } : undefined;
    },
    FragmentSpread(node) {
      return uses(node.directives, 'defer') && selectsComputed(fragments.get(node.name.value)?.selectionSet, new Set([node.name.value]))
        ? { ...node, directives: without(node.directives, 'defer') }
        : undefined;
    },
  });
}
