import http from 'node:http';
import https from 'node:https';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { containsNin, decodeUrl } from '../../lib/nin';

export { containsNin, decodeUrl };
import type { InstanceConfig } from '../../lib/config';
import { noteCacheControl } from './readContext';
import { PrivacyGuardError } from './errors';

// Keep-alive: legacy calls are many and small; a new TCP (and TLS) handshake each time would cost more
// than the call itself. An idle connection is given up after 30 s, or a second before the server's own
// `Keep-Alive: timeout=` says it will close it (Node's agent applies that hint only when a timeout is set),
// so a request is not sent on a connection the server is closing; a reset one is still retried once below.
const AGENT = { keepAlive: true, maxSockets: 64, timeout: 30_000 };
const httpAgent = new http.Agent(AGENT);
const httpsAgent = new https.Agent(AGENT);

const RETRYABLE = new Set(['ECONNRESET', 'EPIPE']);

/** Axios request config for a request that fetches credentials, not data (see the Cache-Control note below). */
export interface CredentialRequest {
  credentialRequest?: boolean;
}


/**
 * The axios client for one instance: base URL, per-source timeout, keep-alive, no redirects, and a guard
 * that refuses any request whose URL carries an identity number (URLs end up in access logs; numbers go in
 * bodies). Errors are left to the kit to classify.
 */
export function createHttpClient(instance: InstanceConfig): AxiosInstance {
  const client = axios.create({
    baseURL: instance.baseUrl,
    timeout: instance.timeoutMs,
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    // Bodies are parsed by the adapters' own parsers, which validate; axios must not guess.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    headers: { 'User-Agent': 'patient-graph/0.1' },
    proxy: false,
  });
  // A keep-alive socket the server has just closed fails the next request with ECONNRESET before the
  // request reached the server. Every read here is safe to repeat, so such a failure is retried once.
  // Whether the source lets its answer be kept: the kit's cache reads this (Cache-Control, per read). A
  // request made with `credentialRequest` (an OAuth token) says nothing about the data: its `no-store`
  // covers the token alone.
  const about = (config: unknown) => !(config as CredentialRequest | undefined)?.credentialRequest;
  client.interceptors.response.use(
    (response) => {
      if (about(response.config)) noteCacheControl(response.headers['cache-control'], response.config.signal);
      return response;
    },
    (error: unknown) => {
      if (isAxiosError(error) && about(error.config)) noteCacheControl(error.response?.headers['cache-control'], error.config?.signal);
      return Promise.reject(error);
    },
  );
  client.interceptors.response.use(undefined, async (error: unknown) => {
    if (!isAxiosError(error) || !error.config || error.response || !RETRYABLE.has(error.code ?? '')) throw error;
    const config = error.config as typeof error.config & { retriedAfterReset?: boolean };
    if (config.retriedAfterReset || config.signal?.aborted) throw error;
    config.retriedAfterReset = true;
    return client.request(config);
  });
  client.interceptors.request.use((config) => {
    const url = `${config.baseURL ?? ''}${config.url ?? ''}${config.params ? JSON.stringify(config.params) : ''}`;
    if (containsNin(url)) throw new PrivacyGuardError(`refused a request to ${instance.id}: its URL would carry an identity number`);
    return config;
  });
  return client;
}
