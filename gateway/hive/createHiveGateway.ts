import type { KeyObject } from 'node:crypto';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler as routerRuntime } from '@graphql-hive/router-runtime';
import type express from 'express';
import { GraphQLError, parse, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { countAnswer, safeError } from '../../lib/apolloDefaults';
import type { AuditStore } from '../../lib/audit/AuditStore';
import { internalSigningKey, signInternalToken } from '../../lib/internalToken';
import { jsonErrors, listen } from '../../lib/httpServer';
import type { Logger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import type { Started } from '../../lib/service';
import { defaultSubgraphUrl, readSupergraph, SUBGRAPH_NAMES, type SubgraphName } from '../../lib/subgraphs';
import { rolePrecheck } from '../access/rolePrecheck';
import { accessLogPlugin } from '../audit/accessLogPlugin';
import { type Authenticated } from '../auth/authenticate';
import { tidyErrors } from '../createGateway';
import { requiredSubgraphsFromEnv } from '../health';
import { httpFront, identityProviders } from '../httpFront';
import { gatewayLimits } from '../limits/gatewayLimits';
import { withoutSuggestions } from '../limits/hideSuggestions';
import type { Limits } from '../limits/limitsFromEnv';
import { corsOriginsFromEnv } from '../requests/httpGuards';
import { actionStatus } from '../requests/actionStatus';
import { operationChecks } from '../requests/operationChecks';
import { keepPlanConsents, nullEntities, type GatewayContext, type ReportedDecision } from '../SubgraphDataSource';
import { ApolloPluginBridge } from './apolloPluginBridge';
import { deferOnlyWhereSafe } from './deferOnlyWhereSafe';
import { errorsBesideData, withErrorsBesideData } from './errorsBesideData';
import { finishInParts, isPartStream, type Finished } from './finishInParts';
import { omittedInputsAsNull } from './omittedInputsAsNull';
import { PartwiseAuditStore } from './PartwiseAuditStore';
import { requiresInPlanOrder } from './requiresInPlanOrder';

/**
 * Which Hive Gateway query planner runs the supergraph: `default` (its JavaScript runtime, built on
 * graphql-tools stitching) or `router` (`@graphql-hive/router-runtime`, the Rust query planner).
 */
export type HiveRuntime = 'default' | 'router';

export interface HiveGatewayOptions {
  port: number;
  runtime: HiveRuntime;
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  subgraphTimeoutMs?: number;
  auditStore: AuditStore;
  auditPseudonymKey: Buffer;
  limits?: Limits;
  corsOrigins?: string[];
  requiredSubgraphs?: SubgraphName[];
}

/**
 * The same supergraph on Hive Gateway (`@graphql-hive/gateway`), for operators who want a second engine:
 * the same HTTP front (authentication, CORS, headers, health, change notices), the same internal token to
 * each subgraph, and the same rules in the same code (limits, role pre-check, argument checks, access log,
 * error codes), bridged from the Apollo gateway's plugins (apolloPluginBridge.ts). What differs is the
 * query planner and executor. Persisted queries and the playground are the Apollo gateway's only.
 */
export async function startHiveGateway(options: HiveGatewayOptions, logger: Logger): Promise<Started> {
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, options.subgraphUrls?.[n] ?? defaultSubgraphUrl(n)])) as Record<SubgraphName, string>;
  const { issuers } = await identityProviders(logger);
  const signingKey = internalSigningKey();
  const supergraphSdl = readSupergraph();
  const limits = gatewayLimits<GatewayContext>(options.limits);
  // An answer in parts (@defer) writes a record per part, each with what is new (PartwiseAuditStore).
  const auditStore = new PartwiseAuditStore(options.auditStore);
  const bridge = new ApolloPluginBridge<GatewayContext>([
    operationChecks<GatewayContext>(),
    // The limits that act on the resolved operation or its errors (tokens are counted while parsing, below).
    ...limits.operationPlugins,
    rolePrecheck(),
    tidyErrors(supergraphSdl),
    actionStatus<GatewayContext>(),
    accessLogPlugin(auditStore, options.auditPseudonymKey, logger),
    ...limits.reportPlugins,
  ]);
  const maxTokens = limits.limits.tokens;

  const runtime = createGatewayRuntime<GatewayContext & Record<string, unknown>>({
    // The default planner judges a `@requires` by its first object only: each is written so that this one comes
    // latest, or it calls the record subgraph before the sectors have answered (requiresInPlanOrder.ts). The Rust
    // planner reads the whole selection and gets the supergraph as composed.
    ...(options.runtime === 'router' ? { supergraph: supergraphSdl, unifiedGraphHandler: routerRuntime } : { supergraph: requiresInPlanOrder(supergraphSdl) }),
    // Never share a subgraph answer between requests. Hive's HTTP executor merges identical subgraph
    // requests in flight (keyed on URL, method and body, in one map for the whole process) unless told not
    // to, and the reader's internal token is set later, in `onFetch` (subgraphCalls), outside that key: a
    // merged fetch ran as whichever reader came first and its answer, refusals and access decision went to
    // both. Putting the reader into the key would still merge two requests of one reader, whose tokens are
    // single-use and whose access-log records must each stand on their own request's answer; so merging is
    // off. Legacy reads are still shared where that is safe, below the rules (the adapter kit's cache).
    transportEntries: Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, { location: urls[n], options: { deduplicateInflightRequests: false } }])),
    // The same for whole client requests (off by default; said here so that nobody turns it on): two readers'
    // identical operations are two executions.
    inboundInflightRequestDeduplication: false,
    // @defer, sent as multipart/mixed or server-sent events: a summary's registry part and fast sources first,
    // the slow ones after. Each part passes the same rules and is on record before it leaves (bridgedRules,
    // finishInParts.ts). What the planner cannot defer correctly is answered at once (deferOnlyWhereSafe.ts).
    // The Rust planner (HIVE_RUNTIME=router) answers such a query whole.
    deferStream: true,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    // Errors are formatted as the Apollo gateway formats them: registered codes pass, the rest is masked.
    maskedErrors: { maskError },
    plugins: () => [
      requestErrorStatus(),
      identityPlugin(),
      limitsPlugin(limits.validationRules, maxTokens),
      // The Rust planner leaves null `@requires` inputs out of representations: put back as null (omittedInputsAsNull.ts).
      ...(options.runtime === 'router' ? [omittedInputsAsNull(supergraphSdl, new Map(SUBGRAPH_NAMES.map((n) => [urls[n], n])))] : []),
      subgraphCalls(urls, signingKey, options.subgraphTimeoutMs ?? 10_000, logger),
      deferOnlyWhereSafe(supergraphSdl),
      ...(options.runtime === 'default' ? [errorsBesideData()] : []),
      bridgedRules(bridge, auditStore),
    ],
  });

  const front = httpFront(
    { urls, required: options.requiredSubgraphs ?? requiredSubgraphsFromEnv(), corsOrigins: options.corsOrigins ?? corsOriginsFromEnv(), engine: `hive-${options.runtime}`, accessLog: options.auditStore, logger },
    issuers,
  );
  const app = front.app;
  front.graphql(
    // Persisted queries are the Apollo gateway's (a bounded store, trusted documents): said plainly here.
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (!(req.body as { extensions?: { persistedQuery?: unknown } } | undefined)?.extensions?.persistedQuery) {
        next();
        return;
      }
      res.status(400).json({ errors: [{ message: 'Persisted queries are not supported by this gateway engine: send the operation text', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] });
    },
    runtime as unknown as express.RequestHandler,
  );
  app.use(jsonErrors(logger));
  const http = await listen(app, options.port);
  return {
    urls: { graphql: `${http.url}/graphql`, health: `${http.url}/health` },
    close: async () => {
      front.stopping();
      await http.close();
      await runtime.dispose();
      await options.auditStore.close();
    },
  };
}

type Ctx = GatewayContext & { res?: express.Response };

/** Errors are formatted as the Apollo gateway formats them: registered codes pass, the rest is masked. */
function maskError(error: unknown): GraphQLError {
  const graphqlError = error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error });
  // No "Did you mean …?" hints at the schema, as in the Apollo gateway (validation errors come here).
  const formatted = safeError({ ...graphqlError.toJSON(), message: withoutSuggestions(graphqlError.message) }, graphqlError);
  return new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });
}

/**
 * HTTP status as the Apollo gateway answers it: a request refused before execution (no `data`) is a 4xx,
 * whatever the client accepts; Yoga answers 200 to `Accept: application/json` for parse and validation
 * errors (the GraphQL-over-HTTP spec's legacy mode). An error's own status (403, 503) wins.
 */
function requestErrorStatus(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      // An answer in parts is counted when it ends (bridgedRules); its status is sent before its first part.
      if (Array.isArray(result) || !result || typeof result !== 'object' || isPartStream(result)) return;
      const single = result as ExecutionResult & { extensions?: Record<string, unknown> };
      countAnswer(single.data, single.errors);
      if (!single.errors?.length || ('data' in single && single.data !== undefined)) return;
      const own = single.errors.map((e) => (e.extensions?.http as { status?: number; spec?: boolean } | undefined)).filter((h) => h && !h.spec && h.status);
      const status = Math.max(400, ...own.map((h) => h?.status ?? 0));
      setResult({ ...single, extensions: { ...single.extensions, http: { status } } });
    },
  };
}

/** The reader and request id that `authenticate` verified, in the GraphQL context as the Apollo gateway has them. */
function identityPlugin(): GatewayPlugin {
  return {
    onContextBuilding({ context, extendContext }) {
      const auth = (context as unknown as Ctx).res?.locals.auth as Authenticated | undefined;
      if (!auth) throw new GraphQLError('A bearer token is required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      extendContext({ identity: auth.identity, requestId: auth.requestId, accessDecisions: new Map<string, ReportedDecision>(), planConsents: new Map<string, string[]>() } as never);
    },
  };
}

/**
 * The limits checked while parsing and validating: tokens (graphql-js's own `maxTokens`, refused as
 * TOO_MANY_TOKENS) and the validation rules of the Apollo gateway (graphql-armor's and ours).
 */
function limitsPlugin(rules: ReturnType<typeof gatewayLimits>['validationRules'], maxTokens: number): GatewayPlugin {
  return {
    onParse({ params }) {
      const source = typeof params.source === 'string' ? params.source : params.source.body;
      try {
        parse(source, { maxTokens, noLocation: true });
      } catch (error) {
        if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message)) {
          metrics().limitRefusals.inc({ limit: 'tokens' });
          throw new GraphQLError(`Refused before planning: the operation has more than ${maxTokens} tokens.`, { extensions: { code: 'TOO_MANY_TOKENS', max: maxTokens, http: { status: 400 } } });
        }
      }
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}

/**
 * Every subgraph call: the internal token for that subgraph and this call, the request id, a deadline,
 * the access decisions the person subgraph reports (kept for the access log, never sent on), and
 * SUBGRAPH_UNAVAILABLE with null entities when the subgraph cannot be reached, as the Apollo gateway does.
 */
function subgraphCalls(urls: Record<SubgraphName, string>, key: KeyObject, timeoutMs: number, logger: Logger): GatewayPlugin {
  const byUrl = new Map(Object.entries(urls).map(([name, url]) => [url, name as SubgraphName]));
  return {
    async onFetch({ url, options, setOptions, context, executionRequest, fetchFn, setFetchFn }) {
      const subgraph = byUrl.get(url);
      const ctx = context as Partial<Ctx>;
      if (!subgraph || !ctx.identity || !ctx.requestId) return undefined;
      const token = await signInternalToken(key, subgraph, ctx.requestId, ctx.identity);
      const headers = new Headers(options.headers as HeadersInit | undefined);
      headers.set('authorization', `Bearer ${token}`);
      headers.set('x-request-id', ctx.requestId);
      setOptions({ ...options, headers: Object.fromEntries(headers), signal: AbortSignal.timeout(timeoutMs) });
      const unavailable = (reason: string) => {
        logger.warn({ subgraph, reason, requestId: ctx.requestId }, 'subgraph unavailable');
        const body = {
          data: nullEntities(executionRequest?.document ? printDocument(executionRequest.document) : undefined, executionRequest?.variables),
          errors: [{ message: `The ${subgraph} subgraph could not be reached`, extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph } }],
        };
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      };
      setFetchFn(async (input, init, ...rest) => {
        try {
          const response = await fetchFn(input, init, ...rest);
          if (!response.ok) return unavailable(`HTTP ${response.status}`);
          return response;
        } catch (error) {
          return unavailable((error as { code?: string; name?: string }).code ?? (error as Error).name);
        }
      });
      return async ({ response, setResponse }) => {
        // The person subgraph reports its access decisions, the care subgraph the plan consents it granted (the access log's grounds).
        if (subgraph !== 'person' && subgraph !== 'care') return;
        let body: ExecutionResult & { extensions?: Record<string, unknown> };
        try {
          body = (await response.clone().json()) as typeof body;
        } catch {
          setResponse(unavailable('not JSON'));
          return;
        }
        if (subgraph === 'care') {
          if (!body.extensions?.planConsents) return;
          keepPlanConsents(ctx as GatewayContext, body.extensions.planConsents);
          delete body.extensions.planConsents;
          setResponse(new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } }));
          return;
        }
        const reported = body.extensions?.accessDecisions;
        if (reported && typeof reported === 'object' && ctx.accessDecisions) {
          for (const [patient, decision] of Object.entries(reported as Record<string, ReportedDecision>)) ctx.accessDecisions.set(patient, decision);
          delete body.extensions?.accessDecisions;
          setResponse(new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } }));
        }
      };
    },
  };
}

/**
 * The Apollo gateway's rules that need the resolved operation or the result, run through the bridge. An answer
 * in parts (@defer) passes them part by part (finishInParts.ts): every part on record before it leaves.
 */
function bridgedRules(bridge: ApolloPluginBridge<GatewayContext>, auditStore: PartwiseAuditStore): GatewayPlugin {
  return {
    // A subscription (or any operation that is not executed) is refused by the same checks: the graph is read-only.
    async onSubscribe({ args, setResultAndStopExecution }) {
      const started = await startBridge(bridge, args);
      const refusal = await started.resolveOperation();
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const started = await startBridge(bridge, args);
      const requestId = (args.contextValue as Partial<GatewayContext>).requestId;
      const refusal = await started.resolveOperation();
      if (refusal) {
        setResultAndStopExecution({ errors: [refusal] });
        return undefined;
      }
      return {
        async onExecuteDone({ result, setResult }) {
          if (isPartStream(result)) {
            if (!requestId) throw new Error('an answer in parts without a request id cannot be logged');
            auditStore.begin(requestId);
            const sent = await finishInParts(result, {
              // The first part carries what was found beside its data (later parts hold deferred fragments, which select no computed field).
              firstPart: (part) => withErrorsBesideData(args.contextValue as object, part),
              finish: (whole) => started.finish(whole),
              maskError,
              ended: (data, errors) => {
                auditStore.end(requestId);
                countAnswer(data, errors);
              },
            }).catch((error: unknown) => {
              auditStore.end(requestId);
              throw error;
            });
            setResult('whole' in sent ? withStatus(sent.whole) : (sent.parts as never));
            return;
          }
          if (!('data' in result) && !('errors' in result)) return;
          setResult(withStatus(await started.finish(withErrorsBesideData(args.contextValue as object, result as ExecutionResult))));
        },
      };
    },
  };
}

/** The result the rules left, with a status they set (a refused action's, AUDIT_UNAVAILABLE's) on every error, where Yoga reads it. */
function withStatus(finished: Finished): ExecutionResult {
  const errors = finished.result.errors?.map((e) =>
    e instanceof GraphQLError && !finished.status
      ? e
      : new GraphQLError((e as { message: string }).message, {
          path: (e as { path?: readonly (string | number)[] }).path,
          extensions: { ...(e as { extensions?: Record<string, unknown> }).extensions, ...(finished.status ? { http: { status: finished.status } } : {}) },
        }),
  );
  return { ...finished.result, errors };
}

/** The bridge started for one operation, from envelop's execution arguments. */
function startBridge(bridge: ApolloPluginBridge<GatewayContext>, args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: unknown }) {
  return bridge.start({ schema: args.schema, document: args.document, operationName: args.operationName, variables: args.variableValues ?? undefined, contextValue: args.contextValue as GatewayContext });
}

/** Hive hands the subgraph operation as a DocumentNode; nullEntities reads its text. */
function printDocument(document: DocumentNode | string): string {
  return typeof document === 'string' ? document : print(document);
}
