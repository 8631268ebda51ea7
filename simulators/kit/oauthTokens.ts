import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * An OAuth2 token endpoint (client credentials, RFC 6749 § 4.4) and the bearer check in front of a FHIR API, as the
 * FHIR simulators (hospital-fhir, welfare-fhir) run them: opaque tokens held in memory (a restart revokes them),
 * 400 `invalid_request`/`unsupported_grant_type` and 401 `invalid_client` from the token endpoint, and a 401 with an
 * RFC 6750 `WWW-Authenticate` challenge and the simulator's own FHIR OperationOutcome for a call without a valid token.
 */
export interface OAuthTokensOptions {
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
  /** Random bytes in an access token (it is sent base64url-encoded). */
  tokenBytes: number;
  /** The `realm` of the RFC 6750 challenge. */
  realm: string;
  /** The challenge's `error_description` for an expired token (an unknown one is "The access token is invalid"). */
  expiredDescription: string;
  /** `error_description`s for a missing and an unsupported `grant_type`; without them those errors carry none. */
  grantTypeDescriptions?: { missing: string; unsupported: string };
  /** Whether a token answer echoes the request's `scope`. */
  echoScope: boolean;
  /** Answers a refused FHIR call: the simulator's OperationOutcome with this status, issue code and diagnostics. */
  refuse: (res: Response, status: number, code: 'login' | 'expired', diagnostics: string) => void;
}

/** Constant-time comparison: a simulator of a security gate should not leak secrets through timing either. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

/** Issues and checks opaque access tokens for one instance. */
export class OAuthTokens {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly options: OAuthTokensOptions) {}

  /** `POST /oauth2/token`: form body `grant_type=client_credentials` with `client_id`/`client_secret`, or HTTP Basic. */
  readonly issue = (req: Request, res: Response): void => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    if (!req.is('application/x-www-form-urlencoded')) {
      res.status(400).json({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded.' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      const missing = typeof body.grant_type !== 'string';
      const descriptions = this.options.grantTypeDescriptions;
      res.status(400).json({
        error: missing ? 'invalid_request' : 'unsupported_grant_type',
        ...(descriptions ? { error_description: missing ? descriptions.missing : descriptions.unsupported } : {}),
      });
      return;
    }
    let clientId = typeof body.client_id === 'string' ? body.client_id : '';
    let clientSecret = typeof body.client_secret === 'string' ? body.client_secret : '';
    const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (basic?.[1]) ({ clientId, clientSecret } = this.basicCredentials(Buffer.from(basic[1], 'base64').toString('utf8')));
    if (!sameSecret(clientId, this.options.clientId) || !sameSecret(clientSecret, this.options.clientSecret)) {
      // One answer for an unknown client and a wrong secret, so the endpoint does not confirm client ids.
      res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      return;
    }
    const now = Date.now();
    // Forgets tokens expired for more than an hour (kept that long so that their 401 can say "expired").
    for (const [token, issued] of this.tokens) if (issued.expiresAt < now - 3_600_000) this.tokens.delete(token);
    const token = randomBytes(this.options.tokenBytes).toString('base64url');
    const ttl = this.options.tokenLifetimeSeconds;
    this.tokens.set(token, { clientId, expiresAt: now + ttl * 1000 });
    const scope = this.options.echoScope && typeof body.scope === 'string' ? { scope: body.scope } : {};
    res.json({ access_token: token, token_type: 'Bearer', expires_in: ttl, ...scope });
  };

  /** Checks a FHIR call's bearer token; sets `res.locals.clientId` (a search's pages are only its client's). */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    const { realm, refuse } = this.options;
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      res.set('WWW-Authenticate', `Bearer realm="${realm}"`);
      refuse(res, 401, 'login', 'Authentication is required: send an OAuth2 access token as Authorization: Bearer.');
      return;
    }
    const issued = this.tokens.get(match[1]);
    if (!issued || issued.expiresAt <= Date.now()) {
      const description = issued ? this.options.expiredDescription : 'The access token is invalid';
      res.set('WWW-Authenticate', `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`);
      refuse(res, 401, issued ? 'expired' : 'login', issued ? 'The access token expired.' : 'The access token is invalid.');
      return;
    }
    res.locals.clientId = issued.clientId;
    next();
  };

  /** Splits decoded HTTP Basic credentials (`id:secret`, each percent-encoded); without a colon the id is empty. */
  protected basicCredentials(decoded: string): { clientId: string; clientSecret: string } {
    const colon = decoded.indexOf(':');
    return { clientId: decodeURIComponent(decoded.slice(0, Math.max(colon, 0))), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
}
