import http from 'node:http';
import https from 'node:https';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { isValidNin } from '../../lib/nin';
import type { InstanceConfig } from '../../lib/config';
import { PrivacyGuardError } from './errors';

// Keep-alive: legacy calls are many and small; a new TCP (and TLS) handshake each time would cost more
// than the call itself.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

const RETRYABLE = new Set(['ECONNRESET', 'EPIPE']);

/** True when the text holds an 11-digit run that is a valid national identity number. */
export function containsNin(text: string): boolean {
  for (const match of text.matchAll(/(?<!\d)\d{11}(?!\d)/g)) if (isValidNin(match[0])) return true;
  return false;
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
