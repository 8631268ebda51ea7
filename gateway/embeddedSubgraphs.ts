import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { ConfigError } from '../lib/config';
import { createLogger, type Logger } from '../lib/logger';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { within } from '../lib/within';
import type * as Kit from '../subgraphs/kit/createSubgraph';
import type * as Definitions from '../subgraphs/index';
import { takeReports, unavailable, type GatewayContext, type GatewayGraphQLResponse } from './SubgraphDataSource';

/**
 * Subgraphs embedded in the gateway's process: the same subgraph code (schema, field rules, adapters, source
 * cache, breakers, background work) built here instead of in a process of its own, and called through an
 * in-process data source instead of HTTP. What a request then saves is a hop per subgraph: no internal token
 * to sign and check, no JSON to write and parse twice, no socket; and the system holds one Node.js heap
 * instead of seven. `npm start` and small deployments run this way; separate processes
 * (`EMBEDDED_SUBGRAPHS=none`, the default of `gateway/main.ts`) remain for scale-out.
 *
 * The rules do not move: every subgraph still decides from the reader's verified identity (handed over in
 * process, where the internal token carried it over HTTP), the person subgraph still signs its grants, and the
 * gateway still writes the access log from what the person subgraph reports.
 */

/**
 * EMBEDDED_SUBGRAPHS: `all`, `none` (the default) or a comma-separated list of subgraph names. Those listed run
 * in the gateway's process; the others are reached at SUBGRAPH_URLS (a mixed deployment).
 */
export function embeddedSubgraphsFromEnv(env: NodeJS.ProcessEnv = process.env): SubgraphName[] {
  const value = (env.EMBEDDED_SUBGRAPHS ?? 'none').trim();
  if (value === '' || value === 'none') return [];
  if (value === 'all') return [...SUBGRAPH_NAMES];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(SUBGRAPH_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`EMBEDDED_SUBGRAPHS: ${JSON.stringify(name.slice(0, 40))} is not a subgraph (all, none, or some of ${SUBGRAPH_NAMES.join(', ')})`);
    }
  }
  return [...new Set(names)] as SubgraphName[];
}

/**
 * Builds the named subgraphs in this process, each with its own logger (`subgraph-<name>`, as in its own
 * process). The subgraphs' code is loaded only here: a gateway with none embedded does not carry it.
 */
export async function buildEmbeddedSubgraphs(names: readonly SubgraphName[]): Promise<Map<SubgraphName, Kit.BuiltSubgraph>> {
  const built = new Map<SubgraphName, Kit.BuiltSubgraph>();
  if (names.length === 0) return built;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SUBGRAPH_DEFINITIONS } = require('../subgraphs/index') as typeof Definitions;
  const { buildSubgraph } = require('../subgraphs/kit/createSubgraph') as typeof Kit;
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    for (const name of names) {
      // The gateway counts each request once; a subgraph's part of it is not another request.
      built.set(name, await buildSubgraph(SUBGRAPH_DEFINITIONS[name], createLogger(`subgraph-${name}`), { countRequests: false }));
    }
  } catch (error) {
    await closeEmbedded(built);
    throw error;
  }
  return built;
}

export async function closeEmbedded(built: Map<SubgraphName, Kit.BuiltSubgraph>): Promise<void> {
  for (const subgraph of built.values()) subgraph.stopping();
  await Promise.all([...built.values()].map((s) => s.close()));
}

/**
 * The gateway's data source for a subgraph in its own process: executes the fetch on the subgraph's Apollo
 * Server with the context its HTTP endpoint would build from the internal token (same plugins, same error
 * formatting, same reports), gives up after `timeoutMs` as SubgraphDataSource does, and turns a failure into
 * SUBGRAPH_UNAVAILABLE for that subgraph's fields alone.
 */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    private readonly subgraph: Kit.BuiltSubgraph,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) throw new Error(`${this.name}: only operations are sent to an embedded subgraph`);
    const { request } = options;
    const context = options.context as GatewayContext | undefined;
    if (!context?.identity || !context.requestId) throw new Error('a subgraph request without a verified reader');
    if (!this.subgraph.ready()) return unavailable(this.name, request);
    try {
      const contextValue = this.subgraph.context({ requestId: context.requestId, identity: context.identity, plan: context.planSubgraphs ?? [] });
      const executed = this.subgraph.server.executeOperation({ query: request.query, variables: request.variables, operationName: request.operationName }, { contextValue });
      const answer = await within(executed, this.timeoutMs, () => {
        throw Object.assign(new Error('timed out'), { code: 'TIMEOUT' });
      });
      if (answer.body.kind !== 'single') throw new Error('an incremental answer from a subgraph');
      const { data, errors, extensions } = answer.body.singleResult;
      return takeReports(this.name, { data, errors, ...(extensions ? { extensions: { ...extensions } } : {}) } as GatewayGraphQLResponse, context);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      this.logger.warn({ subgraph: this.name, code: e.code ?? 'ERROR', requestId: context.requestId }, 'subgraph unavailable');
      return unavailable(this.name, request);
    }
  }
}
