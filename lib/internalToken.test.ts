import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Identity } from './identity';
import { internalSigningKey, internalVerifyKey, signInternalToken, verifyInternalToken } from './internalToken';

const clinician: Identity = {
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
};

describe('internal token (gateway → subgraph)', () => {
  const signing = internalSigningKey();
  const verifying = internalVerifyKey();

  it('carries the request id and the identity to the subgraph it is addressed to', async () => {
    const token = await signInternalToken(signing, 'care', 'req-12345678', clinician);
    await expect(verifyInternalToken(verifying, 'care', token)).resolves.toEqual({ requestId: 'req-12345678', identity: clinician, tokenId: expect.any(String), plan: [] });
  });

  it("carries the query plan's subgraphs as a hint, and drops a malformed one", async () => {
    const token = await signInternalToken(signing, 'person', 'req-12345678', clinician, ['person', 'national']);
    await expect(verifyInternalToken(verifying, 'person', token)).resolves.toMatchObject({ plan: ['person', 'national'] });
    const odd = await signInternalToken(signing, 'person', 'req-12345678', clinician, ['Person; DROP']);
    await expect(verifyInternalToken(verifying, 'person', odd)).resolves.toMatchObject({ plan: [] });
  });

  it('is refused by another subgraph, when signed with another key, or when tampered with', async () => {
    const token = await signInternalToken(signing, 'care', 'req-12345678', clinician);
    await expect(verifyInternalToken(verifying, 'hospital', token)).rejects.toThrow();
    const other = generateKeyPairSync('ed25519').privateKey;
    await expect(verifyInternalToken(verifying, 'care', await signInternalToken(other, 'care', 'req-12345678', clinician))).rejects.toThrow();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { idt: Identity };
    forged.idt = { ...clinician, hprNumber: '1111111' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    await expect(verifyInternalToken(verifying, 'care', tampered)).rejects.toThrow();
  });

  it('is refused when expired, unsigned (alg none) or without an identity', async () => {
    const expired = await new SignJWT({ rid: 'req-12345678', idt: clinician })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'internal+jwt' })
      .setIssuer('patient-graph-gateway')
      .setAudience('subgraph:care')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 540)
      .setJti('x')
      .sign(signing);
    await expect(verifyInternalToken(verifying, 'care', expired)).rejects.toThrow();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'internal+jwt' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: 'patient-graph-gateway', aud: 'subgraph:care', rid: 'req-12345678', idt: clinician, exp: 9999999999, iat: 1, jti: 'x' }),
    ).toString('base64url')}.`;
    await expect(verifyInternalToken(verifying, 'care', none)).rejects.toThrow();
    const anonymous = await new SignJWT({ rid: 'req-12345678' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'internal+jwt' })
      .setIssuer('patient-graph-gateway')
      .setAudience('subgraph:care')
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('x')
      .sign(signing);
    await expect(verifyInternalToken(verifying, 'care', anonymous)).rejects.toThrow('identity');
  });
});
