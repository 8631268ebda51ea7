import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from '../../../lib/config';
import { derivedDevSecret, isProduction } from '../../../lib/secrets';

/**
 * What makes the shared cache safe to keep health data in for a short while:
 * - keys are an HMAC of what they stand for (instance, kind of data, identity number) under a secret, so a
 *   Redis key list shows no identity number and cannot be reversed by hashing candidate numbers;
 * - values are sealed with AES-256-GCM under a key from configuration, bound to their key (associated data),
 *   so a Redis dump shows no health data and a value moved to another key does not open.
 * Keys rotate: CACHE_ENCRYPTION_KEYS lists `id:key` pairs, the first seals, all open; an entry sealed with a
 * key no longer listed reads as a miss.
 */
const VERSION = 'v1';

export interface CacheKeys {
  /** HMAC key of cache key names. */
  names: Buffer;
  /** The key that seals new values, and every key that may open old ones. */
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
}

function keyBytes(name: string, value: string): Buffer {
  const key = Buffer.from(value, 'base64url');
  if (key.length !== 32) throw new ConfigError(`${name} must hold 32-byte keys, base64 or base64url`);
  return key;
}

/** From CACHE_KEY_SECRET and CACHE_ENCRYPTION_KEYS; outside production, derived development keys. */
export function cacheKeysFromEnv(env: NodeJS.ProcessEnv = process.env): CacheKeys {
  const production = isProduction();
  const namesValue = env.CACHE_KEY_SECRET || (production ? undefined : derivedDevSecret('cache key names'));
  if (!namesValue) throw new ConfigError('CACHE_KEY_SECRET must be set: the HMAC key of cache keys (32 bytes or more, base64) (NODE_ENV=production has no development defaults)');
  const names = Buffer.from(namesValue, 'base64url');
  if (names.length < 32) throw new ConfigError('CACHE_KEY_SECRET must hold at least 32 bytes (base64 or base64url)');
  const listed = env.CACHE_ENCRYPTION_KEYS || (production ? undefined : `dev:${derivedDevSecret('cache encryption')}`);
  if (!listed) throw new ConfigError('CACHE_ENCRYPTION_KEYS must be set: id:key pairs (32-byte AES keys, base64), the first seals (NODE_ENV=production has no development defaults)');
  const pairs = listed.split(',').map((pair) => {
    const [id, value] = pair.trim().split(':');
    if (!id || !value || !/^[A-Za-z0-9_-]{1,16}$/.test(id)) throw new ConfigError('CACHE_ENCRYPTION_KEYS must be a comma-separated list of id:key');
    return [id, keyBytes('CACHE_ENCRYPTION_KEYS', value)] as const;
  });
  const [first] = pairs;
  if (!first) throw new ConfigError('CACHE_ENCRYPTION_KEYS lists no key');
  return { names, current: { id: first[0], key: first[1] }, all: new Map(pairs) };
}

export class CacheCrypto {
  constructor(private readonly keys: CacheKeys) {}

  /** The cache key for one thing, in one namespace (`src` for source answers, `kj` for tickets, `req` …). */
  keyFor(namespace: string, ...parts: string[]): string {
    return `pg:${namespace}:${createHmac('sha256', this.keys.names).update(parts.join('\u0000')).digest('base64url')}`;
  }

  seal(cacheKey: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.current.key, iv);
    cipher.setAAD(Buffer.from(cacheKey));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keys.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The plaintext, or undefined for a value that does not open (another key, tampered, moved, garbage). */
  open(cacheKey: string, sealed: string): string | undefined {
    const [version, id, iv, tag, body] = sealed.split('.');
    const key = id ? this.keys.all.get(id) : undefined;
    if (version !== VERSION || !key || !iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(cacheKey));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** Keys for a cache that lives and dies with its process (tests, a kit without configuration). */
export function randomCacheKeys(): CacheKeys {
  const key = randomBytes(32);
  return { names: randomBytes(32), current: { id: 'mem', key }, all: new Map([['mem', key]]) };
}
