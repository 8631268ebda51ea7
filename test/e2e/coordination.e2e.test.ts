import { todayInOslo } from '../../lib/osloTime';
import { demoPatient, getPopulation } from '../../simulators/population';
import { TestSystem, type GraphQLResponse } from './harness';

/**
 * Working together (issue 15), through the gateway and real processes: `Patient.careTeam` (the regular GP and the
 * office from the GP register, the municipal primary contacts and coordinators, the hospitals' responsible
 * physicians and contact persons) and `Patient.upcoming` (appointments, referrals waiting at a hospital, planned
 * visits, the GP's follow-ups), and the GP referral's link to the hospital's answer, for the demo patients, under
 * the rules: a care relationship or emergency access, places withheld for a strictly confidential address, a block
 * that hides a note hiding what would tell of it.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ sourceTimeoutMs: 5000 });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const DEMOS = getPopulation().persons.filter((p) => p.demo !== null);
const ingrid = demoPatient('homeCare');
const kjell = demoPatient('nursingHome');
const astrid = demoPatient('askoyHomeCare');
const silje = demoPatient('strictlyConfidential');
const olav = demoPatient('deceased');
const hilde = demoPatient('blockedDocument');
const egil = demoPatient('criticalInfo');

const CARE_TEAM = `query($nin: String!) { patient(nin: $nin) { careTeam {
  role practitioner { hprNumber name { text } } name service organisation herId phone start end current sector provenance { sourceId }
} } }`;
const UPCOMING = `query($nin: String!) { patient(nin: $nin) { upcoming {
  kind time title status deadline referralId service organisation practitioner { hprNumber } sector provenance { sourceId recordId }
} } }`;

type Member = { role: string; practitioner: { hprNumber: string; name: { text: string } | null } | null; name: string | null; service: string | null; organisation: string | null; herId: string | null; phone: string | null; start: string | null; end: string | null; current: boolean; sector: string };
type Item = { kind: string; time: string; title: string; status: string; deadline: string | null; referralId: string | null; service: string | null; organisation: string | null; sector: string };

const careTeamOf = async (nin: string, reader?: string) => {
  const r = await system.query<{ patient: { careTeam: Member[] | null } }>(CARE_TEAM, { nin }, reader);
  return { r, team: r.body.data?.patient.careTeam ?? null };
};
const upcomingOf = async (nin: string, reader?: string) => {
  const r = await system.query<{ patient: { upcoming: Item[] | null } }>(UPCOMING, { nin }, reader);
  return { r, items: r.body.data?.patient.upcoming ?? null };
};
const rulesAt = (r: GraphQLResponse) => [...new Set((r.body.errors ?? []).map((e) => `${e.path?.slice(-1).join('')}:${e.extensions?.rule}:${e.extensions?.reason}`))].sort();

/** Nothing in the past (a referral being assessed may be overdue, it is still waiting), soonest first. */
function expectAheadAndSorted(items: Item[]): void {
  const now = Date.now();
  const today = todayInOslo();
  for (const i of items) {
    if (i.kind === 'REFERRAL' && i.status === 'RECEIVED') continue;
    if (i.time.length === 10) expect(i.time >= today).toBe(true);
    else expect(Date.parse(i.time)).toBeGreaterThanOrEqual(now - 60_000);
  }
  const key = (i: Item) => (i.time.length === 10 ? Date.parse(`${i.time}T00:00:00+01:00`) : Date.parse(i.time));
  const keys = items.map(key);
  expect(keys).toEqual([...keys].sort((a, b) => a - b));
}

describe('the care team across sectors', () => {
  it('answers for every demo patient: the regular GP and the GP office first, reached through the office', async () => {
    for (const p of DEMOS.filter((x) => x.demo !== 'strictlyConfidential')) {
      const { r, team } = await careTeamOf(p.nin);
      expect([p.demo, r.body.errors ?? []]).toEqual([p.demo, []]);
      const office = team?.find((m) => m.role === 'GP_OFFICE');
      expect([p.demo, team?.[0]?.role, team?.[0]?.practitioner?.hprNumber, office?.herId]).toEqual([p.demo, 'REGULAR_GP', p.gp?.hprNumber, p.gp?.officeHerId]);
      expect(office?.phone).toMatch(/^\+47 \d{2} \d{2} \d{2} \d{2}$/);
      expect(office?.sector).toBe('REGISTRY');
    }
  });

  it("shows Ingrid Solheim's team with their services, how to reach them, and the handover of her primary contact", async () => {
    const { r, team } = await careTeamOf(ingrid.nin, 'gp');
    expect(r.body.errors).toBeUndefined();
    const row = (m: Member) => [m.role, m.practitioner?.name?.text ?? null, m.service, m.herId, m.phone, m.current];
    expect(team?.map(row)).toEqual([
      ['REGULAR_GP', 'Siri Kristoffersen', 'Nordnes legekontor', '81241', '+47 55 21 41 00', true],
      ['GP_OFFICE', null, 'Nordnes legekontor', '81241', '+47 55 21 41 00', true],
      ['PRIMARY_CONTACT', 'Line Knutsen', 'Hjemmesykepleien sone sør', '81302', '+47 55 30 11 00', true],
      ['MUNICIPAL_COORDINATOR', expect.any(String), 'Koordinerende enhet', '81320', '+47 55 30 30 00', true],
      ['PLAN_COORDINATOR', expect.any(String), 'Koordinerende enhet', '81320', '+47 55 30 30 00', true],
      ['RESPONSIBLE_PHYSICIAN', 'Martin Aasen', 'Hjerteavdelingen', '90001', '+47 55 97 10 00', true],
      ['CONTACT_PERSON', expect.any(String), 'Hjerteavdelingen', '90001', '+47 55 97 10 00', true],
      // Her primary contact until the handover: he or she left the day Line Knutsen came.
      ['PRIMARY_CONTACT', expect.any(String), 'Hjemmesykepleien sone sør', '81302', '+47 55 30 11 00', false],
    ]);
    const [current, past] = (team ?? []).filter((m) => m.role === 'PRIMARY_CONTACT');
    expect(past?.end).toBe(current?.start);
    expect(team?.map((m) => [m.organisation, m.sector])).toEqual([
      ['Nordnes legekontor', 'REGISTRY'],
      ['Nordnes legekontor', 'REGISTRY'],
      ...Array(3).fill(['Bergen kommune', 'MUNICIPAL_CARE']),
      ...Array(2).fill(['Haukeland universitetssjukehus', 'HOSPITAL']),
      ['Bergen kommune', 'MUNICIPAL_CARE'],
    ]);
    // Only who is on the team now, when asked.
    const now = await system.query<{ patient: { careTeam: Member[] } }>(`query($nin: String!) { patient(nin: $nin) { careTeam(includePast: false) { role current } } }`, { nin: ingrid.nin }, 'gp');
    expect(now.body.data?.patient.careTeam.every((m) => m.current)).toBe(true);
    expect(now.body.data?.patient.careTeam).toHaveLength(7);
  });

  it("keeps Kjell Aune's home-nursing primary contact, ended by his move to the nursing home, and St. Olavs' physician of a stay that is over", async () => {
    const { team } = await careTeamOf(kjell.nin, 'nursing-home-doctor');
    const primary = (team ?? []).filter((m) => m.role === 'PRIMARY_CONTACT').map((m) => [m.service, m.herId, m.current]);
    expect(primary).toEqual([
      ['Ila helse- og velferdssenter', '82311', true],
      ['Hjemmesykepleien sentrum', '82303', false],
    ]);
    expect(team?.find((m) => m.role === 'RESPONSIBLE_PHYSICIAN')).toMatchObject({ service: 'Ortopedisk avdeling', organisation: 'St. Olavs hospital', current: false, end: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it("ends Olav Myhre's team the day he died", async () => {
    const { team } = await careTeamOf(olav.nin);
    expect(team?.filter((m) => m.sector === 'MUNICIPAL_CARE').map((m) => [m.end, m.current])).toEqual([[olav.deceasedDate, false]]);
  });

  it("leaves out the physician and contact person of the clinic whose note Hilde Tveit blocked, except for Haukeland's own staff", async () => {
    const hospitalServices = (team: Member[] | null) => [...new Set((team ?? []).filter((m) => m.sector === 'HOSPITAL').map((m) => m.service))].sort();
    expect(hospitalServices((await careTeamOf(hilde.nin)).team)).toEqual(['Nevrologisk poliklinikk']);
    expect(hospitalServices((await careTeamOf(hilde.nin, 'hospital-doctor')).team)).toEqual(['Nevrologisk poliklinikk', 'Psykiatrisk poliklinikk']);
    // And her appointments: the psychiatric one only to Haukeland.
    const appointments = async (reader?: string) => ((await upcomingOf(hilde.nin, reader)).items ?? []).map((i) => i.service);
    expect(await appointments()).toEqual(['Nevrologisk poliklinikk']);
    expect(await appointments('hospital-doctor')).toEqual(['Psykiatrisk poliklinikk', 'Nevrologisk poliklinikk']);
  });

  it('is refused without a care relationship (clinicalData), and names a failing source beside the others’ members', async () => {
    const { r, team } = await careTeamOf(ingrid.nin, 'nursing-home-doctor');
    expect(team).toBeNull();
    expect(rulesAt(r)).toEqual(['careTeam:clinicalData:NO_RELATIONSHIP']);
    await system.setBehaviour('hospital-haukeland', { mode: 'down' });
    try {
      const partial = await careTeamOf(ingrid.nin, 'gp');
      expect(partial.team?.some((m) => m.sector === 'HOSPITAL')).toBe(false);
      expect(partial.team?.map((m) => m.role)).toContain('PRIMARY_CONTACT');
      expect(partial.r.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.source, e.extensions?.partial])).toEqual([['patient.careTeam', 'hospital-haukeland', true]]);
    } finally {
      await system.setBehaviour('hospital-haukeland', { mode: 'normal' });
    }
  });
});

describe('what happens next', () => {
  it('answers for every demo patient, soonest first, and nothing in the past', async () => {
    const counts: Record<string, string[]> = {};
    for (const p of DEMOS) {
      const { r, items } = await upcomingOf(p.nin, p.demo === 'strictlyConfidential' ? 'gp-midtbyen' : undefined);
      expect([p.demo, r.body.errors ?? []]).toEqual([p.demo, []]);
      expectAheadAndSorted(items ?? []);
      counts[p.demo as string] = [...new Set((items ?? []).map((i) => `${i.kind}:${i.status}`))].sort();
    }
    expect(counts).toEqual({
      homeCare: ['APPOINTMENT:BOOKED', 'FOLLOW_UP:PLANNED', 'VISIT:PLANNED'],
      nursingHome: ['REFERRAL:RECEIVED', 'VISIT:PLANNED'],
      askoyHomeCare: ['FOLLOW_UP:PLANNED', 'VISIT:PLANNED'],
      strictlyConfidential: ['FOLLOW_UP:PLANNED'],
      deceased: [],
      dNumber: [],
      // Read from outside Haukeland: the psychiatric appointment goes with the note she blocked.
      blockedDocument: ['APPOINTMENT:BOOKED'],
      criticalInfo: ['APPOINTMENT:BOOKED', 'FOLLOW_UP:PLANNED', 'REFERRAL:ACCEPTED'],
      young: [],
      // Today's services only: the Trondheim home nursing she left plans nothing for her.
      moved: ['VISIT:PLANNED'],
      changedGp: [],
      // Jonas Eide: his GP's follow-up and the municipal service's visits (the plan's meeting is the plan's own).
      individualPlan: ['FOLLOW_UP:PLANNED', 'VISIT:PLANNED'],
      // The family and the representative (issue 16) have nothing planned.
      parent: [],
      child: [],
      teen: [],
      representative: [],
    });
  });

  it("lists Ingrid Solheim's next home-nursing visits, her GP's control and her cardiology appointment, each from its source", async () => {
    const { items } = await upcomingOf(ingrid.nin, 'home-care-nurse');
    const visits = (items ?? []).filter((i) => i.kind === 'VISIT');
    expect(visits).toHaveLength(4);
    expect(visits.every((i) => i.service === 'Hjemmesykepleien sone sør' && i.organisation === 'Bergen kommune' && i.sector === 'MUNICIPAL_CARE')).toBe(true);
    expect(items?.find((i) => i.kind === 'FOLLOW_UP')).toMatchObject({ title: 'Kontroll etter sykehusopphold: vekt, blodtrykk og nyreprøver.', service: 'Nordnes legekontor', sector: 'GP' });
    expect(items?.find((i) => i.kind === 'APPOINTMENT')).toMatchObject({ service: 'Hjertepoliklinikken', organisation: 'Haukeland universitetssjukehus', status: 'BOOKED', sector: 'HOSPITAL' });
  });

  it("links Egil Rønning's accepted referral to its appointment, and the GP record's referral to the hospital's answer", async () => {
    const { items } = await upcomingOf(egil.nin);
    const referral = items?.find((i) => i.kind === 'REFERRAL');
    const appointment = items?.find((i) => i.kind === 'APPOINTMENT');
    expect(referral).toMatchObject({ status: 'ACCEPTED', service: 'Hjertepoliklinikken', organisation: 'St. Olavs hospital' });
    expect(referral?.deadline).toBe(referral?.time);
    expect(appointment?.referralId).toBe(referral?.referralId);
    expect(Date.parse(appointment?.time ?? '')).toBeLessThan(Date.parse(`${referral?.deadline}T23:59:59Z`));

    const ASSESSED = `query($nin: String!) { patient(nin: $nin) { gpRecord { referrals { sourceId toDepartment assessment { status received answered answerDue deadline department note assessedBy { hprNumber } provenance { sourceId } } } } } }`;
    type Referrals = { patient: { gpRecord: { referrals: { sourceId: string; toDepartment: string; assessment: Record<string, unknown> | null }[] } } };
    const egilReferrals = (await system.query<Referrals>(ASSESSED, { nin: egil.nin })).body.data?.patient.gpRecord.referrals ?? [];
    expect(egilReferrals.find((r) => r.sourceId === referral?.referralId)?.assessment).toMatchObject({ status: 'ACCEPTED', deadline: referral?.deadline, department: 'Hjertepoliklinikken', provenance: { sourceId: 'hospital-stolav' } });

    const astridReferrals = await system.query<Referrals>(ASSESSED, { nin: astrid.nin });
    expect(astridReferrals.body.errors).toBeUndefined();
    const returned = astridReferrals.body.data?.patient.gpRecord.referrals.find((r) => r.toDepartment === 'Lungepoliklinikken');
    expect(returned?.assessment).toMatchObject({ status: 'RETURNED', deadline: null, note: expect.stringMatching(/^Returnert til henviser/), assessedBy: { hprNumber: expect.any(String) } });

    const kjellReferrals = (await system.query<Referrals>(ASSESSED, { nin: kjell.nin })).body.data?.patient.gpRecord.referrals ?? [];
    expect(kjellReferrals.map((r) => r.assessment?.status)).toEqual(['RECEIVED']);
    expect(kjellReferrals[0]?.assessment).toMatchObject({ answered: null, answerDue: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });

    // Hilde Tveit's referrals led to her clinic visits: answered, completed. From outside Haukeland only the one whose note she did not block.
    const hildeReferrals = (await system.query<Referrals>(ASSESSED, { nin: hilde.nin })).body.data?.patient.gpRecord.referrals ?? [];
    expect(hildeReferrals.map((r) => [r.toDepartment, r.assessment?.status])).toEqual([['Nevrologisk poliklinikk', 'COMPLETED']]);
  });

  it('is refused without a care relationship (clinicalData)', async () => {
    const { r, items } = await upcomingOf(ingrid.nin, 'nursing-home-doctor');
    expect(items).toBeNull();
    expect(rulesAt(r)).toEqual(['upcoming:clinicalData:NO_RELATIONSHIP']);
  });
});

describe('a strictly confidential address', () => {
  it("withholds Silje Brekke's GP, office and where her follow-up is from everyone outside that office (placeName), and names them to its own staff", async () => {
    const outside = await careTeamOf(silje.nin);
    expect(outside.team?.map((m) => [m.role, m.practitioner, m.service, m.organisation, m.herId, m.phone])).toEqual([
      ['REGULAR_GP', null, null, null, null, null],
      ['GP_OFFICE', null, null, null, null, null],
    ]);
    expect(rulesAt(outside.r)).toEqual(['herId:placeName:STRICTLY_CONFIDENTIAL', 'name:placeName:STRICTLY_CONFIDENTIAL', 'organisation:placeName:STRICTLY_CONFIDENTIAL', 'phone:placeName:STRICTLY_CONFIDENTIAL', 'practitioner:placeName:STRICTLY_CONFIDENTIAL', 'service:placeName:STRICTLY_CONFIDENTIAL']);
    const upcoming = await upcomingOf(silje.nin);
    expect(upcoming.items?.map((i) => [i.kind, i.service, i.organisation])).toEqual([['FOLLOW_UP', null, null]]);
    expect(rulesAt(upcoming.r)).toEqual(['organisation:placeName:STRICTLY_CONFIDENTIAL', 'practitioner:placeName:STRICTLY_CONFIDENTIAL', 'service:placeName:STRICTLY_CONFIDENTIAL']);
    // Nothing in the whole answer names the office.
    expect(JSON.stringify([outside.r.body, upcoming.r.body])).not.toMatch(/Midtbyen|82111|911223341|72 21 11 00/);

    const own = await careTeamOf(silje.nin, 'gp-midtbyen');
    expect(own.r.body.errors).toBeUndefined();
    expect(own.team?.map((m) => [m.role, m.service, m.herId, m.phone])).toEqual([
      ['REGULAR_GP', 'Midtbyen legesenter', '82111', '+47 72 21 11 00'],
      ['GP_OFFICE', 'Midtbyen legesenter', '82111', '+47 72 21 11 00'],
    ]);
    expect(own.team?.[0]?.practitioner?.name?.text).toBe('Heidi Brekke');
    expect((await upcomingOf(silje.nin, 'gp-midtbyen')).items?.map((i) => [i.kind, i.service])).toEqual([['FOLLOW_UP', 'Midtbyen legesenter']]);
  });
});
