import { withCheckDigits } from '../../lib/nin';
import type { Sex } from './types';

/**
 * A synthetic identity number (Test-Norge form: month + 80; a D-number adds 40 to the day) for a person of the
 * given sex born on the given date. As in a real fødselsnummer, the third digit of the individual number (the
 * ninth digit) is even for a woman and odd for a man, so that anything that reads sex from the number reads the
 * population register's. `pick` draws once, an individual number in the birth year's range; from there the
 * first one of the right parity with valid check digits wins. Validated by @navikt/fnrvalidator in the tests.
 */
export function personNin(birthDate: string, sex: Sex, options: { dNumber: boolean; pick: (min: number, max: number) => number }): string {
  const [yearText, monthText, dayText] = birthDate.split('-');
  const year = Number(yearText);
  const day = Number(dayText) + (options.dNumber ? 40 : 0);
  const month = Number(monthText) + 80;
  const [min, max] = individualRangeFor(year);
  const start = options.pick(min, max);
  const parity = sex === 'female' ? 0 : 1;
  for (let step = 0; step <= max - min; step++) {
    const individual = min + ((start - min + step) % (max - min + 1));
    if (individual % 2 !== parity) continue;
    const nin = withCheckDigits(`${pad2(day)}${pad2(month)}${pad2(year % 100)}${String(individual).padStart(3, '0')}`);
    if (nin) return nin;
  }
  throw new RangeError('no valid individual number for this birth date and sex');
}

/** The sex the ninth digit of an identity number encodes: even for women, odd for men. */
export function sexOfNin(nin: string): Sex {
  return Number(nin[8]) % 2 === 0 ? 'female' : 'male';
}

/** The individual-number range that encodes a birth year (Skatteetaten's rules). */
function individualRangeFor(year: number): [number, number] {
  if (year >= 1900 && year <= 1999) return [0, 499];
  if (year >= 2000 && year <= 2039) return [500, 999];
  throw new RangeError('birth year outside the supported range 1900-2039');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
