import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { InstanceConfig } from './config';
import { isProduction } from './secrets';

/**
 * A source's change notice: "the data of these patients changed, forget what you hold". The source signs it
 * with its own secret (sources.json `invalidationSecret`), over a timestamp, a nonce and the exact body, like
 * a webhook; the gateway and every subgraph check the signature before they forget anything, so nobody else
 * can empty the cache (and make every read go to the legacy systems). Identity numbers travel in the body.
 *
 * Each receiver takes a notice once: the nonce is remembered for as long as the signature is good, so a notice
 * overheard and sent again (to empty the cache over and over within its five minutes) is refused (409).
 */
export const SIGNATURE_HEADER = 'x-patient-graph-signature';
/** How old a notice may be: older ones are refused, and a nonce need be remembered no longer than this. */
export const MAX_AGE_SECONDS = 300;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export const changeNoticeSchema = z
  .object({
    /** The instance id in sources.json. */
    source: z.string().regex(/^[a-z0-9-]{1,64}$/),
    patients: z.array(z.string().regex(/^\d{11}$/)).min(1).max(100),
  })
  .strict();

export type ChangeNotice = z.infer<typeof changeNoticeSchema>;

const mac = (secret: string, timestamp: number, nonce: string, body: string) => createHmac('sha256', secret).update(`${timestamp}.${nonce}.${body}`).digest('hex');

/** The signature header for a notice: `t=<unix seconds>,n=<nonce>,v1=<hex HMAC-SHA256 of "t.n.body">`. */
export function signChangeNotice(secret: string, body: string, now = Date.now(), nonce = randomBytes(16).toString('base64url')): string {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},n=${nonce},v1=${mac(secret, timestamp, nonce, body)}`;
}

/** The notice's nonce when its signature verifies and it is fresh; undefined otherwise. */
export function verifyChangeNotice(secret: string, body: string, header: string | undefined, now = Date.now()): string | undefined {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.trim().split('=') as [string, string]));
  const timestamp = Number(parts.t);
  const nonce = parts.n;
  if (!Number.isInteger(timestamp) || !parts.v1 || !nonce || !NONCE.test(nonce) || Math.abs(now / 1000 - timestamp) > MAX_AGE_SECONDS) return undefined;
  const expected = Buffer.from(mac(secret, timestamp, nonce, body), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : undefined;
}

/**
 * Where a receiver remembers the nonces it has taken. `claim` is true the first time a key is seen within
 * `ttlMs`, false after. In process by default; the subgraphs put theirs on the shared cache store when it is
 * Redis, so that every replica of a subgraph takes a notice once between them.
 */
export interface NonceMemory {
  claim(key: string, ttlMs: number): Promise<boolean>;
}

export function memoryNonces(max = 100_000): NonceMemory {
  const seen = new LRUCache<string, true>({ max, ttlAutopurge: false });
  return {
    async claim(key, ttlMs) {
      if (seen.has(key)) return false;
      seen.set(key, true, { ttl: ttlMs });
      return true;
    },
  };
}

/** What a receiver answers when a notice is refused: HTTP status and a GraphQL-style error body. */
export interface RefusedNotice {
  status: 400 | 401 | 409;
  body: { errors: { message: string; extensions: { code: string } }[] };
}

const refusal = (status: RefusedNotice['status'], message: string, code: string): RefusedNotice => ({ status, body: { errors: [{ message, extensions: { code } }] } });

/**
 * Reads and checks a change notice as received (the exact body text and the signature header): well formed,
 * from an instance that has an invalidation secret (in production, not a development default), signed by it
 * within MAX_AGE_SECONDS, and not taken before by this receiver (`nonces`, under `receiver`).
 */
export async function checkChangeNotice(
  body: unknown,
  signature: string | undefined,
  instanceOf: (id: string) => InstanceConfig | undefined,
  nonces: NonceMemory,
  receiver: string,
  now = Date.now(),
): Promise<{ notice: ChangeNotice; instance: InstanceConfig } | RefusedNotice> {
  let notice: ChangeNotice;
  try {
    notice = changeNoticeSchema.parse(JSON.parse(typeof body === 'string' ? body : ''));
  } catch {
    return refusal(400, 'A change notice is {"source": "<instance id>", "patients": [1 to 100 identity numbers]}, sent as application/json', 'BAD_REQUEST');
  }
  const instance = instanceOf(notice.source);
  const secret = instance?.invalidationSecret;
  const usable = secret !== undefined && !(isProduction() && secret.startsWith('dev-'));
  const nonce = instance && usable ? verifyChangeNotice(secret, body as string, signature, now) : undefined;
  if (!instance || !nonce) {
    return refusal(401, 'The change notice is not signed by that source (t=<seconds>,n=<nonce>,v1=<HMAC>)', 'UNAUTHENTICATED');
  }
  // Hashed: the key names neither the source nor anything else a store's reader could use.
  const key = `pg:notice:${createHash('sha256').update(`${receiver}\u0000${instance.id}\u0000${nonce}`).digest('base64url')}`;
  if (!(await nonces.claim(key, 2 * MAX_AGE_SECONDS * 1000))) {
    return refusal(409, 'This change notice was taken already; a source sends each notice with a fresh nonce', 'CHANGE_NOTICE_REPLAYED');
  }
  return { notice, instance };
}
