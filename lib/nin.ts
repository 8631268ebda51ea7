import { idnr } from '@navikt/fnrvalidator';

/**
 * Norwegian national identity numbers: fødselsnummer (FNR), D-number (DNR, day + 40) and
 * synthetic test numbers (month + 80, Test-Norge/Tenor). Validation is @navikt/fnrvalidator's;
 * this module adds what the graph needs around it: the kind, the birth date, and generation of
 * synthetic numbers for the simulated population.
 *
 * Privacy: nothing here logs or throws with the number in the message.
 */

export type NinKind = 'FNR' | 'DNR' | 'HNR';

export interface NinInfo {
  kind: NinKind;
  /** A Test-Norge synthetic number (month + 80); never a real person. */
  synthetic: boolean;
  /** ISO date (yyyy-mm-dd) the number encodes. */
  birthDate: string;
}

export type NinValidation = { valid: true; info: NinInfo } | { valid: false; reasons: string[] };

export function validateNin(value: string): NinValidation {
  const result = idnr(value);
  if (result.status === 'invalid') {
    return { valid: false, reasons: [...result.reasons] };
  }
  const kind: NinKind = result.type.startsWith('dnr') ? 'DNR' : result.type === 'hnr' ? 'HNR' : 'FNR';
  const synthetic = result.type === 'tnr' || result.type === 'dnr-and-tnr';
  return { valid: true, info: { kind, synthetic, birthDate: birthDateOf(value, kind, synthetic) } };
}

export function isValidNin(value: string): boolean {
  return idnr(value).status === 'valid';
}

function birthDateOf(nin: string, kind: NinKind, synthetic: boolean): string {
  let day = Number(nin.slice(0, 2));
  let month = Number(nin.slice(2, 4));
  const yy = Number(nin.slice(4, 6));
  const individual = Number(nin.slice(6, 9));
  if (kind === 'DNR') day -= 40;
  if (kind === 'HNR') month -= 40;
  if (synthetic) month -= 80;
  const year = centuryOf(individual, yy) + yy;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** The individual number's range decides the century (Skatteetaten's rules). */
function centuryOf(individual: number, yy: number): number {
  if (individual <= 499) return 1900;
  if (individual >= 900 && yy >= 40) return 1900;
  if (individual <= 749 && yy >= 54) return 1800;
  return 2000;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function checkDigit(digits: number[], weights: number[]): number | undefined {
  const sum = weights.reduce((acc, w, i) => acc + w * (digits[i] ?? 0), 0);
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  if (k === 10) return undefined;
  return k;
}

/** Appends the two mod-11 check digits to nine digits, or returns undefined when no valid pair exists. */
export function withCheckDigits(nine: string): string | undefined {
  const digits = [...nine].map(Number);
  const k1 = checkDigit(digits, K1_WEIGHTS);
  if (k1 === undefined) return undefined;
  const k2 = checkDigit([...digits, k1], K2_WEIGHTS);
  if (k2 === undefined) return undefined;
  return `${nine}${k1}${k2}`;
}

/** The individual-number range that encodes a birth year (Skatteetaten's rules). */
function individualRangeFor(year: number): [number, number] {
  if (year >= 1900 && year <= 1999) return [0, 499];
  if (year >= 2000 && year <= 2039) return [500, 999];
  throw new RangeError('birth year outside the supported range 1900-2039');
}

/**
 * A synthetic (Test-Norge, month + 80) number for a birth date, optionally as a D-number (day + 40).
 * `pick` chooses an individual number in [min, max]; from there the first one that yields valid check digits
 * (and, with `sex`, has the ninth digit a real number has for that sex: even for women, odd for men) wins.
 */
export function syntheticNin(
  birthDate: string,
  options: { dNumber?: boolean; sex?: 'female' | 'male'; pick: (min: number, max: number) => number },
): string {
  const [yearText, monthText, dayText] = birthDate.split('-');
  const year = Number(yearText);
  const day = Number(dayText) + (options.dNumber ? 40 : 0);
  const month = Number(monthText) + 80;
  const [min, max] = individualRangeFor(year);
  const start = options.pick(min, max);
  const parity = options.sex === undefined ? undefined : options.sex === 'female' ? 0 : 1;
  for (let step = 0; step <= max - min; step++) {
    const individual = min + ((start - min + step) % (max - min + 1));
    if (parity !== undefined && individual % 2 !== parity) continue;
    const nine = `${pad2(day)}${pad2(month)}${pad2(year % 100)}${String(individual).padStart(3, '0')}`;
    const nin = withCheckDigits(nine);
    if (nin) return nin;
  }
  throw new RangeError('no valid individual number for this birth date');
}

/** The sex the ninth digit of an identity number encodes (the individual number's third): even for women, odd for men. */
export function sexOfNin(nin: string): 'female' | 'male' {
  return Number(nin[8]) % 2 === 0 ? 'female' : 'male';
}

/**
 * Masks every run of 11 or more digits, for text from outside (fault strings, error bodies, ids a source
 * chose, names a client sent) before it is logged or shown. People write numbers grouped (`038640 13065`,
 * `038640-13065`, `03.86.40 130 65`), so single spaces, dashes and dots between digits do not end a run. No
 * validity check: a number run together with other digits is masked with them, and masking a long run that
 * holds no number costs nothing.
 */
export function redactNins(text: string): string {
  return text.replace(/\d(?:[ .\-\u00a0]?\d){10,}/g, '[redacted]');
}

/**
 * True when a URL (or any text) holds a valid national identity number anywhere in a run of digits: as
 * written, and percent-decoded. Every 11-digit window of every run is checked, so a number next to other
 * digits (`%2003864013065` is a space and the number; two numbers run together) is found too. A guard may
 * refuse too much but never too little: a longer run that merely contains a valid number counts.
 */
export function containsNin(text: string): boolean {
  for (const form of decodedForms(text)) {
    for (const match of form.matchAll(/\d{11,}/g)) {
      const run = match[0];
      for (let i = 0; i + 11 <= run.length; i++) if (isValidNin(run.slice(i, i + 11))) return true;
    }
  }
  return false;
}

/** The text as written and as decoded, repeatedly (double encoding), up to a few rounds. */
function decodedForms(text: string): string[] {
  const forms = [text];
  let current = text;
  for (let round = 0; round < 3 && current.includes('%'); round++) {
    const next = decodeUrl(current);
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  return forms;
}

/**
 * Percent-decodes a URL component by component (`decodeURIComponent` on each part between `/ ? & = # ;`),
 * tolerating malformed escapes: a part that does not decode as a whole has its well-formed ASCII escapes
 * decoded one by one and the rest left as written.
 */
export function decodeUrl(url: string): string {
  return url
    .split(/([/?&=#;])/)
    .map((part) => {
      if (!part.includes('%')) return part;
      try {
        return decodeURIComponent(part);
      } catch {
        return part.replace(/%([0-7][0-9A-Fa-f])/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      }
    })
    .join('');
}
