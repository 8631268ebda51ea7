/**
 * OAuth2 client credentials: the generic token cache lives in the kit (adapters/kit/oauthClientCredentials.ts), shared
 * with the other FHIR systems; this module keeps the names this adapter and its tests use.
 */
export { TOKEN_PATH, TokenCache } from '../kit/oauthClientCredentials';
