import { systemRegistry } from '../../adapters/registry';
import { DECISION_CONTRACTS, forgetDecisions } from './access/decider';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type RequestHandler } from 'express';
import { type GraphQLError, parse } from 'graphql';
import { AdapterKit } from '../../adapters/kit';
import { CacheCrypto, cacheKeysFromEnv } from '../../adapters/kit/cache/CacheCrypto';
import { createCacheStore, describeCacheStore } from '../../adapters/kit/cache/CacheStore';
import { sourceCache } from '../../adapters/kit/cache/sourceCache';
import { Resilience } from '../../adapters/kit/resilience';
import { metricsEndpoint } from '../../lib/metricsEndpoint';
import { changeNoticeHandler, changeNoticeTaker, type NoticeAnswer } from './changeNotices';
import { apolloDefaults } from '../../lib/apolloDefaults';
import type { ContractName } from '../../adapters/contracts';
import { checkConsistency, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { LRUCache } from 'lru-cache';
import { INTERNAL_TOKEN_TTL_SECONDS, internalVerifyKey, verifyInternalToken, type InternalCaller } from '../../lib/internalToken';
import type { Logger } from '../../lib/logger';
import type { Started } from '../../lib/service';
import { subgraphSdl, type SubgraphName } from '../../lib/subgraphs';
import { verifierKey } from './access/accessGrant';
import { AccessContext, grantReader, type PatientParent } from './access/AccessContext';
import type { AccessDecision } from './access/AccessDecision';
import type { PlanConsentDecision } from './access/planConsent';
import { guardFields } from './access/fieldGuard';
import { limitEntities } from './entityLimits';
import { requireInputs } from './requireInputs';
import { RequestLoaders } from './outcomes';
import { SourceProbe } from './sourceProbe';
import { withSharedResolvers } from './sharedResolvers';
import { SourceDirectory } from './SourceDirectory';
import { jsonErrors, listen } from '../../lib/httpServer';

/** What every resolver gets. */
/** What forgets a source's answers about patients, in the shared cache (the kit's sourceCache). */
export interface Invalidates {
  invalidate(instance: InstanceConfig, operations: readonly string[], keys: readonly string[]): Promise<void>;
}

export interface SubgraphContext {
  requestId: string;
  sources: SourceDirectory;
  loaders: RequestLoaders;
  /** The verified reader (from the gateway's internal token) and their access decisions about patients. */
  access: AccessContext;
  /**
   * Errors to add to the response next to data that is still returned: a merged list that lacks one
   * source's part is partial, not null, and the error says which source is missing.
   */
  sideErrors: GraphQLError[];
  /** The subgraphs the gateway's plan for this request calls (a hint, to fetch ahead for them). */
  plan: readonly string[];
}

export interface SubgraphDefinition {
  name: SubgraphName;
  resolvers: GraphQLResolverMap<SubgraphContext>;
  /**
   * The contracts (adapters/contracts.ts) whose adapters this subgraph calls: every instance of a system that
   * fulfils one is connected, its options validated at start. No system is named here.
   */
  contracts: readonly ContractName[];
  /**
   * How this subgraph knows the reader's access to a patient. Only the person subgraph decides (from the
   * sources); every other subgraph reads the person subgraph's signed grant, which is the default.
   */
  decide?: (ctx: Omit<SubgraphContext, 'access'>, identity: InternalCaller['identity']) => (patient: PatientParent) => Promise<AccessDecision>;
  /**
   * Where a participant outside health care's consent in a patient's individual plan is checked (rule planConsent):
   * only the subgraph that reads the plan (care) supplies it; elsewhere no consent is ever found.
   */
  planConsent?: (ctx: SubgraphContext, patient: PatientParent) => Promise<PlanConsentDecision>;
  /** More Apollo Server plugins (the person subgraph reports its decisions to the gateway with one). */
  plugins?: ApolloServerPlugin<SubgraphContext>[];
  /**
   * Work that runs beside the server for the process's life (the messaging subgraph's delivery from its
   * outbox): started once the sources are connected, stopped before the process ends.
   */
  background?: (deps: { sources: SourceDirectory; logger: Logger; cache: Invalidates }) => Promise<{ stop(): Promise<void> }>;
}

const sideErrorsPlugin: ApolloServerPlugin<SubgraphContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || contextValue.sideErrors.length === 0) return;
        const result = response.body.singleResult;
        result.errors = [...(result.errors ?? []), ...contextValue.sideErrors.map((e) => e.toJSON())];
      },
    };
  },
};

/**
 * Only the gateway may call a subgraph: every request needs the gateway's internal token, addressed to
 * this subgraph. Without one the request ends here, HTTP 401, before anything is parsed or resolved.
 */
function requireGateway(subgraph: SubgraphName, logger: Logger): RequestHandler {
  const key = internalVerifyKey();
  // Tokens seen lately: each is good for one call. Kept a little longer than a token lives.
  const seen = new LRUCache<string, true>({ max: 200_000, ttl: (INTERNAL_TOKEN_TTL_SECONDS + 10) * 1000 });
  return (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(req.get('authorization') ?? '');
    verifyInternalToken(key, subgraph, match?.[1] ?? '')
      .then((caller) => {
        if (seen.has(caller.tokenId)) throw new Error('internal token replayed');
        seen.set(caller.tokenId, true);
        res.locals.caller = caller;
        next();
      })
      .catch(() => {
        if (res.headersSent) return;
        logger.warn({ subgraph }, 'request refused: no valid internal token from the gateway');
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="patient-graph-subgraph", error="invalid_token"')
          .json({ errors: [{ message: 'This subgraph answers only the gateway (a valid internal token is required)', extensions: { code: 'UNAUTHENTICATED' } }] });
      });
  };
}

/** A subgraph built and ready to answer, not yet served: over HTTP (startSubgraph) or in the gateway's process. */
export interface BuiltSubgraph {
  name: SubgraphName;
  /** Apollo Server over the subgraph's schema, started. */
  server: ApolloServer<SubgraphContext>;
  /** The context of one request from the gateway, for the caller its internal token named (or the gateway's own, in process). */
  context(caller: Pick<InternalCaller, 'requestId' | 'identity' | 'plan'>): SubgraphContext;
  /** `GET /health`'s body: each source instance with its breaker and a probe, and the cache store. */
  health(): Promise<SubgraphHealthBody>;
  /** `/health/ready`: started and not stopping. */
  ready(): boolean;
  /** Marks the subgraph as stopping (readiness 503) before what serves it closes. */
  stopping(): void;
  /** A source's signed change notice (`POST /cache/invalidate`'s text body and signature header). */
  takeNotice(body: unknown, signature: string | undefined): Promise<NoticeAnswer>;
  /** A client request has been answered: what it read is not kept past it (the kit's request memory). */
  endRequest(requestId: string): void;
  /** Stops the background work, the server and the cache store. */
  close(): Promise<void>;
}

export interface SubgraphHealthBody {
  status: 'ok' | 'degraded' | 'stopping';
  subgraph: SubgraphName;
  sources: { id: string; breaker: string; reachable: boolean; probeMs: number; probeError?: string }[];
  cache: { store: string; available: boolean };
}

export interface BuildOptions {
  /**
   * Whether this server counts its GraphQL requests in the process's metrics. A subgraph inside the gateway's
   * process does not: its requests are parts of the gateway's, which counts them once.
   */
  countRequests?: boolean;
}

/**
 * The legacy sources as a subgraph reads them: the organisations and sources configured (checked against each other),
 * each read through the source cache and resilience (adapters/kit). A research worker process builds the same.
 */
export function connectSources(logger: Logger): { sources: SourceDirectory; invalidates: Invalidates; store: ReturnType<typeof createCacheStore>; cache: ReturnType<typeof sourceCache>; resilience: Resilience } {
  const orgs = loadOrganisations();
  const sourcesConfig = loadSources();
  checkConsistency(orgs, sourcesConfig);
  // The source cache and resilience, around every legacy read of this subgraph (adapters/kit).
  const store = createCacheStore(logger);
  const kit = new AdapterKit(logger, { store, crypto: new CacheCrypto(cacheKeysFromEnv()) });
  const cache = sourceCache({ store, crypto: kit.storage.crypto, logger });
  // What forgets a source's answers (a change notice, a block the patient set): the access decisions resting on them go
  // with them, in every process that shares the store, when the source is one access is decided from.
  const invalidates: Invalidates = {
    invalidate: async (instance, operations, keys) => {
      await cache.invalidate(instance, operations, keys);
      if (DECISION_CONTRACTS.has(systemRegistry().get(instance.system)?.contract ?? '')) await forgetDecisions(kit.storage, keys.filter((k) => /^\d{11}$/.test(k)));
    },
  };
  const resilience = new Resilience(logger);
  kit.use(cache).use(resilience.middleware());
  logger.info(`source cache: ${describeCacheStore()}`);
  const sources = new SourceDirectory(orgs, sourcesConfig, kit);
  return { sources, invalidates, store, cache, resilience };
}

/** Builds a subgraph: its sources, cache and resilience, its schema with the field rules, Apollo Server, its background work. */
export async function buildSubgraph(definition: SubgraphDefinition, logger: Logger, options: BuildOptions = {}): Promise<BuiltSubgraph> {
  const { sources, invalidates, store, cache, resilience } = connectSources(logger);
  sources.validate(definition.contracts);
  // The person subgraph makes the grants (with the master secret); every other subgraph checks those meant for it.
  const grantKey = definition.decide ? undefined : verifierKey(definition.name);
  const sdl = subgraphSdl(definition.name);
  // A field computed from other subgraphs' objects refuses to answer without them (REQUIRED_INPUTS_MISSING), after its access rule.
  const schema = guardFields(
    definition.name,
    requireInputs(limitEntities(buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: withSharedResolvers(definition.resolvers) }])), sdl, (m) =>
      logger.error({ field: `${m.type}.${m.field}`, absent: m.absent }, 'computed field asked without its inputs: a fault of the gateway query plan'),
    ),
  );
  const server = new ApolloServer<SubgraphContext>({
    schema,
    persistedQueries: false,
    ...apolloDefaults<SubgraphContext>(logger, [sideErrorsPlugin, ...(definition.plugins ?? [])], { countRequests: options.countRequests ?? true }),
  });
  await server.start();
  const background = await definition.background?.({ sources, logger, cache: invalidates });
  // What this subgraph is connected to, for operators: instance ids and the adapters' own descriptions.
  const connected = sources.describe(definition.contracts);
  const probes = new SourceProbe();
  let stopping = false;
  return {
    name: definition.name,
    server,
    context: ({ requestId, identity, plan }) => {
      const base = { requestId, sources, loaders: new RequestLoaders(requestId, { purposeOfUse: identity.purpose }), sideErrors: [], plan };
      const decide = definition.decide ? definition.decide(base, identity) : grantReader(grantKey as Buffer, definition.name, requestId, identity);
      const context: SubgraphContext = { ...base, access: new AccessContext(identity, requestId, decide) };
      const planConsent = definition.planConsent;
      if (planConsent) context.access.checkPlanConsentWith((patient) => planConsent(context, patient));
      return context;
    },
    // Each source instance probed (kept 10 s) beside its breaker. A source down does not make the subgraph
    // unready: it still answers, with that source's fields failing (SOURCE_UNAVAILABLE).
    health: async () => {
      const breakers = resilience.states();
      const checked = await Promise.all(
        connected.map(async (c) => {
          const probe = await probes.check(c.id, sources.instance(c.id).baseUrl);
          return { ...c, breaker: breakers[c.id] ?? 'closed', reachable: probe.reachable, probeMs: probe.ms, ...(probe.error ? { probeError: probe.error } : {}) };
        }),
      );
      const healthy = checked.every((c) => c.reachable && c.breaker === 'closed');
      return { status: stopping ? 'stopping' : healthy ? 'ok' : 'degraded', subgraph: definition.name, sources: checked, cache: { store: store.kind, available: store.available() } };
    },
    ready: () => !stopping,
    stopping: () => {
      stopping = true;
    },
    takeNotice: changeNoticeTaker(sources, invalidates, logger, definition.name, store),
    endRequest: (requestId) => cache.endRequest(requestId),
    close: async () => {
      stopping = true;
      await background?.stop();
      await server.stop();
      await store.close();
    },
  };
}

/** Builds and starts a subgraph: Apollo Server over express, `/graphql` and `/health`. */
export async function startSubgraph(definition: SubgraphDefinition, logger: Logger, port: number): Promise<Started> {
  const subgraph = await buildSubgraph(definition, logger);
  const app = express();
  app.disable('x-powered-by');
  // Health: `live` (the process answers), `ready` (started and not stopping), and the whole picture.
  app.get('/health/live', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'live' });
  });
  app.get('/health/ready', (_req, res) => {
    const ready = subgraph.ready();
    res.set('Cache-Control', 'no-store').status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'stopping' });
  });
  app.get('/health', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await subgraph.health());
  });
  app.get('/metrics', metricsEndpoint());
  app.post('/cache/invalidate', express.text({ type: 'application/json', limit: '16kb' }), changeNoticeHandler(subgraph.takeNotice));
  app.use(
    '/graphql',
    requireGateway(definition.name, logger),
    // The gateway's entity requests carry every sector's data for a worklist of up to 100 patients.
    express.json({ limit: '20mb' }),
    expressMiddleware(subgraph.server, { context: async ({ res }) => subgraph.context(res.locals.caller as InternalCaller) }),
  );
  app.use(jsonErrors(logger));
  const http = await listen(app, port);
  return {
    urls: { graphql: `${http.url}/graphql`, health: `${http.url}/health` },
    close: async () => {
      subgraph.stopping();
      await http.close();
      await subgraph.close();
    },
  };
}
