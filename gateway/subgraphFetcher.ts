import { Agent, fetch } from 'undici';

/**
 * How the gateway reaches the subgraphs: one undici agent with kept-alive connections. The agent gives up
 * an idle connection after `IDLE_MS`, well before a subgraph closes one (SERVER_KEEP_ALIVE_MS in
 * lib/httpServer, and undici also honours the `Keep-Alive: timeout=` the server announces), so the two
 * cannot race to use and close the same socket. Should a reused connection still turn out closed (the
 * subgraph restarted), SubgraphDataSource asks once more on a new one (`isConnectionReset`).
 */
export const IDLE_MS = 30_000;

let shared: Agent | undefined;

export function subgraphAgent(): Agent {
  shared ??= new Agent({ keepAliveTimeout: IDLE_MS, keepAliveMaxTimeout: IDLE_MS, connections: 256, pipelining: 1 });
  return shared;
}

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string> | Headers; body?: string }) => Promise<unknown>;

/** A fetcher for RemoteGraphQLDataSource that gives up after `timeoutMs`. */
export function subgraphFetcher(timeoutMs: number, agent: Agent = subgraphAgent()): Fetch {
  return (url, init) => fetch(url, { ...init, dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) } as Parameters<typeof fetch>[1]);
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * True when a request failed because its connection was closed under it (not refused, not timed out): the
 * one failure worth one more try on a new connection.
 */
export function isConnectionReset(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code && RESET_CODES.has(e.code)) return true;
  }
  return false;
}
