import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { type GraphQLError, parse } from 'graphql';
import { AdapterKit } from '../../adapters/kit';
import { apolloDefaults } from '../../lib/apolloDefaults';
import { checkConsistency, loadOrganisations, loadSources, type SystemName } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import type { Started } from '../../lib/service';
import { subgraphSdl, type SubgraphName } from '../../lib/subgraphs';
import { RequestLoaders } from './outcomes';
import { SourceDirectory } from './SourceDirectory';
import { BIND_HOST } from '../../lib/net';

/** What every resolver gets. */
export interface SubgraphContext {
  requestId: string;
  sources: SourceDirectory;
  loaders: RequestLoaders;
  /**
   * Errors to add to the response next to data that is still returned: a merged list that lacks one
   * source's part is partial, not null, and the error says which source is missing.
   */
  sideErrors: GraphQLError[];
}

export interface SubgraphDefinition {
  name: SubgraphName;
  resolvers: GraphQLResolverMap<SubgraphContext>;
  /** The systems whose adapters this subgraph calls; their instances' options are validated at start. */
  systems: readonly SystemName[];
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

/** Builds and starts a subgraph: Apollo Server over express, `/graphql` and `/health`. */
export async function startSubgraph(definition: SubgraphDefinition, logger: Logger, port: number): Promise<Started> {
  const orgs = loadOrganisations();
  const sourcesConfig = loadSources();
  checkConsistency(orgs, sourcesConfig);
  const kit = new AdapterKit(logger);
  const sources = new SourceDirectory(orgs, sourcesConfig, kit);
  sources.validate(definition.systems);

  const schema = buildSubgraphSchema([{ typeDefs: parse(subgraphSdl(definition.name)), resolvers: definition.resolvers }]);
  const server = new ApolloServer<SubgraphContext>({ schema, ...apolloDefaults<SubgraphContext>(logger, [sideErrorsPlugin]) });
  await server.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: definition.name });
  });
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        // The gateway passes its request id on, so one request can be followed through every log.
        const incoming = req.get('x-request-id');
        const requestId = incoming && /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        return { requestId, sources, loaders: new RequestLoaders(requestId), sideErrors: [] };
      },
    }),
  );
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, BIND_HOST, () => resolve());
  });
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    urls: { graphql: `${url}/graphql`, health: `${url}/health` },
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await server.stop();
    },
  };
}
