import { readFileSync } from 'node:fs';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { devSecrets } from '../../lib/secrets';
import { PERSONAS } from '../../gateway/devIdp/personas';
import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Readers with different rights asking the same thing at the same moment, on every engine (Apollo Gateway,
 * Hive Gateway's JavaScript planner, Hive with the Rust planner). No layer may hand one reader's subgraph
 * answer, refusal or access decision to another, or fold two requests into one: every concurrent answer must
 * be the answer that reader gets alone, and the access log must hold exactly one record per reader per
 * request. Hive's HTTP executor once merged identical subgraph requests in flight (keyed on URL and body,
 * without the reader), so `gp-midtbyen` received Ingrid Solheim's whole summary from `gp`'s fetch.
 *
 * The simulators answer after 60 ms, so that identical subgraph calls of concurrent requests overlap.
 */
let system: TestSystem;
let engines: Record<string, string>;

beforeAll(async () => {
  ({ system, engines } = await TestSystem.startWithEngines({ sourceTimeoutMs: 8000, env: { SIM_LATENCY_MS: '60' } }));
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const ingrid = demoPatient('homeCare');
const SUMMARY = `query Summary($nin: String!) { patient(nin: $nin) {
  name { text }
  generalPractitioner { gp { name { text } } office { name } }
  summaryRecord { criticalInformation { type text } }
  careRecord { services { description } }
  gpRecord { consultations(last: 2) { time reason { code } } }
  medications { atc status hasDiscrepancy }
  timeline(first: 5) { date sector title }
} }`;

/** `gp` is her regular GP; `gp-midtbyen` has no care relationship with her. */
const READERS = ['gp', 'gp-midtbyen'] as const;
const CLIENTS_PER_READER = 6;
const ROUNDS = 4;

interface Answer {
  status: number;
  json: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

async function ask(url: string, token: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: SUMMARY, variables: { nin: ingrid.nin } }),
  });
  return { status: response.status, json: (await response.json()) as Answer['json'] };
}

/** The answer without what legitimately varies between two reads (latencies): data, and each error's path, code, rule and reason. */
function comparable(answer: Answer) {
  const data = JSON.parse(JSON.stringify(answer.json.data ?? null), (key, value) => (key === 'latencyMs' ? undefined : value));
  const errors = (answer.json.errors ?? []).map((e) => JSON.stringify([e.path ?? null, e.extensions?.code, e.extensions?.rule ?? null, e.extensions?.reason ?? null])).sort();
  return { status: answer.status, data, errors };
}

function auditRecords(): AccessRecord[] {
  return readFileSync(system.system.auditLogFile as string, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AccessRecord);
}

const hprOf = (persona: string) => (PERSONAS.find((p) => p.name === persona) as { hprNumber?: string } | undefined)?.hprNumber as string;

describe.each(['apollo', 'hive', 'hive-router'])('concurrent readers with different rights on %s', (engine) => {
  it('get, each of them, exactly the answer they get alone, and one access-log record per request', async () => {
    const url = engines[engine] as string;
    const tokens = Object.fromEntries(await Promise.all(READERS.map(async (r) => [r, await system.token(r)] as const)));

    // Alone: what each reader is entitled to. The GP gets the summary; the other GP gets her name and refusals.
    const alone: Record<string, ReturnType<typeof comparable>> = {};
    for (const reader of READERS) alone[reader] = comparable(await ask(url, tokens[reader] as string));
    expect(alone.gp?.errors).toEqual([]);
    expect(alone['gp-midtbyen']?.errors.some((e) => e.includes('"FORBIDDEN"'))).toBe(true);
    expect(alone['gp-midtbyen']).not.toEqual(alone.gp);

    const pseudonym = patientPseudonym(ingrid.nin, Buffer.from(devSecrets().auditPseudonymKey, 'base64url'));
    const logged = auditRecords().length;

    // Together: both readers' clients at once, the same query about the same patient, several rounds.
    const answers: { reader: string; answer: ReturnType<typeof comparable> }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batch = await Promise.all(
        READERS.flatMap((reader) => Array.from({ length: CLIENTS_PER_READER }, async () => ({ reader, answer: comparable(await ask(url, tokens[reader] as string)) }))),
      );
      answers.push(...batch);
    }
    const wrong = answers.filter((a) => JSON.stringify(a.answer) !== JSON.stringify(alone[a.reader]));
    expect({ engine, wrong: wrong.length, of: answers.length, example: wrong[0] }).toEqual({ engine, wrong: 0, of: READERS.length * CLIENTS_PER_READER * ROUNDS, example: undefined });

    // The access log: one record per request, each naming the reader who made it, none shared.
    const fresh = auditRecords()
      .slice(logged)
      .filter((r) => r.patient === pseudonym);
    for (const reader of READERS) {
      const mine = fresh.filter((r) => r.accessor.kind === 'PERSONNEL' && r.accessor.hprNumber === hprOf(reader));
      expect([engine, reader, mine.length]).toEqual([engine, reader, CLIENTS_PER_READER * ROUNDS]);
      expect(new Set(mine.map((r) => r.requestId)).size).toBe(mine.length);
    }
    expect(fresh.length).toBe(READERS.length * CLIENTS_PER_READER * ROUNDS);
    // The reader without a relationship was refused the health data in every record of hers, and the GP never.
    const basisOf = (reader: string) => new Set(fresh.filter((r) => r.accessor.kind === 'PERSONNEL' && r.accessor.hprNumber === hprOf(reader)).map((r) => JSON.stringify(r.basis)));
    expect([...basisOf('gp')]).toEqual([JSON.stringify(['GP_LIST:923456783'])]);
    expect([...basisOf('gp-midtbyen')].some((b) => b.includes('GP_LIST'))).toBe(false);
    // What each record says was disclosed is what that reader was given: the GP her medications, the other none.
    for (const record of fresh) {
      const gp = record.accessor.kind === 'PERSONNEL' && record.accessor.hprNumber === hprOf('gp');
      expect([gp, record.fields.includes('Patient.medications'), record.denied.includes('Patient.medications')]).toEqual([gp, gp, !gp]);
    }
  }, 120_000);
});
