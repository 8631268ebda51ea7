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

describe('connections', () => {
  // Named as in the graph, so that the page size without first or last is CareRecord.visitsConnection's (20).
  const connections = buildSchema(`
    type Query { careRecord: CareRecord }
    type CareRecord { visits(last: Int = 20): [Visit!]!, visitsConnection(first: Int, after: String, last: Int, before: String): VisitConnection }
    type VisitConnection { edges: [VisitEdge!]!, pageInfo: PageInfo! }
    type VisitEdge { cursor: String!, node: Visit! }
    type PageInfo { hasNextPage: Boolean!, endCursor: String }
    type Visit { time: String }
  `);
  const estimate = (text: string, variables: Record<string, unknown> = {}) => {
    const { operation, fragments } = parts(text);
    return operationCost(connections, operation, fragments, variables) as number;
  };
  const page = (args: string, pageInfo = true) =>
    `query($n: Int) { careRecord { visitsConnection${args} { edges { cursor node { time } } ${pageInfo ? 'pageInfo { hasNextPage endCursor }' : ''} } } }`;

  it("size the edges by the connection field's first or last (or its page size), and count pageInfo once", () => {
    const perEdge = estimate(page('(first: 2)')) - estimate(page('(first: 1)'));
    expect(perEdge).toBeGreaterThan(0);
    // Linear in the page, from a literal or a variable, from either end.
    expect(estimate(page('(first: $n)'), { n: 50 }) - estimate(page('(first: 10)'))).toBeCloseTo(40 * perEdge);
    expect(estimate(page('(last: 50)'))).toBeCloseTo(estimate(page('(first: 50)')));
    // Without first or last: the connection's default page, 20 visits.
    expect(estimate(page(''))).toBeCloseTo(estimate(page('(first: 20)')));
    // pageInfo is one object whatever the page's size.
    const pageInfo = (n: number) => estimate(page(`(first: ${n})`)) - estimate(page(`(first: ${n})`, false));
    expect(pageInfo(100)).toBeCloseTo(pageInfo(1));
    // A page of N costs like the list of N, plus the edge (cursor) around each item.
    const list = (n: number) => estimate(`{ careRecord { visits(last: ${n}) { time } } }`);
    expect(estimate(page('(first: 100)'))).toBeGreaterThan(list(100));
    expect(estimate(page('(first: 100)'))).toBeLessThan(list(100) * 4);
  });
});
