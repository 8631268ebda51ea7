import { randomUUID } from 'node:crypto';
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
import { jsonErrors, listen } from '../../lib/httpServer';

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
  // What this subgraph is connected to, for operators: instance ids and the adapters' own descriptions.
  const connected = sources.describe(definition.systems);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: definition.name, sources: connected });
  });
  app.use(
    '/graphql',
    // The gateway's entity requests carry every sector's data for a worklist of up to 100 patients.
    express.json({ limit: '20mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        // The gateway passes its request id on, so one request can be followed through every log.
        const incoming = req.get('x-request-id');
        const requestId = incoming && /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        // Replaced by the reader's purpose when identity lands.
        return { requestId, sources, loaders: new RequestLoaders(requestId, { purposeOfUse: 'TREAT' }), sideErrors: [] };
      },
    }),
  );
  app.use(jsonErrors(logger));
  const http = await listen(app, port);
  return {
    urls: { graphql: `${http.url}/graphql`, health: `${http.url}/health` },
    close: async () => {
      await http.close();
      await server.stop();
    },
  };
}
