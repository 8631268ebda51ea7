import { buildSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { actualCost, operationCost } from './operationCost';

const schema = buildSchema(`
  type Query { patient(nin: String!): Patient }
  type Patient { name: String, visits(last: Int = 10): [Visit!]! }
  type Visit { time: String, tasks: [String!]! }
`);

function parts(text: string) {
  const document = parse(text);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return { operation, fragments };
}

describe('actual cost', () => {
  const { operation, fragments } = parts('query($n: Int) { patient(nin: "x") { name visits(last: $n) { ...V } } } fragment V on Visit { time }');

  it('counts the lists as they came back, by the estimate\'s measure', () => {
    const estimated = operationCost(schema, operation, fragments, { n: 4 }) as number;
    const full = { patient: { name: 'A', visits: Array.from({ length: 4 }, () => ({ time: 't' })) } };
    // Four visits asked, four came: the same as the estimate.
    expect(actualCost(schema, operation, fragments, full)).toBeCloseTo(estimated);
    // One came: less; none: less still, but the list itself costs.
    const one = actualCost(schema, operation, fragments, { patient: { name: 'A', visits: [{ time: 't' }] } });
    const none = actualCost(schema, operation, fragments, { patient: { name: 'A', visits: [] } });
    expect(one).toBeLessThan(estimated);
    expect(none).toBeLessThan(one);
    expect(none).toBeGreaterThan(0);
  });

  it('costs nothing for what the answer does not hold', () => {
    const refused = actualCost(schema, operation, fragments, { patient: null });
    expect(refused).toBe(2);
    expect(actualCost(schema, operation, fragments, {})).toBe(0);
  });
});
