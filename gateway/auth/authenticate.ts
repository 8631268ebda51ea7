import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Identity } from '../../lib/identity';
import type { Logger } from '../../lib/logger';
import type { Issuer } from './issuers';
import { TokenRefused, verifyAccessToken } from './verifyAccessToken';

/** What authentication leaves for the GraphQL context. */
export interface Authenticated {
  identity: Identity;
  requestId: string;
}

/**
 * Every GraphQL request needs a bearer token from a trusted issuer; without one the request ends here with
 * HTTP 401 UNAUTHENTICATED, before its body is even read. `WWW-Authenticate` follows RFC 6750, and RFC 9470
 * for a login that is not strong enough, so that clients know to log in again or more strongly.
 */
export function authenticate(issuers: readonly Issuer[], logger: Logger): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim()) : null;
    verifyAccessToken(match?.[1] ?? (header ? 'malformed' : undefined), issuers).then(
      (identity) => {
        res.locals.auth = { identity, requestId: randomUUID() } satisfies Authenticated;
        next();
      },
      (error: unknown) => {
        const refusal = error instanceof TokenRefused ? error : new TokenRefused('bad_signature');
        // The reason only: never the token, nor anything it claims.
        logger.info({ reason: refusal.reason }, 'request refused: unauthenticated');
        const challenge =
          refusal.reason === 'missing_token'
            ? 'Bearer realm="patient-graph"'
            : refusal.reason === 'insufficient_assurance'
              ? 'Bearer realm="patient-graph", error="insufficient_user_authentication", error_description="The highest assurance level is required"'
              : `Bearer realm="patient-graph", error="invalid_token", error_description="${refusal.message}"`;
        res
          .status(401)
          .set('WWW-Authenticate', challenge)
          .set('Cache-Control', 'no-store')
          .json({ errors: [{ message: refusal.message, extensions: { code: 'UNAUTHENTICATED', reason: refusal.reason } }] });
      },
    );
  };
}
