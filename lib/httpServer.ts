import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorRequestHandler, Express } from 'express';
import type { Logger } from './logger';
import { BIND_HOST } from './net';

export interface Listening {
  /** `http://127.0.0.1:<port>`, whatever address it binds to. */
  url: string;
  /** Stops taking connections, lets requests in flight finish (up to `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

/**
 * How long a server keeps an idle kept-alive connection open: longer than any client of ours keeps one
 * (the gateway's agent gives them up after 30 s, gateway/subgraphFetcher.ts), so a client never sends a
 * request on a connection the server is closing at that moment. Headers must be allowed longer still.
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;

/** Serves an express app on BIND_HOST:port (0 for a free port). */
export async function listen(app: Express, port: number): Promise<Listening> {
  const server = http.createServer(app);
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.headersTimeout = SERVER_KEEP_ALIVE_MS + 1000;
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
