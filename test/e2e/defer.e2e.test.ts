import { existsSync, readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { getPopulation } from '../../simulators/population';
import { demoPatientList } from '../../simulators/population/demoPatients';
import { TestSystem } from './harness';

/**
 * Fast parts first: `@defer` on Hive Gateway. The summary's registry part and fast sources come in the first
 * part, the slow summary record's (Kjernejournal) after, with the same rules (refusals alike), the same merged
 * answer and the same access log as the summary sent whole, each part on record before it leaves. The order is
 * shown by causality, not by a clock: the first part is in hand while the slow source's read is still open (its
 * subgraph has counted no outcome for it) and its record is already in the log; the deferred part comes once the
 * read has ended. Apollo Gateway refuses such an operation with DEFER_NOT_SUPPORTED; Hive's Rust planner answers
 * it whole; what Hive's own planner cannot defer correctly it answers at once.
 */
let system: TestSystem;
let engines: Record<'apollo' | 'hive' | 'hive-router', string>;

// The slow source answers after SLOW_MS: far more than the fast part takes (well under a second, a few on a
// loaded machine), far less than the sources' timeout here.
// The summary record is asked by the national subgraph, and by no access decision (the hospitals are: a slow
// hospital holds back every part with health data, as it does the summary sent whole).
const SLOW = 'summary-record';
const SLOW_SUBGRAPH = 'national';
const SLOW_MS = 8000;

beforeAll(async () => {
  ({ system, engines } = await TestSystem.startWithEngines({ sourceTimeoutMs: 20_000 }));
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

afterEach(async () => {
  await system.reset();
});

const SUMMARY = readFileSync(FIRST_QUERY_FILE, 'utf8');
// The summary without what is merged from every source (medicines, timeline, sources' report: those wait for the
// slowest source, and Hive's planner does not defer them, see deferOnlyWhereSafe.ts); the summary record's part
// (Kjernejournal) deferred.
const FAST = `
    name { text }
    birthDate
    municipality { name }
    generalPractitioner {
      gp { name { text } }
      office { name recordSystem }
    }
    careRecord {
      services { description start end }
      visits(last: 2) { time tasks note }
    }
    gpRecord {
      consultations(last: 2) { time reason { code display } }
    }
    hospitalRecords {
      hospital
      encounters { class start department }
    }`;
const SLOW_PART = `
      summaryRecord {
        criticalInformation { type text reaction severity }
      }`;
const DEFERRED_FIELDS = ['summaryRecord'];
const DEFERRED = `query FastFirst($nin: String!) { patient(nin: $nin) { ${FAST} ... @defer(label: "slow") { ${SLOW_PART} } } }`;
const WHOLE = `query FastFirst($nin: String!) { patient(nin: $nin) { ${FAST} ${SLOW_PART} } }`;

type Json = Record<string, unknown>;
interface ErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: Json;
}
interface Part {
  data?: Json | null;
  errors?: ErrorJson[];
  hasNext?: boolean;
  incremental?: { data?: Json | null; path: (string | number)[]; label?: string; errors?: ErrorJson[] }[];
  extensions?: Json;
}

async function post(url: string, reader: string, body: unknown, accept = 'application/json') {
  return fetch(url, { method: 'POST', headers: { authorization: `Bearer ${await system.token(reader)}`, 'content-type': 'application/json', accept }, body: JSON.stringify(body) });
}

/** The parts of a multipart/mixed answer, each as soon as its bytes are in (the body is read as it comes). */
async function* multipart(response: Response): AsyncGenerator<Part> {
  expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = Buffer.alloc(0);
  for (;;) {
    const headEnd = buffer.indexOf('\r\n\r\n');
    const length = headEnd >= 0 ? /content-length:\s*(\d+)/i.exec(buffer.subarray(0, headEnd).toString('latin1'))?.[1] : undefined;
    if (headEnd >= 0 && length !== undefined && buffer.length >= headEnd + 4 + Number(length)) {
      const start = headEnd + 4;
      yield JSON.parse(decoder.decode(buffer.subarray(start, start + Number(length)))) as Part;
      buffer = buffer.subarray(start + Number(length));
      continue;
    }
    const { done, value } = await reader.read();
    if (done) return;
    buffer = Buffer.concat([buffer, value]);
  }
}

/** The parts merged as a client merges them: each deferred fragment's data into the object at its path. */
function merged(parts: Part[]): { data: Json | null | undefined; errors: ErrorJson[] } {
  const data = structuredClone(parts[0]?.data);
  const errors = [...(parts[0]?.errors ?? [])];
  for (const part of parts.slice(1)) {
    errors.push(...(part.errors ?? []));
    for (const entry of part.incremental ?? []) {
      errors.push(...(entry.errors ?? []));
      let target = data as Json;
      for (const step of entry.path) target = target[step] as Json;
      Object.assign(target, entry.data ?? {});
    }
  }
  return { data, errors };
}

/** What must be equal: the data (latencies aside) and each error's path, code, rule, reason and source. */
function comparable(answer: { data?: unknown; errors?: ErrorJson[] }) {
  const data = JSON.parse(JSON.stringify(answer.data ?? null), (key, value) => (key === 'latencyMs' ? undefined : value));
  const errors = (answer.errors ?? [])
    .map((e) => JSON.stringify([e.path ?? null, e.extensions?.code, e.extensions?.rule ?? null, e.extensions?.reason ?? null, e.extensions?.source ?? null]))
    .sort();
  return { data, errors };
}

const logFile = () => system.system.auditLogFile as string;
// The log file is made by its first record.
const logLines = () => (existsSync(logFile()) ? readFileSync(logFile(), 'utf8').trim().split('\n').filter(Boolean) : []);
const recordsSince = (count: number) => logLines().slice(count).map((l) => JSON.parse(l) as AccessRecord);

/** A request's records as one: per patient, every field and refusal on record, who read and on what grounds. */
function loggedAsOne(records: AccessRecord[]) {
  expect(new Set(records.map((r) => r.requestId)).size).toBe(1);
  const byPatient = new Map<string, { accessor: unknown; purpose: string; basis: string[]; fields: Set<string>; denied: Set<string> }>();
  for (const r of records) {
    const entry = byPatient.get(r.patient) ?? { accessor: r.accessor, purpose: r.purpose, basis: r.basis, fields: new Set<string>(), denied: new Set<string>() };
    expect([r.accessor, r.purpose, r.basis]).toEqual([entry.accessor, entry.purpose, entry.basis]);
    r.fields.forEach((f) => entry.fields.add(f));
    r.denied.forEach((f) => entry.denied.add(f));
    byPatient.set(r.patient, entry);
  }
  return [...byPatient].map(([patient, e]) => ({ patient, ...e, fields: [...e.fields].sort(), denied: [...e.denied].sort() }));
}

/** Reads of the slow source whose outcome its subgraph has counted (any outcome). */
async function finishedReads(): Promise<number> {
  const text = await system.metrics(system.system.subgraphUrls[SLOW_SUBGRAPH] as string);
  return text
    .split('\n')
    .filter((l) => l.startsWith('patient_graph_source_reads_total{') && l.includes(`source="${SLOW}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

const patients = demoPatientList(getPopulation());
// The first demo patient has critical information (an allergy) in the summary record, the slow source.
const ingrid = patients[0] as (typeof patients)[number];

describe('@defer on Hive Gateway: fast parts first', () => {
  it('sends the registry part before the slow source has answered, then the rest, merged as the whole summary and logged alike', async () => {
    const variables = { nin: ingrid.nin };
    const wholeBefore = logLines().length;
    const whole = (await (await post(engines.hive, 'emergency-physician', { query: WHOLE, variables })).json()) as Part;
    expect((whole.data?.patient as Json | undefined)?.summaryRecord).toEqual({ criticalInformation: [expect.objectContaining({ type: 'ALLERGY' })] });
    const wholeLog = recordsSince(wholeBefore);

    await system.setBehaviour(SLOW, { latencyMs: SLOW_MS });
    const readsBefore = await finishedReads();
    const asked = (await system.stats())[SLOW]?.requests ?? 0;
    const logBefore = logLines().length;
    const response = await post(engines.hive, 'emergency-physician', { query: DEFERRED, variables }, 'multipart/mixed');
    expect(response.status).toBe(200);
    const stream = multipart(response);
    const first = (await stream.next()).value as Part;

    // The first part: the registry's name and the fast sources, nothing of the slow part, more to come.
    const patient = first.data?.patient as Json;
    expect(patient.name).toEqual({ text: ingrid.name });
    expect(patient.gpRecord).toBeTruthy();
    expect(patient.hospitalRecords).toEqual(whole.data?.patient && (whole.data.patient as Json).hospitalRecords);
    expect(first.hasNext).toBe(true);
    for (const field of DEFERRED_FIELDS) expect([field, field in patient]).toEqual([field, false]);
    // …in hand while the slow source's read is still open: asked (or about to be), no outcome counted yet.
    expect(await finishedReads()).toBe(readsBefore);
    // …and on record before it left, with what it disclosed and nothing of the slow part.
    const firstRecords = recordsSince(logBefore);
    expect(firstRecords).toHaveLength(1);
    expect(firstRecords[0]?.fields).toEqual(expect.arrayContaining(['Patient.name', 'Patient.gpRecord', 'Patient.hospitalRecords']));
    expect(firstRecords[0]?.fields.filter((f) => DEFERRED_FIELDS.some((d) => f === `Patient.${d}`))).toEqual([]);

    // The deferred part comes once the slow read has ended, with the slow source's answer in it.
    const rest: Part[] = [];
    for await (const part of stream) rest.push(part);
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(rest[rest.length - 1]?.hasNext).toBe(false);
    expect(rest[0]?.incremental?.[0]).toMatchObject({ path: ['patient'], label: 'slow' });
    expect(await finishedReads()).toBe(readsBefore + 1);
    expect((await system.stats())[SLOW]?.requests).toBe(asked + 1);

    // Merged, it is the summary sent whole (latencies aside), errors included.
    expect(comparable(merged([first, ...rest]))).toEqual(comparable(whole));

    // The access log: the request's records (one per part that disclosed something new) hold together what the
    // whole summary's one record holds.
    const deferredLog = recordsSince(logBefore);
    expect(deferredLog.length).toBe(2);
    expect(deferredLog[1]?.fields).toEqual(expect.arrayContaining(DEFERRED_FIELDS.map((f) => `Patient.${f}`)));
    expect(loggedAsOne(deferredLog)).toEqual(loggedAsOne(wholeLog));
  }, 60_000);

  it('refuses the deferred parts to a reader without access as it refuses them in the whole summary', async () => {
    // The blocked practitioner (a Haukeland surgeon): demo patients he has no relationship with have their health
    // data refused to him, the deferred part's included.
    const reader = 'blocked-practitioner';
    let checked = 0;
    for (const p of patients) {
      const variables = { nin: p.nin };
      const logBefore = logLines().length;
      const whole = (await (await post(engines.hive, reader, { query: WHOLE, variables })).json()) as Part;
      const wholeLog = recordsSince(logBefore);
      const refusedLater = (whole.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN' && DEFERRED_FIELDS.includes(String(e.path?.[1])));
      if (refusedLater.length === 0 || !whole.data?.patient) continue;
      checked += 1;
      const deferredBefore = logLines().length;
      const response = await post(engines.hive, reader, { query: DEFERRED, variables }, 'multipart/mixed');
      const parts: Part[] = [];
      for await (const part of multipart(response)) parts.push(part);
      expect([p.key, parts.length > 1]).toEqual([p.key, true]);
      const answer = merged(parts);
      // The refusals travel in the deferred part, with the same code, rule and reason as in the whole summary.
      expect([p.key, parts.slice(1).flatMap((part) => (part.incremental ?? []).flatMap((e) => e.errors ?? [])).filter((e) => e.extensions?.code === 'FORBIDDEN').length]).toEqual([p.key, refusedLater.length]);
      expect([p.key, comparable(answer)]).toEqual([p.key, comparable(whole)]);
      expect([p.key, loggedAsOne(recordsSince(deferredBefore))]).toEqual([p.key, loggedAsOne(wholeLog)]);
    }
    expect(checked).toBeGreaterThan(0);
  }, 120_000);

  it('on Apollo Gateway, refuses @defer with DEFER_NOT_SUPPORTED; with the Rust planner, answers it whole', async () => {
    const variables = { nin: ingrid.nin };
    const apollo = await post(engines.apollo, 'emergency-physician', { query: DEFERRED, variables }, 'multipart/mixed, application/json');
    expect(apollo.status).toBe(400);
    expect(((await apollo.json()) as Part).errors).toEqual([{ message: expect.stringContaining('@defer'), extensions: { code: 'DEFER_NOT_SUPPORTED' } }]);
    // A "@defer" that is only text (a string argument, a comment) is not a directive: the operation runs.
    const mention = await post(engines.apollo, 'emergency-physician', { query: `# not @defer\nquery($nin: String!) { patient(nin: $nin) { name { text } } }`, variables });
    expect(mention.status).toBe(200);

    const whole = (await (await post(engines.hive, 'emergency-physician', { query: WHOLE, variables })).json()) as Part;
    const router = await post(engines['hive-router'], 'emergency-physician', { query: DEFERRED, variables }, 'multipart/mixed, application/json');
    expect(router.status).toBe(200);
    expect(comparable((await router.json()) as Part)).toEqual(comparable(whole));
  }, 60_000);

  it('answers at once, and right, what its planner cannot defer: fields merged from other subgraphs, and @stream', async () => {
    const variables = { nin: ingrid.nin };
    const whole = (await (await post(engines.hive, 'emergency-physician', { query: SUMMARY, variables })).json()) as Part;
    // The whole summary with the merged fields (medications, timeline, sources: @requires) under @defer.
    const deferredSummary = SUMMARY.replace(/\n    medications \{/, '\n    ... @defer(label: "merged") { medications {').replace(/\n    sources \{([^}]*)\}/, '\n    sources {$1} }');
    expect(deferredSummary).toContain('@defer(label: "merged") { medications {');
    const response = await post(engines.hive, 'emergency-physician', { query: deferredSummary, variables }, 'multipart/mixed, application/json');
    expect([response.status, response.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^application\/json/)]);
    const answer = (await response.json()) as Part;
    expect(comparable(answer)).toEqual(comparable(whole));
    expect(((answer.data?.patient as Json).sources as { state: string }[]).every((s) => s.state === 'OK' || s.state === 'NOT_APPLICABLE')).toBe(true);

    const streamed = await post(engines.hive, 'emergency-physician', { query: 'query($nin: String!) { patient(nin: $nin) { hospitalRecords @stream(initialCount: 0) { hospital encounters { class start department } } } }', variables }, 'multipart/mixed, application/json');
    expect([streamed.status, streamed.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^application\/json/)]);
    expect(((await streamed.json()) as Part).data?.patient).toEqual({ hospitalRecords: (whole.data?.patient as Json).hospitalRecords });
  }, 60_000);
});
