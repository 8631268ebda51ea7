import { loadOrganisations } from '../../lib/config';
import { APPREC_PATH } from '../../simulators/care-plo';
import { PROFILES } from '../../simulators/gp-kith/dialects';
import { demoPatient, getPopulation } from '../../simulators/population';
import { TestSystem, type GraphQLResponse } from './harness';

/**
 * The record follows a move (issue 15, item 2), through the gateway and real processes: the municipalities a patient
 * lived in and the GP offices she was listed with before, within the look-back, are asked alongside today's, and
 * each record, medicine, event and source says when she belonged there. Access is decided as today: a relationship
 * now reaches what earlier services recorded (pjl § 19). A strictly confidential person's earlier places are places
 * too. Nothing changes for people who never moved.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ sourceTimeoutMs: 5000 });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const orgs = loadOrganisations();
const gunvor = demoPatient('moved');
const per = demoPatient('changedGp');
const ingrid = demoPatient('homeCare');
const hidden = getPopulation().persons.find((p) => p.addressProtection === 'STRICTLY_CONFIDENTIAL' && p.earlierResidences?.length);
if (!hidden) throw new Error('the population has no strictly confidential person who moved');

const PERIOD = 'period { from to }';
/** The KITH systems' application receipts (AppRec) for their answers: calls of their own after a read, not reads. */
const RECEIPT_ROUTES = new Set([...Object.values(PROFILES).map((p) => `POST ${p.receipts.path}`), `POST ${APPREC_PATH}`]);
const readsOf = (s: { byRoute: Record<string, number> } | undefined) => Object.entries(s?.byRoute ?? {}).reduce((n, [route, count]) => n + (RECEIPT_ROUTES.has(route) ? 0 : count), 0);
const RECORDS = `query($nin: String!) { patient(nin: $nin) {
  careRecord { municipality current ${PERIOD} services { type start end } provenance { sourceId organisation ${PERIOD} } }
  earlierCareRecords { municipality current ${PERIOD} services { type start end } visits(last: 3) { time } medications { atc }
    provenance { sourceId system organisation ${PERIOD} } }
  gpRecord { office current ${PERIOD} consultations(last: 100) { sourceId } }
  earlierGpRecords { office current ${PERIOD} consultations(last: 100) { sourceId } prescriptions { atc } provenance { sourceId organisation ${PERIOD} } }
} }`;
const VIEWS = `query($nin: String!) { patient(nin: $nin) {
  hospitalRecords { hospital encounters { start department } }
  medications { atc status hasDiscrepancy entries { kind provenance { organisation ${PERIOD} } } sources { sourceId organisation ${PERIOD} } }
  timeline(first: 500) { date kind title detail provenance { sourceId organisation ${PERIOD} } }
  sources { sourceId sector organisation state holdsRecord latencyMs ${PERIOD} }
} }`;

type Period = { from: string | null; to: string | null } | null;
type Care = { municipality: string | null; current: boolean; period: Period; services: { type: string; start: string; end: string | null }[]; provenance: { sourceId: string; organisation: string; period: Period } };
type Gp = { office: string | null; current: boolean; period: Period; consultations: { sourceId: string }[]; prescriptions?: { atc: string }[]; provenance?: { sourceId: string; organisation: string; period: Period } };
type Records = { patient: { careRecord: Care | null; earlierCareRecords: (Care | null)[] | null; gpRecord: Gp | null; earlierGpRecords: (Gp | null)[] | null } };
type Status = { sourceId: string; sector: string; organisation: string | null; state: string; holdsRecord: boolean | null; latencyMs: number | null; period: Period };
type Views = {
  patient: {
    hospitalRecords: { hospital: string; encounters: { start: string; department: string }[] }[] | null;
    medications: { atc: string; status: string; hasDiscrepancy: boolean; entries: { kind: string; provenance: { organisation: string; period: Period } }[]; sources: { sourceId: string; organisation: string; period: Period }[] }[] | null;
    timeline: { date: string; kind: string; title: string; detail: string | null; provenance: { sourceId: string; organisation: string; period: Period } }[] | null;
    sources: Status[] | null;
  };
};

const rules = (r: GraphQLResponse) => (r.body.errors ?? []).map((e) => `${(e.path ?? []).join('.')}:${e.extensions?.rule ?? e.extensions?.code}:${e.extensions?.reason ?? ''}`).sort();

describe('the record follows a move: Gunvor Lie, from Trondheim to Bergen', () => {
  const left = gunvor.residentSince as string;
  const lived = gunvor.earlierResidences?.[0];
  const listing = gunvor.earlierGpListings?.[0];

  it('a home-care nurse of the new municipality reads the care records of both, each with its period', async () => {
    const r = await system.query<Records>(RECORDS, { nin: gunvor.nin }, 'home-care-nurse');
    expect(r.body.errors ?? []).toEqual([]);
    const { careRecord, earlierCareRecords } = r.body.data!.patient;
    expect(careRecord).toMatchObject({ municipality: 'Bergen kommune', current: true, period: { from: left, to: null }, provenance: { sourceId: 'care-bergen', period: null } });
    expect(careRecord?.services.every((s) => s.start >= left && s.end === null)).toBe(true);
    expect(earlierCareRecords).toHaveLength(1);
    const trondheim = earlierCareRecords?.[0];
    expect(trondheim).toMatchObject({
      municipality: 'Trondheim kommune',
      current: false,
      period: { from: lived?.from, to: left },
      provenance: { sourceId: 'care-trondheim', system: 'care-plo', organisation: 'Trondheim kommune', period: { from: lived?.from, to: left } },
    });
    // The services ended with the move: as the Trondheim system holds them.
    const truth = gunvor.earlierCareRecords?.[0];
    expect(trondheim?.services.map((s) => [s.type, s.start, s.end])).toEqual(truth?.services.map((s) => [s.type, s.start, s.end]));
    expect(trondheim?.services.every((s) => s.end === left)).toBe(true);
  });

  it('her GP in Bergen reads the GP record of the office she was listed with in Trondheim, with the listing\'s period', async () => {
    const r = await system.query<Records>(RECORDS, { nin: gunvor.nin }, 'gp');
    expect(r.body.errors ?? []).toEqual([]);
    const { gpRecord, earlierGpRecords } = r.body.data!.patient;
    expect(gpRecord).toMatchObject({ office: 'Nordnes legekontor', current: true, period: { from: gunvor.gp?.since, to: null } });
    expect(earlierGpRecords?.map((g) => [g?.office, g?.current, g?.period, g?.provenance?.sourceId])).toEqual([['Lade legekontor', false, { from: listing?.from, to: listing?.to }, 'gp-nordlys-midt']]);
    expect(earlierGpRecords?.[0]?.consultations.map((c) => c.sourceId).sort()).toEqual(gunvor.earlierGpRecords?.[0]?.consultations.map((c) => c.id).sort());
  });

  it('merges the earlier records into the medication list, the timeline and the sources, each naming the earlier source and its period', async () => {
    const r = await system.query<Views>(VIEWS, { nin: gunvor.nin }, 'home-care-nurse');
    expect(r.body.errors ?? []).toEqual([]);
    const { medications, timeline, sources, hospitalRecords } = r.body.data!.patient;
    const earlier = { from: lived?.from, to: left };
    const listed = { from: listing?.from, to: listing?.to };

    // Medicines: today's lists and the lists of the services she left, the latter named with their periods.
    const organisations = new Set(medications?.flatMap((m) => m.sources.map((s) => `${s.organisation}|${JSON.stringify(s.period)}`)));
    expect(organisations).toEqual(expect.objectContaining(new Set([`Trondheim kommune|${JSON.stringify(earlier)}`, `Lade legekontor|${JSON.stringify(listed)}`, 'Bergen kommune|null', 'Nordnes legekontor|null'])));
    // What the lists had when she left is history, not a discrepancy with today's.
    expect(medications?.filter((m) => m.hasDiscrepancy)).toEqual([]);
    expect(medications?.every((m) => m.status === 'ACTIVE')).toBe(true);

    // The timeline: Trondheim's home nursing ending on the day she moved, her stay at St. Olavs the year before.
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ date: left, kind: 'CARE_SERVICE_ENDED', provenance: expect.objectContaining({ sourceId: 'care-trondheim', period: earlier }) }),
        expect.objectContaining({ kind: 'HOSPITAL_ADMISSION', provenance: expect.objectContaining({ sourceId: 'hospital-stolav', period: null }) }),
      ]),
    );
    expect(timeline?.filter((e) => e.provenance.sourceId === 'gp-nordlys-midt').length).toBe(gunvor.earlierGpRecords?.[0]?.consultations.length);
    // The earlier municipality's catchment hospital is asked too.
    expect(hospitalRecords?.map((h) => h.hospital)).toEqual(['St. Olavs hospital']);

    // Every source asked, the earlier ones with their periods.
    const byId = (id: string) => sources?.filter((s) => s.sourceId === id);
    expect(byId('care-bergen')).toEqual([expect.objectContaining({ state: 'OK', holdsRecord: true, period: null })]);
    expect(byId('care-trondheim')).toEqual([expect.objectContaining({ state: 'OK', holdsRecord: true, organisation: 'Trondheim kommune', period: earlier })]);
    expect(byId('gp-nordlys-midt')).toEqual([expect.objectContaining({ state: 'OK', holdsRecord: true, organisation: 'Lade legekontor', period: listed })]);
    expect(byId('gp-nordlys-vest')).toEqual([expect.objectContaining({ state: 'OK', holdsRecord: true, organisation: 'Nordnes legekontor', period: null })]);
    expect(byId('hospital-stolav')).toEqual([expect.objectContaining({ state: 'OK', holdsRecord: true })]);
  });

  it('asks the earlier systems alongside today\'s, once each: one more round trip for none of them', async () => {
    const slow = ['care-bergen', 'care-trondheim', 'gp-nordlys-vest', 'gp-nordlys-midt'];
    await system.reset();
    for (const id of slow) await system.setBehaviour(id, { latencyMs: 1200 });
    try {
      const started = performance.now();
      const r = await system.query<Records>(RECORDS, { nin: gunvor.nin }, 'gp');
      const ms = performance.now() - started;
      expect(r.body.errors ?? []).toEqual([]);
      expect(r.body.data?.patient.earlierCareRecords).toHaveLength(1);
      expect(r.body.data?.patient.earlierGpRecords).toHaveLength(1);
      // Four systems of 1.2 s each, read at once: well under two of them in a row.
      expect(ms).toBeLessThan(2300);
      const stats = await system.stats();
      // The GP reader's decision reads no care system: each system once, for the record.
      for (const id of slow) expect([id, readsOf(stats[id])]).toEqual([id, 1]);
    } finally {
      for (const id of slow) await system.setBehaviour(id, { latencyMs: 0 });
    }
  });

  it('decides access as today: the old municipality\'s staff have no relationship now', async () => {
    const r = await system.query<Records>(RECORDS, { nin: gunvor.nin }, 'nursing-home-doctor');
    expect(r.body.data?.patient).toMatchObject({ careRecord: null, earlierCareRecords: null, gpRecord: null, earlierGpRecords: null });
    expect(rules(r)).toEqual([
      'patient.careRecord:clinicalData:NO_RELATIONSHIP',
      'patient.earlierCareRecords:clinicalData:NO_RELATIONSHIP',
      'patient.earlierGpRecords:clinicalData:NO_RELATIONSHIP',
      'patient.gpRecord:clinicalData:NO_RELATIONSHIP',
    ]);
  });
});

describe('a change of GP: Per Solberg, from Sandviken to Nordnes, on one system', () => {
  it('his GP reads the earlier office\'s record, kept apart from today\'s though one system holds both', async () => {
    const r = await system.query<Records>(RECORDS, { nin: per.nin }, 'gp');
    expect(r.body.errors ?? []).toEqual([]);
    const { gpRecord, earlierGpRecords, earlierCareRecords } = r.body.data!.patient;
    const earlier = per.earlierGpListings?.[0];
    expect(gpRecord?.period).toEqual({ from: per.gp?.since, to: null });
    expect(gpRecord?.consultations.map((c) => c.sourceId).sort()).toEqual(per.gpRecord?.consultations.map((c) => c.id).sort());
    expect(earlierGpRecords?.map((g) => [g?.office, g?.current, g?.period, g?.provenance?.sourceId])).toEqual([['Sandviken legesenter', false, { from: earlier?.from, to: earlier?.to }, 'gp-nordlys-vest']]);
    expect(earlierGpRecords?.[0]?.consultations.map((c) => c.sourceId).sort()).toEqual(per.earlierGpRecords?.[0]?.consultations.map((c) => c.id).sort());
    expect(earlierGpRecords?.[0]?.prescriptions?.length).toBe(per.earlierGpRecords?.[0]?.prescriptions.length);
    // He never moved.
    expect(earlierCareRecords).toEqual([]);
  });
});

describe("a strictly confidential person's earlier places", () => {
  const PLACES = `query($nin: String!) { patient(nin: $nin) {
    earlierCareRecords { municipality current ${PERIOD} services { type } provenance { sourceId organisation ${PERIOD} } }
    earlierGpRecords { office current ${PERIOD} provenance { sourceId organisation } }
    gpRecord { office }
    medications { sources { sourceId organisation ${PERIOD} } }
    timeline(first: 500) { detail provenance { sourceId organisation ${PERIOD} } }
    sources { sourceId system organisation latencyMs ${PERIOD} }
  } }`;
  const earlierPlaces = () => {
    const municipalities = (hidden.earlierResidences ?? []).map((r) => orgs.municipalities.find((m) => m.number === r.municipality));
    const offices = (hidden.earlierGpListings ?? []).map((l) => orgs.gpOffices.find((o) => o.herId === l.officeHerId));
    const names = [...municipalities.flatMap((m) => (m ? [m.name, m.careInstance] : [])), ...offices.flatMap((o) => (o ? [o.name, o.instance] : [])), 'Haukeland', 'hospital-haukeland'];
    return names.filter((n): n is string => typeof n === 'string');
  };

  it('withholds them from her GP as today\'s are withheld from everyone outside: records by sector, with their periods', async () => {
    const r = await system.query(PLACES, { nin: hidden.nin }, 'gp-midtbyen');
    // Her GP office names itself to its own staff; the earlier municipality and office are refused by the place rule.
    expect(rules(r)).toEqual(['patient.earlierCareRecords.0.municipality:placeName:STRICTLY_CONFIDENTIAL', 'patient.earlierGpRecords.0.office:placeName:STRICTLY_CONFIDENTIAL']);
    const patient = (r.body.data as { patient: Record<string, unknown> }).patient;
    expect(patient.gpRecord).toEqual({ office: 'Midtbyen legesenter' });
    const lived = hidden.earlierResidences?.[0];
    expect(patient.earlierCareRecords).toEqual([
      expect.objectContaining({ municipality: null, current: false, period: { from: lived?.from, to: lived?.to }, provenance: { sourceId: 'municipal-care', organisation: expect.any(String), period: { from: lived?.from, to: lived?.to } } }),
    ]);
    expect(patient.earlierGpRecords).toEqual([expect.objectContaining({ office: null, current: false, provenance: expect.objectContaining({ sourceId: 'gp' }) })]);
    // Named by sector in statuses, with no timing; nothing anywhere names where she lived.
    const statuses = patient.sources as Status[];
    for (const s of statuses.filter((x) => x.period)) expect([s.sourceId, s.latencyMs]).toEqual([expect.stringMatching(/^(gp|municipal-care)$/), null]);
    expect(statuses.filter((s) => s.period).map((s) => s.sourceId).sort()).toEqual(['gp', 'municipal-care']);
    const text = JSON.stringify(r.body);
    for (const place of earlierPlaces()) expect([place, text.includes(place)]).toEqual([place, false]);
  });

  it('withholds them from a reader by emergency access too, and from the old municipality\'s hospital', async () => {
    const r = await system.query(PLACES, { nin: hidden.nin }, 'emergency-physician');
    const text = JSON.stringify(r.body);
    for (const place of earlierPlaces()) expect([place, text.includes(place)]).toEqual([place, false]);
    expect(rules(r).filter((x) => x.includes('placeName'))).toEqual(expect.arrayContaining(['patient.earlierCareRecords.0.municipality:placeName:STRICTLY_CONFIDENTIAL', 'patient.earlierGpRecords.0.office:placeName:STRICTLY_CONFIDENTIAL']));
  });
});

describe('people who never moved', () => {
  it('get no earlier records and no periods, and their sources are asked as before', async () => {
    const r = await system.query<Records & Views>(`query($nin: String!) { patient(nin: $nin) { earlierCareRecords { current } earlierGpRecords { current }
      careRecord { current period { from to } } sources { sourceId ${PERIOD} } medications { sources { ${PERIOD} } } } }`, { nin: ingrid.nin }, 'home-care-nurse');
    expect(r.body.errors ?? []).toEqual([]);
    const patient = r.body.data!.patient as unknown as { earlierCareRecords: unknown[]; earlierGpRecords: unknown[]; careRecord: Care; sources: Status[]; medications: { sources: { period: Period }[] }[] };
    expect([patient.earlierCareRecords, patient.earlierGpRecords]).toEqual([[], []]);
    expect(patient.careRecord).toEqual({ current: true, period: null });
    expect(patient.sources.every((s) => s.period === null)).toBe(true);
    expect(patient.medications.flatMap((m) => m.sources).every((s) => s.period === null)).toBe(true);
    expect(patient.sources.map((s) => s.sourceId).sort()).toEqual(['care-bergen', 'dispenser-dosevakt', 'gp-nordlys-vest', 'gp-register', 'hospital-haukeland', 'lab-haukeland', 'population-register', 'summary-record', 'welfare-hub']);
  });
});
