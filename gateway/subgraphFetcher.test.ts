import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger } from '../lib/logger';
import { internalSigningKey } from '../lib/internalToken';
import type { Identity } from '../lib/identity';
import { SubgraphDataSource, type GatewayContext } from './SubgraphDataSource';
import { isConnectionReset } from './subgraphFetcher';

/**
 * A subgraph that closes a kept-alive connection under the next request on it (as one does when it restarts,
 * or when its keep-alive timeout races the gateway's): the second request on every connection is dropped
 * without an answer. Records the Authorization header of every request it sees.
 */
async function resettingServer() {
  const seen: string[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    const socket = req.socket as typeof req.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    if (socket.served > 1) {
      socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ data: { ok: true } }));
    });
  });
  server.on('connection', () => (connections += 1));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const identity = { kind: 'PERSONNEL', role: 'CLINICIAN', purpose: 'TREAT' } as unknown as Identity;

function ask(source: SubgraphDataSource) {
  const context = { requestId: 'req-12345678', identity, accessDecisions: new Map() } as unknown as GatewayContext;
  // A health-check kind of request: the data source needs no incoming request context for it.
  return source.process({ kind: 'health check', request: { query: '{ ok }' }, context } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
}

describe('gateway → subgraph connections', () => {
  it('asks once more, on a new connection and with a new single-use token, when a reused connection is reset', async () => {
    const server = await resettingServer();
    try {
      const source = new SubgraphDataSource('care', server.url, 5000, createLogger('test'), internalSigningKey());
      const first = await ask(source);
      // The first connection goes back to the pool once its answer is read; the next request reuses it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await ask(source);
      expect(first.data).toEqual({ ok: true });
      expect(second.data).toEqual({ ok: true });
      expect(second.errors).toBeUndefined();
      // The second call reached the server twice: dropped on the kept-alive connection, answered on a new one.
      expect(server.seen).toHaveLength(3);
      expect(server.connections()).toBe(2);
      expect(new Set(server.seen).size).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('does not retry a refused connection, and says SUBGRAPH_UNAVAILABLE', async () => {
    const source = new SubgraphDataSource('care', 'http://127.0.0.1:9/graphql', 2000, createLogger('test'), internalSigningKey());
    const answer = await ask(source);
    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'care' });
  });

  it('tells a reset from other failures, however deep the cause', () => {
    expect(isConnectionReset(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(true);
    expect(isConnectionReset(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionReset(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(false);
    expect(isConnectionReset(new DOMException('timed out', 'TimeoutError'))).toBe(false);
  });
});
