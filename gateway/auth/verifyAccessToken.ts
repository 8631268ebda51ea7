import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { normaliseHerId, normaliseHprNumber, normaliseOrgNumber } from '../../lib/identifiers';
import type { Identity } from '../../lib/identity';
import { personnelRole } from '../../lib/identity';
import { isValidNin } from '../../lib/nin';
import { isPurposeOfUse } from '../../lib/purposeOfUse';
import {
  ACCEPTED_ALGORITHMS,
  ACCESS_TOKEN_TYPE,
  CITIZEN_CLAIMS,
  PERSONNEL_CLAIMS,
  REQUIRED_CITIZEN_ACR,
  REQUIRED_PERSONNEL_ASSURANCE,
} from './claims';
import type { Issuer } from './issuers';

/**
 * Why a token was refused. Sent to the client as `extensions.reason` (and in `WWW-Authenticate`), so that
 * a client can tell "log in again" from "log in more strongly"; never with anything the token held.
 */
export type RefusalReason =
  | 'missing_token'
  | 'malformed_token'
  | 'unknown_issuer'
  | 'wrong_audience'
  | 'wrong_token_type'
  | 'algorithm_not_allowed'
  | 'bad_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'invalid_claims'
  | 'insufficient_assurance'
  | 'issuer_keys_unavailable';

export const REFUSAL_TEXT: Record<RefusalReason, string> = {
  missing_token: 'A bearer token is required (Authorization: Bearer <token>)',
  malformed_token: 'The token is not a well-formed JWT',
  unknown_issuer: 'The token comes from an issuer this graph does not trust',
  wrong_audience: 'The token is not meant for this graph (audience)',
  wrong_token_type: 'The token is not an access token (typ at+jwt)',
  algorithm_not_allowed: 'The token is signed with an algorithm this graph does not accept',
  bad_signature: "The token's signature does not verify against the issuer's keys",
  token_expired: 'The token has expired',
  token_not_yet_valid: 'The token is not valid yet (nbf)',
  invalid_claims: 'The token lacks a required claim or holds an invalid one',
  insufficient_assurance: 'The login is not strong enough: health data needs the highest assurance level',
  issuer_keys_unavailable: "The issuer's keys could not be fetched; try again",
};

export class TokenRefused extends Error {
  override name = 'TokenRefused';
  constructor(readonly reason: RefusalReason) {
    super(REFUSAL_TEXT[reason]);
  }
}

/** How far a token's times may be off this machine's clock (exp, nbf). */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Verifies a reader's bearer token against the trusted issuers; resolves to the identity or throws TokenRefused. */
export async function verifyAccessToken(token: string | undefined, issuers: readonly Issuer[]): Promise<Identity> {
  if (!token) throw new TokenRefused('missing_token');
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw new TokenRefused('malformed_token');
  }
  // The unverified issuer only picks which keys to check the signature with; nothing else is trusted yet.
  const issuer = issuers.find((i) => i.issuer === unverified.iss);
  if (!issuer) throw new TokenRefused('unknown_issuer');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, issuer.keys, {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: ACCEPTED_ALGORITHMS,
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new TokenRefused(reasonOf(error));
  }
  return issuer.kind === 'PERSONNEL' ? personnel(payload, issuer) : citizen(payload, issuer);
}

function reasonOf(error: unknown): RefusalReason {
  if (error instanceof errors.JWTExpired) return 'token_expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token_not_yet_valid';
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'typ') return 'wrong_token_type';
    return 'invalid_claims';
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm_not_allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'bad_signature';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'issuer_keys_unavailable';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed_token';
  // fetch failures of the remote key set, and anything unforeseen: refuse without saying more.
  return error instanceof TypeError ? 'issuer_keys_unavailable' : 'bad_signature';
}

/**
 * A research approval reference as the purpose-of-use details carry it: REK's project numbers, `REK 2019/1234` (year and
 * number, until 2020) or `REK 123456` (the number alone, since), with or without the `REK` prefix. Normalised to
 * `REK <number>`; anything else is no approval.
 */
export function researchApprovalOf(details: string | null): string | null {
  const match = details ? /^(?:REK[\s-]*)?((?:\d{4}\/\d{1,6})|(?:\d{5,7}))$/i.exec(details.trim()) : null;
  return match ? `REK ${match[1]}` : null;
}

const text = (value: unknown, pattern: RegExp): string | null => (typeof value === 'string' && pattern.test(value) ? value : null);

/**
 * An identifier claim in its normal form (lib/identifiers.ts): absent is null, present but not such an
 * identifier refuses the token. "09429915" is the HPR number 9429915: compared as written, it slipped past a
 * block on the practitioner and into the access log in a form an audit by HPR number missed.
 */
function identifierClaim(value: unknown, normalise: (v: unknown) => string | null): string | null {
  if (value === undefined || value === null) return null;
  const normal = normalise(value);
  if (normal === null) throw new TokenRefused('invalid_claims');
  return normal;
}

function personnel(claims: JWTPayload, issuer: Issuer): Identity {
  const c = PERSONNEL_CLAIMS;
  const pid = claims[c.pid];
  if (typeof pid !== 'string' || !isValidNin(pid)) throw new TokenRefused('invalid_claims');
  if (claims[c.assuranceLevel] !== REQUIRED_PERSONNEL_ASSURANCE) throw new TokenRefused('insufficient_assurance');
  const purpose = claims[c.purposeOfUse];
  // PATRQT is a citizen's purpose: personnel cannot claim to read at the patient's request.
  if (!isPurposeOfUse(purpose) || purpose === 'PATRQT') throw new TokenRefused('invalid_claims');
  const orgNumber = identifierClaim(claims[c.orgNumber], normaliseOrgNumber);
  if (!orgNumber) throw new TokenRefused('invalid_claims');
  const hprNumber = identifierClaim(claims[c.hprNumber], normaliseHprNumber);
  const details = claims[c.purposeOfUseDetails];
  const reason = typeof details === 'string' && details.trim() ? details.trim().slice(0, 500) : null;
  return {
    kind: 'PERSONNEL',
    role: personnelRole(hprNumber, purpose),
    issuer: issuer.name,
    hprNumber,
    orgNumber,
    childOrgNumber: identifierClaim(claims[c.childOrgNumber], normaliseOrgNumber),
    herId: identifierClaim(claims[c.herId], normaliseHerId),
    profession: text(claims[c.profession], /^[A-Z]{2}$/),
    purpose,
    // A reason matters only for emergency access; for other purposes it is not kept.
    emergencyReason: purpose === 'ETREAT' ? reason : null,
    // For research the details name the approval the project reads under (REK): kept only in its known form, and
    // only on a research token (no other identity carries the field).
    ...(purpose === 'HRESCH' ? { researchApproval: researchApprovalOf(reason) } : {}),
  };
}

function citizen(claims: JWTPayload, issuer: Issuer): Identity {
  const pid = claims[CITIZEN_CLAIMS.pid];
  if (typeof pid !== 'string' || !isValidNin(pid)) throw new TokenRefused('invalid_claims');
  if (claims[CITIZEN_CLAIMS.acr] !== REQUIRED_CITIZEN_ACR) throw new TokenRefused('insufficient_assurance');
  // Acting for someone else: a valid number, not her own (acting for herself has no claim).
  const represents = claims[CITIZEN_CLAIMS.represents];
  if (represents !== undefined && (typeof represents !== 'string' || !isValidNin(represents) || represents === pid)) throw new TokenRefused('invalid_claims');
  return { kind: 'CITIZEN', role: 'CITIZEN', issuer: issuer.name, pid, represents: represents ?? null, purpose: 'PATRQT', emergencyReason: null };
}
