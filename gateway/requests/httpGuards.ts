import cors from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { ConfigError } from '../../lib/config';

/**
 * The browser origins that may call the gateway (CORS_ORIGINS: comma-separated, each `scheme://host[:port]`
 * exactly). The gateway's own origin (the playground) is always allowed. Empty by default: no other site.
 */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of listed) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new ConfigError(`CORS_ORIGINS: ${JSON.stringify(origin.slice(0, 100))} is not an origin (scheme://host[:port], no path, no trailing slash, no wildcard)`);
    }
  }
  return listed;
}

const sameOrigin = (req: Request, origin: string) => {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
};

/**
 * CORS by allow-list. A request that carries an `Origin` (every browser request from another site, and
 * same-site POSTs) is answered only for the gateway's own origin and CORS_ORIGINS; from any other origin,
 * a preflight or a request is refused with 403 ORIGIN_NOT_ALLOWED and nothing runs. Requests without an
 * `Origin` (servers, curl) are not affected. Allowed origins may send the Authorization header; answers
 * carry no cookies (`credentials` off: the graph authenticates with bearer tokens only).
 */
export function originGuard(allowed: readonly string[]): RequestHandler[] {
  const allowedSet = new Set(allowed);
  const isAllowed = (req: Request, origin: string) => allowedSet.has(origin) || sameOrigin(req, origin);
  const refuse: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined || isAllowed(req, origin)) {
      next();
      return;
    }
    res
      .status(403)
      .set('Vary', 'Origin')
      .json({ errors: [{ message: 'Requests from this origin are not allowed (CORS_ORIGINS)', extensions: { code: 'ORIGIN_NOT_ALLOWED' } }] });
  };
  const corsHeaders = cors({
    origin: (origin, callback) => callback(null, origin !== undefined),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Apollo-Require-Preflight', 'X-Apollo-Operation-Name'],
    maxAge: 600,
    credentials: false,
  });
  return [refuse, corsHeaders];
}

/**
 * Security headers (helmet): `nosniff`, no framing, no referrer, HSTS, a CSP that lets an API answer run
 * nothing. The playground's page sets its own CSP on its route (gateway/playground.ts), which replaces this.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** The longest `operationName` accepted: names in real clients are a few dozen characters. */
export const MAX_OPERATION_NAME = 100;

/**
 * Refuses, before anything parses or logs it, an `operationName` that is not a string or is longer than
 * MAX_OPERATION_NAME (HTTP 400 OPERATION_NAME_TOO_LONG). Runs after the JSON body is read.
 */
export function operationNameGuard(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const name = (req.body as { operationName?: unknown } | undefined)?.operationName;
    if (name === undefined || name === null || (typeof name === 'string' && name.length <= MAX_OPERATION_NAME)) {
      next();
      return;
    }
    res.status(400).json({
      errors: [
        {
          message: typeof name === 'string' ? `operationName is longer than ${MAX_OPERATION_NAME} characters` : 'operationName must be a string',
          extensions: { code: 'OPERATION_NAME_TOO_LONG', max: MAX_OPERATION_NAME },
        },
      ],
    });
  };
}
