import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendOutcome } from './outcome';

/**
 * The hub's OAuth2 server (client credentials, RFC 6749 § 4.4) and the FHIR API's bearer check: opaque tokens held
 * in memory (a restart revokes them), 401 `invalid_client` for wrong credentials, 401 OperationOutcome with an
 * RFC 6750 challenge for a FHIR call without a valid token.
 */
export interface HubCredentials {
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

export class HubTokens {
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(private readonly options: HubCredentials) {}

  /** `POST /oauth2/token`: form body `grant_type=client_credentials` with `client_id`/`client_secret`, or HTTP Basic. */
  readonly issue = (req: Request, res: Response): void => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    if (!req.is('application/x-www-form-urlencoded')) {
      res.status(400).json({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded.' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      res.status(400).json({ error: typeof body.grant_type === 'string' ? 'unsupported_grant_type' : 'invalid_request' });
      return;
    }
    let clientId = typeof body.client_id === 'string' ? body.client_id : '';
    let clientSecret = typeof body.client_secret === 'string' ? body.client_secret : '';
    const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, Math.max(colon, 0)));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (!sameSecret(clientId, this.options.clientId) || !sameSecret(clientSecret, this.options.clientSecret)) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      return;
    }
    const now = Date.now();
    for (const [token, issued] of this.tokens) if (issued.expiresAt < now - 3_600_000) this.tokens.delete(token);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { clientId, expiresAt: now + this.options.tokenLifetimeSeconds * 1000 });
    res.json({ access_token: token, token_type: 'Bearer', expires_in: this.options.tokenLifetimeSeconds });
  };

  /** Checks a FHIR call's bearer token; sets `res.locals.clientId` (a search's pages are only its client's). */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      res.set('WWW-Authenticate', 'Bearer realm="welfare-hub"');
      sendOutcome(res, 401, 'login', 'Authentication is required: send an OAuth2 access token as Authorization: Bearer.');
      return;
    }
    const issued = this.tokens.get(match[1]);
    if (!issued || issued.expiresAt <= Date.now()) {
      res.set('WWW-Authenticate', `Bearer realm="welfare-hub", error="invalid_token", error_description="The access token is ${issued ? 'expired' : 'invalid'}"`);
      sendOutcome(res, 401, issued ? 'expired' : 'login', issued ? 'The access token expired.' : 'The access token is invalid.');
      return;
    }
    res.locals.clientId = issued.clientId;
    next();
  };
}
