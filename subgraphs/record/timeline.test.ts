import type { TimelineEvent } from '../kit/shapes';
import { buildTimeline } from './timeline';

const provenance = { sourceId: 's', system: 'x', sector: 'GP', organisation: 'o', recordId: null };
const ev = (date: string, sector: TimelineEvent['sector'], title: string): TimelineEvent => ({ date, sector, kind: 'GP_CONSULTATION', title, detail: null, codes: [], provenance });

const events = [
  ev('2026-03-01T10:00:00Z', 'GP', 'b'),
  ev('2025-12-24', 'NATIONAL', 'a'),
  ev('2026-09-21T14:00:00Z', 'HOSPITAL', 'd'),
  ev('2026-03-01', 'MUNICIPAL_CARE', 'c'),
];

describe('timeline', () => {
  it('orders events across sectors, newest first by default', () => {
    expect(buildTimeline(events).map((e) => e.title)).toEqual(['d', 'b', 'c', 'a']);
    expect(buildTimeline(events, { order: 'OLDEST_FIRST' }).map((e) => e.title)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('places an event on its Norwegian day: 00:30 in Oslo on 1 March is 28 February in UTC', () => {
    const night = ev('2026-02-28T23:30:00Z', 'GP', 'night');
    expect(buildTimeline([night], { from: '2026-03-01', to: '2026-03-01' }).map((e) => e.title)).toEqual(['night']);
    expect(buildTimeline([night], { to: '2026-02-28' })).toEqual([]);
    // A day alone sorts as Oslo midnight: before the night consultation on the same Norwegian day.
    const day = ev('2026-03-01', 'REGISTRY', 'day');
    expect(buildTimeline([night, day], { order: 'OLDEST_FIRST' }).map((e) => e.title)).toEqual(['day', 'night']);
  });

  it('filters by period and sector and limits the count', () => {
    expect(buildTimeline(events, { from: '2026-01-01', to: '2026-03-01' }).map((e) => e.title)).toEqual(['b', 'c']);
    expect(buildTimeline(events, { sectors: ['HOSPITAL', 'NATIONAL'] }).map((e) => e.title)).toEqual(['d', 'a']);
    expect(buildTimeline(events, { first: 1 }).map((e) => e.title)).toEqual(['d']);
    expect(buildTimeline(events, { first: -5 })).toEqual([]);
  });
});
