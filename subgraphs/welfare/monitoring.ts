import type { MeasurementKind, WelfareRecordModel } from '../../adapters/model';

/**
 * Digital home follow-up, computed from the platforms' measurements: one series per kind, with the service's
 * thresholds, the latest value, and the trend over the last seven days. Pure: the subgraph's resolvers give it the
 * measurements (each with what it needs to be shown) and the moment "now".
 */

type Measurement = Omit<WelfareRecordModel['measurements'][number], 'id'>;
type Threshold = WelfareRecordModel['thresholds'][number];

/** The order series are shown in: the blood pressure first, as a follow-up nurse reads them. */
export const KIND_ORDER: readonly MeasurementKind[] = ['SYSTOLIC_BLOOD_PRESSURE', 'DIASTOLIC_BLOOD_PRESSURE', 'PULSE', 'OXYGEN_SATURATION', 'BODY_WEIGHT', 'BODY_TEMPERATURE', 'SYMPTOM_SCORE'];

/** How much a kind must change over a week, along the fitted line, to be RISING or FALLING rather than STABLE. */
export const WEEKLY_TOLERANCE: Readonly<Record<MeasurementKind, number>> = {
  SYSTOLIC_BLOOD_PRESSURE: 8,
  DIASTOLIC_BLOOD_PRESSURE: 5,
  PULSE: 8,
  OXYGEN_SATURATION: 2,
  BODY_WEIGHT: 1,
  BODY_TEMPERATURE: 0.5,
  SYMPTOM_SCORE: 3,
};

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export type Trend = 'RISING' | 'FALLING' | 'STABLE' | 'UNKNOWN';

export function outOfRange(value: number, threshold: Pick<Threshold, 'low' | 'high'> | null | undefined): boolean {
  if (!threshold) return false;
  return (threshold.low !== null && value < threshold.low) || (threshold.high !== null && value > threshold.high);
}

/**
 * The trend of a series over the week before `now`: the slope of the least-squares line through the week's
 * measurements, as a change per week. UNKNOWN with fewer than three measurements in the week, or all at one instant.
 */
export function trendOf(kind: MeasurementKind, measurements: readonly Pick<Measurement, 'time' | 'value'>[], now: number): { trend: Trend; changePerWeek: number | null } {
  const week = measurements.map((m) => ({ t: Date.parse(m.time), v: m.value })).filter((m) => m.t <= now && now - m.t <= WEEK_MS);
  if (week.length < 3) return { trend: 'UNKNOWN', changePerWeek: null };
  const meanT = week.reduce((s, m) => s + m.t, 0) / week.length;
  const meanV = week.reduce((s, m) => s + m.v, 0) / week.length;
  const sxx = week.reduce((s, m) => s + (m.t - meanT) ** 2, 0);
  if (sxx === 0) return { trend: 'UNKNOWN', changePerWeek: null };
  const slope = week.reduce((s, m) => s + (m.t - meanT) * (m.v - meanV), 0) / sxx;
  const changePerWeek = Math.round(slope * WEEK_MS * 10) / 10;
  const tolerance = WEEKLY_TOLERANCE[kind];
  return { trend: changePerWeek > tolerance ? 'RISING' : changePerWeek < -tolerance ? 'FALLING' : 'STABLE', changePerWeek };
}

export interface Series<M extends Measurement> {
  kind: MeasurementKind;
  unit: string;
  threshold: Threshold | null;
  /** Newest first. */
  measurements: M[];
  trend: Trend;
  changePerWeek: number | null;
  outOfRange: boolean;
  outOfRangeLastWeek: number;
}

/**
 * One series per kind the patient measures, in KIND_ORDER. Measurements in another unit than the kind's threshold
 * (a platform that sent pounds) are not mixed in: the series keeps the unit of its newest measurement.
 */
export function seriesOf<M extends Measurement>(measurements: readonly M[], thresholds: readonly Threshold[], now: number): Series<M>[] {
  return KIND_ORDER.flatMap((kind) => {
    const ofKind = measurements.filter((m) => m.kind === kind).sort((a, b) => b.time.localeCompare(a.time));
    const latest = ofKind[0];
    if (!latest) return [];
    const inUnit = ofKind.filter((m) => m.unit === latest.unit);
    const threshold = thresholds.find((t) => t.kind === kind && t.unit === latest.unit) ?? null;
    const lastWeek = inUnit.filter((m) => now - Date.parse(m.time) <= WEEK_MS && Date.parse(m.time) <= now);
    return [
      {
        kind,
        unit: latest.unit,
        threshold,
        measurements: inUnit,
        ...trendOf(kind, inUnit, now),
        outOfRange: outOfRange(latest.value, threshold),
        outOfRangeLastWeek: lastWeek.filter((m) => outOfRange(m.value, threshold)).length,
      },
    ];
  });
}
