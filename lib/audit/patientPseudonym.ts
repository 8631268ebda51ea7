import { createHmac } from 'node:crypto';

/**
 * The patient's name in the access log: HMAC-SHA256 of the identity number under a secret key, base64url.
 *
 * Keyed, not a plain hash: identity numbers are 11 digits whose last two are check digits and whose first six
 * are a birth date, so there are fewer than a billion valid numbers: anyone could hash them all in minutes
 * and read a plain SHA-256 back to the person. Without the key, a pseudonym reveals nothing; with it,
 * it is stable, so one patient's records are found together.
 *
 * An auditor (or the patient's own `me { accessLog }`) who holds the key computes the pseudonym of a number
 * and looks up its records; the log itself never holds the number. Changing the key orphans every earlier
 * record, so rotate it only together with a re-keying of the log.
 *
 * `nin` must be the canonical 11 digits (no spaces): the pseudonym is of the exact string.
 */
export function patientPseudonym(nin: string, key: Buffer | string): string {
  // An empty key would make this a plain hash in all but name (the message names the key, never the number).
  if (key.length === 0) throw new Error('patientPseudonym: the key is empty');
  return createHmac('sha256', key).update(nin, 'utf8').digest('base64url');
}
