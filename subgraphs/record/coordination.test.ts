import type { CareTeamEntry, UpcomingEntry } from '../kit/coordination';
import { mergeCareTeam, mergeUpcoming } from './coordination';

const source = (sector: string, sourceId: string, organisation: string) => ({ sourceId, system: sourceId, sector, organisation, recordId: null });
const REGISTRY = source('REGISTRY', 'gp-register', 'Fastlegeregisteret');
const CARE = source('MUNICIPAL_CARE', 'care-bergen', 'Bergen kommune');
const HOSPITAL = source('HOSPITAL', 'hospital-haukeland', 'Haukeland universitetssjukehus');

const member = (over: Partial<CareTeamEntry>): CareTeamEntry => ({
  role: 'PRIMARY_CONTACT',
  hprNumber: '9757146',
  name: 'Line Knutsen',
  service: 'Hjemmesykepleien sone sør',
  organisation: 'Bergen kommune',
  orgNumber: '964338531',
  herId: '81302',
  phone: '+47 55 30 11 00',
  start: '2026-09-17',
  end: null,
  provenance: CARE,
  ...over,
});

describe('the merged care team', () => {
  const today = '2026-11-01';
  const entries = [
    member({ role: 'CONTACT_PERSON', hprNumber: '4631093', service: 'Hjerteavdelingen', start: '2026-09-21', provenance: HOSPITAL }),
    member({ hprNumber: '9687131', name: 'Hanne Berg', start: '2024-12-23', end: '2026-09-17' }),
    member({}),
    member({ role: 'RESPONSIBLE_PHYSICIAN', hprNumber: '5636150', service: 'Hjerteavdelingen', start: '2026-09-21', provenance: HOSPITAL }),
    member({ role: 'GP_OFFICE', hprNumber: null, name: null, service: 'Nordnes legekontor', start: '2022-09-21', provenance: REGISTRY }),
    member({ role: 'REGULAR_GP', hprNumber: '9217889', service: 'Nordnes legekontor', start: '2022-09-21', provenance: REGISTRY }),
    member({ role: 'MUNICIPAL_COORDINATOR', hprNumber: '8392726', service: 'Koordinerende enhet', start: '2025-04-12' }),
    // A finished episode's physician, who left earlier than the primary contact's handover.
    member({ role: 'RESPONSIBLE_PHYSICIAN', hprNumber: '2459378', service: 'Lungemedisinsk avdeling', start: '2025-01-10', end: '2025-01-20', provenance: HOSPITAL }),
  ];

  it('lists current members by role (the GP first, the hospital last), then past members, the latest to leave first', () => {
    const team = mergeCareTeam(entries, { today });
    expect(team.map((m) => [m.role, m.hprNumber, m.current])).toEqual([
      ['REGULAR_GP', '9217889', true],
      ['GP_OFFICE', null, true],
      ['PRIMARY_CONTACT', '9757146', true],
      ['MUNICIPAL_COORDINATOR', '8392726', true],
      ['RESPONSIBLE_PHYSICIAN', '5636150', true],
      ['CONTACT_PERSON', '4631093', true],
      // The handover: the primary contact before Line Knutsen, who left the day she came.
      ['PRIMARY_CONTACT', '9687131', false],
      ['RESPONSIBLE_PHYSICIAN', '2459378', false],
    ]);
  });

  it('counts a member whose period ends today as current, and leaves the past out when asked', () => {
    const ending = member({ end: today });
    expect(mergeCareTeam([ending], { today })[0]?.current).toBe(true);
    expect(mergeCareTeam([member({ end: '2026-10-31' })], { today })[0]?.current).toBe(false);
    expect(mergeCareTeam(entries, { today, includePast: false }).every((m) => m.current)).toBe(true);
    expect(mergeCareTeam(entries, { today, includePast: false })).toHaveLength(6);
  });

  it('lists a member two sources tell alike once, and keeps members withheld by place (nulls) apart by role and period', () => {
    const withheld = member({ hprNumber: null, name: null, service: null, organisation: null, orgNumber: null, herId: null, phone: null });
    const team = mergeCareTeam([member({}), member({}), withheld, { ...withheld, role: 'REGULAR_GP' }], { today });
    expect(team.map((m) => [m.role, m.hprNumber])).toEqual([
      ['REGULAR_GP', null],
      ['PRIMARY_CONTACT', '9757146'],
      ['PRIMARY_CONTACT', null],
    ]);
  });
});

const item = (over: Partial<UpcomingEntry>): UpcomingEntry => ({
  id: 'x',
  kind: 'APPOINTMENT',
  time: '2026-12-01T08:00:00Z',
  title: 'Poliklinisk kontroll',
  status: 'BOOKED',
  deadline: null,
  referralId: null,
  service: 'Hjertepoliklinikken',
  organisation: 'Haukeland universitetssjukehus',
  orgNumber: '983974724',
  hprNumber: null,
  provenance: HOSPITAL,
  ...over,
});

describe('what happens next', () => {
  // 10:30 in Oslo on 1 December 2026.
  const now = new Date('2026-12-01T09:30:00Z');

  it('lists only what is ahead, soonest first, a day alone before the timed items of that day', () => {
    const list = mergeUpcoming(
      [
        item({ id: 'later', time: '2026-12-20T08:30:00Z' }),
        item({ id: 'past', time: '2026-12-01T08:00:00Z' }),
        item({ id: 'visit', kind: 'VISIT', status: 'PLANNED', title: 'Planlagt besøk: Tilsyn', time: '2026-12-01T19:15:00Z', provenance: CARE }),
        item({ id: 'deadline', kind: 'REFERRAL', status: 'ACCEPTED', time: '2026-12-20', deadline: '2026-12-20', referralId: 'henv-a' }),
        item({ id: 'today', kind: 'REFERRAL', status: 'ACCEPTED', time: '2026-12-01', deadline: '2026-12-01', referralId: 'henv-b' }),
        item({ id: 'missed', kind: 'REFERRAL', status: 'ACCEPTED', time: '2026-11-30', deadline: '2026-11-30', referralId: 'henv-c' }),
        item({ id: 'followup', kind: 'FOLLOW_UP', status: 'PLANNED', title: 'Kontroll', time: '2026-12-01T10:00:00Z', provenance: REGISTRY }),
      ],
      { now },
    );
    expect(list.map((i) => i.id)).toEqual(['today', 'followup', 'visit', 'deadline', 'later']);
  });

  it('keeps a referral still being assessed after its answer was due: it is still waiting', () => {
    const overdue = item({ id: 'assessing', kind: 'REFERRAL', status: 'RECEIVED', time: '2026-11-20', referralId: 'henv-d' });
    expect(mergeUpcoming([item({ id: 'a', time: '2026-12-02T08:00:00Z' }), overdue], { now }).map((i) => i.id)).toEqual(['assessing', 'a']);
  });

  it('uses Oslo days: 00:30 in Oslo is still the day before in UTC', () => {
    const justAfterMidnight = new Date('2026-12-01T23:30:00Z');
    expect(mergeUpcoming([item({ id: 'd', kind: 'REFERRAL', status: 'ACCEPTED', time: '2026-12-01' })], { now: justAfterMidnight })).toEqual([]);
    expect(mergeUpcoming([item({ id: 'd', kind: 'REFERRAL', status: 'ACCEPTED', time: '2026-12-02' })], { now: justAfterMidnight })).toHaveLength(1);
  });
});
