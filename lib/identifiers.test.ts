import { hprNumberSchema, normaliseHerId, normaliseHprNumber, normaliseOrgNumber, orgNumberSchema } from './identifiers';

describe('identifiers in one normal form', () => {
  it('reads an HPR number with leading zeros as the number itself', () => {
    expect(normaliseHprNumber('09429915')).toBe('9429915');
    expect(normaliseHprNumber('0000009429915')).toBe('9429915');
    expect(normaliseHprNumber('9429915')).toBe('9429915');
    expect(normaliseHprNumber(9429915)).toBe('9429915');
  });

  it('refuses what is not an HPR number', () => {
    for (const bad of ['', '0', '000', '12345678901', '94299a5', '-9429915', '9429915.0', null, undefined, {}, '0'.repeat(30) + '1']) {
      expect([bad, normaliseHprNumber(bad)]).toEqual([bad, null]);
    }
  });

  it('reads an organisation number only with a valid check digit, zeros and spaces aside', () => {
    expect(normaliseOrgNumber('923456783')).toBe('923456783');
    expect(normaliseOrgNumber('0923456783')).toBe('923456783');
    expect(normaliseOrgNumber('923 456 783')).toBe('923456783');
    expect(normaliseOrgNumber('923456784')).toBeNull();
    expect(normaliseOrgNumber('92345678')).toBeNull();
  });

  it('reads a HER-id with leading zeros as the number itself', () => {
    expect(normaliseHerId('0082111')).toBe('82111');
    expect(normaliseHerId('1234567890')).toBeNull();
  });

  it('gives zod schemas that normalise and name no value in their errors', () => {
    expect(hprNumberSchema.parse('009429915')).toBe('9429915');
    const failed = orgNumberSchema.safeParse('123456789');
    expect(failed.success).toBe(false);
    expect(JSON.stringify(failed.error?.issues)).not.toContain('123456789');
  });
});
