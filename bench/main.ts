/**
 * `npm run bench [-- --latency N] [--json FILE] [--cache redis|memory] [--mode embedded|separate|both]`: builds,
 * then measures each mode of the system (subgraphs in their own processes, with a plain @apollo/gateway beside
 * ours over the same subgraphs; subgraphs embedded in the gateway's process, as `npm start` runs), compiled, with
 * the simulators answering after N ms per call (default 40) and the source cache in a private redis-server when
 * the binary is found (as deployed), else in process. For each mode a second system with the source cache off
 * (SOURCE_CACHE=off) gives the cold worklists and the throughput the cache is compared with. Prints the targets
 * of both modes side by side and writes them as JSON. Everything it starts is stopped when it ends, fails or is
 * interrupted. About seven minutes for both modes.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { adapterManifest } from '../adapters';
import { instancesOf, loadSources, type SystemName } from '../lib/config';
import { redisServerAvailable, startPrivateRedis } from '../scripts/privateRedis';
import { startSystem, EMBEDDED_NODE_FLAGS, NODE_FLAGS, type RunningSystem, type Runtime, type SystemMode } from '../scripts/system';
import { getPopulation } from '../simulators/population';
import { BenchClient, expectClean, type InstanceStats } from './client';
import { measureAlerts, type AlertFigures } from './alerts';
import { measureResearch, researchTargets } from './research';
import { closedLoop, p50, p95, type LoadResult } from './load';
import { cpuMs, pssMb, rssByProcess, stealMs } from './processStats';
import { aliases, SUMMARY, SUMMARY_WITH_WARNINGS, TYPENAME, WORKLIST } from './queries';
import { printReport, type Target } from './report';

interface Options {
  latency: number;
  json: string | undefined;
  runtime: Runtime;
  /** V8 flags for our processes instead of scripts/system.ts's NODE_FLAGS, to compare settings. */
  nodeFlags: string[] | undefined;
  /** The shared cache: a private redis-server (as deployed; the default where the binary exists) or in-process. */
  cache: 'redis' | 'memory';
  /** The modes measured, side by side (`--mode embedded|separate|both`, default both). */
  modes: SystemMode[];
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`--${name} needs a value`);
    return v;
  };
  const latency = Number(value('latency') ?? 40);
  if (!Number.isInteger(latency) || latency < 0) throw new Error('--latency must be a whole number of milliseconds');
  const runtime = value('runtime') ?? 'compiled';
  if (runtime !== 'compiled' && runtime !== 'tsx') throw new Error('--runtime must be compiled or tsx');
  const flags = value('node-flags');
  const cache = value('cache') ?? (redisServerAvailable() ? 'redis' : 'memory');
  if (cache !== 'redis' && cache !== 'memory') throw new Error('--cache must be redis or memory');
  const mode = value('mode') ?? 'both';
  if (mode !== 'both' && mode !== 'embedded' && mode !== 'separate') throw new Error('--mode must be embedded, separate or both');
  const modes: SystemMode[] = mode === 'both' ? ['separate', 'embedded'] : [mode];
  return { latency, json: value('json'), runtime, cache, modes, nodeFlags: flags === undefined ? undefined : flags.split(' ').filter(Boolean) };
}

const persons = getPopulation().persons;
/** Patients with data in every sector: their summaries ask every kind of source. */
const rich = persons.filter((p) => p.careRecord && p.gpRecord && p.hospitalRecords.length > 0 && !p.addressProtection.startsWith('STRICTLY'));
/** `n` identity numbers of the population from the `from`th person on, round the end. */
const nins = (from: number, n: number) => Array.from({ length: n }, (_, i) => persons[(from + i) % persons.length]?.nin as string);
/** Each source instance's system (adapter). */
const systemOf = () => new Map(instancesOf(loadSources()).map((i) => [i.id, i.system]));
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function start(options: Options, mode: SystemMode, cache: 'on' | 'off', redisUrl: string): Promise<RunningSystem> {
  log(`starting the system (${mode}, ${options.runtime}, source cache ${cache === 'on' ? (redisUrl ? 'in a private Redis' : 'in process') : 'off'}, ${options.latency} ms per legacy call)…`);
  return startSystem({
    ports: 'auto',
    mode,
    output: 'capture',
    runtime: options.runtime,
    // Sources and subgraphs get far more time than any answer here takes: a slow answer is measured, not cut.
    sourceTimeoutMs: 20_000,
    env: {
      SIM_LATENCY_MS: String(options.latency),
      LOG_LEVEL: 'warn',
      SUBGRAPH_TIMEOUT_MS: '60000',
      // One persona asks far faster than a person: the per-reader limit would measure itself.
      RATE_LIMIT: 'off',
      // A private Redis (empty) or an in-process cache per start, whatever REDIS_URL the shell names; `off` keeps nothing.
      REDIS_URL: cache === 'on' ? redisUrl : '',
      ...(cache === 'off' ? { SOURCE_CACHE: 'off' } : {}),
    },
    ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
    // The plain Apollo Gateway reaches the subgraphs over HTTP: beside the separate-process system, with the cache on.
    ...(mode === 'separate' && cache === 'on' ? { extraGateways: [{ name: 'baseline-gateway', script: 'bench/baselineGateway.ts' }] } : {}),
  });
}

/** Summaries from `clients` loops for a while or a number of requests, cycling through `patients`. */
function summaries(client: BenchClient, patients: readonly string[], clients: number, limit: { seconds: number } | { total: number }, url?: string, query = SUMMARY) {
  return closedLoop(clients, limit, async (i) => {
    const answer = await client.query(query, { nin: patients[i % patients.length] }, url);
    const ok = answer.status === 200 && !answer.body.errors;
    return { ok, ...(ok ? {} : { failure: `HTTP ${answer.status} ${JSON.stringify(answer.body.errors?.[0] ?? '').slice(0, 300)}` }) };
  });
}

/**
 * Patients kept apart from the measured ones: warm-up, throughput and CPU read these. Not those whose
 * address is strictly confidential: the summary asks for their municipality, which is refused (rightly),
 * and a refusal would count as a failed request.
 */
const WARM = persons
  .slice(480)
  .filter((p) => !p.addressProtection.startsWith('STRICTLY'))
  .map((p) => p.nin);

/**
 * JIT, query plans and connections warmed, and the WARM patients read once. Then (d): 32 clients for 20 s,
 * at the same point in both systems' lives, so that only the source cache tells them apart.
 */
async function warmUpAndThroughput(client: BenchClient, baseline?: string) {
  log('warming up (JIT, query plans) on patients the latency measurements do not use…');
  expectClean(await client.query(SUMMARY, { nin: WARM[0] }), 'the first summary');
  await summaries(client, WARM, 4, { total: 80 });
  if (baseline) expectClean(await client.query(SUMMARY, { nin: WARM[0] }, baseline), 'the first summary through the baseline gateway');
  if (baseline) await summaries(client, WARM, 4, { total: 80 }, baseline);
  for (let i = 0; i < 2; i++) expectClean(await client.query(WORKLIST, { nins: WARM }), 'a worklist');
  log('(d) 32 clients, 20 s of warm summaries…');
  const steal = stealMs();
  const result = await summaries(client, WARM, 32, { seconds: 20 });
  return { ...result, stolenMs: stealMs() - steal };
}

/** Calls per source instance and route (kind of data) made by what `run` sends. */
async function callsOf(client: BenchClient, run: () => Promise<unknown>): Promise<Record<string, Record<string, number>>> {
  await client.reset();
  await run();
  const stats = await client.stats();
  return Object.fromEntries(Object.entries(stats).filter(([, s]) => s.requests > 0).map(([id, s]: [string, InstanceStats]) => [id, s.byRoute]));
}

/** Our processes (the gateway and any subgraph processes), not the simulators or the baseline gateway. */
const ours = (name: string) => name === 'gateway' || name.startsWith('subgraph-');
const sumOurs = (r: Record<string, number>) => Object.entries(r).filter(([n]) => ours(n)).reduce((t, [, v]) => t + v, 0);

/** CPU every one of our processes spent while `run` ran, summed, in ms. */
async function ourCpu<T>(system: RunningSystem, run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const pids = Object.entries(system.pids()).filter(([n]) => ours(n));
  const before = pids.map(([, pid]) => cpuMs(pid));
  const result = await run();
  return { ms: pids.reduce((t, [, pid], i) => t + cpuMs(pid) - (before[i] ?? 0), 0), result };
}

/** What one mode measured. */
interface ModeFigures {
  mode: SystemMode;
  cold: number[];
  warm: number[];
  warmZero: number[];
  perSummary: Record<string, Record<string, number>>;
  throughputOn: LoadResult & { stolenMs: number };
  throughputOff: LoadResult & { stolenMs: number };
  /** CPU per warm summary: our gateway alone, every process of ours, and (separate mode) the plain Apollo Gateway. */
  cpu: { gatewayMs: number; allMs: number; requests: number; failed: number; baselineMs?: number; baselineRequests?: number; byProcess: Record<string, number> };
  warnings: Record<'without' | 'with', { ms: number; requests: number; failed: number; latency: number[] }>;
  idle: Record<string, number>;
  loaded: Record<string, number>;
  loadedPss: Record<string, number>;
  small: { ms: number; status: number };
  aliasRequest: { ms: number; status: number; code: unknown };
  kinds: Record<string, Record<string, number>>;
  worklistCalls: Record<string, Record<string, number>>;
  worklist: Record<string, number[]>;
  thousandCalls: Record<string, Record<string, number>>;
  /** CPU of every process of ours over the 100-patient worklists, per patient (cache off). */
  worklistCpuPerPatientMs: number;
  /** The same worklists read again from the source cache: latencies, and CPU per patient. */
  warmWorklist: number[];
  warmWorklistCpuPerPatientMs: number;
  afterWorklists: Record<string, number>;
  afterWorklistsPss: Record<string, number>;
}

/**
 * Everything measured for one mode: system A (source cache on; in separate mode with the plain Apollo Gateway
 * beside ours) and system B (cache off: cold worklists, the throughput the cache is compared with).
 */
async function measureMode(mode: SystemMode, options: Options, running: Set<RunningSystem>, redisUrl: () => Promise<{ url: string; stop(): Promise<void> } | undefined>): Promise<ModeFigures> {
  const L = options.latency;
  const redis = await redisUrl();
  const a = await start(options, mode, 'on', redis?.url ?? '');
  running.add(a);
  const baselineUrl = a.extraGatewayUrls['baseline-gateway']?.graphql as string | undefined;
  const client = await BenchClient.create(a);
  await sleep(2000);
  const idle = rssByProcess(a.pids());
  const throughputOn = await warmUpAndThroughput(client, baselineUrl);

  // (a) and (b): a patient never read before, then the same summary again.
  const measured = rich.filter((p) => persons.indexOf(p) < 480).slice(0, 30);
  log(`[${mode}] (a, b) ${measured.length} patients: first read, then the same summary again…`);
  const perSummary = await callsOf(client, () => client.query(SUMMARY, { nin: measured[0]?.nin }));
  const cold: number[] = [];
  const warm: number[] = [];
  for (const p of measured.slice(1)) {
    cold.push(expectClean(await client.query(SUMMARY, { nin: p.nin }), 'a summary').ms);
    warm.push(expectClean(await client.query(SUMMARY, { nin: p.nin }), 'a summary').ms);
  }
  const warmPatients = measured.map((p) => p.nin);

  // (e): the same fixed load through each gateway, CPU from /proc; alternated, so drift hits both alike.
  log(`[${mode}] (e) CPU per summary: ours${baselineUrl ? ' and the plain Apollo Gateway' : ''}, 2 × 150 summaries each, 8 clients…`);
  const cpu: ModeFigures['cpu'] = { gatewayMs: 0, allMs: 0, requests: 0, failed: 0, byProcess: {}, ...(baselineUrl ? { baselineMs: 0, baselineRequests: 0 } : {}) };
  for (let round = 0; round < 2; round++) {
    for (const which of baselineUrl ? (['ours', 'baseline'] as const) : (['ours'] as const)) {
      const pids = a.pids();
      const before = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuMs(pid)]));
      const result = await summaries(client, WARM, 8, { total: 150 }, which === 'ours' ? a.gatewayUrl : baselineUrl);
      const spent = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuMs(pid) - (before[n] ?? 0)]));
      if (which === 'baseline') {
        cpu.baselineMs = (cpu.baselineMs ?? 0) + (spent['baseline-gateway'] ?? NaN);
        cpu.baselineRequests = (cpu.baselineRequests ?? 0) + result.requests;
        continue;
      }
      cpu.gatewayMs += spent.gateway ?? NaN;
      cpu.allMs += sumOurs(spent);
      cpu.requests += result.requests;
      cpu.failed += result.failed;
      for (const [n, ms] of Object.entries(spent)) cpu.byProcess[n] = (cpu.byProcess[n] ?? 0) + ms;
    }
  }

  // (h): what decision support adds to a warm summary: every process's CPU and the latency, with and without
  // `clinicalWarnings` and each medicine's warnings; alternated, so drift hits both alike.
  log(`[${mode}] (h) warnings: warm summaries with and without decision support, 2 × 150 each, 8 clients…`);
  const warnings: ModeFigures['warnings'] = { without: { ms: 0, requests: 0, failed: 0, latency: [] }, with: { ms: 0, requests: 0, failed: 0, latency: [] } };
  for (let round = 0; round < 2; round++) {
    for (const which of ['without', 'with'] as const) {
      const { ms, result } = await ourCpu(a, () => summaries(client, WARM, 8, { total: 150 }, a.gatewayUrl, which === 'with' ? SUMMARY_WITH_WARNINGS : SUMMARY));
      warnings[which].ms += ms;
      warnings[which].requests += result.requests;
      warnings[which].failed += result.failed;
    }
  }
  for (const nin of warmPatients.slice(0, 20)) {
    warnings.without.latency.push(expectClean(await client.query(SUMMARY, { nin }), 'a summary').ms);
    warnings.with.latency.push(expectClean(await client.query(SUMMARY_WITH_WARNINGS, { nin }), 'a summary with warnings').ms);
  }

  // (c) warm: the same 100-patient worklists twice, the second from the source cache; what a worklist refreshed costs.
  log(`[${mode}] (c) 100-patient worklists, warm…`);
  for (let run = 0; run < 5; run++) expectClean(await client.query(WORKLIST, { nins: nins(100 * run, 100) }), 'a worklist');
  const warmWorklist: number[] = [];
  let warmWorklistCpu = 0;
  for (let run = 0; run < 5; run++) {
    const { ms, result } = await ourCpu(a, () => client.query(WORKLIST, { nins: nins(100 * run, 100) }));
    warmWorklist.push(expectClean(result, 'a worklist').ms);
    warmWorklistCpu += ms;
  }

  // (f): resident memory once the load is over.
  await sleep(1000);
  const loaded = rssByProcess(a.pids());
  const loadedPss = rssByProcess(a.pids(), pssMb);

  // (b) at 0 ms: what the graph itself costs, with the sources answering at once.
  log(`[${mode}] (b) warm summaries with the simulators at 0 ms…`);
  await client.setLatency(0);
  const warmZero: number[] = [];
  for (const nin of warmPatients) warmZero.push(expectClean(await client.query(SUMMARY, { nin }), 'a summary').ms);
  await client.setLatency(L);

  // (g): a small query while the gateway works on 150 aliases of a federated field.
  log(`[${mode}] (g) a small query during a 150-alias request (planning it can take Apollo Gateway many seconds)…`);
  const t0 = performance.now();
  const big = client.query(aliases(150), { nin: warmPatients[0] }, a.gatewayUrl, { fresh: true, signal: AbortSignal.timeout(120_000) }).then(
    (answer) => ({ ms: performance.now() - t0, status: answer.status, code: answer.body.errors?.[0]?.extensions?.code ?? null }),
    (error: unknown) => ({ ms: performance.now() - t0, status: 0, code: String(error) }),
  );
  await sleep(300);
  const small = await client.query(TYPENAME, {}, a.gatewayUrl, { fresh: true });
  const aliasRequest = await big;
  await client.close();
  await a.stop();
  running.delete(a);
  await redis?.stop();

  // —— System B: the source cache off. Cold worklists (every read goes to the sources) and throughput. ——
  const b = await start(options, mode, 'off', '');
  running.add(b);
  const clientB = await BenchClient.create(b);
  const throughputOff = await warmUpAndThroughput(clientB);

  log(`[${mode}] (c) worklists of 1, 10, 100 and 1,000 patients…`);
  // The kinds of data each system is asked for, per route: what a worklist of one patient costs, for one
  // patient of each municipality (so that every kind of system is asked).
  const kinds: Record<string, Record<string, number>> = {};
  const systems = systemOf();
  const single = [...new Map(rich.filter((p) => persons.indexOf(p) >= 100 && persons.indexOf(p) < 480).map((p) => [p.municipality, p])).values()];
  for (const p of single) {
    const calls = await callsOf(clientB, async () => expectClean(await clientB.query(WORKLIST, { nins: [p.nin] }), 'a worklist of one'));
    for (const [id, routes] of Object.entries(calls)) {
      const perRoute = (kinds[systems.get(id) ?? id] ??= {});
      for (const [route, n] of Object.entries(routes)) perRoute[route] = Math.max(perRoute[route] ?? 0, n);
    }
  }
  const worklistCalls = await callsOf(clientB, async () => expectClean(await clientB.query(WORKLIST, { nins: nins(0, 100) }), 'a worklist'));
  const worklist: Record<string, number[]> = { '10': [], '100': [], '1000': [] };
  let worklistCpu = 0;
  for (let run = 0; run < 5; run++) {
    worklist['10']?.push(expectClean(await clientB.query(WORKLIST, { nins: nins(100 * run + 7, 10) }), 'a worklist').ms);
    const { ms, result } = await ourCpu(b, () => clientB.query(WORKLIST, { nins: nins(100 * run, 100) }));
    worklist['100']?.push(expectClean(result, 'a worklist').ms);
    worklistCpu += ms;
  }
  // 1,000 patients: ten requests of 100 (the API's limit per request), sent at once, as a client in a hurry would.
  let thousandCalls: Record<string, Record<string, number>> = {};
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const calls = await callsOf(clientB, () =>
      Promise.all(Array.from({ length: 10 }, async (_, i) => expectClean(await clientB.query(WORKLIST, { nins: nins(100 * i + run * 37, 100) }), 'a worklist'))),
    );
    worklist['1000']?.push(performance.now() - t);
    if (run === 0) thousandCalls = calls;
  }
  // (f): the whole system's memory after the worklists, the heaviest load it meets.
  await sleep(1000);
  const afterWorklists = rssByProcess(b.pids());
  const afterWorklistsPss = rssByProcess(b.pids(), pssMb);
  await clientB.close();
  await b.stop();
  running.delete(b);
  return {
    mode,
    cold,
    warm,
    warmZero,
    perSummary,
    throughputOn,
    throughputOff,
    cpu,
    warnings,
    idle,
    loaded,
    loadedPss,
    small,
    aliasRequest,
    kinds,
    worklistCalls,
    worklist,
    thousandCalls,
    worklistCpuPerPatientMs: worklistCpu / 500,
    warmWorklist,
    warmWorklistCpuPerPatientMs: warmWorklistCpu / 500,
    afterWorklists,
    afterWorklistsPss,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const L = options.latency;
  const started = Date.now();
  const running = new Set<RunningSystem>();
  const redisServers = new Set<{ stop(): Promise<void> }>();
  const stopAll = () => Promise.all([...[...running].map((s) => s.stop().finally(() => running.delete(s))), ...[...redisServers].map((r) => r.stop())]);
  // Ctrl-C or a kill: stop every process first (the processes also stop when this one's IPC channel closes).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping…`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  // A private Redis per system with the cache on: each starts empty.
  const redis = async () => {
    if (options.cache !== 'redis') return undefined;
    const server = await startPrivateRedis();
    redisServers.add(server);
    return { url: server.url, stop: () => server.stop().finally(() => redisServers.delete(server)) };
  };
  try {
    const figures: Partial<Record<SystemMode, ModeFigures>> = {};
    for (const mode of options.modes) figures[mode] = await measureMode(mode, options, running, redis);
    // The plain Apollo Gateway runs beside the separate-process system (it needs subgraphs to call over HTTP).
    const baseline = figures.separate?.cpu;
    const baselineCpu = baseline?.baselineMs !== undefined && baseline.baselineRequests ? baseline.baselineMs / baseline.baselineRequests : NaN;
    const targets: Record<string, Target[]> = Object.fromEntries(Object.entries(figures).map(([mode, f]) => [mode, targetsOf(f, L, baselineCpu)]));
    // Live alerts (issue 20): on the embedded system with the cache in a private Redis, as deployed on one machine.
    const alertRedis = await redis();
    const alertSystem = await start(options, 'embedded', 'on', alertRedis?.url ?? '');
    running.add(alertSystem);
    const alerts = await measureAlerts(alertSystem, { log });
    await alertSystem.stop().finally(() => running.delete(alertSystem));
    await alertRedis?.stop();
    targets.alerts = alertTargets(alerts);
    // Research aggregates (issue 21): one over the whole population on an embedded system of its own with the source
    // cache off (every read reaches the sources): its legacy calls, its wall time, the clinical summary meanwhile.
    const researchSystem = await start(options, 'embedded', 'off', '');
    running.add(researchSystem);
    const research = await measureResearch(researchSystem, { log });
    await researchSystem.stop().finally(() => running.delete(researchSystem));
    targets.research = researchTargets(research);
    const raw = {
      latencyMs: L,
      runtime: options.runtime,
      modes: options.modes,
      cache: options.cache === 'redis' ? 'a private redis-server' : 'in-process (no redis-server found)',
      nodeFlags: options.nodeFlags ?? { separate: NODE_FLAGS, embeddedGateway: EMBEDDED_NODE_FLAGS },
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverageAtEnd: os.loadavg().map(round) },
      seconds: round((Date.now() - started) / 1000),
      baselineGatewayCpuMsPerSummary: round(baselineCpu),
      byMode: Object.fromEntries(Object.entries(figures).map(([mode, f]) => [mode, rawOf(f)])),
      alerts,
      research,
    };
    printReport(targets, raw);
    if (options.json) {
      writeFileSync(options.json, `${JSON.stringify({ targets, ...raw }, null, 2)}\n`);
      log(`wrote ${options.json}`);
    }
  } catch (error) {
    // What the processes said last, to tell a crash or a timeout from a wrong answer.
    for (const system of running) console.error(`\nThe processes' last lines:\n${system.output()}`);
    throw error;
  } finally {
    await stopAll();
  }
}

/** Live alerts: every alert delivered, within a second, and as fast at the end of the run as after its first second. */
function alertTargets(a: AlertFigures): Target[] {
  const t = (name: string, value: number, limit: number, met: boolean, unit: string): Target => ({ name, value: round(value), limit: round(limit), met, unit });
  return [
    t(`(alerts) ${a.subscribers} subscribers, ${a.eventsPerSecond} alarms/s: alerts not delivered`, a.expected - a.delivered, 0, a.delivered === a.expected && a.duplicates === 0, ''),
    t('(alerts) push to subscriber, p95', a.latencyMs.p95, 1000, a.latencyMs.p95 <= 1000, 'ms'),
    t("(alerts) keeps up: the last second's p95", a.lastSecondP95Ms, 1000, a.lastSecondP95Ms <= 1000, 'ms'),
  ];
}

/** The targets of one mode (issue 18's first, then the earlier ones), `baselineCpu` the plain Apollo Gateway's CPU per summary. */
function targetsOf(f: ModeFigures, L: number, baselineCpu: number): Target[] {
  const targets: Target[] = [];
  const target = (name: string, value: number, limit: number, met: boolean, unit: string) => targets.push({ name, value: round(value), limit: round(limit), met, unit });
  const coldP50 = p50(f.cold);
  const warmP50 = p50(f.warm);
  const allCpu = f.cpu.allMs / f.cpu.requests;
  // The plain Apollo Gateway runs beside the separate system only: with `--mode embedded` there is nothing to compare with.
  if (Number.isFinite(baselineCpu)) target('CPU per warm summary, every process of ours (≤ 2 × plain Apollo Gateway)', allCpu, 2 * baselineCpu, allCpu <= 2 * baselineCpu && f.cpu.failed === 0, 'ms');
  target('CPU per worklist patient, every process of ours, cache warm', f.warmWorklistCpuPerPatientMs, 1.5, f.warmWorklistCpuPerPatientMs <= 1.5, 'ms');
  target('CPU per worklist patient, every process of ours, cache off', f.worklistCpuPerPatientMs, 1.5, f.worklistCpuPerPatientMs <= 1.5, 'ms');
  target(`100-patient worklist, p50, cache off (${L} ms per source)`, p50(f.worklist['100'] ?? []), 300, p50(f.worklist['100'] ?? []) <= 300, 'ms');
  target('100-patient worklist, p50, cache warm', p50(f.warmWorklist), 300, p50(f.warmWorklist) <= 300, 'ms');
  target(`a. first read of a patient, p50 (≤ 2.5 × ${L} ms)`, coldP50, 2.5 * L, coldP50 <= 2.5 * L, 'ms');
  const ratio = f.throughputOn.perSecond / f.throughputOff.perSecond;
  target('d. warm summaries/s at 32 clients, cache on ÷ cache off', ratio, 3, ratio >= 3 && f.throughputOn.failed === 0, '×');
  const whole = sumOurs(f.afterWorklists);
  target('f. whole system resident memory after the worklists', whole, 700, whole <= 700, 'MB');
  target('b. the same summary warm, p50 (≤ 0.3 × a)', warmP50, 0.3 * coldP50, warmP50 <= 0.3 * coldP50, 'ms');
  target('b. warm summary at 0 ms latency, p50', p50(f.warmZero), 30, p50(f.warmZero) <= 30, 'ms');
  const { extra } = worklistCheck(f);
  target('c. 100-patient worklist: calls beyond one per source and kind of data', extra.length, 0, extra.length === 0, 'routes');
  // Only where the gateway is a process of its own is its CPU comparable with a plain gateway's.
  if (f.mode === 'separate') {
    const gatewayCpu = f.cpu.gatewayMs / f.cpu.requests;
    target('e. gateway CPU per summary, ours (baseline is the limit)', gatewayCpu, baselineCpu, gatewayCpu <= baselineCpu, 'ms');
    target('f. gateway resident memory after the load', f.loaded.gateway ?? NaN, 250, (f.loaded.gateway ?? Infinity) <= 250, 'MB');
  }
  target('g. { __typename } during a 150-alias request', f.small.ms, 100, f.small.ms <= 100 && f.small.status === 200, 'ms');
  const warningCpu = (w: 'with' | 'without') => f.warnings[w].ms / f.warnings[w].requests;
  const warningsAdd = (warningCpu('with') / warningCpu('without') - 1) * 100;
  target('h. CPU warnings add to a warm summary, all processes (≤ 10 %)', warningsAdd, 10, warningsAdd <= 10 && f.warnings.with.failed === 0, '%');
  return targets;
}

/**
 * The 100-patient worklist's calls against one per source and kind of data: the calls allowed per route, the
 * routes over it, and the routes a worklist of one never takes (a source's follow-up pages, FHIR Bundle paging:
 * listed, not counted).
 */
function worklistCheck(f: ModeFigures): { allowed: Record<string, Record<string, number>>; extra: string[]; paging: string[] } {
  const allowed = worklistLimits(100, f.kinds, systemOf());
  const extra: string[] = [];
  const paging: string[] = [];
  for (const [id, routes] of Object.entries(f.worklistCalls)) {
    for (const [route, n] of Object.entries(routes)) {
      const limit = allowed[id]?.[route];
      if (limit === undefined) paging.push(`${id} ${route}: ${n}`);
      else if (n > limit) extra.push(`${id} ${route}: ${n} calls, ${limit} expected`);
    }
  }
  return { allowed, extra, paging };
}

/** The figures behind one mode's targets, as the JSON keeps them. */
function rawOf(f: ModeFigures) {
  const { allowed, extra, paging } = worklistCheck(f);
  const warningCpu = (w: 'with' | 'without') => f.warnings[w].ms / f.warnings[w].requests;
  return {
    warnings: {
      note: 'the warm summary with `clinicalWarnings` and each medicine\'s `warnings`, against the same summary without; CPU summed over every process of ours',
      cpuMsPerSummary: { without: round(warningCpu('without')), with: round(warningCpu('with')) },
      failed: { without: f.warnings.without.failed, with: f.warnings.with.failed },
      warmMs: { without: summaryOf(f.warnings.without.latency), with: summaryOf(f.warnings.with.latency) },
    },
    summary: {
      legacyCallsPerSummary: f.perSummary,
      coldMs: summaryOf(f.cold),
      warmMs: summaryOf(f.warm),
      warmAtZeroLatencyMs: summaryOf(f.warmZero),
    },
    worklist: {
      note: 'cache off; 1,000 patients = ten requests of 100 sent at once (the population has 520 people, so patients repeat)',
      ms: Object.fromEntries(Object.entries(f.worklist).map(([n, v]) => [n, summaryOf(v)])),
      cpuMsPerPatient: round(f.worklistCpuPerPatientMs),
      warm: { note: 'cache on: the same 100-patient worklists read a second time', ms: summaryOf(f.warmWorklist), cpuMsPerPatient: round(f.warmWorklistCpuPerPatientMs) },
      callsFor100: f.worklistCalls,
      kindsOfDataPerSystemAndRoute: f.kinds,
      allowedCallsPerRouteFor100: allowed,
      callsBeyondAllowed: extra,
      followUpPages: paging,
      callsFor1000: f.thousandCalls,
    },
    throughput: { cacheOn: throughputOf(f.throughputOn), cacheOff: throughputOf(f.throughputOff) },
    cpu: {
      note: 'warm summaries, 8 clients; "all" sums every process of ours (gateway and subgraphs; not the simulators, which stand in for the legacy systems)',
      allMsPerSummary: round(f.cpu.allMs / f.cpu.requests),
      gatewayMsPerSummary: round(f.cpu.gatewayMs / f.cpu.requests),
      ...(f.cpu.baselineMs !== undefined ? { baselineMsPerSummary: round(f.cpu.baselineMs / (f.cpu.baselineRequests ?? NaN)) } : {}),
      requests: f.cpu.requests,
      failed: f.cpu.failed,
      msPerSummaryByProcess: Object.fromEntries(Object.entries(f.cpu.byProcess).map(([n, ms]) => [n, round(ms / f.cpu.requests)])),
    },
    memoryMb: {
      idle: roundAll(f.idle),
      afterLoad: roundAll(f.loaded),
      // VmRSS counts pages shared by every process (the node binary) in full in each; PSS divides them.
      pssAfterLoad: roundAll(f.loadedPss),
      afterWorklists: roundAll(f.afterWorklists),
      pssAfterWorklists: roundAll(f.afterWorklistsPss),
      wholeSystemAfterWorklists: { rss: round(sumOurs(f.afterWorklists)), pss: round(sumOurs(f.afterWorklistsPss)) },
    },
    aliases: { smallQueryMs: round(f.small.ms), smallQueryStatus: f.small.status, aliasRequest: { ...f.aliasRequest, ms: round(f.aliasRequest.ms) } },
  };
}

/**
 * How many calls each instance may take for a worklist of `n` patients, per route: one per kind of data (as
 * many as a worklist of one patient makes there), times the parts its batch limit (the adapter manifest's
 * maxBatch) splits a read of `n` into; for a protocol with one patient per message (`messagePerKey`), one
 * message per patient.
 */
function worklistLimits(n: number, kinds: Record<string, Record<string, number>>, systemOf: Map<string, SystemName>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    [...systemOf].map(([id, system]) => [
      id,
      // A protocol that asks one patient per message (HL7 v2's QBP^Q11) makes a message per patient: at most n.
      Object.fromEntries(
        Object.entries(kinds[system] ?? {}).map(([route, k]) => [route, adapterManifest(system).messagePerKey ? k * n : k * Math.ceil(n / adapterManifest(system).maxBatch)]),
      ),
    ]),
  );
}

function throughputOf(r: LoadResult & { stolenMs: number }) {
  return { perSecond: round(r.perSecond), requests: r.requests, failed: r.failed, firstFailure: r.firstFailure ?? null, p50Ms: round(p50(r.latencies)), p95Ms: round(p95(r.latencies)), cpuStolenByHypervisorMs: r.stolenMs };
}

const round = (v: number) => Math.round(v * 10) / 10;
const roundAll = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]));
function summaryOf(samples: number[]) {
  return { n: samples.length, p50: round(p50(samples)), p95: round(p95(samples)), min: round(Math.min(...samples)), max: round(Math.max(...samples)) };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nThe benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
