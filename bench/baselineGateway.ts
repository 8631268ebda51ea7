/**
 * The benchmark's baseline: a plain @apollo/gateway (ApolloServer's standalone server + ApolloGateway over
 * schema/supergraph.graphql) in front of the same subgraphs as ours, with none of ours: no authentication,
 * no early refusals, no access log, no limits, no error tidying; telemetry off. `npm run bench` compares the
 * CPU each gateway spends on the same requests.
 *
 * The one addition: subgraphs answer only calls that carry the gateway's internal token, so its data source
 * signs one per call, as ours does, for one fixed reader: the identity our gateway forwards for the
 * benchmark's persona (emergency access), so that the subgraphs do the same work and send the same answers
 * to both. Never part of the system: it trusts every caller. PORT (0 for a free one), SUBGRAPH_URLS.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { verifyAccessToken } from '../gateway/auth/verifyAccessToken';
import { DevIdentityProvider } from '../gateway/devIdp/DevIdentityProvider';
import type { Identity } from '../lib/identity';
import { internalSigningKey, signInternalToken } from '../lib/internalToken';
import { createLogger } from '../lib/logger';
import { runService } from '../lib/service';
import { defaultSubgraphUrl, readSupergraph, type SubgraphName } from '../lib/subgraphs';
import { BENCH_PERSONA } from './client';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';

interface BaselineContext {
  requestId: string;
}

class SignedDataSource extends RemoteGraphQLDataSource<BaselineContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly key: KeyObject,
    private readonly identity: Identity,
  ) {
    super({ url });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<BaselineContext>): Promise<void> {
    const token = await signInternalToken(this.key, this.subgraph, context.requestId, this.identity);
    request.http?.headers.set('authorization', `Bearer ${token}`);
  }
}

const logger = createLogger('baseline-gateway');

runService('baseline gateway', logger, async () => {
  const urls = JSON.parse(process.env.SUBGRAPH_URLS ?? '{}') as Partial<Record<SubgraphName, string>>;
  const idp = await DevIdentityProvider.load();
  // The reader our gateway would forward for the benchmark's persona, verified the same way once.
  const identity = await verifyAccessToken(await idp.token(BENCH_PERSONA), idp.issuers());
  const key = internalSigningKey();
  const gateway = new ApolloGateway({
    supergraphSdl: readSupergraph(),
    buildService: ({ name }) => new SignedDataSource(name, urls[name as SubgraphName] ?? defaultSubgraphUrl(name as SubgraphName), key, identity),
  });
  const server = new ApolloServer<BaselineContext>({ gateway, plugins: [ApolloServerPluginUsageReportingDisabled()] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT ?? 4090), host: '127.0.0.1' },
    // Each request has its own id: the person subgraph binds its access grants to it.
    context: async () => ({ requestId: randomUUID() }),
  });
  return { urls: { graphql: url }, close: () => server.stop() };
});
