import { outOfRange, seriesOf, trendOf } from './monitoring';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW - d * 86_400_000).toISOString();
const weight = (id: string, d: number, value: number, unit = 'kg') => ({
  id,
  time: daysAgo(d),
  kind: 'BODY_WEIGHT' as const,
  code: { system: 'http://loinc.org', code: '29463-7', display: 'Body weight' },
  value,
  unit,
  deviceId: null,
});

describe('home monitoring series', () => {
  it('fits the week: a weight gain of 2 kg over the week is RISING, the tolerance 1 kg', () => {
    const week = [0, 1, 2, 3, 4, 5, 6].map((d) => ({ time: daysAgo(d), value: 80 + (6 - d) / 3 }));
    const { trend, changePerWeek } = trendOf('BODY_WEIGHT', week, NOW);
    expect(trend).toBe('RISING');
    expect(changePerWeek).toBeCloseTo(7 / 3, 1);
    expect(trendOf('BODY_WEIGHT', week.map((m) => ({ ...m, value: 80 })), NOW)).toEqual({ trend: 'STABLE', changePerWeek: 0 });
    expect(trendOf('OXYGEN_SATURATION', week.map((m, i) => ({ ...m, value: 90 + i })), NOW).trend).toBe('FALLING');
  });

  it('is UNKNOWN with fewer than three measurements in the week, whatever came before', () => {
    const old = [10, 11, 12, 13].map((d) => ({ time: daysAgo(d), value: 70 + d }));
    expect(trendOf('BODY_WEIGHT', [...old, { time: daysAgo(1), value: 90 }, { time: daysAgo(2), value: 60 }], NOW)).toEqual({ trend: 'UNKNOWN', changePerWeek: null });
    // Measurements "in the future" (a device with a wrong clock) are not in the week.
    expect(trendOf('BODY_WEIGHT', [0, 1, 2].map((d) => ({ time: daysAgo(-d - 1), value: 80 + d })), NOW).trend).toBe('UNKNOWN');
  });

  it('flags values outside the thresholds, either side, and nothing without one', () => {
    expect(outOfRange(89, { low: 90, high: null })).toBe(true);
    expect(outOfRange(90, { low: 90, high: null })).toBe(false);
    expect(outOfRange(161, { low: 90, high: 160 })).toBe(true);
    expect(outOfRange(500, null)).toBe(false);
  });

  it('gives one series per kind, newest first, with the latest out of range counted and other units kept apart', () => {
    const pulse = { ...weight('p1', 0, 120), kind: 'PULSE' as const, unit: '/min' };
    const series = seriesOf(
      [weight('w1', 3, 80), weight('w2', 0, 83.5), weight('w3', 1, 82), weight('lb', 2, 180, '[lb_av]'), pulse],
      [
        { kind: 'BODY_WEIGHT', low: null, high: 82, unit: 'kg' },
        { kind: 'PULSE', low: 45, high: 110, unit: '/min' },
      ],
      NOW,
    );
    expect(series.map((s) => s.kind)).toEqual(['PULSE', 'BODY_WEIGHT']);
    const w = series[1]!;
    expect(w.measurements.map((m) => m.id)).toEqual(['w2', 'w3', 'w1']);
    expect(w.unit).toBe('kg');
    expect(w.outOfRange).toBe(true);
    expect(w.outOfRangeLastWeek).toBe(1);
    expect(w.trend).toBe('RISING');
    expect(series[0]!.outOfRange).toBe(true);
  });
});
