/**
 * Purposes of use (HL7 v3 PurposeOfUse, as the NHN trust framework and Kjernejournal use them). The reader's
 * purpose comes from their verified token and travels with every read to the sources that take one.
 */
export const PURPOSES_OF_USE = {
  TREAT: 'Treatment: care of a patient the reader has a care relationship with.',
  ETREAT: 'Emergency treatment (break the glass): needs a stated reason, is logged separately and shown to the patient.',
  COC: 'Coordination of care.',
  PATRQT: 'Patient requested: a citizen reading their own record.',
  HRESCH: 'Healthcare research.',
  HOPERAT: 'Healthcare operations (administration).',
} as const;

export type PurposeOfUse = keyof typeof PURPOSES_OF_USE;

export const PURPOSE_CODES = Object.keys(PURPOSES_OF_USE) as PurposeOfUse[];

export function isPurposeOfUse(value: unknown): value is PurposeOfUse {
  return typeof value === 'string' && Object.hasOwn(PURPOSES_OF_USE, value);
}
