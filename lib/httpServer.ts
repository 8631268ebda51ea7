import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorRequestHandler, Express } from 'express';
import type { Logger } from './logger';
import { ConfigError } from './config';
import { BIND_HOST } from './net';

export interface Listening {
  /** `http://127.0.0.1:<port>`, whatever address it binds to. */
  url: string;
  /** Stops taking connections, lets requests in flight finish (up to `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

/**
 * How long a server keeps an idle kept-alive connection open: longer than any client of ours keeps one
 * (the gateway's agent gives them up after 30 s, gateway/subgraphFetcher.ts) and than common load
 * balancers' idle timeouts (60 s), so a client never sends a request on a connection the server is closing
 * at that moment.
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;

/**
 * What a slow or greedy client may hold (REQUEST_TIMEOUT_MS, MAX_CONNECTIONS). Headers must arrive within
 * HEADERS_TIMEOUT_MS of a request's first byte and the whole request (body included) within
 * REQUEST_TIMEOUT_MS, or the server answers 408 and closes the connection; the idle time of a kept-alive
 * connection counts towards neither (Node measures from the request's start). Beyond MAX_CONNECTIONS open
 * connections, new ones are refused.
 */
export interface ServerLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  maxConnections: number;
}

export function serverLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerLimits {
  const read = (name: string, fallback: number, min: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be a whole number of at least ${min} (got ${JSON.stringify(raw.slice(0, 20))})`);
    return value;
  };
  const requestTimeoutMs = read('REQUEST_TIMEOUT_MS', 30_000, 1000);
  return { requestTimeoutMs, headersTimeoutMs: Math.min(10_000, requestTimeoutMs), maxConnections: read('MAX_CONNECTIONS', 1000, 1) };
}

/** Serves an express app on BIND_HOST:port (0 for a free port). */
export async function listen(app: Express, port: number, limits: ServerLimits = serverLimitsFromEnv()): Promise<Listening> {
  // Timeouts are checked every second (Node's default is every 30 s: a 30 s limit could hold a minute).
  const server = http.createServer({ connectionsCheckingInterval: 1000 }, app);
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, BIND_HOST, () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: (graceMs = 3000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * The last express handler: a request that fails before GraphQL (malformed JSON, a body over the limit)
 * gets a JSON error with a registered code, never express's HTML page with a stack trace.
 */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number; type?: string; message?: string }, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) logger.error({ err: { name: (error as Error).name, message: error.message } }, 'request failed');
    const message = status === 413 ? 'The request body is too large' : status < 500 ? 'The request is malformed' : 'Internal server error';
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  };
}
