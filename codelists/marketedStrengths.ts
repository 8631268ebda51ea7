import table from './marketed-strengths.json';

/**
 * The strengths marketed in Norway per ATC code and pharmaceutical form (marketed-strengths.json, from
 * Felleskatalogen and Statens legemiddelverk, each entry naming its source). The population takes its
 * medicines' strengths from here, and a test checks every strength every simulated source records against it.
 */
export interface MarketedForm {
  products: string;
  form: string;
  strengths: string[];
  source: string;
}

export const MARKETED_STRENGTHS: ReadonlyMap<string, readonly MarketedForm[]> = new Map(table.entries.map((e) => [e.code, e.forms]));

/** What is wrong with a medicine's ATC code, form and strength; null when a product of that form and strength is marketed. */
export function marketedStrengthProblem(atc: string, form: string, strength: string): string | null {
  const forms = MARKETED_STRENGTHS.get(atc);
  if (!forms) return `${atc} is not in codelists/marketed-strengths.json`;
  const sameForm = forms.filter((f) => f.form === form);
  if (sameForm.length === 0) return `${atc} is not marketed as ${form} (${forms.map((f) => f.form).join(', ')})`;
  if (!sameForm.some((f) => f.strengths.includes(strength))) {
    return `${atc} ${form} is not marketed in ${strength} (${sameForm.flatMap((f) => f.strengths).join(', ')})`;
  }
  return null;
}
