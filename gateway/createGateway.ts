import { randomUUID } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { apolloDefaults } from '../lib/apolloDefaults';
import type { Logger } from '../lib/logger';
import type { Started } from '../lib/service';
import { defaultSubgraphUrl, readSupergraph, SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { checkSubgraphs } from './health';
import { playgroundRouter } from './playground';
import { SubgraphDataSource, type GatewayContext } from './SubgraphDataSource';
import { jsonErrors, listen } from '../lib/httpServer';

export interface GatewayOptions {
  port: number;
  /** How long the gateway waits for a subgraph; longer than any source's timeout. */
  subgraphTimeoutMs?: number;
  /** Where each subgraph listens; defaults to the URLs in the supergraph (localhost:4001…4006). */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
}

/**
 * The gateway: Apollo Gateway over the checked-in supergraph (static composition, so it starts while a
 * subgraph is down), served by Apollo Server on express with the playground at `/` and health at `/health`.
 */
export async function startGateway(options: GatewayOptions, logger: Logger): Promise<Started> {
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, options.subgraphUrls?.[n] ?? defaultSubgraphUrl(n)])) as Record<SubgraphName, string>;
  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(),
    buildService: ({ name }) => new SubgraphDataSource(name, urls[name as SubgraphName] ?? '', options.subgraphTimeoutMs ?? 10_000, logger),
    logger: { debug: () => undefined, info: (m) => logger.info(String(m)), warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  const server = new ApolloServer<GatewayContext>({ gateway, ...apolloDefaults<GatewayContext>(logger, [dedupeErrors]) });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(playgroundRouter());
  app.get('/health', async (_req, res) => {
    const health = await checkSubgraphs(urls);
    res.set('Cache-Control', 'no-store').json({ status: health.status, gateway: 'up', subgraphs: health.subgraphs });
  });
  // Operations travel only in POST bodies: a GET query string lands in access logs and may carry an
  // identity number.
  app.get('/graphql', (_req, res) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({ errors: [{ message: 'Send GraphQL operations with POST', extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
  });
  app.use(
    '/graphql',
    express.json({ limit: '200kb' }),
    expressMiddleware(server, {
      context: async () => ({ requestId: randomUUID() }),
    }),
  );
  app.use(jsonErrors(logger));
  const http = await listen(app, options.port);
  return {
    urls: { graphql: `${http.url}/graphql`, playground: `${http.url}/`, health: `${http.url}/health` },
    close: async () => {
      await http.close();
      await server.stop();
    },
  };
}

/**
 * One outage can reach the client several times over (a down subgraph is asked in several steps of a
 * plan): identical errors are sent once.
 */
const dedupeErrors: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        const seen = new Set<string>();
        response.body.singleResult.errors = response.body.singleResult.errors.filter((e) => {
          const key = JSON.stringify([e.message, e.path, e.extensions?.code]);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      },
    };
  },
};
