import type { AccessDecision } from './AccessDecision';
import { accessGrantSecret, GRANT_TTL_SECONDS, signAccessGrant, verifyAccessGrant } from './accessGrant';

const decision: AccessDecision = { routing: { municipality: '5001', gpOffice: '82111', strictlyConfidential: true }, grounds: [{ kind: 'EMERGENCY' }], refusal: null };
const key = accessGrantSecret();

describe('access grants', () => {
  it('carry the decision for the request and patient they were made for', () => {
    expect(verifyAccessGrant(key, signAccessGrant(key, 'req-1', '30818824250', decision), 'req-1', '30818824250')).toEqual(decision);
  });

  it('are worth nothing in another request, for another patient, after their minute, or with another key', () => {
    const grant = signAccessGrant(key, 'req-1', '30818824250', decision);
    expect(() => verifyAccessGrant(key, grant, 'req-2', '30818824250')).toThrow('another request');
    expect(() => verifyAccessGrant(key, grant, 'req-1', '03864013065')).toThrow('another patient');
    expect(() => verifyAccessGrant(key, grant, 'req-1', '30818824250', Date.now() + (GRANT_TTL_SECONDS + 5) * 1000)).toThrow('expired');
    expect(() => verifyAccessGrant(Buffer.alloc(32, 7), grant, 'req-1', '30818824250')).toThrow('signature');
  });

  it('cannot be altered: a forged routing or ground does not verify', () => {
    const [version, payload, signature] = signAccessGrant(key, 'req-1', '30818824250', decision).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { dec: AccessDecision };
    claims.dec.routing.strictlyConfidential = false;
    const forged = `${version}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(() => verifyAccessGrant(key, forged, 'req-1', '30818824250')).toThrow('signature');
    expect(() => verifyAccessGrant(key, undefined, 'req-1', '30818824250')).toThrow('no access grant');
  });

  it('hold no identity number', () => {
    const grant = signAccessGrant(key, 'req-1', '30818824250', decision);
    expect(Buffer.from(grant.split('.')[1] ?? '', 'base64url').toString()).not.toContain('30818824250');
  });
});
