import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];
type Node = NonNullable<QueryPlan['node']>;

const known = new WeakMap<QueryPlan, readonly string[]>();

/**
 * The subgraphs a query plan calls, in the order first met. Plans are cached by the gateway, so the answer
 * is kept with each plan object and worked out once.
 */
export function planSubgraphs(plan: QueryPlan): readonly string[] {
  const cached = known.get(plan);
  if (cached) return cached;
  const found = new Set<string>();
  const walk = (node: Node | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Fetch':
        found.add(node.serviceName);
        return;
      case 'Sequence':
      case 'Parallel':
        node.nodes.forEach(walk);
        return;
      case 'Flatten':
        walk(node.node);
        return;
      case 'Condition':
        walk(node.ifClause);
        walk(node.elseClause);
        return;
      case 'Defer':
        walk(node.primary.node);
        node.deferred.forEach((d) => walk(d.node));
        return;
      case 'Subscription':
        walk(node.primary);
        walk(node.rest);
        return;
    }
  };
  walk(plan.node);
  const subgraphs = [...found];
  known.set(plan, subgraphs);
  return subgraphs;
}
