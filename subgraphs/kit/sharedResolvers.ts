import { isScalarType } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { dateScalarResolvers, dayAndInstant } from '../../lib/dateScalars';
import { RECORD_ITEM_TYPES, recordItemGlobalId } from './recordItemId';
import type { SubgraphContext } from './createSubgraph';

/**
 * Resolvers every subgraph has: the `Date` and `DateTime` scalars of schema/shared.graphql, the fields of shared types
 * computed from others (a timeline event's day and instant from the `date` its source gave), and the global `id` of
 * every record item type (made when asked: subgraphs/kit/recordItemId.ts). A subgraph without a type ignores its entry.
 */
const shared = {
  ...dateScalarResolvers,
  ...Object.fromEntries(RECORD_ITEM_TYPES.map((type) => [type, { id: recordItemGlobalId }])),
  TimelineEvent: dayAndInstant((e: { date: string }) => e.date),
} as unknown as GraphQLResolverMap<SubgraphContext>;

/** A subgraph's resolvers with the shared ones beside them (a subgraph's own resolver of a shared field wins). */
export function withSharedResolvers(resolvers: GraphQLResolverMap<SubgraphContext>): GraphQLResolverMap<SubgraphContext> {
  const merged: Record<string, unknown> = { ...shared };
  for (const [type, own] of Object.entries(resolvers)) {
    const common = merged[type];
    merged[type] = common && !isScalarType(common) ? { ...common, ...own } : own;
  }
  return merged as GraphQLResolverMap<SubgraphContext>;
}
