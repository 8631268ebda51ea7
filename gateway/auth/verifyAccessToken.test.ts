import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { devSecrets } from '../../lib/secrets';
import { DevIdentityProvider, DEV_ISSUERS } from '../devIdp/DevIdentityProvider';
import { PERSONNEL_CLAIMS } from './claims';
import { verifyAccessToken } from './verifyAccessToken';

let idp: DevIdentityProvider;
beforeAll(async () => {
  idp = await DevIdentityProvider.load();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const payloadOf = (token: string) => JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString()) as Record<string, unknown>;

async function refusal(token: string | undefined): Promise<string> {
  try {
    await verifyAccessToken(token, idp.issuers());
  } catch (error) {
    return (error as { reason?: string }).reason ?? 'not a refusal';
  }
  return 'accepted';
}

describe('verifyAccessToken', () => {
  it('turns a personnel token into the identity the rules need, and drops the personal identity number', async () => {
    const identity = await verifyAccessToken(await idp.token('gp'), idp.issuers());
    expect(identity).toEqual({
      kind: 'PERSONNEL',
      role: 'CLINICIAN',
      issuer: 'dev-helseid',
      hprNumber: '9217889',
      orgNumber: '923456783',
      childOrgNumber: null,
      herId: '81241',
      profession: 'LE',
      purpose: 'TREAT',
      emergencyReason: null,
    });
  });

  it('reads identifier claims into their normal form, and refuses one that is not such an identifier', async () => {
    // "09429915" is the HPR number 9429915: compared as written it passed a block on 9429915 (outside review).
    const zeros = await verifyAccessToken(await idp.token('blocked-practitioner', { hprNumber: '09429915', orgNumber: '0983974724' }), idp.issuers());
    expect(zeros).toEqual(expect.objectContaining({ hprNumber: '9429915', orgNumber: '983974724' }));
    expect(await refusal(await idp.token('gp', { hprNumber: '92178891234' }))).toBe('invalid_claims');
    expect(await refusal(await idp.token('gp', { hprNumber: '0' }))).toBe('invalid_claims');
    expect(await refusal(await idp.token('gp', { orgNumber: '923456784' }))).toBe('invalid_claims');
  });

  it('keeps the emergency reason of an ETREAT token, and reads roles from purpose and HPR number', async () => {
    const emergency = await verifyAccessToken(await idp.token('emergency-physician'), idp.issuers());
    expect(emergency).toEqual(expect.objectContaining({ role: 'CLINICIAN', purpose: 'ETREAT', emergencyReason: expect.stringContaining('akuttmottaket') }));
    expect(await verifyAccessToken(await idp.token('emergency-physician', { reason: null }), idp.issuers())).toEqual(
      expect.objectContaining({ purpose: 'ETREAT', emergencyReason: null }),
    );
    expect((await verifyAccessToken(await idp.token('researcher'), idp.issuers())).role).toBe('RESEARCHER');
    expect((await verifyAccessToken(await idp.token('administrator'), idp.issuers())).role).toBe('ADMINISTRATOR');
  });

  it('turns a citizen token into a citizen reading at their own request', async () => {
    expect(await verifyAccessToken(await idp.token('citizen-ingrid'), idp.issuers())).toEqual({
      kind: 'CITIZEN',
      role: 'CITIZEN',
      issuer: 'dev-idporten',
      pid: '03864013065',
      represents: null,
      purpose: 'PATRQT',
      emergencyReason: null,
    });
  });

  it('reads whom a citizen acts for (represents), a valid number not her own, and refuses anything else', async () => {
    const acting = (await verifyAccessToken(await idp.token('citizen-ingrid', { represents: '14887447870' }), idp.issuers())) as { represents?: string };
    expect(acting.represents).toBe('14887447870');
    expect(await refusal(await idp.token('citizen-ingrid', { represents: '03864013065' }))).toBe('invalid_claims');
    expect(await refusal(await idp.token('citizen-ingrid', { represents: '03864013066' }))).toBe('invalid_claims');
  });

  it('refuses a missing, malformed, expired or not yet valid token', async () => {
    expect(await refusal(undefined)).toBe('missing_token');
    expect(await refusal('not.a.jwt')).toBe('malformed_token');
    expect(await refusal(await idp.token('gp', { expiresInSeconds: -120 }))).toBe('token_expired');
    expect(await refusal(await idp.token('gp', { notBeforeSeconds: 600 }))).toBe('token_not_yet_valid');
  });

  it('refuses a token of another issuer or audience, or signed with another key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const claims = payloadOf(await idp.token('gp'));
    const sign = (iss: string, header: Record<string, string> = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header }).setIssuer(iss).sign(other);
    expect(await refusal(await sign('https://evil.example/'))).toBe('unknown_issuer');
    expect(await refusal(await idp.token('gp', { audience: 'another-api' }))).toBe('wrong_audience');
    // Same issuer and key id as the real key, another key: the signature does not verify.
    const { kid } = decodeProtectedHeader(await idp.token('gp'));
    expect(await refusal(await sign(DEV_ISSUERS.helseid, { kid: kid as string }))).toBe('bad_signature');
  });

  it('refuses alg none, HS256 signed with the public key, and a tampered payload', async () => {
    const token = await idp.token('gp');
    const claims = payloadOf(token);
    expect(await refusal(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`)).toBe('algorithm_not_allowed');
    const publicJwk = idp.jwks('PERSONNEL').keys[0];
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: publicJwk?.kid as string })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await refusal(hs)).toBe('algorithm_not_allowed');
    const [header, , signature] = parts(token);
    const tampered = `${header}.${b64({ ...claims, [PERSONNEL_CLAIMS.hprNumber]: '1111111' })}.${signature}`;
    expect(await refusal(tampered)).toBe('bad_signature');
  });

  it('refuses a weaker login than the highest level, and a token without the claims it needs', async () => {
    expect(await refusal(await idp.token('gp', { weakAssurance: true }))).toBe('insufficient_assurance');
    expect(await refusal(await idp.token('citizen-hilde', { weakAssurance: true }))).toBe('insufficient_assurance');
    const claims = payloadOf(await idp.token('gp'));
    const { [PERSONNEL_CLAIMS.orgNumber]: _org, ...withoutOrganisation } = claims;
    expect(await refusal(await signWithDevKey(withoutOrganisation))).toBe('invalid_claims');
    expect(await refusal(await signWithDevKey({ ...claims, [PERSONNEL_CLAIMS.purposeOfUse]: 'PATRQT' }))).toBe('invalid_claims');
    expect(await refusal(await signWithDevKey({ ...claims, [PERSONNEL_CLAIMS.pid]: '12345678901' }))).toBe('invalid_claims');
    expect(await refusal(await signWithDevKey(claims))).toBe('accepted');
  });

  it("refuses a personnel token signed with the citizen issuer's key, and the other way round", async () => {
    // One key set per issuer: with one set for both, the citizen key signed personnel tokens the gateway took.
    const personnel = payloadOf(await idp.token('gp'));
    const citizen = payloadOf(await idp.token('citizen-ingrid'));
    const asCitizenKey = (claims: Record<string, unknown>) => signWithDevKey(claims, 'at+jwt', devSecrets().idportenKey, 'citizen-ingrid');
    const asPersonnelKey = (claims: Record<string, unknown>) => signWithDevKey(claims, 'at+jwt', devSecrets().helseidKey, 'gp');
    expect(await refusal(await asCitizenKey(personnel))).toBe('bad_signature');
    expect(await refusal(await asPersonnelKey(citizen))).toBe('bad_signature');
    // Each with its own issuer's key is accepted, so the refusals above are about the key alone.
    expect(await refusal(await asPersonnelKey(personnel))).toBe('accepted');
    expect(await refusal(await asCitizenKey(citizen))).toBe('accepted');
  });

  it('refuses an ID token or any JWT that is not typed as an access token', async () => {
    const claims = payloadOf(await idp.token('gp'));
    expect(await refusal(await signWithDevKey(claims, 'JWT'))).toBe('wrong_token_type');
  });
});

/** Signs claims with one of the development provider's keys (its personnel key unless told), under that key's id. */
async function signWithDevKey(claims: Record<string, unknown>, typ = 'at+jwt', jwk = devSecrets().helseidKey, kidOf = 'gp'): Promise<string> {
  const { kid } = decodeProtectedHeader(await idp.token(kidOf));
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ, kid: kid as string }).sign(createPrivateKey({ key: jwk, format: 'jwk' }));
}
