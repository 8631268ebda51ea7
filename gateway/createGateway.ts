import { randomUUID } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { parse, visit } from 'graphql';
import { apolloDefaults } from '../lib/apolloDefaults';
import type { Logger } from '../lib/logger';
import type { Started } from '../lib/service';
import { defaultSubgraphUrl, readSupergraph, SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { requiredSubgraphsFromEnv } from './health';
import { httpFront, identityProviders } from './httpFront';
import { corsOriginsFromEnv } from './requests/httpGuards';
import { actionStatus } from './requests/actionStatus';
import { operationChecks } from './requests/operationChecks';
import { deferNotSupported } from './requests/deferNotSupported';
import { persistedQueries, persistedQueryConfigFromEnv, type PersistedQueryConfig } from './requests/persistedQueries';
import { playgroundRouter } from './playground';
import { citizenPageRouter } from './citizenPage';
import { SubgraphDataSource, type GatewayContext } from './SubgraphDataSource';
import { closeEmbedded, InProcessDataSource } from './embeddedSubgraphs';
import type { BuiltSubgraph } from '../subgraphs/kit/createSubgraph';
import { jsonErrors, listen } from '../lib/httpServer';
import type { AuditStore } from '../lib/audit/AuditStore';
import { internalSigningKey } from '../lib/internalToken';
import { rolePrecheck } from './access/rolePrecheck';
import { accessLogPlugin } from './audit/accessLogPlugin';
import { type Authenticated } from './auth/authenticate';
import type { GraphAnswer, SubscriberReads } from './alerts/subscriptions';
import { devIdpRouter } from './devIdp/devIdpRouter';
import { gatewayLimits } from './limits/gatewayLimits';
import { queryPlanCacheMiB, type Limits } from './limits/limitsFromEnv';
import { planSubgraphs } from './planning/planSubgraphs';

export interface GatewayOptions {
  port: number;
  /** How long the gateway waits for a subgraph; longer than any source's timeout. */
  subgraphTimeoutMs?: number;
  /** Where each subgraph listens; defaults to the URLs in the supergraph (localhost:4001…4006). */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** Where disclosures are recorded before answers leave. */
  auditStore: AuditStore;
  /** The key of patient pseudonyms in the access log. */
  auditPseudonymKey: Buffer;
  /** What one operation may ask, checked before planning; defaults to the LIMIT_* variables (gateway/limits). */
  limits?: Limits;
  /** Size of the query-plan cache in MiB; defaults to QUERY_PLAN_CACHE_MIB, else 30. */
  queryPlanCacheMiB?: number;
  /** Persisted queries (APQ, trusted documents or off); defaults to PERSISTED_QUERIES and TRUSTED_DOCUMENTS. */
  persistedQueries?: PersistedQueryConfig;
  /** Browser origins allowed besides the gateway's own; defaults to CORS_ORIGINS. */
  corsOrigins?: string[];
  /** Subgraphs without which the gateway is not ready; defaults to REQUIRED_SUBGRAPHS, else `person`. */
  requiredSubgraphs?: SubgraphName[];
  /**
   * Subgraphs built in this process (gateway/embeddedSubgraphs.ts), called in process instead of over HTTP;
   * the gateway closes them when it stops.
   */
  embedded?: Map<SubgraphName, BuiltSubgraph>;
}

/**
 * The gateway: Apollo Gateway over the checked-in supergraph (static composition, so it starts while a
 * subgraph is down), served by Apollo Server on express with the playground at `/`, the citizen's page at
 * `/min-journal` and health at `/health`.
 */
export async function startGateway(options: GatewayOptions, logger: Logger): Promise<Started> {
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, options.subgraphUrls?.[n] ?? defaultSubgraphUrl(n)])) as Record<SubgraphName, string>;
  // Identity first: a gateway that cannot verify readers must not start (production names what is missing).
  const { issuers, devIdp } = await identityProviders(logger);
  const signingKey = internalSigningKey();
  const supergraphSdl = readSupergraph();
  const embedded = options.embedded ?? new Map<SubgraphName, BuiltSubgraph>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const local = embedded.get(name as SubgraphName);
      return local
        ? new InProcessDataSource(name, local, options.subgraphTimeoutMs ?? 10_000, logger)
        : new SubgraphDataSource(name, urls[name as SubgraphName] ?? '', options.subgraphTimeoutMs ?? 10_000, logger, signingKey);
    },
    logger: { debug: () => undefined, info: (m) => logger.info(String(m)), warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
    // Plans are cached by operation text, least recently used out first: bounded, so new texts cost time, not memory.
    experimental_approximateQueryPlanStoreMiB: options.queryPlanCacheMiB ?? queryPlanCacheMiB(),
    // Which subgraphs the plan calls travels to each of them, so the first can fetch ahead for the later ones.
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext }) => {
      (requestContext.context as GatewayContext).planSubgraphs = planSubgraphs(queryPlan);
    },
  });
  const limits = gatewayLimits<GatewayContext>(options.limits);
  // Automatic persisted queries in a bounded store, or trusted documents only (gateway/requests/persistedQueries.ts).
  const persisted = persistedQueries<GatewayContext>(options.persistedQueries ?? persistedQueryConfigFromEnv(), logger);
  const corsOrigins = options.corsOrigins ?? corsOriginsFromEnv();
  const server = new ApolloServer<GatewayContext>({
    gateway,
    ...persisted.options,
    // Refusals by the limits come before planning (gateway/limits).
    validationRules: limits.validationRules,
    // Client mistakes first (the first refusal is the one the client gets), then limits, roles, the log.
    ...apolloDefaults<GatewayContext>(logger, [
      operationChecks<GatewayContext>(),
      persisted.plugin,
      ...limits.plugins,
      rolePrecheck(),
      tidyErrors(supergraphSdl),
      actionStatus<GatewayContext>(),
      accessLogPlugin(options.auditStore, options.auditPseudonymKey, logger),
      ...(embedded.size > 0 ? [endEmbeddedRequests(embedded)] : []),
      ...limits.reportPlugins,
    ]),
  });
  await server.start();

  const front = httpFront(
    {
      urls,
      required: options.requiredSubgraphs ?? requiredSubgraphsFromEnv(),
      corsOrigins,
      engine: 'apollo',
      embedded,
      accessLog: options.auditStore,
      logger,
      before: [playgroundRouter(devIdp !== undefined), citizenPageRouter(devIdp !== undefined), ...(devIdp ? [devIdpRouter(devIdp)] : [])],
      subscriberReads: inProcessReads(server),
    },
    issuers,
  );
  const app = front.app;
  front.graphql(
    deferNotSupported(),
    expressMiddleware(server, {
      context: async ({ res }) => {
        const { identity, requestId } = res.locals.auth as Authenticated;
        return { requestId, identity, accessDecisions: new Map(), planConsents: new Map() };
      },
    }),
  );
  app.use(jsonErrors(logger));
  const http = await listen(app, options.port);
  return {
    urls: { graphql: `${http.url}/graphql`, playground: `${http.url}/`, health: `${http.url}/health` },
    close: async () => {
      front.stopping();
      await http.close();
      await server.stop();
      await closeEmbedded(embedded);
      await persisted.close();
      await options.auditStore.close();
    },
  };
}

/**
 * A live-alert subscription's reads as its subscriber, run by this Apollo Server in this process: the same plugins
 * (limits, role precheck, the access log, error tidying) and the context `/graphql` builds for a verified reader,
 * without the socket, the JSON both ways and verifying the token again for every alert. A request id of its own for
 * each read, as authentication gives each HTTP request.
 */
export function inProcessReads(server: ApolloServer<GatewayContext>): SubscriberReads {
  return async ({ authenticated }, request) => {
    const contextValue: GatewayContext = { requestId: randomUUID(), identity: authenticated.identity, accessDecisions: new Map(), planConsents: new Map() };
    const response = await server.executeOperation(request, { contextValue });
    if (response.body.kind !== 'single') throw new Error('an incremental answer to an alert read');
    const { data, errors } = response.body.singleResult;
    return { data: data as GraphAnswer['data'], errors: errors?.map((e) => ({ message: e.message, path: e.path as (string | number)[] | undefined, extensions: e.extensions })) };
  };
}

/**
 * Subgraphs in this process forget what a request read once its answer has left (over HTTP, a subgraph cannot
 * know when the gateway's last step for a request is done, and keeps a request's reads for a minute).
 */
function endEmbeddedRequests(embedded: ReadonlyMap<SubgraphName, BuiltSubgraph>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          if (contextValue.requestId) for (const subgraph of embedded.values()) subgraph.endRequest(contextValue.requestId);
        },
      };
    },
  };
}

/**
 * What the client sees of errors: one outage can reach the client several times over (a down subgraph is
 * asked in several steps of a plan), so identical errors are sent once; and an error on a hidden field
 * (`@inaccessible`, an input between subgraphs) is dropped: the client never asked for it, and the field
 * it feeds carries the same error under its own name (a refused `medications`, a missing source).
 */
export function tidyErrors(supergraphSdl: string): ApolloServerPlugin<GatewayContext> {
  const hidden = new Set<string>();
  visit(parse(supergraphSdl), {
    FieldDefinition(node) {
      if (node.directives?.some((d) => d.name.value === 'inaccessible')) hidden.add(node.name.value);
    },
  });
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const seen = new Set<string>();
          const kept = response.body.singleResult.errors.filter((e) => {
            const last = e.path?.[e.path.length - 1];
            if (typeof last === 'string' && hidden.has(last)) return false;
            const key = JSON.stringify([e.message, e.path, e.extensions?.code]);
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
          response.body.singleResult.errors = kept.length > 0 ? kept : undefined;
        },
      };
    },
  };
}
