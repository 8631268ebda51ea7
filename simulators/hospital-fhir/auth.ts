import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendOutcome } from './outcome';

/**
 * The two gates in front of DIPS Arena's FHIR API:
 * - Azure API Management checks `Ocp-Apim-Subscription-Key` first and answers in its own JSON shape;
 * - the FHIR server then checks the OAuth2 access token (client credentials, 300 s lifetime) and answers
 *   401 with an OperationOutcome and an RFC 6750 `WWW-Authenticate` header.
 */
export interface AuthOptions {
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  tokenLifetimeSeconds: number;
}

/** Constant-time comparison: a simulator of a security gate should not leak secrets through timing either. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

export function requireSubscriptionKey(expected: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const key = req.get('ocp-apim-subscription-key');
    if (key === undefined) {
      res.status(401).json({
        statusCode: 401,
        message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      });
      return;
    }
    if (!sameSecret(key, expected)) {
      res.status(401).json({
        statusCode: 401,
        message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
      });
      return;
    }
    next();
  };
}

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

/** Issues and checks opaque access tokens for one instance. Tokens live in memory: a restart revokes them. */
export class TokenService {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly options: AuthOptions) {}

  /** `POST /oauth2/token` (RFC 6749 § 4.4): credentials in the form body or as HTTP Basic. */
  readonly issue = (req: Request, res: Response): void => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    if (!req.is('application/x-www-form-urlencoded')) {
      res.status(400).json({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded.' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = body.grant_type;
    if (typeof grantType !== 'string') {
      res.status(400).json({ error: 'invalid_request', error_description: 'grant_type is required.' });
      return;
    }
    if (grantType !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported.' });
      return;
    }
    const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    let clientId = typeof body.client_id === 'string' ? body.client_id : '';
    let clientSecret = typeof body.client_secret === 'string' ? body.client_secret : '';
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (!sameSecret(clientId, this.options.clientId) || !sameSecret(clientSecret, this.options.clientSecret)) {
      // One answer for an unknown client and a wrong secret, so the endpoint does not confirm client ids.
      res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      return;
    }
    this.purge();
    const token = randomBytes(32).toString('base64url');
    const ttl = this.options.tokenLifetimeSeconds;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + ttl * 1000 });
    res.json({ access_token: token, token_type: 'Bearer', expires_in: ttl, ...(typeof body.scope === 'string' ? { scope: body.scope } : {}) });
  };

  /** Checks the bearer token of a FHIR call; sets `res.locals.clientId` for the search store. */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      res.set('WWW-Authenticate', 'Bearer realm="fhir"');
      sendOutcome(res, 401, 'login', 'Authentication is required: send an OAuth2 access token as Authorization: Bearer.');
      return;
    }
    const issued = this.tokens.get(match[1]);
    if (!issued) {
      res.set('WWW-Authenticate', 'Bearer realm="fhir", error="invalid_token", error_description="The access token is invalid"');
      sendOutcome(res, 401, 'login', 'The access token is invalid.');
      return;
    }
    if (issued.expiresAt <= Date.now()) {
      res.set('WWW-Authenticate', 'Bearer realm="fhir", error="invalid_token", error_description="The access token expired"');
      sendOutcome(res, 401, 'expired', 'The access token expired.');
      return;
    }
    res.locals.clientId = issued.clientId;
    next();
  };

  /** Forgets tokens expired for more than an hour (kept that long so that their 401 can say "expired"). */
  private purge(): void {
    const cutoff = Date.now() - 3_600_000;
    for (const [token, issued] of this.tokens) if (issued.expiresAt < cutoff) this.tokens.delete(token);
  }
}
