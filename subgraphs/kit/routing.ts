import type { SectorName } from '../../adapters/kit';
import type { SubgraphContext } from './createSubgraph';
import type { NoSource } from './outcomes';

/**
 * Routing keys arrive from the person subgraph (through @requires) as strings: a value, an empty string
 * for "the patient has none", or null for "the registry did not answer".
 */
export type RoutingKey = string | null | undefined;

export function routingFailed(ctx: SubgraphContext, sector: SectorName, registry: 'population' | 'gpList'): NoSource {
  const names = { population: 'population register', gpList: 'GP register' };
  return {
    state: 'ROUTING_FAILED',
    sector,
    sourceId: ctx.sources.orgs.registries[registry],
    message: `The ${names[registry]}, which tells which system holds this part of the record, did not answer`,
  };
}

// Messages never say which municipality or office: for a protected address that would reveal where the
// patient lives.
export function notApplicable(sector: SectorName, sourceId: string, message: string): NoSource {
  return { state: 'NOT_APPLICABLE', sector, sourceId, message };
}
