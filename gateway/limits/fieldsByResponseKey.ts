import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export type FragmentLookup = (name: string) => FragmentDefinitionNode | null | undefined;

/**
 * The fields of one or more selection sets (merged, as GraphQL executes them), by response key (the alias,
 * or the field name), with fragments expanded. Type conditions and `@skip`/`@include` are not applied: a limit
 * counts every field that could run. Used during validation too, before the document is known to be
 * valid: each fragment is expanded once per merged set, so a fragment cycle or a fragment spread many times
 * over costs no more than the document's size.
 */
export function fieldsByResponseKey(sets: readonly SelectionSetNode[], fragment: FragmentLookup): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const expanded = new Set<string>();
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
          break;
        }
        case Kind.INLINE_FRAGMENT:
          collect(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const definition = fragment(name);
          if (!definition || expanded.has(name)) break;
          expanded.add(name);
          collect(definition.selectionSet);
          break;
        }
      }
    }
  };
  sets.forEach(collect);
  return fields;
}
