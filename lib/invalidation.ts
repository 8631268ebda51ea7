import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { InstanceConfig } from './config';
import { isProduction } from './secrets';

/**
 * A source's change notice: "the data of these patients changed, forget what you hold". The source signs it
 * with its own secret (sources.json `invalidationSecret`), over a timestamp and the exact body, like a
 * webhook; the gateway and every subgraph check the signature before they forget anything, so nobody else
 * can empty the cache (and make every read go to the legacy systems). Identity numbers travel in the body.
 */
export const SIGNATURE_HEADER = 'x-patient-graph-signature';
/** How old a notice may be: a replay after that is refused (a replay before it only forgets again). */
export const MAX_AGE_SECONDS = 300;

export const changeNoticeSchema = z
  .object({
    /** The instance id in sources.json. */
    source: z.string().regex(/^[a-z0-9-]{1,64}$/),
    patients: z.array(z.string().regex(/^\d{11}$/)).min(1).max(100),
  })
  .strict();

export type ChangeNotice = z.infer<typeof changeNoticeSchema>;

const mac = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function signChangeNotice(secret: string, body: string, now = Date.now()): string {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${mac(secret, timestamp, body)}`;
}

export function verifyChangeNotice(secret: string, body: string, header: string | undefined, now = Date.now()): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.trim().split('=') as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1 || Math.abs(now / 1000 - timestamp) > MAX_AGE_SECONDS) return false;
  const expected = Buffer.from(mac(secret, timestamp, body), 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What a receiver answers when a notice is refused: HTTP status and a GraphQL-style error body. */
export interface RefusedNotice {
  status: 400 | 401;
  body: { errors: { message: string; extensions: { code: string } }[] };
}

const refusal = (status: 400 | 401, message: string, code: string): RefusedNotice => ({ status, body: { errors: [{ message, extensions: { code } }] } });

/**
 * Reads and checks a change notice as received (the exact body text and the signature header): well formed,
 * from an instance that has an invalidation secret (in production, not a development default), signed by it
 * within MAX_AGE_SECONDS.
 */
export function checkChangeNotice(
  body: unknown,
  signature: string | undefined,
  instanceOf: (id: string) => InstanceConfig | undefined,
  now = Date.now(),
): { notice: ChangeNotice; instance: InstanceConfig } | RefusedNotice {
  let notice: ChangeNotice;
  try {
    notice = changeNoticeSchema.parse(JSON.parse(typeof body === 'string' ? body : ''));
  } catch {
    return refusal(400, 'A change notice is {"source": "<instance id>", "patients": [1 to 100 identity numbers]}, sent as application/json', 'BAD_REQUEST');
  }
  const instance = instanceOf(notice.source);
  const secret = instance?.invalidationSecret;
  const usable = secret !== undefined && !(isProduction() && secret.startsWith('dev-'));
  if (!instance || !usable || !verifyChangeNotice(secret, body as string, signature, now)) {
    return refusal(401, 'The change notice is not signed by that source', 'UNAUTHENTICATED');
  }
  return { notice, instance };
}
