import type { NextFunction, Request, Response } from 'express';
import { OAuthTokens, sameSecret } from '../kit/oauthTokens';
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

/**
 * Issues and checks opaque access tokens for one instance (simulators/kit/oauthTokens.ts), with DIPS Arena's answers:
 * described grant_type errors, the requested scope echoed, 32-byte tokens, and realm "fhir".
 */
export class TokenService extends OAuthTokens {
  constructor(options: AuthOptions) {
    super({
      ...options,
      tokenBytes: 32,
      realm: 'fhir',
      expiredDescription: 'The access token expired',
      grantTypeDescriptions: { missing: 'grant_type is required.', unsupported: 'Only client_credentials is supported.' },
      echoScope: true,
      refuse: sendOutcome,
    });
  }

  /**
   * Kept as this simulator has always split Basic credentials: without a colon the id is all but the last character
   * (the kit's default makes it empty). It only matters for malformed credentials, e.g. a `%` escape cut in two.
   */
  protected override basicCredentials(decoded: string): { clientId: string; clientSecret: string } {
    const colon = decoded.indexOf(':');
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
}
