import { createHmac } from 'node:crypto';

/**
 * Record ids as the simulated systems hand them out: opaque, so that an id says nothing about when the record
 * was made or what came before it (a sequential id leaves a visible gap where a hidden record was), and
 * deterministic, so that one seed always gives one world. An id is its prefix and a keyed hash (HMAC-SHA256)
 * of a seed unique to it, written in lowercase letters only: no digit run that could be read as a sequence
 * number, or mistaken for (or hide) an identity number.
 */
const KEY = 'patient-graph:synthetic-record-ids';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** 26^14 ≈ 6 × 10^19 values: among the population's hundred thousand ids a collision is practically impossible (and refused). */
const LENGTH = 14;

export function opaqueId(prefix: string, seed: string): string {
  const digest = createHmac('sha256', KEY).update(`${prefix}\u0000${seed}`).digest();
  return `${prefix}-${[...digest.subarray(0, LENGTH)].map((byte) => LETTERS[byte % LETTERS.length]).join('')}`;
}
