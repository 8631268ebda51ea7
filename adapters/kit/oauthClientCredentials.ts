import { type AxiosInstance, type AxiosRequestConfig, isAxiosError, isCancel } from 'axios';
import { z } from 'zod';
import { BadResponseError } from './errors';
import type { CredentialRequest } from './http';
import { parseJson, validatePayload } from './validate';

/** Where an OAuth2 token endpoint usually is, relative to the instance's base URL. */
export const TOKEN_PATH = '/oauth2/token';

/** The client's credentials for the client-credentials grant (RFC 6749 § 4.4), and the scope, when the server wants one. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  scope?: string | undefined;
}

/** Renew this long before expiry (or at half the lifetime for short-lived tokens), so a token never dies in flight. */
const REFRESH_MARGIN_MS = 30_000;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive(),
});

/**
 * OAuth2 client-credentials tokens for one instance, cached in memory until shortly before they expire.
 * Concurrent reads share one token request. The token and secret are never logged and live only here.
 */
export class TokenCache {
  private current: { token: string; renewAt: number } | undefined;
  private pending: { promise: Promise<string>; signal: AbortSignal } | undefined;

  constructor(
    private readonly http: AxiosInstance,
    private readonly options: ClientCredentials,
    private readonly now: () => number = Date.now,
    private readonly path: string = TOKEN_PATH,
  ) {}

  /** A valid token: the cached one, or a new one fetched within the caller's deadline. */
  async get(signal: AbortSignal): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return this.current.token;
    if (!this.pending) {
      const promise = this.fetch(signal).finally(() => {
        if (this.pending?.promise === promise) this.pending = undefined;
      });
      this.pending = { promise, signal };
      return promise;
    }
    const shared = this.pending;
    try {
      return await shared.promise;
    } catch (error) {
      // The shared request was cut by another read's deadline, not ours: ask for our own token.
      if (shared.signal !== signal && isCancel(error) && !signal.aborted) return this.fetch(signal);
      throw error;
    }
  }

  /** Forgets a token the server refused, so the next `get` fetches a new one. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async fetch(signal: AbortSignal): Promise<string> {
    const { clientId, clientSecret, scope } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    if (scope) form.set('scope', scope);
    // The secret goes in the POST body (never a URL); no API key of the source is sent to the token endpoint.
    const config: AxiosRequestConfig & CredentialRequest = {
      signal,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      // The token answer's `no-store` is about the token, not the record this read fetches.
      credentialRequest: true,
    };
    const response = await this.http.post<string>(this.path, form.toString(), config);
    const answer = validatePayload(tokenResponseSchema, parseJson(response.data, 'token answer'), 'token answer');
    const lifetimeMs = answer.expires_in * 1000;
    this.current = { token: answer.access_token, renewAt: this.now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return answer.access_token;
  }
}

/**
 * Whether a FHIR (or other OAuth2-protected) server refused the bearer token itself (RFC 6750 `invalid_token`, for
 * example after a clock skew or a key rotation): then the token is renewed once; any other refusal is the answer.
 */
export function isRefusedToken(error: unknown): boolean {
  if (!isAxiosError(error) || error.response?.status !== 401) return false;
  const challenge = String(error.response.headers['www-authenticate'] ?? '');
  return /^Bearer\b/i.test(challenge) && /error="?invalid_token/i.test(challenge);
}

/**
 * One call with a bearer token from `tokens` (and any `headers` of the source's own): when the server refuses the token
 * itself (isRefusedToken), it is renewed once per read (`state`, shared by the read's calls); any other refusal is the
 * source's answer.
 */
export async function bearerCall<T>(
  tokens: TokenCache,
  send: (headers: Record<string, string>) => Promise<{ data: T }>,
  signal: AbortSignal,
  state: { renewed: boolean },
  headers: Record<string, string> = {},
): Promise<T> {
  const withToken = (token: string) => ({ Authorization: `Bearer ${token}`, ...headers });
  const token = await tokens.get(signal);
  try {
    return (await send(withToken(token))).data;
  } catch (error) {
    if (state.renewed || !isRefusedToken(error)) throw error;
    state.renewed = true;
    tokens.invalidate(token);
    return (await send(withToken(await tokens.get(signal)))).data;
  }
}

/** A paging link the source sent, followed only on the instance's own origin: its token (and keys) must not go elsewhere. */
export function sameOriginLink(baseUrl: string, link: string): string {
  let url: URL;
  try {
    url = new URL(link, `${baseUrl}/`);
  } catch {
    throw new BadResponseError('the next link is not a URL');
  }
  if (url.origin !== new URL(baseUrl).origin) throw new BadResponseError('the next link points away from the source');
  return url.href;
}
