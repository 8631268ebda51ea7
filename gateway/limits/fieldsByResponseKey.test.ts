import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { fieldsByResponseKey } from './fieldsByResponseKey';

function keys(source: string): Record<string, number> {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  if (!operation) throw new Error('no operation');
  return Object.fromEntries([...fieldsByResponseKey([operation.selectionSet], (n) => fragments.get(n))].map(([k, nodes]) => [k, nodes.length]));
}

describe('fieldsByResponseKey', () => {
  it('groups fields by alias or name, through inline fragments and fragment spreads', () => {
    expect(keys('{ a: patient { nin } patient { nin } ... on Query { b: me { nin } } ...F } fragment F on Query { a: patient { name } }')).toEqual({ a: 2, patient: 1, b: 1 });
  });

  it('survives fragment cycles and unknown fragments, which validation has not refused yet', () => {
    expect(keys('{ ...A ...Missing } fragment A on Query { x: me { nin } ...B } fragment B on Query { y: me { nin } ...A }')).toEqual({ x: 1, y: 1 });
  });

  it('expands each fragment once per merged set, so fragments spread many times over cost their size only', () => {
    // 30 fragments each spreading the next twice: 2^30 spreads if expanded naively.
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { f${i}: me { nin } ...F${i + 1} ...F${i + 1} }`).join('\n');
    const found = keys(`{ ...F0 } ${fragments} fragment F30 on Query { last: me { nin } }`);
    expect(Object.keys(found)).toHaveLength(31);
    expect(found.f0).toBe(1);
  });
});
