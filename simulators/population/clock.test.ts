import { dateOf, instantOf, REFERENCE_DATE, worldToday } from './clock';

describe('the simulated world’s clock', () => {
  it('is the reference date until the machine’s clock passes it, then today in Oslo', () => {
    expect(worldToday(new Date('2026-10-15T12:00:00Z'))).toBe(REFERENCE_DATE);
    expect(worldToday(new Date('2026-12-06T06:00:00Z'))).toBe('2026-12-06');
    // Just after midnight in Oslo (23:30 UTC the day before, in winter) it is already the next day there.
    expect(worldToday(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
  });

  it('dates what is planned relative to that day and leaves fixed dates where they are', () => {
    const now = new Date('2026-12-06T06:00:00Z');
    expect(dateOf({ days: 9 }, now)).toBe('2026-12-15');
    expect(dateOf({ days: -5 }, now)).toBe('2026-12-01');
    expect(dateOf('2026-05-06', now)).toBe('2026-05-06');
    expect(dateOf({ days: 1 }, new Date('2026-10-01T00:00:00Z'))).toBe('2026-11-02');
    // Oslo wall clock: 10:20 in winter is 09:20 UTC, in summer 08:20.
    expect(instantOf({ days: 9, time: '10:20' }, now)).toBe('2026-12-15T09:20:00Z');
    expect(instantOf({ days: 0, time: '10:20' }, new Date('2027-06-01T06:00:00Z'))).toBe('2027-06-01T08:20:00Z');
  });
});
