import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { symmetricKey } from '../../../lib/secrets';
import type { AccessDecision } from './AccessDecision';

/**
 * The access grant: the person subgraph's decision about one reader and one patient, signed, handed to the
 * other subgraphs through the gateway (a hidden field they `@require`). A subgraph trusts routing keys and
 * the decision only from a grant that verifies, that was made for this very request, and for this very
 * patient: a caller that sends its own routing fields or replays another request's grant gets nothing.
 *
 * The format is `v1.<payload, base64url JSON>.<HMAC-SHA256, base64url>` with a secret only the subgraphs
 * hold: the gateway carries the grant but cannot mint one, and clients never see it (`@inaccessible`).
 * Not a JWT on purpose: no header to negotiate an algorithm, and signing and checking are synchronous, so a
 * worklist's hundred grants are checked in the same tick and the per-request DataLoaders still batch
 * every patient into one legacy call per source.
 */
const VERSION = 'v1';
export const GRANT_TTL_SECONDS = 60;

let secret: Buffer | undefined;

export function accessGrantSecret(): Buffer {
  secret ??= symmetricKey('ACCESS_GRANT_SECRET', (d) => d.accessGrantSecret, 'the HMAC key of access grants between subgraphs (32 bytes or more, base64)');
  return secret;
}

const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Binds a grant to one patient in one request without putting the identity number in it. */
function patientBinding(key: Buffer, requestId: string, nin: string): string {
  return mac(key, `patient\u0000${requestId}\u0000${nin}`).toString('base64url').slice(0, 22);
}

export function signAccessGrant(key: Buffer, requestId: string, nin: string, decision: AccessDecision, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ rid: requestId, pat: patientBinding(key, requestId, nin), exp: Math.floor(now / 1000) + GRANT_TTL_SECONDS, dec: decision }),
  ).toString('base64url');
  return `${VERSION}.${payload}.${mac(key, `${VERSION}.${payload}`).toString('base64url')}`;
}

const org = z.string().max(20);
const grantSchema = z.object({
  rid: z.string(),
  pat: z.string(),
  exp: z.number().int(),
  dec: z.object({
    routing: z.object({ municipality: z.string().max(10).nullable(), gpOffice: z.string().max(20).nullable(), strictlyConfidential: z.boolean().nullable() }),
    grounds: z.array(
      z.union([
        z.object({ kind: z.enum(['GP_LIST', 'MUNICIPAL_SERVICE', 'HOSPITAL_EPISODE']), orgNumber: org }),
        z.object({ kind: z.enum(['EMERGENCY', 'OWN_RECORD']) }),
      ]),
    ),
    refusal: z.enum(['NO_RELATIONSHIP', 'RELATIONSHIP_UNVERIFIED', 'BLOCKED_BY_PATIENT', 'EMERGENCY_REASON_MISSING', 'NOT_OWN_RECORD', 'ROLE']).nullable(),
    blocksUnchecked: z.array(org).optional(),
  }),
});

/** The decision inside a grant made for this request and patient; throws when there is no such grant. */
export function verifyAccessGrant(key: Buffer, grant: unknown, requestId: string, nin: string, now = Date.now()): AccessDecision {
  if (typeof grant !== 'string' || grant.length > 4000) throw new Error('no access grant');
  const [version, payload, signature, ...rest] = grant.split('.');
  if (version !== VERSION || !payload || !signature || rest.length > 0) throw new Error('not an access grant');
  const expected = mac(key, `${version}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('access grant signature does not verify');
  const claims = grantSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  if (claims.exp * 1000 < now) throw new Error('access grant expired');
  if (claims.rid !== requestId) throw new Error('access grant of another request');
  if (claims.pat !== patientBinding(key, requestId, nin)) throw new Error('access grant of another patient');
  return claims.dec as AccessDecision;
}
