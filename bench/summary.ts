/**
 * `npm run bench`: what a patient summary costs with every simulated legacy system answering after
 * SIM_LATENCY_MS (default 40 ms) per call, against the sum of the calls it makes; and what a 50-patient
 * worklist costs against 50 single look-ups. Prints figures and ratios; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../gateway/playground';
import { getPopulation } from '../simulators/population';
import { TestSystem } from '../test/e2e/harness';

const LATENCY = Number(process.env.SIM_LATENCY_MS ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const SUMMARY = readFileSync(FIRST_QUERY_FILE, 'utf8');
const WORKLIST = `query($nins: [String!]!) { patients(nins: $nins) { nin name { text } careRecord { services { type } }
  gpRecord { problems { code { code } } } hospitalRecords { encounters { start } } summaryRecord { criticalInformation { type } }
  medications { atc hasDiscrepancy } } }`;
const WORKLIST_ONE = WORKLIST.replace('query($nins: [String!]!) { patients(nins: $nins)', 'query($nin: String!) { patient(nin: $nin)');

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? NaN };
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '—');

async function main(): Promise<void> {
  console.log(`Starting the system with ${LATENCY} ms per legacy call…`);
  const system = await TestSystem.start({ env: { SIM_LATENCY_MS: String(LATENCY), LOG_LEVEL: 'error' }, sourceTimeoutMs: 10_000 });
  try {
    const persons = getPopulation().persons.filter((p) => p.careRecord && p.hospitalRecords.length && p.gpRecord);
    const check = await system.query(SUMMARY, { nin: persons[0]?.nin });
    if (check.body.errors) throw new Error(`summary query failed: ${JSON.stringify(check.body.errors)}`);

    // Calls one summary makes, per instance: the sum of their latencies is what calling them one after another would cost.
    await system.reset();
    await system.query(SUMMARY, { nin: persons[1]?.nin });
    const calls = Object.entries(await system.stats()).filter(([, s]) => s.requests > 0);
    const totalCalls = calls.reduce((n, [, s]) => n + s.requests, 0);
    const sumOfLatencies = totalCalls * LATENCY;

    // Cold: a patient not asked before (the summary record needs a new ticket). Warm: the same patient again.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const nin = persons[(i % (persons.length - 2)) + 2]?.nin;
      cold.push((await timed(() => system.query(SUMMARY, { nin })))[0]);
      warm.push((await timed(() => system.query(SUMMARY, { nin })))[0]);
    }

    // Worklist: 50 patients in one request against 50 requests one after another.
    const nins = getPopulation().persons.slice(100, 150).map((p) => p.nin);
    await system.reset();
    const [batchMs, batch] = await timed(() => system.query(WORKLIST, { nins }));
    if (batch.body.errors) throw new Error(`worklist failed: ${JSON.stringify(batch.body.errors).slice(0, 500)}`);
    const batchCalls = Object.values(await system.stats()).reduce((n, s) => n + s.requests, 0);
    await system.reset();
    const [singleMs] = await timed(async () => {
      for (const nin of nins) await system.query(WORKLIST_ONE, { nin });
    });
    const singleCalls = Object.values(await system.stats()).reduce((n, s) => n + s.requests, 0);

    // 100 patients: more than the hospital and summary-record take in one call (50), so reads are split.
    const hundred = getPopulation().persons.slice(200, 300).map((p) => p.nin);
    const bigRuns: number[] = [];
    for (let i = 0; i < 5; i++) bigRuns.push((await timed(() => system.query(WORKLIST, { nins: hundred })))[0]);

    const c = stats(cold);
    const w = stats(warm);
    console.log(`
Patient summary (the README's first query), ${RUNS} runs, ${LATENCY} ms per legacy call
  legacy calls per summary      ${totalCalls}  (${calls.map(([id, s]) => `${id} ${s.requests}`).join(', ')})
  sum of their latencies        ${fmt(sumOfLatencies)}   (what calling them one after another would cost)
  critical path, cold            ${fmt(3 * LATENCY)}   (registries, then the summary record's ticket, then its data)
  critical path, warm            ${fmt(2 * LATENCY)}   (registries, then every source at once; the ticket is held)
  cold  median / p95 / min      ${fmt(c.median)} ${fmt(c.p95)} ${fmt(c.min)}   ratio to sum ${ratio(c.median, sumOfLatencies)}, to critical path ${ratio(c.median, 3 * LATENCY)}
  warm  median / p95 / min      ${fmt(w.median)} ${fmt(w.p95)} ${fmt(w.min)}   ratio to sum ${ratio(w.median, sumOfLatencies)}, to critical path ${ratio(w.median, 2 * LATENCY)}

Worklist of 50 patients
  one request (patients)        ${fmt(batchMs)}   legacy calls ${batchCalls}
  50 requests in a row          ${fmt(singleMs)}   legacy calls ${singleCalls}
  ratio                         ${(singleMs / batchMs).toFixed(1)}× faster, ${(singleCalls / batchCalls).toFixed(1)}× fewer calls

Worklist of 100 patients (split into calls of at most 50 where a source takes no more), 5 runs
  one request, median / min     ${fmt(stats(bigRuns).median)} ${fmt(stats(bigRuns).min)}
`);
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
