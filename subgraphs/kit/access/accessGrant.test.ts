import type { Identity } from '../../../lib/identity';
import type { AccessDecision } from './AccessDecision';
import { accessGrantSecret, audienceKey, GRANT_AUDIENCES, GRANT_TTL_SECONDS, signAccessGrant, verifyAccessGrant } from './accessGrant';

const decision: AccessDecision = { routing: { municipality: '5001', gpOffice: '82111', strictlyConfidential: true }, grounds: [{ kind: 'EMERGENCY' }], refusal: null };
const master = accessGrantSecret();
const reader: Identity = {
  kind: 'PERSONNEL',
  role: 'CLINICIAN',
  issuer: 'dev-helseid',
  hprNumber: '9894367',
  orgNumber: '974557746',
  childOrgNumber: null,
  herId: null,
  profession: 'LE',
  purpose: 'ETREAT',
  emergencyReason: 'Akutt',
};
const other: Identity = { ...reader, hprNumber: '5419302', orgNumber: '911223341', purpose: 'TREAT', emergencyReason: null };
const NIN = '30818824250';
const careKey = audienceKey(master, 'care');
const verify = (grant: unknown, over: { key?: Buffer; audience?: 'care' | 'gp'; rid?: string; nin?: string; who?: Identity; now?: number } = {}) =>
  verifyAccessGrant(over.key ?? careKey, over.audience ?? 'care', grant, over.rid ?? 'req-1', over.nin ?? NIN, over.who ?? reader, over.now);

describe('access grants', () => {
  it('carry the decision for the subgraph, request, patient and reader they were made for', () => {
    const grant = signAccessGrant(master, 'req-1', NIN, reader, decision);
    expect(verify(grant)).toEqual(decision);
    for (const audience of GRANT_AUDIENCES) expect(verifyAccessGrant(audienceKey(master, audience), audience, grant, 'req-1', NIN, reader)).toEqual(decision);
  });

  it('are worth nothing in another request, for another patient, after their minute, or with another key', () => {
    const grant = signAccessGrant(master, 'req-1', NIN, reader, decision);
    expect(() => verify(grant, { rid: 'req-2' })).toThrow('does not verify');
    expect(() => verify(grant, { nin: '03864013065' })).toThrow('does not verify');
    expect(() => verify(grant, { now: Date.now() + (GRANT_TTL_SECONDS + 5) * 1000 })).toThrow('expired');
    expect(() => verify(grant, { key: Buffer.alloc(32, 7) })).toThrow('does not verify');
  });

  it('are worth nothing for another reader: one reader\'s grant carried into another reader\'s request', () => {
    const grant = signAccessGrant(master, 'req-1', NIN, reader, decision);
    expect(() => verify(grant, { who: other })).toThrow('does not verify');
    // Any claim the decision rests on counts: the same person reading for another purpose is another reader.
    expect(() => verify(grant, { who: { ...reader, purpose: 'TREAT', emergencyReason: null } })).toThrow('does not verify');
    expect(() => verify(grant, { who: { ...reader, orgNumber: '983974724' } })).toThrow('does not verify');
  });

  it('are bound to the subgraph: one subgraph\'s key cannot check, nor make, a grant another takes', () => {
    const grant = signAccessGrant(master, 'req-1', NIN, reader, decision);
    // The gp subgraph's MAC checked with the care key fails; the care MAC does not pass as gp's.
    expect(() => verifyAccessGrant(careKey, 'gp', grant, 'req-1', NIN, reader)).toThrow('does not verify');
    const [v, payload, ...macs] = grant.split('.');
    const careIndex = GRANT_AUDIENCES.indexOf('care');
    const gpIndex = GRANT_AUDIENCES.indexOf('gp');
    const swapped = [v, payload, ...macs.map((m, i) => (i === gpIndex ? macs[careIndex] : m))].join('.');
    expect(() => verifyAccessGrant(audienceKey(master, 'gp'), 'gp', swapped, 'req-1', NIN, reader)).toThrow('does not verify');
    // A grant made for care alone is not for gp.
    const careOnly = signAccessGrant(master, 'req-1', NIN, reader, decision, ['care']);
    expect(verify(careOnly)).toEqual(decision);
    expect(() => verifyAccessGrant(audienceKey(master, 'gp'), 'gp', careOnly, 'req-1', NIN, reader)).toThrow('another subgraph');
  });

  it('cannot be altered: a forged routing, ground or audience does not verify', () => {
    const [version, payload, ...macs] = signAccessGrant(master, 'req-1', NIN, reader, decision).split('.') as [string, string, ...string[]];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { dec: AccessDecision };
    claims.dec.routing.strictlyConfidential = false;
    const forged = [version, Buffer.from(JSON.stringify(claims)).toString('base64url'), ...macs].join('.');
    expect(() => verify(forged)).toThrow('does not verify');
    expect(() => verify(undefined)).toThrow('no access grant');
    expect(() => verify(`v1.${payload}.${macs[0]}`)).toThrow('not an access grant');
  });

  it('carry the routing to earlier places (numbers, HER-ids and dates) and refuse anything else in its place', () => {
    const moved: AccessDecision = {
      ...decision,
      routing: { ...decision.routing, municipalitySince: '2024-08-23', earlierMunicipalities: [{ id: '4601', from: '2017-10-19', to: '2024-08-23' }], earlierGpOffices: [{ id: '81243', from: null, to: '2024-08-23' }] },
    };
    expect(verify(signAccessGrant(master, 'req-1', NIN, reader, moved))).toEqual(moved);
    const notADate = { ...moved, routing: { ...moved.routing, earlierMunicipalities: [{ id: '4601', from: null, to: 'Bergen' }] } };
    expect(() => verify(signAccessGrant(master, 'req-1', NIN, reader, notADate))).toThrow('not an access grant');
  });

  it('hold no identity number', () => {
    const grant = signAccessGrant(master, 'req-1', NIN, reader, decision);
    expect(Buffer.from(grant.split('.')[1] ?? '', 'base64url').toString()).not.toContain(NIN);
    expect(grant).not.toContain(NIN);
  });
});
