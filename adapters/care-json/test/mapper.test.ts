import { readFileSync } from 'node:fs';
import path from 'node:path';
import { careJsonSimulator } from '../../../simulators/care-json';
import { BadResponseError } from '../../kit';
import { mapSearchPage } from '../mapper';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'sok-side.json'), 'utf8');
const HOME = '03864013065';
const DECEASED = '23843227368';

/** The fixture with one change, for the cases that must fail. */
function edited(change: (page: { treff: Record<string, unknown>[] }) => void): string {
  const page = JSON.parse(fixture) as { treff: Record<string, unknown>[] };
  change(page);
  return JSON.stringify(page);
}

describe('care-json mapper', () => {
  const page = mapSearchPage(fixture);
  const home = page.records.get(HOME)!;
  const deceased = page.records.get(DECEASED)!;

  it('reads the paging fields', () => {
    expect(page).toMatchObject({ total: 2, offset: 0, limit: 25, count: 2 });
  });

  it('maps services by the vendor code, keeping the Norwegian text, with dd.mm.yyyy dates as ISO and "" as null', () => {
    expect(home.services).toEqual([
      {
        id: 'vedtak-000021',
        type: 'HOME_NURSING',
        description: 'Hjemmesykepleie',
        decisionDate: '2024-12-11',
        start: '2024-12-23',
        end: null,
        hoursPerWeek: 10,
        unit: 'Hjemmesykepleien sone sør',
      },
      {
        id: 'vedtak-000022',
        type: 'SAFETY_ALARM',
        description: 'Trygghetsalarm',
        decisionDate: '2025-01-10',
        start: '2025-01-19',
        end: null,
        hoursPerWeek: null,
        unit: 'Trygghetsalarmsentralen',
      },
    ]);
    expect(deceased.services.map((s) => [s.type, s.description, s.end])).toEqual([
      ['HOME_NURSING', 'Hjemmesykepleie', '2026-08-14'],
      ['SAFETY_ALARM', 'Trygghetsalarm', '2026-08-14'],
      ['PRACTICAL_ASSISTANCE', 'Praktisk bistand', '2026-08-14'],
      ['OTHER', 'Dagaktivitetstilbud', null],
      // No vendor code: recognised by its text.
      ['NURSING_HOME_SHORT_TERM', 'Korttidsopphold', '2026-04-12'],
    ]);
    expect(deceased.services[3]).toMatchObject({ decisionDate: null, unit: null, hoursPerWeek: null });
  });

  it('converts Norwegian wall-clock times to UTC across the autumn switch and lists visits newest first', () => {
    const times = home.visits.map((v) => v.time);
    expect(times[0]).toBe('2026-11-01T20:21:00Z'); // 21:21 winter time
    expect([...times].sort().reverse()).toEqual(times);
    // The hand-added visit in the doubled hour (02:30 on 25.10.2026) is read as summer time.
    expect(home.visits.at(-1)).toEqual({ id: 'besok-dst-001', time: '2026-10-25T00:30:00Z', minutes: null, tasks: ['Tilsyn'], note: null, hprNumber: null });
    expect(home.visits.find((v) => v.id === 'besok-000023')).toEqual({
      id: 'besok-000023',
      time: '2026-10-26T10:20:00Z',
      minutes: 45,
      tasks: ['Medisinering', 'Tilsyn'],
      note: 'Noe sliten i dag. Spist lite frokost. Observeres.',
      hprNumber: '9757146',
    });
    // August is summer time: 09:17 local is 07:17 UTC.
    expect(deceased.visits.find((v) => v.id === 'besok-000266')?.time).toBe('2026-08-07T07:17:00Z');
  });

  it('maps the IPLOS assessment, next of kin and welfare technology', () => {
    expect(home.functionalAssessment?.date).toBe('2026-07-20');
    expect(home.functionalAssessment?.scores).toHaveLength(17);
    expect(home.functionalAssessment?.scores[0]).toEqual({ variable: 'Sosial deltakelse', score: 3 });
    expect(home.nextOfKin[0]).toEqual({ name: 'Thomas Kvamme', relation: 'CHILD', phone: '45450342', primary: true });
    expect(deceased.nextOfKin.map((k) => [k.relation, k.phone, k.primary])).toEqual([
      ['CHILD', '40617554', true],
      ['SIBLING', null, false],
      ['OTHER', '91234567', false],
    ]);
    expect(home.welfareTechnology.map((w) => w.type)).toEqual(['SAFETY_ALARM', 'FALL_SENSOR', 'MEDICATION_DISPENSER']);
    // 20 October is still summer time.
    expect(home.welfareTechnology[0]).toEqual({
      id: 'vft-000037',
      type: 'SAFETY_ALARM',
      installed: '2025-01-19',
      lastAlert: { time: '2026-10-20T10:25:00Z', kind: 'Fall', handled: true },
    });
    expect(deceased.welfareTechnology.slice(-2)).toEqual([
      { id: 'vft-x01', type: 'DOOR_SENSOR', installed: null, lastAlert: null },
      { id: 'vft-x02', type: 'OTHER', installed: '2026-05-01', lastAlert: null },
    ]);
  });

  it('maps medications, deriving the dose text only where the export has none', () => {
    expect(home.medications.find((m) => m.atc === 'M01AE01')).toEqual({
      id: 'lm-000045',
      atc: 'M01AE01',
      name: 'Ibuprofen',
      strength: '400 mg',
      form: 'tablett',
      dose: { amount: 1, unit: 'tablett', timesPerDay: 3, text: '1 x 3' },
      status: 'STOPPED',
      startDate: '2022-05-06',
      endDate: '2026-09-30',
      note: 'Seponert ved utskrivning: interaksjon med antikoagulasjon, økt blødningsrisiko.',
      hprNumber: '9217889',
    });
    expect(home.medications.find((m) => m.atc === 'B01AA03')?.status).toBe('ACTIVE');
    expect(deceased.medications.find((m) => m.atc === 'R03AK06')?.dose).toEqual({ amount: 1, unit: 'inhalasjon', timesPerDay: 2, text: '1 inhalasjon 2 ganger daglig' });
    // Only the shorthand given: amount and frequency are read from it.
    expect(deceased.medications.find((m) => m.atc === 'C07AB02')?.dose).toEqual({ amount: 0.5, unit: null, timesPerDay: 1, text: '0,5 x 1' });
  });

  it('lists administrations newest first', () => {
    expect(home.administrations[0]).toEqual({
      id: 'adm-000058',
      time: '2026-11-01T20:11:00Z',
      atc: 'N02BE01',
      name: 'Paracetamol',
      given: true,
      note: null,
      hprNumber: '9757146',
    });
    const times = home.administrations.map((a) => Date.parse(a.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const missed = home.administrations.find((a) => a.id === 'adm-000047');
    expect(missed).toMatchObject({ time: '2026-10-31T08:12:00Z', given: false, note: 'Ikke hjemme' });
  });

  it('reads an empty IPLOS field and absent lists as nothing', () => {
    const record = mapSearchPage(
      edited((p) => {
        p.treff = [{ fodselsnummer: HOME, iplos: '' }];
      }),
    ).records.get(HOME);
    expect(record).toEqual({
      services: [],
      visits: [],
      functionalAssessment: null,
      nextOfKin: [],
      welfareTechnology: [],
      medications: [],
      administrations: [],
      messages: [],
      careTeam: [],
      plannedVisits: [],
      individualPlan: null,
    });
  });

  it('maps the care team by role code or word, with periods, and planned visits in UTC, soonest first', () => {
    const record = mapSearchPage(
      edited((p) => {
        const ingrid = p.treff.find((t) => t.fodselsnummer === HOME) as Record<string, unknown>;
        ingrid.ansvarlige = [
          { rollekode: 'PRIMAERKONTAKT', rolle: 'Primærkontakt', hprNummer: '9687131', navn: 'Hanne Berg', enhet: 'Hjemmesykepleien sone sør', enhetHerId: '81302', fraDato: '23.12.2024', tilDato: '17.09.2026' },
          { rollekode: 'PRIMAERKONTAKT', rolle: 'Primærkontakt', hprNummer: '09757146', navn: 'Line Knutsen', enhet: 'Hjemmesykepleien sone sør', enhetHerId: '81302', fraDato: '17.09.2026', tilDato: '' },
          // An older export without codes: the role read by its words.
          { rollekode: '', rolle: 'Koordinator for individuell plan', hprNummer: '', navn: 'Trine Dahl', enhet: 'Koordinerende enhet', enhetHerId: '', fraDato: '', tilDato: '' },
          // A role the model does not know, and a member named by nothing.
          { rollekode: 'FYSIO', rolle: 'Fysioterapeut', hprNummer: '1234567', navn: 'Per Hansen', enhet: 'Rehabilitering', enhetHerId: '', fraDato: '', tilDato: '' },
          { rollekode: 'KOORDINATOR', rolle: 'Koordinator', hprNummer: '', navn: '', enhet: 'Koordinerende enhet', enhetHerId: '81320', fraDato: '', tilDato: '' },
        ];
        ingrid.planlagteBesok = [
          { besokId: 'plan-2', tidspunkt: '12.11.2026 20:15', varighetMin: 20, oppgaver: ['Tilsyn'], enhet: 'Hjemmesykepleien sone sør' },
          { besokId: 'plan-1', tidspunkt: '12.11.2026 08:30', varighetMin: '', oppgaver: [], enhet: '' },
        ];
      }),
    ).records.get(HOME);
    expect(record?.careTeam).toEqual([
      { role: 'PRIMARY_CONTACT', hprNumber: '9687131', name: { given: 'Hanne', middle: null, family: 'Berg' }, service: 'Hjemmesykepleien sone sør', orgNumber: null, herId: '81302', phone: null, start: '2024-12-23', end: '2026-09-17' },
      { role: 'PRIMARY_CONTACT', hprNumber: '9757146', name: { given: 'Line', middle: null, family: 'Knutsen' }, service: 'Hjemmesykepleien sone sør', orgNumber: null, herId: '81302', phone: null, start: '2026-09-17', end: null },
      { role: 'PLAN_COORDINATOR', hprNumber: null, name: { given: 'Trine', middle: null, family: 'Dahl' }, service: 'Koordinerende enhet', orgNumber: null, herId: null, phone: null, start: null, end: null },
    ]);
    expect(record?.plannedVisits).toEqual([
      { id: 'plan-1', kind: 'VISIT', time: '2026-11-12T07:30:00Z', title: 'Planlagt besøk', service: null, status: 'PLANNED', deadline: null, referralId: null, hprNumber: null },
      { id: 'plan-2', kind: 'VISIT', time: '2026-11-12T19:15:00Z', title: 'Planlagt besøk: Tilsyn', service: 'Hjemmesykepleien sone sør', status: 'PLANNED', deadline: null, referralId: null, hprNumber: null },
    ]);
  });

  it('rejects the simulator\'s invalid answer: no fodselsnummer, ISO dates', () => {
    expect(() => mapSearchPage(careJsonSimulator.invalid.body)).toThrow(BadResponseError);
    expect(() => mapSearchPage(careJsonSimulator.invalid.body)).toThrow(/fodselsnummer/);
    expect(() => mapSearchPage(careJsonSimulator.invalid.body)).toThrow(/vedtak\.0\.fraDato/);
  });

  it('rejects wrong date formats and impossible dates without quoting values', () => {
    const isoTime = edited((p) => {
      (p.treff[0]!.besok as Record<string, unknown>[])[1]!.tidspunkt = '2026-10-26T11:20';
    });
    expect(() => mapSearchPage(isoTime)).toThrow(/besok\.1\.tidspunkt/);
    expect(() => mapSearchPage(isoTime)).not.toThrow(/2026|03864013065|Solheim/);
    const april31 = edited((p) => {
      (p.treff[1]!.vedtak as Record<string, unknown>[])[0]!.fraDato = '31.04.2026';
    });
    expect(() => mapSearchPage(april31)).toThrow(/vedtak\.0\.fraDato/);
    const hour24 = edited((p) => {
      (p.treff[1]!.utdelinger as Record<string, unknown>[])[0]!.tidspunkt = '12.08.2026 24:10';
    });
    expect(() => mapSearchPage(hour24)).toThrow(BadResponseError);
  });

  it('rejects garbage and pages without paging fields', () => {
    expect(() => mapSearchPage(fixture.slice(0, 300))).toThrow(BadResponseError);
    expect(() => mapSearchPage(JSON.stringify({ treff: [] }))).toThrow(/totaltAntall/);
  });
});

describe('care-json mapper: the individual plan (individuellPlan)', () => {
  const planFixture = readFileSync(path.join(__dirname, 'fixtures', 'sok-side-individuell-plan.json'), 'utf8');
  const JONAS = '12889940199';
  const plan = mapSearchPage(planFixture).records.get(JONAS)?.individualPlan;
  const withPlan = (change: (plan: Record<string, unknown>) => void) => {
    const page = JSON.parse(planFixture) as { treff: { individuellPlan: Record<string, unknown> }[] };
    change(page.treff[0]!.individuellPlan);
    return JSON.stringify(page);
  };

  it('reads goals, measures with who is responsible and their status, the coordinator and the next meeting in local time', () => {
    expect(plan).toMatchObject({ id: 'ip-cpqjdulzjeofml', established: '2026-03-25', revised: '2026-08-05' });
    expect(plan?.goals.map((g) => [g.area, g.targetDate])).toEqual([
      ['Arbeid', '2027-06-29'],
      ['Helse', null],
      ['Fritid', null],
    ]);
    expect(plan?.measures.map((m) => [m.responsible.sector, m.responsible.service, m.status, m.start])).toEqual([
      ['NAV', 'NAV Bergenhus', 'ONGOING', '2026-06-14'],
      ['NAV', 'NAV Bergenhus', 'PLANNED', null],
      ['HEALTH_AND_CARE', 'Psykisk helse og rus sentrum', 'ONGOING', '2026-03-25'],
      ['HEALTH_AND_CARE', 'Nordnes legekontor', 'ONGOING', '2026-03-25'],
      ['HEALTH_AND_CARE', 'Koordinerende enhet', 'ONGOING', '2026-03-25'],
    ]);
    expect(plan?.measures[0]?.goalId).toBe(plan?.goals[0]?.id);
    expect(plan?.measures[4]?.goalId).toBeNull();
    // A measure's responsible party carries no consent: consents belong to the participants.
    expect(plan?.measures.every((m) => m.responsible.consent === null)).toBe(true);
    expect(plan?.coordinator).toEqual({
      sector: 'HEALTH_AND_CARE',
      role: 'Koordinator',
      hprNumber: '9490444',
      name: { given: 'Tone', middle: null, family: 'Eriksen' },
      service: 'Koordinerende enhet',
      orgNumber: '964338531',
      herId: '81320',
      consent: null,
    });
    // 14.11.2026 13:00 on the Norwegian wall clock (winter time) is 12:00 UTC.
    expect(plan?.nextMeeting).toEqual({ time: '2026-11-14T12:00:00Z', place: 'Koordinerende enhet, Bergen kommune', topic: 'Evaluering av arbeidsavklaringen og oppstart av arbeidstrening' });
  });

  it('reads the participants, the service outside health care with the consent to share the plan with it', () => {
    expect(plan?.participants.map((p) => [p.sector, p.role, p.service, p.orgNumber, p.consent])).toEqual([
      ['HEALTH_AND_CARE', 'Primærkontakt', 'Psykisk helse og rus sentrum', '964338531', null],
      ['HEALTH_AND_CARE', 'Fastlege', 'Nordnes legekontor', '923456783', null],
      ['NAV', 'Veileder', 'NAV Bergenhus', '991500014', { from: '2026-06-04', to: '2027-06-05' }],
      ['FAMILY', 'Pårørende', null, null, null],
    ]);
    expect(plan?.participants[2]?.name).toEqual({ given: 'Marte', middle: null, family: 'Haugland' });
    expect(plan?.participants[1]?.hprNumber).toBe('6121874');
  });

  it('keeps a consent only on a service outside health care, and a consent without an end as running until withdrawn', () => {
    const odd = mapSearchPage(
      withPlan((p) => {
        const [primary, , nav] = p.deltakere as Record<string, unknown>[];
        primary!.samtykke = { fraDato: '01.01.2026', tilDato: '' };
        nav!.samtykke = { fraDato: '04.06.2026', tilDato: '' };
      }),
    ).records.get(JONAS)?.individualPlan;
    expect(odd?.participants.map((p) => p.consent)).toEqual([null, null, { from: '2026-06-04', to: null }, null]);
  });

  it('reads a recipient without a plan ("" or absent, as older exports) as none, and refuses a plan with a malformed date', () => {
    const none = JSON.parse(planFixture) as { treff: Record<string, unknown>[] };
    none.treff[0]!.individuellPlan = '';
    expect(mapSearchPage(JSON.stringify(none)).records.get(JONAS)?.individualPlan).toBeNull();
    delete none.treff[0]!.individuellPlan;
    expect(mapSearchPage(JSON.stringify(none)).records.get(JONAS)?.individualPlan).toBeNull();
    const iso = withPlan((p) => {
      ((p.deltakere as Record<string, unknown>[])[2]!.samtykke as Record<string, unknown>).tilDato = '2027-06-05';
    });
    expect(() => mapSearchPage(iso)).toThrow(/individuellPlan\.deltakere\.2\.samtykke\.tilDato/);
    expect(() => mapSearchPage(iso)).not.toThrow(/12889940199|Eide|Haugland/);
  });
});
