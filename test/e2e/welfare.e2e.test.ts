import { demoPatient, getPopulation } from '../../simulators/population';
import { welfareWorld } from '../../simulators/population/welfare';
import { loadOrganisations, municipalityInstances } from '../../lib/config';
import { signChangeNotice } from '../../lib/invalidation';
import { personaNamed } from '../../gateway/devIdp/personas';
import { Subscriber, until } from './alertSubscriber';
import { errorAt, TestSystem, type GraphQLResponse } from './harness';

/**
 * Welfare technology as a sector of its own (issue 20), through the gateway and real processes: the national
 * integration hub (FHIR R4) and a medicine-dispenser vendor (REST/JSON) in the graph, and live alerts over
 * server-sent events, each read as the subscriber.
 */
let system: TestSystem;
const ingrid = demoPatient('homeCare');
const orgs = loadOrganisations();

beforeAll(async () => {
  // Three open subscriptions per reader at most here (20 by default), so that the cap is tried.
  system = await TestSystem.start({ sourceTimeoutMs: 5000, env: { ALERT_SUBSCRIPTIONS_PER_READER: '3' } });
  // The platforms push their events to this system's gateway (and tell it when data changed).
  const gateway = new URL(system.system.gatewayUrl);
  await control('PUT', '/settings', { invalidationUrl: `${gateway.origin}/cache/invalidate`, eventsUrl: `${gateway.origin}/welfare/events` });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${system.system.controlUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const WELFARE = `query($nin: String!) { patient(nin: $nin) {
  homeMonitoring { outOfRangeCount series { kind unit trend outOfRange threshold { low high unit } latest { id sourceId value unit at day outOfRange code { system code } provenance { sourceId sector } } measurements(last: 40) { value } } provenance { sourceId } }
  welfareDevices { id sourceId kind name location responseCentre inUse provenance { sourceId sector } }
  welfareEvents(last: 100) { id sourceId kind at day text handled handledBy deviceKind medication { atc name scheduled } provenance { sourceId } }
  medications { atc name hasDiscrepancy missedDoses { kind scheduled reportedAt text provenance { sourceId } } }
  timelineConnection(first: 200, sectors: [WELFARE_TECHNOLOGY]) { edges { node { kind title day sector provenance { sourceId } } } }
  sources { sourceId sector state }
} }`;

type WelfareAnswer = {
  patient: {
    homeMonitoring: {
      outOfRangeCount: number;
      series: { kind: string; unit: string; trend: string; outOfRange: boolean; threshold: { low: number | null; high: number | null } | null; latest: { id: string; sourceId: string; value: number; outOfRange: boolean; code: { system: string; code: string }; provenance: { sourceId: string; sector: string } }; measurements: { value: number }[] }[];
    } | null;
    welfareDevices: { id: string; sourceId: string; kind: string; location: string | null; responseCentre: string | null; provenance: { sourceId: string } }[] | null;
    welfareEvents: { sourceId: string; kind: string; text: string; handledBy: string | null; medication: { atc: string | null } | null; provenance: { sourceId: string } }[] | null;
    medications: { atc: string | null; name: string; hasDiscrepancy: boolean; missedDoses: { kind: string; scheduled: string; text: string; provenance: { sourceId: string } }[] }[] | null;
    timelineConnection: { edges: { node: { kind: string; title: string; sector: string; provenance: { sourceId: string } } }[] } | null;
    sources: { sourceId: string; sector: string; state: string }[];
  } | null;
};

describe('welfare technology in the graph', () => {
  it("shows a patient followed up at home: measurements with thresholds and trend, an alarm, the devices, and missed doses beside the medicine with a discrepancy", async () => {
    const answer = (await system.query<WelfareAnswer>(WELFARE, { nin: ingrid.nin }, 'gp')) as GraphQLResponse<WelfareAnswer>;
    expect(answer.body.errors).toBeUndefined();
    const p = answer.body.data!.patient!;
    // Home follow-up from the hub: blood pressure, pulse and weight, each with the service's thresholds.
    const kinds = p.homeMonitoring!.series.map((s) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['SYSTOLIC_BLOOD_PRESSURE', 'DIASTOLIC_BLOOD_PRESSURE', 'PULSE', 'BODY_WEIGHT']));
    for (const s of p.homeMonitoring!.series) {
      expect(s.threshold).not.toBeNull();
      expect(s.measurements.length).toBeGreaterThan(3);
      expect(['http://loinc.org', 'urn:oid:1.2.208.176.2.1']).toContain(s.latest.code.system);
      expect(s.latest.provenance).toEqual({ sourceId: 'welfare-hub', sector: 'WELFARE_TECHNOLOGY' });
      expect(s.latest.id).not.toBe(s.latest.sourceId);
      const { low, high } = s.threshold!;
      expect(s.outOfRange).toBe((low !== null && s.latest.value < low) || (high !== null && s.latest.value > high));
    }
    // Her weight is above the threshold the heart-failure service set: flagged, and counted.
    expect(p.homeMonitoring!.outOfRangeCount).toBeGreaterThan(0);
    expect(p.homeMonitoring!.series.filter((s) => s.outOfRange)).toHaveLength(p.homeMonitoring!.outOfRangeCount);
    // Devices from both platforms: the hub's safety alarm and measuring devices, the vendor's dispenser.
    const devices = p.welfareDevices!;
    expect(devices.map((d) => [d.kind, d.provenance.sourceId])).toEqual(expect.arrayContaining([['SAFETY_ALARM', 'welfare-hub'], ['MEDICATION_DISPENSER', 'dispenser-dosevakt']]));
    expect(devices.find((d) => d.kind === 'SAFETY_ALARM')?.responseCentre).toMatch(/Bergen/);
    // An alarm in the last week, and three missed evening doses of metoprolol, the medicine whose dose the hospital changed.
    expect(p.welfareEvents!.some((e) => e.kind === 'ALARM' && e.provenance.sourceId === 'welfare-hub')).toBe(true);
    const metoprolol = p.medications!.find((m) => m.atc === 'C07AB02')!;
    expect(metoprolol.hasDiscrepancy).toBe(true);
    const missed = metoprolol.missedDoses.filter((d) => d.kind === 'DOSE_MISSED');
    expect(missed).toHaveLength(3);
    for (const d of missed) {
      expect(d.provenance.sourceId).toBe('dispenser-dosevakt');
      // 20:00 in Oslo, winter or summer.
      expect(new Date(d.scheduled).toLocaleTimeString('nb-NO', { timeZone: 'Europe/Oslo', hour: '2-digit', minute: '2-digit' })).toBe('20:00');
    }
    // In the timeline: the alarm and the dispenser's reports, under the new sector.
    const kindsInTimeline = new Set(p.timelineConnection!.edges.map((e) => e.node.kind));
    expect(kindsInTimeline).toEqual(new Set(['WELFARE_ALARM', 'DISPENSER_EVENT']));
    expect(p.timelineConnection!.edges.every((e) => e.node.sector === 'WELFARE_TECHNOLOGY')).toBe(true);
    expect(p.sources.filter((s) => s.sector === 'WELFARE_TECHNOLOGY').map((s) => [s.sourceId, s.state])).toEqual([
      ['welfare-hub', 'OK'],
      ['dispenser-dosevakt', 'OK'],
    ]);
  });

  it('is health data: refused without a care relationship, and a failed platform is named beside the rest', async () => {
    const refused = await system.query(WELFARE, { nin: ingrid.nin }, 'nursing-home-doctor');
    for (const field of ['homeMonitoring', 'welfareDevices', 'welfareEvents']) {
      expect(errorAt(refused, ['patient', field])?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'clinicalData' });
    }
    await system.setBehaviour('dispenser-dosevakt', { mode: 'fail' });
    try {
      const partial = await system.query<WelfareAnswer>(WELFARE, { nin: ingrid.nin }, 'gp');
      const p = partial.body.data!.patient!;
      expect(p.homeMonitoring!.series.length).toBeGreaterThan(0);
      expect(p.welfareDevices!.every((d) => d.provenance.sourceId === 'welfare-hub')).toBe(true);
      expect(errorAt(partial, ['patient', 'welfareDevices'])?.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'dispenser-dosevakt', partial: true });
      expect(errorAt(partial, ['patient', 'medications'])?.extensions).toMatchObject({ source: 'dispenser-dosevakt', partial: true });
    } finally {
      await system.setBehaviour('dispenser-dosevakt', { mode: 'normal' });
    }
    // The medication list asks only the platforms that hold doses (their manifest's `holds`): the hub failing costs
    // the home follow-up, not the medicines or their missed doses.
    await system.setBehaviour('welfare-hub', { mode: 'fail' });
    try {
      const hubDown = await system.query<WelfareAnswer>(WELFARE, { nin: ingrid.nin }, 'gp');
      expect(errorAt(hubDown, ['patient', 'homeMonitoring'])?.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'welfare-hub' });
      expect(errorAt(hubDown, ['patient', 'medications'])).toBeUndefined();
      expect(hubDown.body.data!.patient!.medications!.find((m) => m.atc === 'C07AB02')!.missedDoses.length).toBeGreaterThanOrEqual(3);
    } finally {
      await system.setBehaviour('welfare-hub', { mode: 'normal' });
    }
  });

  it("names no place of a strictly confidential patient: devices' locations, the response centre and the platforms", async () => {
    const hidden = getPopulation().persons.find((p) => {
      if (p.addressProtection !== 'STRICTLY_CONFIDENTIAL' || p.deceasedDate) return false;
      const municipality = orgs.municipalities.find((m) => m.number === p.municipality);
      return Boolean(municipality && municipalityInstances(municipality, 'WELFARE_TECHNOLOGY').includes('welfare-hub') && welfareWorld(p, { municipalityName: municipality?.name }).devices.some((d) => d.location));
    });
    if (!hidden) throw new Error('the population has no strictly confidential person with welfare technology');
    // Emergency access: a reader outside every organisation that holds her record.
    const answer = await system.query<WelfareAnswer>(WELFARE, { nin: hidden.nin });
    const p = answer.body.data!.patient!;
    expect(p.welfareDevices!.length).toBeGreaterThan(0);
    p.welfareDevices!.forEach((d, i) => {
      expect(d.location).toBeNull();
      expect(errorAt(answer, ['patient', 'welfareDevices', i, 'location'])?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'placeName', reason: 'STRICTLY_CONFIDENTIAL' });
      expect(d.provenance.sourceId).toBe('welfare-technology');
    });
    expect(p.sources.filter((s) => s.sector === 'WELFARE_TECHNOLOGY').every((s) => s.sourceId === 'welfare-technology')).toBe(true);
    const text = JSON.stringify(answer.body);
    for (const place of ['welfare-hub', 'dispenser-dosevakt', 'legevakt', 'Hjemmesykepleien', hidden.address?.street].filter(Boolean) as string[]) expect(text).not.toContain(place);
  });
});

async function push(kind: string, nin = ingrid.nin): Promise<string> {
  const pushed = await control('POST', '/instances/welfare-hub/events', { patient: nin, kind });
  expect(pushed.body).toMatchObject({ delivered: true, status: 202 });
  return pushed.body.eventId as string;
}

describe('live alerts over server-sent events', () => {
  it("delivers an alarm to a care-team member, read as her (how fast: npm run bench); a reader without a care relationship gets nothing; a reconnect resumes after the last id", async () => {
    const nurse = new Subscriber(system.system.gatewayUrl, await system.token('home-care-nurse'), { nin: ingrid.nin });
    const stranger = new Subscriber(system.system.gatewayUrl, await system.token('nursing-home-doctor'), { nin: ingrid.nin });
    await until(() => stranger.events.length > 0);
    // Refused at once, as a read would be, and never sent an alert.
    expect(stranger.events[0]!.data?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'clinicalData' });
    await stranger.done;
    // The nurse's stream is open (a keep-alive comment only) before the push.
    await until(() => nurse.status === 200);
    await new Promise((r) => setTimeout(r, 300));
    const first = await push('ALARM');
    await until(() => nurse.alerts().length === 1);
    const [alert] = nurse.alerts();
    expect(alert).toMatchObject({ kind: 'ALARM', event: { sourceId: first, kind: 'ALARM' } });
    expect(alert!.id).toBe(alert!.alertId);
    // Each delivery was a read by the nurse, in Ingrid's access log.
    const log = await system.query<{ me: { accessLogConnection: { edges: { node: { fields: string[]; accessor: { practitioner: { hprNumber: string } | null } } }[] } } }>(
      '{ me { accessLogConnection(first: 20) { edges { node { fields accessor { practitioner { hprNumber } } } } } } }',
      {},
      'citizen-ingrid',
    );
    expect(log.body.errors).toBeUndefined();
    const reads = log.body.data!.me.accessLogConnection.edges.map((e) => e.node);
    const nursePersona = personaNamed('home-care-nurse');
    const nurseHpr = nursePersona && 'hprNumber' in nursePersona ? nursePersona.hprNumber : null;
    expect(nurseHpr).toBeTruthy();
    expect(reads.some((r) => r.fields.includes('Patient.welfareEvent') && r.accessor.practitioner?.hprNumber === nurseHpr)).toBe(true);
    // The nurse goes; two alarms happen while she is away; she comes back with the last id she saw.
    nurse.close();
    const missedOne = await push('FALL');
    const missedTwo = await push('DOOR');
    const back = new Subscriber(system.system.gatewayUrl, await system.token('home-care-nurse'), { nin: ingrid.nin }, { 'last-event-id': alert!.alertId });
    await until(() => back.alerts().length === 2);
    expect(back.alerts().map((a) => a.event?.sourceId)).toEqual([missedOne, missedTwo]);
    back.close();
    expect(stranger.alerts()).toEqual([]);
    // Operators see it in the metrics, with no label naming a platform or a patient.
    const scraped = await system.metrics(system.system.gatewayUrl);
    expect(Number(/^patient_graph_alerts_published_total\{outcome="published"\} (\d+)/m.exec(scraped)?.[1])).toBeGreaterThanOrEqual(3);
    expect(Number(/^patient_graph_alert_deliveries_total\{outcome="delivered"\} (\d+)/m.exec(scraped)?.[1])).toBeGreaterThanOrEqual(3);
    expect(scraped.split('\n').filter((l) => l.startsWith('patient_graph_alert')).join('\n')).not.toMatch(/welfare-hub|\d{11}/);
  });

  it("ends a subscriber's stream when the care relationship ends (the patient changed GP)", async () => {
    const other = getPopulation().persons.find((p) => p.gp && p.gp.officeHerId !== ingrid.gp?.officeHerId && p.municipality === ingrid.municipality)!;
    const gp = new Subscriber(system.system.gatewayUrl, await system.token('gp'), { nin: ingrid.nin });
    await until(() => gp.status === 200);
    await new Promise((r) => setTimeout(r, 300));
    const before = await push('ALARM');
    await until(() => gp.alerts().length === 1);
    expect(gp.alerts()[0]!.event?.sourceId).toBe(before);
    try {
      // Ingrid lists with another GP today: the GP register tells the graph, and Siri Kristoffersen is no longer her GP.
      const changed = await control('POST', '/instances/gp-register/changes', { patients: [ingrid.nin], set: { gpOfficeHerId: other.gp!.officeHerId } });
      expect(changed.status).toBe(200);
      await push('ALARM');
      await gp.done;
      const last = gp.events.filter((e) => e.event === 'next').at(-1)!;
      expect(last.data?.data?.welfareAlerts?.event).toBeNull();
      expect(last.data?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_RELATIONSHIP' });
      expect(gp.events.at(-1)?.event).toBe('complete');
    } finally {
      await control('POST', '/reset');
      const gateway = new URL(system.system.gatewayUrl);
      await control('PUT', '/settings', { invalidationUrl: `${gateway.origin}/cache/invalidate`, eventsUrl: `${gateway.origin}/welfare/events` });
      await control('POST', '/instances/gp-register/changes', { patients: [ingrid.nin] });
    }
  });

  it("ends a subscriber's stream once her token has expired: the next alert is refused as that token's request would be", async () => {
    // A token that lives a second (and the five seconds of clock tolerance every token gets).
    const nurse = new Subscriber(system.system.gatewayUrl, await system.token({ persona: 'home-care-nurse', options: { expiresInSeconds: 1 } }), { nin: ingrid.nin });
    await until(() => nurse.status === 200);
    await new Promise((r) => setTimeout(r, 300));
    const before = await push('ALARM');
    await until(() => nurse.alerts().length === 1);
    expect(nurse.alerts()[0]!.event?.sourceId).toBe(before);
    await new Promise((r) => setTimeout(r, 6500));
    await push('ALARM');
    await nurse.done;
    const last = nurse.events.filter((e) => e.event === 'next').at(-1)!;
    expect(last.data?.data?.welfareAlerts?.event).toBeNull();
    expect(last.data?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
    expect(nurse.events.at(-1)?.event).toBe('complete');
  }, 30_000);

  it('holds one reader to ALERT_SUBSCRIPTIONS_PER_READER open subscriptions: one more is refused with 429, another reader is not', async () => {
    const token = await system.token('gp');
    const held = [0, 1, 2].map(() => new Subscriber(system.system.gatewayUrl, token, { nin: ingrid.nin }));
    try {
      await until(() => held.every((h) => h.status === 200));
      const refused = await fetch(new URL('/graphql/stream', system.system.gatewayUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription($nin: String!) { welfareAlerts(nin: $nin) { alertId } }', variables: { nin: ingrid.nin } }),
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect(((await refused.json()) as { errors: { extensions: { code: string; limit: number } }[] }).errors[0]!.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 });
      const nurse = new Subscriber(system.system.gatewayUrl, await system.token('home-care-nurse'), { nin: ingrid.nin });
      await until(() => nurse.status === 200);
      nurse.close();
      // A stream closed gives its place back.
      held.pop()!.close();
      let again: Subscriber | undefined;
      await until(() => {
        if (again?.status === 200) return true;
        if (!again || again.status === 429) again = new Subscriber(system.system.gatewayUrl, token, { nin: ingrid.nin });
        return false;
      });
      held.push(again!);
    } finally {
      for (const h of held) h.close();
    }
  });

  it('delivers an event the platform pushed twice (it did not get the answer) once', async () => {
    const nurse = new Subscriber(system.system.gatewayUrl, await system.token('home-care-nurse'), { nin: ingrid.nin });
    try {
      await until(() => nurse.status === 200);
      await new Promise((r) => setTimeout(r, 300));
      const twice = await control('POST', '/instances/welfare-hub/events', { patient: ingrid.nin, kind: 'FALL', deliveries: 2 });
      // The second sending was taken, as the first one's repeat: 200, not 202.
      expect(twice.body).toMatchObject({ delivered: true, status: 200 });
      const next = await push('ALARM');
      await until(() => nurse.alerts().some((a) => a.event?.sourceId === next));
      expect(nurse.alerts().filter((a) => a.event?.sourceId === twice.body.eventId)).toHaveLength(1);
    } finally {
      nurse.close();
    }
  });

  it('refuses a push not signed by a platform, and one its adapter cannot read', async () => {
    const url = new URL('/welfare/events', system.system.gatewayUrl);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'welfare-hub', resource: {} }) });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    const body = JSON.stringify({ source: 'welfare-hub', resource: { resourceType: 'Communication', id: 'x' } });
    const garbage = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-patient-graph-signature': signChangeNotice('dev-welfare-hub-change-notices', body) }, body });
    expect(garbage.status).toBe(400);
    const refused = (await garbage.json()) as { errors: { message: string; extensions: { code: string; reason: string } }[] };
    expect(refused.errors[0]!.extensions.code).toBe('ALERT_REJECTED');
    expect(JSON.stringify(refused)).not.toContain('"x"');
  });
});
