import { createHash } from 'node:crypto';
import { patientPseudonym } from './patientPseudonym';

const NIN = '03864013065'; // a synthetic Test-Norge number of the demo population
const KEY = 'test-audit-key';

describe('patientPseudonym', () => {
  it('is HMAC-SHA256 as base64url (computed independently with openssl)', () => {
    // printf %s 03864013065 | openssl dgst -sha256 -hmac test-audit-key -binary | base64 | tr '+/' '-_' | tr -d =
    expect(patientPseudonym(NIN, KEY)).toBe('EZYZwdul4qAHa7s7QgEo0hPCJ9kmGsWrelOYz4NL6Lk');
  });

  it('is stable for one number and key, so one patient’s records are found together', () => {
    expect(patientPseudonym(NIN, KEY)).toBe(patientPseudonym(NIN, KEY));
    expect(patientPseudonym(NIN, Buffer.from(KEY))).toBe(patientPseudonym(NIN, KEY));
  });

  it('depends on the key, so it cannot be computed (or enumerated) without it', () => {
    expect(patientPseudonym(NIN, 'another-key')).not.toBe(patientPseudonym(NIN, KEY));
    // Not the plain hash an attacker would try first.
    expect(patientPseudonym(NIN, KEY)).not.toBe(createHash('sha256').update(NIN).digest('base64url'));
  });

  it('tells patients apart', () => {
    expect(patientPseudonym('03864013146', KEY)).not.toBe(patientPseudonym(NIN, KEY));
  });

  it('holds no identity number', () => {
    for (const nin of [NIN, '03864013146', '12345678911', '00000000000']) {
      const pseudonym = patientPseudonym(nin, KEY);
      expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(pseudonym).not.toMatch(/\d{11}/);
      expect(pseudonym).not.toContain(nin);
    }
  });

  it('refuses an empty key without naming the number', () => {
    expect(() => patientPseudonym(NIN, '')).toThrow('the key is empty');
    expect(() => patientPseudonym(NIN, Buffer.alloc(0))).toThrow(expect.objectContaining({ message: expect.not.stringContaining(NIN) }));
  });
});
