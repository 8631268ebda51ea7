import { sexOfNin, syntheticNin } from '../../lib/nin';
import type { Sex } from './types';

/**
 * A synthetic identity number (Test-Norge form: month + 80; a D-number adds 40 to the day) for a person of the
 * given sex born on the given date. As in a real fødselsnummer, the third digit of the individual number (the
 * ninth digit) is even for a woman and odd for a man, so that anything that reads sex from the number reads the
 * population register's. Validated by @navikt/fnrvalidator in the tests.
 */
export function personNin(birthDate: string, sex: Sex, options: { dNumber: boolean; pick: (min: number, max: number) => number }): string {
  return syntheticNin(birthDate, { ...options, sex });
}

export { sexOfNin };
