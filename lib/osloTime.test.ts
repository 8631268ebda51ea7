import { isValidLocalDateTime, isValidWallClock, osloLocalToUtc, osloWallClockToUtc, utcToOsloLocal, utcToOsloOffsetDateTime } from './osloTime';

describe('Oslo wall-clock time', () => {
  it('uses UTC+1 in winter and UTC+2 in summer', () => {
    expect(osloLocalToUtc('2026-01-15T08:00')).toBe('2026-01-15T07:00:00Z');
    expect(osloLocalToUtc('2026-07-15T08:00')).toBe('2026-07-15T06:00:00Z');
    expect(osloLocalToUtc('2026-01-01T00:30:15')).toBe('2025-12-31T23:30:15Z');
  });

  it('switches to summer time at 02:00 on the last Sunday of March, reading the missing hour with the old offset', () => {
    expect(osloLocalToUtc('2026-03-29T01:59')).toBe('2026-03-29T00:59:00Z');
    expect(osloLocalToUtc('2026-03-29T03:00')).toBe('2026-03-29T01:00:00Z');
    // 02:30 does not exist that night: a clock not yet moved forward meant 03:30 summer time.
    expect(osloLocalToUtc('2026-03-29T02:30')).toBe('2026-03-29T01:30:00Z');
  });

  it('switches back at 03:00 on the last Sunday of October, taking the earlier of the doubled hour', () => {
    expect(osloLocalToUtc('2026-10-25T01:30')).toBe('2026-10-24T23:30:00Z');
    expect(osloLocalToUtc('2026-10-25T02:30')).toBe('2026-10-25T00:30:00Z');
    expect(osloLocalToUtc('2026-10-25T03:00')).toBe('2026-10-25T02:00:00Z');
  });

  it('turns instants into Oslo wall-clock time, both sides of a switch', () => {
    expect(utcToOsloLocal('2026-10-25T00:30:00Z')).toBe('2026-10-25T02:30:00');
    expect(utcToOsloLocal('2026-10-25T01:30:00Z')).toBe('2026-10-25T02:30:00');
    expect(utcToOsloLocal('2026-03-29T01:00:00Z')).toBe('2026-03-29T03:00:00');
    expect(utcToOsloLocal('2026-12-31T23:15:00Z')).toBe('2027-01-01T00:15:00');
  });

  it('round-trips times all through a year except the doubled autumn hour', () => {
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 35 * 60_000) {
      const iso = new Date(ms).toISOString().replace('.000Z', 'Z');
      if (iso.startsWith('2026-10-25T01:')) continue;
      expect(osloLocalToUtc(utcToOsloLocal(iso))).toBe(iso);
    }
  });

  it('refuses times that are not real', () => {
    expect(() => osloLocalToUtc('2026-02-29T08:00')).toThrow(RangeError);
    expect(() => osloLocalToUtc('2026-04-01T24:00')).toThrow(RangeError);
    expect(() => osloLocalToUtc('01.04.2026 08:00')).toThrow(RangeError);
  });
});

describe('Oslo wall clock in parts → UTC', () => {
  const wall = (s: string) => {
    const [year, month, day, hour, minute] = s.split(/[-T:]/).map(Number) as [number, number, number, number, number];
    return { year, month, day, hour, minute, second: 0 };
  };

  it.each([
    ['2026-01-15T10:20', '2026-01-15T09:20:00Z'], // CET, +01:00
    ['2026-07-01T10:20', '2026-07-01T08:20:00Z'], // CEST, +02:00
    ['2026-03-29T03:30', '2026-03-29T01:30:00Z'], // just after the spring change
    ['2026-03-29T02:30', '2026-03-29T01:30:00Z'], // the skipped hour, read with the winter offset
    ['2026-10-25T02:30', '2026-10-25T00:30:00Z'], // the repeated hour: the earlier instant
    ['2026-10-25T03:30', '2026-10-25T02:30:00Z'],
    ['2025-12-31T23:59', '2025-12-31T22:59:00Z'],
  ])('%s Oslo is %s', (local, utc) => {
    expect(osloWallClockToUtc(wall(local))).toBe(utc);
  });

  it('tells real calendar times from impossible ones', () => {
    expect(isValidWallClock(wall('2028-02-29T12:00'))).toBe(true);
    expect(isValidWallClock(wall('2026-02-29T12:00'))).toBe(false);
    expect(isValidWallClock(wall('2026-04-01T24:00'))).toBe(false);
  });

  it('refuses a year before 100, which Date.UTC would read as 1900–1999', () => {
    expect(isValidWallClock(wall('0050-06-01T12:00'))).toBe(false);
    expect(isValidWallClock(wall('0100-06-01T12:00'))).toBe(true);
    expect(isValidLocalDateTime('0050-01-01T08:00')).toBe(false);
    expect(() => osloLocalToUtc('0050-01-01T08:00')).toThrow(RangeError);
  });
});

describe('Oslo wall-clock time with its offset', () => {
  it('writes +01:00 in winter and +02:00 in summer', () => {
    expect(utcToOsloOffsetDateTime('2026-03-01T09:20:00Z')).toBe('2026-03-01T10:20:00+01:00');
    expect(utcToOsloOffsetDateTime('2026-07-15T06:00:00Z')).toBe('2026-07-15T08:00:00+02:00');
    expect(utcToOsloOffsetDateTime(new Date('2026-12-31T23:15:00Z'))).toBe('2027-01-01T00:15:00+01:00');
  });

  it('tells the two instants of the doubled autumn hour apart, and drops milliseconds', () => {
    expect(utcToOsloOffsetDateTime('2026-10-25T00:30:00Z')).toBe('2026-10-25T02:30:00+02:00');
    expect(utcToOsloOffsetDateTime('2026-10-25T01:30:00.750Z')).toBe('2026-10-25T02:30:00+01:00');
    expect(utcToOsloOffsetDateTime('2026-03-29T01:00:00Z')).toBe('2026-03-29T03:00:00+02:00');
  });

  it('refuses what is not an instant', () => {
    expect(() => utcToOsloOffsetDateTime('not a time')).toThrow(RangeError);
  });
});

describe('the wall clock from the remembered offset', () => {
  it('is what Intl says, minute by minute across both changes of 2026, and second by second near them', () => {
    const intl = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    const viaIntl = (ms: number) => intl.format(new Date(ms)).replace(' ', 'T');
    for (const change of ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z']) {
      const at = Date.parse(change);
      for (let ms = at - 3 * 3_600_000; ms <= at + 3 * 3_600_000; ms += 60_000) expect([ms, utcToOsloLocal(new Date(ms))]).toEqual([ms, viaIntl(ms)]);
      for (let ms = at - 5_000; ms <= at + 5_000; ms += 999) expect([ms, utcToOsloLocal(new Date(ms))]).toEqual([ms, viaIntl(ms)]);
    }
  });
});
