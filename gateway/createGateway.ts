import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { apolloDefaults } from '../lib/apolloDefaults';
import type { Logger } from '../lib/logger';
import type { Started } from '../lib/service';
import { defaultSubgraphUrl, readSupergraph, SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { checkSubgraphs } from './health';
import { playgroundRouter } from './playground';
import { SubgraphDataSource, type GatewayContext } from './SubgraphDataSource';
import { BIND_HOST } from '../lib/net';

export interface GatewayOptions {
  port: number;
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
    buildService: ({ name }) => new SubgraphDataSource(name, urls[name as SubgraphName] ?? '', logger),
    logger: { debug: () => undefined, info: (m) => logger.info(String(m)), warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  const server = new ApolloServer<GatewayContext>({ gateway, ...apolloDefaults<GatewayContext>(logger) });
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
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, BIND_HOST, () => resolve());
  });
  const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    urls: { graphql: `${base}/graphql`, playground: `${base}/`, health: `${base}/health` },
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await server.stop();
    },
  };
}
