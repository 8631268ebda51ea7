import { z } from 'zod';

/**
 * The Norwegian identifiers of people and organisations other than the national identity number, in one
 * normal form, so that every comparison the access rules make (a block on a named person, a care relationship
 * by organisation, a reader in the very organisation that places a patient) compares like with like.
 *
 * They are numbers written as text, and sources write them differently: a token may carry the HPR number
 * "09429915" while a hospital's block names "9429915". A string comparison then lets a blocked practitioner
 * through, and an audit by HPR number misses the read. So each is read once, where it enters the graph (a
 * token, a source's answer, the configuration), into its normal form: digits only, no leading zeros, within
 * its length (spaces between digits dropped); anything else is not that identifier (null, or a refusal where it is required).
 *
 * - HPR number (Helsepersonellregisteret, OID 2.16.578.1.12.4.1.4.4): a positive whole number of up to 9 digits.
 * - Organisation number (Enhetsregisteret, OID …4.101): exactly 9 digits, the last a mod-11 check digit
 *   (weights 3 2 7 6 5 4 3 2); numbers start with 8 or 9, so a leading zero is never part of one.
 * - HER-id (Adresseregisteret, OID …4.2): a positive whole number of up to 9 digits.
 */

/** Longest text accepted before normalising: leading zeros beyond this are not a number anyone writes. */
const MAX_WRITTEN = 20;

function digitsWithoutLeadingZeros(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  // Written with spaces ("923 456 783") is the same number.
  const text = String(value).replace(/\s+/g, '');
  if (text.length === 0 || text.length > MAX_WRITTEN || !/^\d+$/.test(text)) return null;
  const stripped = text.replace(/^0+/, '');
  return stripped.length === 0 ? null : stripped;
}

/** An HPR number in normal form, or null when the value is not one. */
export function normaliseHprNumber(value: unknown): string | null {
  const digits = digitsWithoutLeadingZeros(value);
  return digits !== null && digits.length <= 9 ? digits : null;
}

/** A HER-id in normal form, or null when the value is not one. */
export function normaliseHerId(value: unknown): string | null {
  const digits = digitsWithoutLeadingZeros(value);
  return digits !== null && digits.length <= 9 ? digits : null;
}

const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];

/** Whether nine digits end in the right mod-11 check digit. */
function orgCheckDigitHolds(digits: string): boolean {
  const sum = ORG_WEIGHTS.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === Number(digits[8]);
}

/** An organisation number in normal form (9 digits, valid check digit), or null when the value is not one. */
export function normaliseOrgNumber(value: unknown): string | null {
  const digits = digitsWithoutLeadingZeros(value);
  return digits !== null && digits.length === 9 && orgCheckDigitHolds(digits) ? digits : null;
}

/** zod schemas that read an identifier into its normal form (for adapters' mappers and configuration). */
const normalised = (what: string, normalise: (value: unknown) => string | null) =>
  z.string().transform((value, ctx) => {
    const normal = normalise(value);
    if (normal === null) {
      // The value itself is not repeated: a source's identifiers are not for error messages.
      ctx.addIssue({ code: 'custom', message: `not ${what}` });
      return z.NEVER;
    }
    return normal;
  });

export const hprNumberSchema = normalised('an HPR number (a whole number of up to 9 digits)', normaliseHprNumber);
export const orgNumberSchema = normalised('an organisation number (9 digits with a valid check digit)', normaliseOrgNumber);
export const herIdSchema = normalised('a HER-id (a whole number of up to 9 digits)', normaliseHerId);
