import { planSubgraphs } from './planSubgraphs';

type Plan = Parameters<typeof planSubgraphs>[0];
const fetch = (serviceName: string) => ({ kind: 'Fetch', serviceName, operation: '{ x }', operationKind: 'query' });

describe('the subgraphs a query plan calls', () => {
  it('finds every fetch, under sequences, parallels, flattens, conditions and defers, once each', () => {
    const plan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          fetch('person'),
          {
            kind: 'Parallel',
            nodes: [
              { kind: 'Flatten', path: ['patient'], node: fetch('national') },
              { kind: 'Flatten', path: ['patient'], node: fetch('care') },
              { kind: 'Condition', condition: 'c', ifClause: fetch('gp'), elseClause: fetch('person') },
              { kind: 'Defer', primary: { node: fetch('hospital') }, deferred: [{ depends: [], queryPath: [], node: fetch('record') }] },
            ],
          },
        ],
      },
    } as unknown as Plan;
    expect(planSubgraphs(plan)).toEqual(['person', 'national', 'care', 'gp', 'hospital', 'record']);
    expect(planSubgraphs(plan)).toBe(planSubgraphs(plan));
  });

  it('is empty for an empty plan', () => {
    expect(planSubgraphs({ kind: 'QueryPlan' } as Plan)).toEqual([]);
  });
});
