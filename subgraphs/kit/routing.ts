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

/**
 * A sector whose systems do not mark what a child aged 12–15 kept from her parents, for a parent reading for her: not
 * asked, not shown, and said so (partial), rather than shown unfiltered (pbrl § 3-4; parentOfChildWhoMayKeep).
 */
export function withheldFromParents(sector: SectorName, sourceId: string, what: string): NoSource {
  return {
    state: 'WITHHELD',
    sector,
    sourceId,
    message: `The ${what} is not shown to a parent of a child aged 12 to 15: its systems do not mark what the child may keep from her parents (pasient- og brukerrettighetsloven § 3-4), so none of it is shown`,
  };
}
