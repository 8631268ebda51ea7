import { readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import { demoPatientList } from '../../simulators/population/demoPatients';
import { getPopulation } from '../../simulators/population';
import { Subscriber, until } from './alertSubscriber';
import { TestSystem } from './harness';

/**
 * The supergraph on a second engine: Hive Gateway, with its default (JavaScript) query planner and with
 * the Rust one (@graphql-hive/router-runtime), beside the Apollo gateway over the same subgraphs. Every
 * demo patient's summary, read as each kind of reader, must come back the same from all three: the same
 * data, the same refusals (code, rule, path), the same HTTP status, and an access-log record for each.
 */
let system: TestSystem;
let engines: Record<string, string>;

beforeAll(async () => {
  // Sources with time enough (8 s, not the harness's 1.5 s): what is compared is how the engines answer, and a source
  // that a busy machine (three engines beside the other suites, on two cores) makes miss its deadline for one engine
  // only would be a difference of load, not of engine (as modes.e2e does for the two modes).
  ({ system, engines } = await TestSystem.startWithEngines({ sourceTimeoutMs: 8000 }));
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const SUMMARY = readFileSync(FIRST_QUERY_FILE, 'utf8');

async function ask(url: string, token: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
  return { status: response.status, json };
}

/** What must be equal across engines: the data (latencies aside) and each error's path, code, rule and reason. */
function comparable(answer: Awaited<ReturnType<typeof ask>>) {
  const data = JSON.parse(JSON.stringify(answer.json.data ?? null), (key, value) => (key === 'latencyMs' ? undefined : value));
  const errors = (answer.json.errors ?? [])
    .map((e) => JSON.stringify([e.path ?? null, e.extensions?.code, e.extensions?.rule ?? null, e.extensions?.reason ?? null, e.extensions?.source ?? null]))
    .sort();
  return { status: answer.status, data, errors };
}

describe('Hive Gateway answers as the Apollo gateway does', () => {
  const patients = demoPatientList(getPopulation());
  const readers = ['gp', 'home-care-nurse', 'hospital-doctor', 'emergency-physician', 'blocked-practitioner', 'researcher'];

  it.each(readers)('every demo patient\'s summary, read as %s', async (reader) => {
    const token = await system.token(reader);
    expect(patients.length).toBeGreaterThan(5);
    for (const patient of patients) {
      const [apollo, hive, router] = await Promise.all(Object.values(engines).map((url) => ask(url, token, { query: SUMMARY, variables: { nin: patient.nin } })));
      const expected = comparable(apollo as Awaited<ReturnType<typeof ask>>);
      expect([patient.key, comparable(hive as Awaited<ReturnType<typeof ask>>)]).toEqual([patient.key, expected]);
      expect([patient.key, comparable(router as Awaited<ReturnType<typeof ask>>)]).toEqual([patient.key, expected]);
    }
  }, 120_000);

  it("a citizen's own record, and her access log", async () => {
    const token = await system.token('citizen-ingrid');
    const query = '{ me { name { text } medications { atc } accessLog(last: 5) { time } } }';
    const answers = await Promise.all(Object.values(engines).map((url) => ask(url, token, { query })));
    const [apollo, ...others] = answers.map((a) => comparable(a));
    expect(apollo?.status).toBe(200);
    // The log grows with each read (the other engines' reads are in it too): compare everything else.
    const withoutLog = (c: ReturnType<typeof comparable> | undefined) => JSON.parse(JSON.stringify(c), (key, value) => (key === 'accessLog' ? undefined : value));
    for (const other of others) expect(withoutLog(other)).toEqual(withoutLog(apollo));
  });

  it('refuses what the Apollo gateway refuses, with the same status and code, and writes the access log', async () => {
    const token = await system.token('gp');
    const tooMany = `query($n: String!) { ${Array.from({ length: 20 }, (_, i) => `a${i}: patient(nin: $n) { nin }`).join(' ')} }`;
    const cases: unknown[] = [
      { query: tooMany, variables: { n: patients[0]?.nin } },
      { query: 'query($n: String!) { patient(nin: $n) { timeline(first: -1) { date } } }', variables: { n: patients[0]?.nin } },
      { query: 'query A { __typename }', operationName: 'B' },
      { query: 'mutation M { __typename }' },
      { query: '{ patient(' },
      { query: '{ nothing }' },
      { query: 'query($n: String!) { patient(nin: $n) { nin } }', variables: { n: '12345678901' } },
    ];
    for (const body of cases) {
      const answers = await Promise.all(Object.values(engines).map((url) => ask(url, token, body)));
      const codes = answers.map((a) => [a.status, a.json.errors?.[0]?.extensions?.code]);
      expect([body, codes[1], codes[2]]).toEqual([body, codes[0], codes[0]]);
      expect((codes[0]?.[0] as number) >= 200).toBe(true);
    }
    const log = () => readFileSync(system.system.auditLogFile as string, 'utf8').trim().split('\n').length;
    const before = log();
    await ask(engines.hive as string, token, { query: SUMMARY, variables: { nin: patients[0]?.nin } });
    await ask(engines['hive-router'] as string, token, { query: SUMMARY, variables: { nin: patients[0]?.nin } });
    expect(log()).toBe(before + 2);
  });

  it('takes the one mutation alike: sendMessage refused with the same status and code, and sent, on every engine', async () => {
    const token = await system.token('home-care-nurse');
    const send = 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { replayed message { status kind recipient { herId } } } }';
    const ingrid = patients.find((p) => p.key === 'homeCare');
    const base = { patient: ingrid?.nin, recipientHerId: '81241', kind: 'NOTE', subject: 'Til orientering', text: 'Hjemmesykepleien har økt til to besøk daglig.' };
    for (const [name, url] of Object.entries(engines)) {
      const empty = await ask(url, token, { query: send, variables: { input: { ...base, idempotencyKey: `hive-${name}-empty`, text: '' } } });
      expect([name, empty.status, empty.json.errors?.[0]?.extensions?.code]).toEqual([name, 400, 'BAD_USER_INPUT']);
      const outside = await ask(url, token, { query: send, variables: { input: { ...base, idempotencyKey: `hive-${name}-outside`, recipientHerId: '81242' } } });
      expect([name, outside.status, outside.json.errors?.[0]?.extensions?.code]).toEqual([name, 400, 'MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM']);
      const key = `hive-${name}-${Date.now()}`;
      const sent = await ask(url, token, { query: send, variables: { input: { ...base, idempotencyKey: key } } });
      expect([name, sent.status, sent.json.errors]).toEqual([name, 200, undefined]);
      expect((sent.json.data as any).sendMessage).toEqual({ replayed: false, message: { status: expect.stringMatching(/^(QUEUED|DELIVERED)$/), kind: 'NOTE', recipient: { herId: '81241' } } });
      const again = await ask(url, token, { query: send, variables: { input: { ...base, idempotencyKey: key } } });
      expect([name, (again.json.data as any)?.sendMessage?.replayed]).toEqual([name, true]);
    }
  });

  it("names a source that did not answer beside the data computed without it, on every engine (Hive's default planner dropped it)", async () => {
    const token = await system.token('gp');
    const ingrid = patients.find((p) => p.key === 'homeCare');
    const emil = patients.find((p) => p.key === 'child');
    // With an alias, and in a list: the error's place in the answer is the field's, index included.
    const query = 'query($n: String!) { patient(nin: $n) { meds: medications { name } timelineConnection(first: 3) { edges { node { day sector } } } } }';
    await system.setBehaviour('care-bergen', { mode: 'down' });
    try {
      for (const [name, url] of Object.entries(engines)) {
        const answer = await ask(url, token, { query, variables: { n: ingrid?.nin } });
        const patient = (answer.json.data as { patient: Record<string, unknown[] | { edges: unknown[] }> }).patient;
        const listKey = 'meds';
        // Data from the sources that answered, and the one that did not named where its items are missing.
        expect([name, (patient[listKey] as unknown[]).length > 0, (patient.timelineConnection as { edges: unknown[] }).edges.length > 0]).toEqual([name, true, true]);
        const named = (answer.json.errors ?? []).filter((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE' && e.extensions?.source === 'care-bergen').map((e) => JSON.stringify(e.path)).sort();
        expect([name, named]).toEqual([name, [JSON.stringify(['patient', listKey]), JSON.stringify(['patient', 'timelineConnection'])].sort()]);
      }
      // Hive's default planner in a list of two Bergen patients: each one's error at its own index.
      const list = await ask(engines.hive as string, token, { query: 'query($a: String!, $b: String!) { patients(nins: [$a, $b]) { medications { name } } }', variables: { a: emil?.nin, b: ingrid?.nin } });
      const apollo = await ask(engines.apollo as string, token, { query: 'query($a: String!, $b: String!) { patients(nins: [$a, $b]) { medications { name } } }', variables: { a: emil?.nin, b: ingrid?.nin } });
      expect(comparable(list)).toEqual(comparable(apollo));
      expect((list.json.errors ?? []).some((e) => JSON.stringify(e.path) === JSON.stringify(['patients', 1, 'medications']) && e.extensions?.source === 'care-bergen')).toBe(true);
    } finally {
      await system.setBehaviour('care-bergen', { mode: 'normal' });
    }
  });

  it('delivers a live alert on the Hive engine too, each read as the subscriber through its /graphql; a reader without a care relationship gets none', async () => {
    const ingrid = patients.find((p) => p.key === 'homeCare')!;
    const hive = new URL(engines.hive as string).origin;
    const control = (path: string, body: unknown) => fetch(`${system.system.controlUrl}${path}`, { method: path === '/settings' ? 'PUT' : 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // The hub pushes to the Hive gateway: the alert stream is that process's own (no Redis here).
    await control('/settings', { eventsUrl: `${hive}/welfare/events` });
    const nurse = new Subscriber(hive, await system.token('home-care-nurse'), { nin: ingrid.nin });
    const stranger = new Subscriber(hive, await system.token('nursing-home-doctor'), { nin: ingrid.nin });
    try {
      await until(() => nurse.status === 200 && stranger.events.length > 0);
      expect(stranger.events[0]!.data?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'clinicalData' });
      await new Promise((r) => setTimeout(r, 300));
      const log = () => readFileSync(system.system.auditLogFile as string, 'utf8').trim().split('\n').length;
      const before = log();
      const pushed = (await (await control('/instances/welfare-hub/events', { patient: ingrid.nin, kind: 'ALARM' })).json()) as { eventId: string };
      await until(() => nurse.alerts().length === 1);
      expect(nurse.alerts()[0]).toMatchObject({ kind: 'ALARM', event: { sourceId: pushed.eventId, kind: 'ALARM' } });
      // The delivery was a read, logged as any read on that engine is.
      expect(log()).toBeGreaterThan(before);
      expect(stranger.alerts()).toEqual([]);
    } finally {
      nurse.close();
      await control('/settings', { eventsUrl: `${new URL(engines.apollo as string).origin}/welfare/events` });
    }
  });
});
