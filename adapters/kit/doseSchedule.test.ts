import { scheduleFromText } from './doseSchedule';

describe('reading the schedule from a Norwegian dose text', () => {
  it.each([
    ['2 inhalasjoner ved behov, inntil 4 ganger daglig', { asNeeded: true, intervalDays: 1 }],
    ['1 tablett v.b. ved migreneanfall', { asNeeded: true, intervalDays: null }],
    ['1 tablett etter behov', { asNeeded: true, intervalDays: null }],
    ['1 tablett 1 gang i uken', { asNeeded: false, intervalDays: 7 }],
    ['1 tablett ukentlig, fastende', { asNeeded: false, intervalDays: 7 }],
    ['1 tablett hver annen dag', { asNeeded: false, intervalDays: 2 }],
    ['1 plaster hver 3. dag', { asNeeded: false, intervalDays: 3 }],
    ['2 tabletter 3 ganger daglig', { asNeeded: false, intervalDays: 1 }],
    ['1 tablett morgen', { asNeeded: false, intervalDays: 1 }],
    ['1 x 2', { asNeeded: false, intervalDays: null }],
    ['', { asNeeded: null, intervalDays: null }],
  ])('%s', (text, expected) => {
    expect(scheduleFromText(text)).toEqual(expected);
  });

  it('does not read "vb" inside a word, nor "uke" inside another', () => {
    expect(scheduleFromText('1 tablett daglig (Ovbertrol)').asNeeded).toBe(false);
    expect(scheduleFromText('1 tablett daglig i 3 ukers tid').intervalDays).toBe(1);
  });
});
