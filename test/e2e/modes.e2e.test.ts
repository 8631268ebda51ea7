import { SUBGRAPH_NAMES } from '../../lib/subgraphs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PERSONAS } from '../../gateway/devIdp/personas';
import { CONFIG_DIR, instancesOf, loadSources } from '../../lib/config';
import { SIGNATURE_HEADER, signChangeNotice } from '../../lib/invalidation';
import type { AccessRecord } from '../../lib/audit';
import { getPopulation } from '../../simulators/population';
import { demoPatientList } from '../../simulators/population/demoPatients';
import { TestSystem, type GraphQLResponse } from './harness';
import { wholeQuery } from './wholeQuery';

/**
 * The two ways the system runs answer alike: subgraphs inside the gateway's process (`embedded`, what `npm
 * start` runs) and one process per subgraph behind HTTP and internal tokens (`separate`, for scale-out). Every
 * demo patient, read whole (every field the API has, generated from the schema) by every persona of the
 * development identity provider, must give the same data, the same errors (path, code, rule, reason, source)
 * and the same HTTP status in both; and both must write the same access log.
 */
let embedded: TestSystem;
let separate: TestSystem;

// A whole patient is a large operation: the limits are raised alike in both systems.
const env = { LIMIT_TOKENS: '100000', LIMIT_DEPTH: '40', LIMIT_COST: '100000000', SUBGRAPH_TIMEOUT_MS: '60000' };

/**
 * The sources as configured, with time enough: what is compared is how the two modes answer, and a source that a
 * busy machine (two whole systems beside the other suites, on two cores) makes miss its 3 s in one system only would
 * be a difference of load, not of mode.
 */
function patientSources(): string {
  const sources = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8')) as { defaults: { timeoutMs?: number }; instances: Record<string, { timeoutMs?: number }> };
  sources.defaults.timeoutMs = 30_000;
  for (const instance of Object.values(sources.instances)) if (instance.timeoutMs !== undefined) instance.timeoutMs = 30_000;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'modes-e2e-')), 'sources.json');
  writeFileSync(file, JSON.stringify(sources));
  return file;
}

beforeAll(async () => {
  const sourcesFile = patientSources();
  [embedded, separate] = await Promise.all([TestSystem.start({ mode: 'embedded', env, sourcesFile }), TestSystem.start({ mode: 'separate', env, sourcesFile })]);
}, 180_000);

afterAll(async () => {
  await Promise.all([embedded?.stop(), separate?.stop()]);
});

// The access log (as a list or a connection) holds each system's own reads: times and request ids differ.
const LOG_FIELDS = ['accessLog', 'accessLogConnection'];
const WHOLE_PATIENT = wholeQuery('patient', { skip: LOG_FIELDS });
const started = Date.now();

/**
 * The whole query less what the persona's role may never read: the gateway refuses such an operation before
 * planning (403, naming the fields), and a refusal of the whole operation would compare nothing else.
 */
async function wholeQueryFor(persona: string, root: 'patient' | 'me', nin: string): Promise<string> {
  const skip = [...LOG_FIELDS];
  for (let attempt = 0; attempt < 10; attempt++) {
    const query = wholeQuery(root, { skip });
    // Asked of both, so that both logs hold the same reads; and compared like every other answer.
    const variables = root === 'me' ? {} : { nin };
    const [answer, other] = await Promise.all([embedded.query(query, variables, persona), separate.query(query, variables, persona)]);
    expect(comparable(answer)).toEqual(comparable(other));
    const refused = answer.body.errors?.find((e) => e.extensions?.reason === 'ROLE');
    const fields = (refused?.extensions?.fields as string[] | undefined) ?? [];
    // Refused whole (a citizen may not look patients up): that refusal is what is compared.
    if (answer.status !== 403 || fields.length === 0 || fields.includes(`Query.${root}`)) return query;
    skip.push(...fields);
  }
  throw new Error(`no whole query for ${persona}`);
}

/**
 * What must be equal: the data and each error's path, code, rule, reason and source, errors in any order (the
 * subgraphs answer concurrently). Latencies are measured, and a time stamp of this very run (a reading's
 * moment) is the clock's, so both are set aside.
 */
function comparable(answer: GraphQLResponse) {
  const now = (value: unknown) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && Math.abs(Date.parse(value) - started) < 30 * 60_000;
  const data = JSON.parse(JSON.stringify(answer.body.data ?? null), (key, value) => (key === 'latencyMs' ? undefined : now(value) ? '<this run>' : value));
  const errors = (answer.body.errors ?? [])
    .map((e) => JSON.stringify([e.path ?? null, e.extensions?.code, e.extensions?.rule ?? null, e.extensions?.reason ?? null, e.extensions?.source ?? null, e.message]))
    .sort();
  return { status: answer.status, data, errors };
}

describe('the embedded and the separate-process system answer alike', () => {
  const patients = demoPatientList(getPopulation());

  it('the whole-patient query covers the graph', () => {
    // Every sector's record and the merged views are in it, down to their leaves.
    for (const field of ['careRecord', 'earlierCareRecords', 'individualPlan', 'gpRecord', 'hospitalRecords', 'summaryRecord', 'medications', 'timeline', 'timelineConnection', 'visitsConnection', 'messagesConnection', 'clinicalWarnings', 'sources']) {
      expect(WHOLE_PATIENT).toContain(` ${field} `);
    }
    expect(WHOLE_PATIENT.length).toBeGreaterThan(5000);
  });

  it.each(PERSONAS.map((p) => p.name))("every demo patient read whole, as %s", async (persona) => {
    expect(patients.length).toBeGreaterThan(10);
    let answered = 0;
    const whole = await wholeQueryFor(persona, 'patient', patients[0]?.nin as string);
    for (const patient of patients) {
      const [a, b] = await Promise.all([embedded.query(whole, { nin: patient.nin }, persona), separate.query(whole, { nin: patient.nin }, persona)]);
      expect([patient.key, comparable(a)]).toEqual([patient.key, comparable(b)]);
      if (a.body.data?.patient) answered++;
    }
    const own = PERSONAS.find((p) => p.name === persona)?.kind === 'CITIZEN';
    if (own) {
      const me = await wholeQueryFor(persona, 'me', '');
      const [a, b] = await Promise.all([embedded.query(me, {}, persona), separate.query(me, {}, persona)]);
      expect(comparable(a)).toEqual(comparable(b));
      expect(a.body.data?.me).toBeTruthy();
    } else if (persona !== 'researcher' && persona !== 'administrator') {
      // Not a comparison of two empty answers: health personnel get patients back.
      expect(answered).toBeGreaterThan(0);
    }
  }, 120_000);

  it('both wrote the same access log', () => {
    const records = (system: TestSystem) =>
      readFileSync(system.system.auditLogFile as string, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const { id: _id, time: _time, requestId: _request, ...rest } = JSON.parse(line) as AccessRecord;
          return JSON.stringify(rest);
        })
        .sort();
    const logged = records(embedded);
    expect(logged.length).toBeGreaterThan(100);
    expect(logged).toEqual(records(separate));
  });

  it('the embedded system is one process beside the simulators, and its health names every subgraph as embedded', async () => {
    expect(Object.keys(embedded.system.pids()).sort()).toEqual(['gateway', 'simulators']);
    expect(Object.keys(separate.system.pids()).filter((n) => n.startsWith('subgraph-'))).toHaveLength(SUBGRAPH_NAMES.length);
    const health = (await (await fetch(embedded.system.healthUrl)).json()) as { status: string; subgraphs: { name: string; status: string; embedded?: boolean }[] };
    expect(health.status).toBe('ok');
    expect(health.subgraphs).toHaveLength(SUBGRAPH_NAMES.length);
    expect(health.subgraphs.every((s) => s.status === 'up' && s.embedded === true)).toBe(true);
  });

  it("passes a source's change notice to every embedded subgraph in process, and refuses a forged or replayed one", async () => {
    const instance = instancesOf(loadSources()).find((i) => i.id === 'population-register');
    const body = JSON.stringify({ source: 'population-register', patients: [patients[0]?.nin] });
    const url = new URL('/cache/invalidate', embedded.system.gatewayUrl).toString();
    const send = (signature: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature }, body });
    const signature = signChangeNotice(instance?.invalidationSecret ?? '', body);
    const taken = await send(signature);
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ source: 'population-register', invalidated: 1, subgraphs: SUBGRAPH_NAMES.length });
    expect((await send(signature)).status).toBe(409);
    expect((await send(signChangeNotice('not-the-source-secret-at-all', body))).status).toBe(401);
  });
});
