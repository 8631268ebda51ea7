import type { Dose } from '../model';

/**
 * Doses for the municipal care adapters (care-json and care-plo share this). Care systems keep the dose as
 * structured fields (amount, unit, times a day) and sometimes as the nurse's short text; the model always
 * carries a text, so one is derived the way Norwegian dose cards write it when the source has none.
 */
const PLURAL: Record<string, string> = { tablett: 'tabletter', kapsel: 'kapsler', inhalasjon: 'inhalasjoner', dose: 'doser', dråpe: 'dråper' };

/** "2 tabletter 3 ganger daglig"; parts the source did not give are left out. */
export function deriveDoseText(amount: number | null, unit: string | null, timesPerDay: number | null): string {
  const amountText = amount === null ? null : String(amount).replace('.', ',');
  const unitText = unit === null ? null : amount !== null && amount !== 1 ? (PLURAL[unit] ?? unit) : unit;
  const times = timesPerDay === null ? null : `${timesPerDay} ${timesPerDay === 1 ? 'gang' : 'ganger'} daglig`;
  return [amountText, unitText, times].filter((p): p is string => p !== null).join(' ');
}

/** A model dose from what the source gave; null when it gave nothing at all. */
export function careDose(amount: number | null, unit: string | null, timesPerDay: number | null, text: string | null): Dose | null {
  if (amount === null && unit === null && timesPerDay === null && text === null) return null;
  return { amount, unit, timesPerDay, text: text ?? deriveDoseText(amount, unit, timesPerDay) };
}
