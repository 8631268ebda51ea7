import { OAuthTokens } from '../kit/oauthTokens';
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

/** The hub's tokens (simulators/kit/oauthTokens.ts): bare grant_type errors, no scope in the answer, 24-byte tokens. */
export class HubTokens extends OAuthTokens {
  constructor(options: HubCredentials) {
    super({
      ...options,
      tokenBytes: 24,
      realm: 'welfare-hub',
      expiredDescription: 'The access token is expired',
      echoScope: false,
      refuse: sendOutcome,
    });
  }
}
