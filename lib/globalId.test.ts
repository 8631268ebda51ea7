import { randomBytes } from 'node:crypto';
import { GLOBAL_ID_TYPES, GlobalIdCodec } from './globalId';

const KEY = Buffer.alloc(32, 7);
const codec = new GlobalIdCodec(KEY);
const NIN = '03864013065';

/** The id with one letter changed to another of the alphabet. */
function altered(id: string, at: number): string {
  const letter = id[at] === 'a' ? 'b' : 'a';
  return `${id.slice(0, at)}${letter}${id.slice(at + 1)}`;
}

describe('global ids', () => {
  it('round-trip: the type and key come back out', () => {
    expect(codec.decode(codec.encode('Patient', [NIN]))).toEqual({ type: 'Patient', key: [NIN] });
    expect(codec.decode(codec.encode('Practitioner', ['9429915']))).toEqual({ type: 'Practitioner', key: ['9429915'] });
    const item = ['03864013065', 'hospital-haukeland', 'medst-øæå-ünïcode'];
    expect(codec.decode(codec.encode('HospitalMedication', item))).toEqual({ type: 'HospitalMedication', key: item });
  });

  it('are deterministic: the same entity always has the same id, under the same key', () => {
    expect(codec.encode('Patient', [NIN])).toBe(codec.encode('Patient', [NIN]));
    expect(new GlobalIdCodec(KEY).encode('Patient', [NIN])).toBe(codec.encode('Patient', [NIN]));
    expect(new GlobalIdCodec(Buffer.alloc(32, 8)).encode('Patient', [NIN])).not.toBe(codec.encode('Patient', [NIN]));
  });

  it('are opaque: letters only, nothing of the identity number in them', () => {
    const ids = Array.from({ length: 200 }, (_, i) => {
      const nin = String(10_000_000_000 + i * 7_919_113);
      return [nin, codec.encode('Patient', [nin])] as const;
    });
    for (const [nin, id] of ids) {
      expect(id).toMatch(/^[A-Za-z]+$/);
      // No digit at all, so no run of the number's digits, nor anything that reads as an identity number.
      expect(id).not.toMatch(/\d/);
      expect(id).not.toContain(nin);
      expect(id).not.toContain(Buffer.from(nin).toString('base64url'));
      expect(id).not.toContain(Buffer.from(nin).toString('hex'));
    }
    // Two numbers one digit apart give ids with nothing in common beyond chance.
    const a = codec.encode('Patient', ['03864013065']);
    const b = codec.encode('Patient', ['03864013066']);
    expect(a).toHaveLength(b.length);
    const same = [...a].filter((c, i) => b[i] === c).length;
    expect(same).toBeLessThan(a.length / 4);
  });

  it('differ by type: the same key as another type is another id, and decodes as that type only', () => {
    const asPatient = codec.encode('Patient', ['9429915']);
    const asPractitioner = codec.encode('Practitioner', ['9429915']);
    expect(asPatient).not.toBe(asPractitioner);
    expect(codec.decode(asPractitioner)?.type).toBe('Practitioner');
    expect(new Set(Object.keys(GLOBAL_ID_TYPES).map((t) => codec.encode(t as keyof typeof GLOBAL_ID_TYPES, ['x'])))).toHaveProperty('size', Object.keys(GLOBAL_ID_TYPES).length);
    // Append only: each type its own code, and the codes issued first keep theirs (clients' caches hold them).
    expect(new Set(Object.values(GLOBAL_ID_TYPES)).size).toBe(Object.keys(GLOBAL_ID_TYPES).length);
    expect(Object.entries(GLOBAL_ID_TYPES).slice(0, 7)).toEqual([['Patient', 1], ['Practitioner', 2], ['GpOffice', 3], ['CareMedication', 4], ['MedicationAdministration', 5], ['HospitalMedication', 6], ['Diagnosis', 7]]);
  });

  it('refuse a tampered id: every single letter changed, cut short, lengthened, another key, garbage', () => {
    const id = codec.encode('Patient', [NIN]);
    for (let at = 0; at < id.length; at++) expect([at, codec.decode(altered(id, at))]).toEqual([at, null]);
    expect(codec.decode(id.slice(0, -1))).toBeNull();
    expect(codec.decode(id.slice(0, -8))).toBeNull();
    expect(codec.decode(`${id}a`)).toBeNull();
    expect(codec.decode(`${id}aaaaaaaa`)).toBeNull();
    expect(new GlobalIdCodec(Buffer.alloc(32, 8)).decode(id)).toBeNull();
    for (const junk of ['', NIN, 'UGF0aWVudDoxMjM=', '0'.repeat(72), 'a'.repeat(72), 'x'.repeat(10_000), randomBytes(45).toString('base64url'), null, 42, {}]) {
      expect(codec.decode(junk)).toBeNull();
    }
  });

  it('cannot be made from a known id by swapping its halves (the IV is bound to the plaintext)', () => {
    const a = codec.encode('Patient', ['03864013065']);
    const b = codec.encode('Patient', ['10915596784']);
    // IV of one, ciphertext and tag of the other: both parts are whole letters only at 8-letter boundaries.
    expect(codec.decode(`${a.slice(0, 24)}${b.slice(24)}`)).toBeNull();
    expect(codec.decode(`${b.slice(0, 24)}${a.slice(24)}`)).toBeNull();
  });

  it('refuse keys they cannot hold unambiguously, and short server keys', () => {
    expect(() => codec.encode('Patient', [])).toThrow();
    expect(() => codec.encode('Patient', [''])).toThrow();
    expect(() => codec.encode('Patient', ['a\u0000b'])).toThrow();
    expect(() => new GlobalIdCodec(Buffer.alloc(16))).toThrow();
  });
});
