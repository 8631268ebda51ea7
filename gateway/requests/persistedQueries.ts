import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { visit, type DocumentNode } from 'graphql';
import { z } from 'zod';
import { ConfigError } from '../../lib/config';
import { graphError } from '../../lib/errorCodes';
import type { Logger } from '../../lib/logger';
import { containsNin } from '../../lib/nin';
import { redisClient, type RedisConnection } from '../../lib/redis';

/**
 * Persisted queries, three ways (PERSISTED_QUERIES):
 * - `apq` (default): Apollo's automatic persisted queries. A client sends a hash; the gateway answers
 *   PERSISTED_QUERY_NOT_FOUND until the client has sent the text with it once. Texts are kept in a bounded
 *   store: Redis when REDIS_URL is set (shared by every gateway replica), else an in-process LRU. A text with
 *   an identity number written into it is refused (IDENTITY_NUMBER_IN_OPERATION): stored texts are shared
 *   by hash and must hold no personal data.
 * - `trusted`: only the operations in a manifest (TRUSTED_DOCUMENTS, Apollo's persisted-query manifest
 *   format) run, sent by hash or in full; anything else is refused (OPERATION_NOT_TRUSTED, HTTP 403). For
 *   production, where the clients are known.
 * - `off`: operation texts only (PERSISTED_QUERY_NOT_SUPPORTED for a hash).
 */
export type PersistedQueryMode = 'apq' | 'trusted' | 'off';

export interface PersistedQueryConfig {
  mode: PersistedQueryMode;
  /** The manifest's operations by SHA-256 of their text (mode `trusted`). */
  trusted?: ReadonlyMap<string, string>;
  redisUrl?: string;
}

/** How long a registered text is kept in Redis (the in-process store evicts by size instead). */
export const APQ_TTL_SECONDS = 24 * 3600;
/** What the in-process store may hold: texts are at most a few KB (the token limit), so thousands. */
export const APQ_MEMORY_BYTES = 8 * 1024 * 1024;

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), body: z.string().min(1), name: z.string().optional(), type: z.string().optional() })).min(1),
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads a persisted-query manifest; each id must be the SHA-256 of its body. */
export function readTrustedDocuments(file: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`TRUSTED_DOCUMENTS: cannot read ${file} as JSON (${(error as Error).message})`);
  }
  const manifest = manifestSchema.safeParse(parsed);
  if (!manifest.success) throw new ConfigError(`TRUSTED_DOCUMENTS: ${file} is not an Apollo persisted-query manifest (format "apollo-persisted-query-manifest", version 1, operations with id and body)`);
  const documents = new Map<string, string>();
  for (const op of manifest.data.operations) {
    if (sha256(op.body) !== op.id) throw new ConfigError(`TRUSTED_DOCUMENTS: the id of operation ${op.name ?? op.id} is not the SHA-256 of its body`);
    documents.set(op.id, op.body);
  }
  return documents;
}

export function persistedQueryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PersistedQueryConfig {
  const mode = (env.PERSISTED_QUERIES?.trim() || 'apq') as PersistedQueryMode;
  if (!['apq', 'trusted', 'off'].includes(mode)) throw new ConfigError(`PERSISTED_QUERIES must be apq, trusted or off (got ${JSON.stringify(mode.slice(0, 20))})`);
  if (mode === 'trusted') {
    const file = env.TRUSTED_DOCUMENTS?.trim();
    if (!file) throw new ConfigError('PERSISTED_QUERIES=trusted needs TRUSTED_DOCUMENTS: the path of the persisted-query manifest');
    return { mode, trusted: readTrustedDocuments(file) };
  }
  const redisUrl = env.REDIS_URL?.trim();
  return { mode, ...(redisUrl ? { redisUrl } : {}) };
}

/**
 * Registered texts in Redis under `pg:apq:<hash>`, shared by gateway replicas. A Redis that is down or slow
 * is a miss (the client sends the text again), never a failed request.
 */
class RedisPersistedQueries implements KeyValueCache<string> {
  constructor(
    private readonly client: RedisConnection,
    private readonly logger: Logger,
  ) {
    client.on('error', () => undefined);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.client.get(`pg:${key}`)) ?? undefined;
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'persisted-query store unavailable: answered as not found');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    try {
      await this.client.set(`pg:${key}`, value, 'EX', options?.ttl ?? APQ_TTL_SECONDS);
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'persisted-query store unavailable: not registered');
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.client.del(`pg:${key}`)) > 0;
    } catch {
      return false;
    }
  }

  close(): Promise<unknown> {
    return this.client.quit().catch(() => undefined);
  }
}

/** A read-only store of the manifest's texts: registration adds nothing. */
class TrustedDocuments implements KeyValueCache<string> {
  constructor(private readonly documents: ReadonlyMap<string, string>) {}
  async get(key: string) {
    return this.documents.get(key.replace(/^apq:/, ''));
  }
  async set() {}
  async delete() {
    return false;
  }
}

/**
 * Apollo Server's `persistedQueries` option and the plugin that refuses what the mode does not take, and
 * a `close` for the store.
 */
export function persistedQueries<C extends BaseContext>(
  config: PersistedQueryConfig,
  logger: Logger,
): { options: Pick<ApolloServerOptions<C>, 'persistedQueries'>; plugin: ApolloServerPlugin<C>; close(): Promise<unknown> } {
  if (config.mode === 'off') return { options: { persistedQueries: false }, plugin: {}, close: async () => undefined };
  const trusted = config.mode === 'trusted' ? (config.trusted ?? new Map<string, string>()) : undefined;
  const redis = !trusted && config.redisUrl ? new RedisPersistedQueries(redisClient(config.redisUrl), logger) : undefined;
  const cache: KeyValueCache<string> = trusted
    ? new TrustedDocuments(trusted)
    : (redis ?? new InMemoryLRUCache<string>({ maxSize: APQ_MEMORY_BYTES, sizeCalculation: (text: string) => text.length }));
  const plugin: ApolloServerPlugin<C> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ queryHash, source, document, metrics }) {
          if (trusted && !trusted.has(queryHash)) {
            throw graphError('OPERATION_NOT_TRUSTED', 'This gateway runs trusted documents only, and this operation is not one of them.', { http: { status: 403 } });
          }
          if (!trusted && metrics.persistedQueryRegister && operationContainsNin(source ?? '', document)) {
            throw graphError('IDENTITY_NUMBER_IN_OPERATION', 'An operation to be persisted must not have an identity number written into it: pass it as a variable.', { http: { status: 400 } });
          }
        },
      };
    },
  };
  return { options: { persistedQueries: { cache, ttl: trusted ? null : APQ_TTL_SECONDS } }, plugin, close: () => redis?.close() ?? Promise.resolve() };
}

/**
 * Whether an operation text holds an identity number: in the text as written (comments included), or in any
 * value the parsed document holds. The parsed values matter because GraphQL strings have escapes of their own:
 * `"0386401306\u0035"` holds no eleven digits in a row as text, yet is the number once parsed, and the stored
 * text would carry it to every gateway that shares the store.
 */
export function operationContainsNin(source: string, document: DocumentNode | undefined): boolean {
  if (containsNin(source)) return true;
  if (!document) return false;
  let found = false;
  const check = (value: string) => {
    if (!found && containsNin(value)) found = true;
  };
  visit(document, {
    StringValue: (node) => check(node.value),
    IntValue: (node) => check(node.value),
    FloatValue: (node) => check(node.value),
  });
  return found;
}
