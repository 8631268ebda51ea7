import { isValidNin, redactNins, syntheticNin, validateNin, withCheckDigits } from './nin';

describe('national identity numbers', () => {
  it('computes mod-11 check digits (known synthetic number 10915596784)', () => {
    expect(withCheckDigits('109155967')).toBe('10915596784');
  });

  it('refuses nine digits for which no valid check digit exists', () => {
    // k1 would be 10 for these nine digits: such an individual number is never issued.
    const nines = ['010101000', '010101001', '010101002', '010101003', '010101004', '010101005', '010101006', '010101007'];
    const invalid = nines.filter((n) => withCheckDigits(n) === undefined);
    expect(invalid.length).toBeGreaterThan(0);
  });

  it('recognises a synthetic fødselsnummer and its birth date', () => {
    expect(validateNin('10915596784')).toEqual({ valid: true, info: { kind: 'FNR', synthetic: true, birthDate: '1955-11-10' } });
  });

  it('generates synthetic numbers and D-numbers that validate with the right kind and birth date', () => {
    let seed = 7;
    const pick = (min: number, max: number) => min + ((seed = (seed * 48271) % 2147483647) % (max - min + 1));
    for (const birthDate of ['1931-02-28', '1988-12-31', '2004-07-09', '2020-01-01']) {
      const fnr = syntheticNin(birthDate, { pick });
      expect(validateNin(fnr)).toEqual({ valid: true, info: { kind: 'FNR', synthetic: true, birthDate } });
      const dnr = syntheticNin(birthDate, { pick, dNumber: true });
      expect(validateNin(dnr)).toEqual({ valid: true, info: { kind: 'DNR', synthetic: true, birthDate } });
      expect(Number(dnr.slice(0, 2))).toBeGreaterThan(40);
    }
  });

  it('says why a number is invalid', () => {
    const wrongCheck = validateNin('10915596785');
    expect(wrongCheck).toEqual({ valid: false, reasons: expect.arrayContaining(["checksums don't match"]) });
    expect(validateNin('123')).toEqual({ valid: false, reasons: expect.arrayContaining([expect.stringMatching(/11 digits/)]) });
    expect(isValidNin('abcdefghijk')).toBe(false);
  });

  it('redacts 11-digit runs from free text', () => {
    expect(redactNins('patient 10915596784 not found; ref 123')).toBe('patient [redacted] not found; ref 123');
  });

  it('redacts numbers next to other digits: percent-encoded neighbours and numbers run together', () => {
    expect(redactNins('q=a%2003864013065')).toBe('q=a%[redacted]');
    expect(redactNins('%2203864013065%22')).toBe('%[redacted]%22');
    expect(redactNins('0386401306523843227368')).toBe('[redacted]');
    expect(redactNins('ids 123456789012345 and 1234567890')).toBe('ids [redacted] and 1234567890');
  });

  it('redacts numbers written in groups, and leaves shorter grouped numbers alone', () => {
    expect(redactNins('Unknown operation named "038640 13065".')).toBe('Unknown operation named "[redacted]".');
    expect(redactNins('nin 038640-13065, 03.86.40 130 65')).toBe('nin [redacted], [redacted]');
    expect(redactNins('phone 55 55 55 55, date 2026-11-30')).toBe('phone 55 55 55 55, date 2026-11-30');
  });
});
