import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Identity } from '../../../lib/identity';
import { symmetricKey } from '../../../lib/secrets';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../../lib/subgraphs';
import type { AccessDecision } from './AccessDecision';

/**
 * The access grant: the person subgraph's decision about one reader and one patient, signed, handed to the
 * other subgraphs through the gateway (a hidden field they `@require`). A subgraph trusts routing keys and
 * the decision only from a grant that verifies for this very request, this very patient, this very reader
 * (the one its own internal token names) and this very subgraph: a caller that sends its own routing fields,
 * replays another request's grant, or carries one reader's grant into another reader's request gets nothing.
 *
 * The format is `v2.<payload>.<one MAC per audience>`: the payload (base64url JSON) holds the decision, the
 * subgraphs it is for and its expiry; each MAC is HMAC-SHA256 under that subgraph's own key (derived from
 * ACCESS_GRANT_SECRET with HKDF) over the payload, the request id, the patient's number and a digest of the
 * reader. Request, patient and reader are not in the payload (no identity number travels in it); they are
 * what each verifier brings from its own request. The gateway carries the grant but cannot mint one, and
 * clients never see it (`@inaccessible`). A subgraph that holds only its own derived key
 * (`ACCESS_GRANT_KEY`) can check grants meant for it, and mint none that another subgraph would take.
 *
 * Not a JWT on purpose: no header to negotiate an algorithm, and signing and checking are synchronous, so a
 * worklist's hundred grants are checked in the same tick and the per-request DataLoaders still batch
 * every patient into one legacy call per source.
 */
const VERSION = 'v2';
export const GRANT_TTL_SECONDS = 60;
/** The subgraphs that `@require` the grant: every one but the person subgraph, which makes it. */
export const GRANT_AUDIENCES: readonly SubgraphName[] = SUBGRAPH_NAMES.filter((n) => n !== 'person');

let secret: Buffer | undefined;

/** The master secret (the person subgraph signs with keys derived from it). */
export function accessGrantSecret(): Buffer {
  secret ??= symmetricKey('ACCESS_GRANT_SECRET', (d) => d.accessGrantSecret, 'the HMAC key of access grants between subgraphs (32 bytes or more, base64)');
  return secret;
}

const derived = new WeakMap<Buffer, Map<SubgraphName, Buffer>>();

/**
 * One subgraph's own key for grants, derived from the master secret. Derived once per master and subgraph: the person
 * subgraph signs a grant for every subgraph on every request, and HKDF was its largest single cost in the profile.
 */
export function audienceKey(master: Buffer, audience: SubgraphName): Buffer {
  let keys = derived.get(master);
  if (!keys) derived.set(master, (keys = new Map()));
  let key = keys.get(audience);
  if (!key) keys.set(audience, (key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `patient-graph access grant for ${audience}`, 32))));
  return key;
}

/**
 * The key a subgraph checks grants with: `ACCESS_GRANT_KEY` (its own derived key, base64) where the operator
 * gave it only that, else derived from ACCESS_GRANT_SECRET.
 */
export function verifierKey(audience: SubgraphName): Buffer {
  const own = process.env.ACCESS_GRANT_KEY;
  if (own) return symmetricKey('ACCESS_GRANT_KEY', () => own, `the ${audience} subgraph's own key for access grants`);
  return audienceKey(accessGrantSecret(), audience);
}

/** The reader as the internal token names them, reduced to a digest: every claim the decision rests on. */
function readerDigest(identity: Identity): string {
  const claims =
    identity.kind === 'CITIZEN'
      ? ['CITIZEN', identity.issuer, identity.pid, identity.represents]
      : ['PERSONNEL', identity.issuer, identity.role, identity.hprNumber, identity.orgNumber, identity.childOrgNumber, identity.herId, identity.purpose, identity.emergencyReason];
  return createHash('sha256').update(JSON.stringify(claims)).digest('base64url');
}

const mac = (key: Buffer, payload: string, requestId: string, nin: string, reader: Identity) =>
  createHmac('sha256', key).update(`${VERSION}.${payload}\u0000${requestId}\u0000${nin}\u0000${readerDigest(reader)}`).digest();

export function signAccessGrant(
  master: Buffer,
  requestId: string,
  nin: string,
  reader: Identity,
  decision: AccessDecision,
  audiences: readonly SubgraphName[] = GRANT_AUDIENCES,
  now = Date.now(),
): string {
  const payload = Buffer.from(JSON.stringify({ aud: audiences, exp: Math.floor(now / 1000) + GRANT_TTL_SECONDS, dec: decision })).toString('base64url');
  const macs = audiences.map((audience) => mac(audienceKey(master, audience), payload, requestId, nin, reader).toString('base64url'));
  return [VERSION, payload, ...macs].join('.');
}

const org = z.string().max(20);
const earlier = z.array(z.object({ id: z.string().max(20), from: z.iso.date().nullable(), to: z.iso.date() })).max(20).optional();
const grantSchema = z.object({
  aud: z.array(z.enum(SUBGRAPH_NAMES as [SubgraphName, ...SubgraphName[]])).max(SUBGRAPH_NAMES.length),
  exp: z.number().int(),
  dec: z.object({
    routing: z.object({
      municipality: z.string().max(10).nullable(),
      gpOffice: z.string().max(20).nullable(),
      strictlyConfidential: z.boolean().nullable(),
      // Routing to earlier places: municipality numbers, HER-ids and dates only.
      municipalitySince: z.iso.date().optional(),
      gpOfficeSince: z.iso.date().optional(),
      earlierMunicipalities: earlier,
      earlierGpOffices: earlier,
    }),
    grounds: z.array(
      z.union([
        z.object({ kind: z.enum(['GP_LIST', 'MUNICIPAL_SERVICE', 'HOSPITAL_EPISODE']), orgNumber: org }),
        z.object({ kind: z.enum(['EMERGENCY', 'OWN_RECORD']) }),
        z.object({ kind: z.literal('PARENTAL_RESPONSIBILITY'), childMayKeep: z.literal(true).optional() }),
        z.object({ kind: z.literal('POWER_OF_ATTORNEY'), grantId: z.string().max(100), scopes: z.array(z.enum(['READ', 'MESSAGE', 'BLOCK'])).max(3) }),
      ]),
    ),
    refusal: z.enum(['NO_RELATIONSHIP', 'RELATIONSHIP_UNVERIFIED', 'BLOCKED_BY_PATIENT', 'EMERGENCY_REASON_MISSING', 'NOT_OWN_RECORD', 'ROLE', 'NOT_REPRESENTED', 'REPRESENTATION_UNVERIFIED', 'OUTSIDE_POWER_OF_ATTORNEY']).nullable(),
    blocksUnchecked: z.array(org).optional(),
    hiddenReferrals: z.array(z.string().max(64)).max(500).optional(),
  }),
});

/**
 * The decision inside a grant made for this subgraph, request, patient and reader; throws when there is no
 * such grant. `key`: the subgraph's own key (verifierKey).
 */
export function verifyAccessGrant(key: Buffer, audience: SubgraphName, grant: unknown, requestId: string, nin: string, reader: Identity, now = Date.now()): AccessDecision {
  if (typeof grant !== 'string' || grant.length > 4000) throw new Error('no access grant');
  const [version, payload, ...macs] = grant.split('.');
  if (version !== VERSION || !payload || macs.length === 0 || macs.length > SUBGRAPH_NAMES.length) throw new Error('not an access grant');
  // The payload is read before its MAC is checked only to find which MAC is this subgraph's; nothing in it is
  // trusted until that MAC verifies over it.
  let claims: z.infer<typeof grantSchema>;
  try {
    claims = grantSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new Error('not an access grant');
  }
  const index = claims.aud.indexOf(audience);
  if (index < 0 || claims.aud.length !== macs.length) throw new Error('access grant for another subgraph');
  const expected = mac(key, payload, requestId, nin, reader);
  const given = Buffer.from(macs[index] ?? '', 'base64url');
  // One MAC covers request, patient and reader: a mismatch in any of them, a forged payload or another key
  // fails alike, and says no more than that.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('access grant does not verify for this request, patient and reader');
  if (claims.exp * 1000 < now) throw new Error('access grant expired');
  return claims.dec as AccessDecision;
}
