import express, { type Express, type RequestHandler } from 'express';
import { loadSources } from '../lib/config';
import type { Logger } from '../lib/logger';
import { metricsEndpoint } from '../lib/metricsEndpoint';
import { auditPseudonymKey } from '../lib/secrets';
import { within } from '../lib/within';
import type { SubgraphName } from '../lib/subgraphs';
import { authenticate } from './auth/authenticate';
import { configuredIssuers, type Issuer } from './auth/issuers';
import { bulkDataRouter } from './bulkData';
import { cdsHooksRouter } from './cdsHooks';
import { changeNoticeRelay } from './changeNoticeRelay';
import { DevIdentityProvider, devIdpEnabled } from './devIdp/DevIdentityProvider';
import { checkSubgraphs, unreadySubgraphs, type LocalSubgraphs } from './health';
import { bucketStoreFromEnv, rateLimit, rateSettingsFromEnv } from './limits/rateLimit';
import { operationNameGuard, originGuard, securityHeaders } from './requests/httpGuards';
import { closeSharedAlerts, sharedAlerts } from '../lib/alertStream';
import { alertSubscriptions, isInternalRead, type SubscriberReads } from './alerts/subscriptions';
import { welfareEventsWebhook } from './alerts/webhook';

/**
 * What both gateway engines (Apollo Gateway, gateway/createGateway.ts; Hive Gateway, gateway/hive/) put in
 * front of GraphQL, so that the two cannot drift apart: identity providers, security headers, CORS, health,
 * metrics, change notices, POST only, no-store, authentication before the body is read, the operation-name
 * guard, the per-reader rate limit.
 */

/** The identity providers; a gateway that cannot verify readers must not start (production names what is missing). */
export async function identityProviders(logger: Logger): Promise<{ issuers: Issuer[]; devIdp: DevIdentityProvider | undefined }> {
  const devIdp = devIdpEnabled() ? await DevIdentityProvider.load() : undefined;
  const issuers: Issuer[] = [...configuredIssuers(), ...(devIdp?.issuers() ?? [])];
  if (issuers.length === 0) throw new Error('no identity provider is configured: set HELSEID_* and IDPORTEN_*, or DEV_IDP=on outside production');
  if (devIdp) logger.warn('the development identity provider is on (DEV_IDP): its personas can read the simulated population; never in production');
  return { issuers, devIdp };
}

export interface FrontOptions {
  urls: Record<SubgraphName, string>;
  required: readonly SubgraphName[];
  corsOrigins: readonly string[];
  /** Named in /health (`apollo`, `hive-default`, `hive-router`). */
  engine: string;
  logger: Logger;
  /**
   * The access log: while it cannot be written, every read is refused (AUDIT_UNAVAILABLE), so the gateway is not
   * ready and its health is `down`: a load balancer sends the traffic to a replica that can answer.
   */
  accessLog?: { check(): Promise<boolean> };
  /** Subgraphs in the gateway's own process (EMBEDDED_SUBGRAPHS): health and change notices reach them directly. */
  embedded?: LocalSubgraphs;
  /** Mounted before the operational routes (the playground, the development identity provider). */
  before?: RequestHandler[];
  /** How a live-alert subscription reads as its subscriber, where the engine runs a request in this process (else over HTTP). */
  subscriberReads?: SubscriberReads;
}

/**
 * The express app up to GraphQL. `graphql(...handlers)` mounts the engine's handlers at /graphql behind
 * authentication and the body parser; `stopping()` makes readiness answer 503 while the server stops.
 */
export function httpFront(options: FrontOptions, issuers: readonly Issuer[]): { app: Express; graphql(...handlers: RequestHandler[]): void; stopping(): void } {
  const { urls, required, logger } = options;
  const embedded = options.embedded ?? new Map();
  // Per reader, over every replica with REDIS_URL (gateway/limits/rateLimit.ts); RATE_LIMIT=off turns it off.
  const rate = rateSettingsFromEnv();
  const buckets = rate ? bucketStoreFromEnv() : undefined;
  const limiter = rate && buckets ? rateLimit(rate, buckets, auditPseudonymKey(), logger) : undefined;
  // The gateway's own reads for a subscriber (an alert read as them) are not the reader's requests: an alarm storm
  // must not be refused as the reader's rate.
  const limitRate: RequestHandler[] = limiter ? [(req, res, next) => (isInternalRead(req) ? next() : limiter(req, res, next))] : [];
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(originGuard(options.corsOrigins));
  for (const handler of options.before ?? []) app.use(handler);
  // Health: `live` (the process answers), `ready` (the supergraph is loaded, which it is once this listens,
  // and every required subgraph is ready: without them no answer is possible), and the whole picture
  // (503 when a required subgraph is down; `degraded` when others are, whose fields then fail alone).
  let stopping = false;
  app.get('/health/live', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'live' });
  });
  // A store that does not answer within a second counts as not writable (as a subgraph's health does).
  const accessLogWritable = async () => (options.accessLog ? within(options.accessLog.check(), 1000, () => false) : true);
  app.get('/health/ready', async (_req, res) => {
    const [missing, logged] = stopping ? [[], true] : await Promise.all([unreadySubgraphs(Object.fromEntries(required.map((n) => [n, urls[n]])), embedded), accessLogWritable()]);
    const ready = !stopping && missing.length === 0 && logged;
    res
      .set('Cache-Control', 'no-store')
      .status(ready ? 200 : 503)
      .json({ status: stopping ? 'stopping' : ready ? 'ready' : 'unready', ...(missing.length ? { subgraphsDown: missing } : {}), ...(logged ? {} : { accessLog: 'unavailable' }) });
  });
  app.get('/health', async (_req, res) => {
    const [health, logged] = await Promise.all([checkSubgraphs(urls, embedded), accessLogWritable()]);
    const down = !logged || health.subgraphs.some((s) => s.status === 'down' && required.includes(s.name as SubgraphName));
    const status = down ? 'down' : health.status;
    res
      .set('Cache-Control', 'no-store')
      .status(down ? 503 : 200)
      .json({ status, gateway: 'up', engine: options.engine, required, accessLog: { available: logged }, subgraphs: health.subgraphs, sources: health.sources, cache: health.cache });
  });
  app.get('/metrics', metricsEndpoint());
  // CDS Hooks 2.0: decision support for EHRs, computed by the graph with the caller's token (gateway/cdsHooks.ts).
  app.use(cdsHooksRouter(issuers, logger));
  // FHIR Bulk Data: an approved project's pseudonymised extract, through the graph's own operations (gateway/bulkData.ts).
  app.use(bulkDataRouter(issuers, logger));
  // Sources tell the graph when a patient's data changed; the gateway checks and passes the notice on.
  const sources = loadSources();
  app.post('/cache/invalidate', express.text({ type: 'application/json', limit: '16kb' }), changeNoticeRelay(sources, urls, logger, embedded));
  // Welfare technology platforms push their events here (signed as change notices are); subscribers get them live over
  // server-sent events at /graphql/stream, each read as the subscriber by the engine's own pipeline (gateway/alerts/).
  const alerts = sharedAlerts(logger);
  app.post('/welfare/events', express.text({ type: 'application/json', limit: '64kb' }), welfareEventsWebhook(sources, alerts, logger));
  app.use('/graphql/stream', ...alertSubscriptions({ alerts, issuers, logger, limit: limitRate, reads: options.subscriberReads }));
  // Operations travel only in POST bodies: a GET query string lands in access logs and may carry an
  // identity number.
  app.get('/graphql', (_req, res) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({ errors: [{ message: 'Send GraphQL operations with POST', extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
  });
  return {
    app,
    graphql: (...handlers) =>
      app.use(
        '/graphql',
        // Health data is never kept by a browser or a proxy, whatever the answer (refusals included).
        (_req, res, next) => {
          res.set('Cache-Control', 'no-store');
          next();
        },
        // Authentication before the body is read: a request without a valid token costs nothing more.
        authenticate(issuers, logger),
        // Over the reader's rate: refused before the body is read, so nothing is read or logged.
        ...limitRate,
        express.json({ limit: '200kb' }),
        operationNameGuard(),
        ...handlers,
      ),
    stopping: () => {
      stopping = true;
      void buckets?.close();
      void closeSharedAlerts();
    },
  };
}
