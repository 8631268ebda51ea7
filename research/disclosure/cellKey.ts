import { createHmac } from 'node:crypto';

/**
 * The cell key method's arithmetic (the Australian Bureau of Statistics' TableBuilder, the UK ONS): every person has
 * a secret record key, a cell's key is the sum of its persons' record keys modulo 1, and the cell's noise is looked up
 * by its key and its true count. The same set of persons gets the same noise in whatever question it appears (asking
 * again, or asking a question that differs elsewhere, does not average it away), and a set that differs by one person
 * gets an unrelated noise (so the difference of two overlapping questions is noisy).
 *
 * The noise is not read from the cell key alone but from a keyed hash of the cell key and the true count (lookupKey),
 * as the ABS perturbation table has a row per count. Read from the key alone, one person added to a set shifts its key
 * by the same amount (their record key) in every cell they are added to, so the noise differences of all those cells
 * lean the same way, and a differencing attacker reads the person off the common lean (with a plain lookup the
 * attack in the tests was right for half its targets). Hashed, each cell's pair of noises is independent of the next.
 *
 * Keys are kept as 48-bit whole numbers, not fractions: a sum modulo 2^48 is exact and does not depend on the order
 * the persons were added in, where a sum of floating-point fractions would.
 */
export const KEY_SPACE = 2 ** 48;

/** A person's two record keys: one for counts (the person's presence), one for a value's statistics (mean, median). */
export interface RecordKeys {
  count: number;
  value: number;
}

/** The person's record keys: the first and the next 6 bytes of HMAC-SHA256(key, recordKey), each in [0, 2^48). */
export function recordKeysOf(key: Buffer, recordKey: string): RecordKeys {
  const mac = createHmac('sha256', key).update(recordKey, 'utf8').digest();
  return { count: mac.readUIntBE(0, 6), value: mac.readUIntBE(6, 6) };
}

/** Adds a record key to a cell key, modulo 2^48 (both below 2^48, so the sum is exact in a double). */
export const addKey = (cellKey: number, recordKey: number): number => (cellKey + recordKey) % KEY_SPACE;

/**
 * Where a cell is looked up in the perturbation table: HMAC-SHA256(key, purpose, cell key, true count), 48 bits. The
 * same set of persons (same key, same count) always gets the same place; a set one person larger gets an unrelated one.
 */
export function lookupKey(key: Buffer, purpose: 'count' | 'value', cellKey: number, count: number): number {
  return createHmac('sha256', key).update(`${purpose}:${cellKey}:${count}`).digest().readUIntBE(0, 6);
}

/** A cell key as a fraction in [0, 1). */
export const keyFraction = (cellKey: number): number => cellKey / KEY_SPACE;

/**
 * The perturbation table: the lookup space (lookupKey) cut into 2·bound + 1 equal slices, giving -bound … +bound in
 * order. Each noise is equally likely (a lookup is an HMAC output), so the noise is uniform and zero-mean, its absolute
 * value at most `bound`. With bound 2: five values, each with probability 1/5, variance 2.
 *
 * Computed in whole numbers (lookup · slices < 2^53 for any bound below 16) so that a lookup on a slice edge always
 * falls the same way.
 */
export function countNoise(lookup: number, bound: number): number {
  return Math.floor((lookup * (2 * bound + 1)) / KEY_SPACE) - bound;
}

/** The perturbation table as rows, for documentation: the range of lookup / 2^48 → noise. */
export function perturbationTable(bound: number): { from: number; to: number; noise: number }[] {
  const slices = 2 * bound + 1;
  return Array.from({ length: slices }, (_, i) => ({ from: i / slices, to: (i + 1) / slices, noise: i - bound }));
}
