import { writeFileSync } from 'node:fs';
import { DevIdentityProvider } from '../gateway/devIdp/DevIdentityProvider';
import { loadOrganisations } from '../lib/config';
import { startSystem, type RunningSystem } from '../scripts/system';
import { getPopulation } from '../simulators/population';
import { BenchClient, expectClean } from './client';
import { p50, p95 } from './load';
import { cpuMs } from './processStats';
import { SUMMARY } from './queries';
import { printReport, type Target } from './report';

/**
 * A research aggregate over the whole synthetic population (issue 21), on one system with the source cache off (every
 * read goes to the simulated legacy systems):
 *
 * 1. The job alone: one aggregate as the `researcher` persona (under her approval), over the population register's
 *    national extract (no place named: everyone), started with `startAggregate` and followed with `researchJob` every
 *    500 ms. Its wall time (from the start sent to COMPLETED seen), and the simulators' calls per source instance
 *    while it ran and nothing else did: the job's own legacy calls (the polls go through the gateway too; a source
 *    they asked would show up as well, judged against the whole cohort).
 * 2. The clinical summary (SUMMARY, as an emergency physician, the patients main's throughput uses) from a few
 *    closed-loop clients, without a job and while one runs: without, with, with, without, so that drift hits both
 *    alike; each "with" runs the same job again (a new idempotency key) and counts only the summaries sent between
 *    its createdAt and updatedAt. The load's own legacy calls are not counted against the job: its calls come from
 *    run 1, where nothing else ran.
 *
 * Each job's reads are a request of its own (research/batches.ts): a job started right after another asks the sources
 * again (an earlier version shared request ids between jobs, and the second job read nothing; the bench found it).
 *
 * The job is throttled on purpose (research takes RESEARCH_SOURCE_SHARE, 0.25, of each source's callsPerSecond):
 * the wall time is what that gives.
 */

/** The question asked: a count of persons by age band and sex over the whole population. */
export const RESEARCH_QUESTION = { groupBy: ['AGE_BAND', 'SEX'] } as const;

const START = `mutation BenchStartAggregate($input: AggregateInput!) { startAggregate(input: $input) { replayed job { id status } } }`;
const JOB = `query BenchResearchJob($id: ID!) { researchJob(id: $id) { id status createdAt updatedAt attempts
  progress { patientsDone patientsTotal sourcesDone sourcesTotal share }
  result { cohortSize missingSectors cells { status } } error { code message } } }`;
const CANCEL = `mutation BenchCancelResearchJob($id: ID!) { cancelResearchJob(id: $id) { id status } }`;

interface JobAnswer {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  createdAt: string;
  updatedAt: string;
  attempts: number;
  progress: { patientsDone: number; patientsTotal: number; sourcesDone: number; sourcesTotal: number; share: number };
  result: { cohortSize: number; missingSectors: string[]; cells: { status: string }[] } | null;
  error: { code: string; message: string } | null;
}

/** One job run, as followed from outside. */
export interface JobRun {
  /** COMPLETED, FAILED, CANCELLED, or TIMEOUT when it did not end within the bench's limit (it is then cancelled). */
  status: string;
  /** From the start mutation sent to COMPLETED (or the end) seen by a poll every 500 ms. */
  wallSeconds: number;
  /** The job's own updatedAt − createdAt at its end (the server's clock; no polling granularity). */
  serverSeconds: number;
  patientsTotal: number;
  patientsDone: number;
  batches: number;
  attempts: number;
  cohortSize: number | null;
  missingSectors: string[];
  cells: { published: number; suppressed: number } | null;
  error: { code: string; message: string } | null;
  /** The server's createdAt and updatedAt, in ms since the epoch (the window "while the job runs"). */
  window: [number, number];
}

/** One source instance's calls for the job alone, against one call per 25 of the patients it holds. */
export interface SourceCalls {
  source: string;
  /** Patients of the cohort the job asks this instance about. */
  patients: number;
  /** How `patients` was found: the cohort itself (registries), or the residents the job routes to the instance. */
  basis: 'cohort' | 'routed' | 'whole cohort (not routed by the job)';
  calls: number;
  /** ceil(patients / 25). */
  allowed: number;
  callsPer25Patients: number;
  met: boolean;
  byRoute: Record<string, number>;
}

export interface LoadFigures {
  requests: number;
  failed: number;
  firstFailure: string | null;
  p50Ms: number;
  p95Ms: number;
  perSecond: number;
}

export interface ResearchFigures {
  question: string;
  latencyMsNote: string;
  /** The job alone: its calls are the ones reported per source. */
  alone: JobRun;
  /** CPU per process while the job ran alone, ms (the polls included). */
  jobCpuMs: Record<string, number>;
  patients: number;
  perSource: SourceCalls[];
  totalCalls: number;
  clinicalSummary: {
    clients: number;
    patients: number;
    note: string;
    without: LoadFigures;
    with: LoadFigures;
    /** p50 while a job runs ÷ p50 without. */
    ratio: number;
    /** Each phase in order (without, with, with, without). */
    phases: { phase: 'without' | 'with'; requests: number; p50Ms: number }[];
    jobsUnderLoad: JobRun[];
  };
}

const round = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const persons = getPopulation().persons;

/**
 * The patients main's throughput and CPU measurements read (bench/main.ts WARM): from the 480th person on, not those
 * whose address is strictly confidential (their summary's municipality is refused, rightly, which would count as a
 * failed request).
 */
export const CLINICAL_PATIENTS = persons
  .slice(480)
  .filter((p) => !p.addressProtection.startsWith('STRICTLY'))
  .map((p) => p.nin);

/**
 * The patients of the cohort each source instance is asked about, routed as research/facts.ts readRecords routes them:
 * the living residents of a municipality to its care instance and to its catchment hospitals, those listed with a GP
 * office to that office's instance. From the synthetic population and config/organisations.json (what the simulators
 * serve), not from the running system.
 */
export function routedCohorts(): Map<string, number> {
  const orgs = loadOrganisations();
  const counts = new Map<string, number>();
  const add = (instance: string | null | undefined) => instance && counts.set(instance, (counts.get(instance) ?? 0) + 1);
  for (const p of persons) {
    if (p.deceasedDate) continue;
    const municipality = orgs.municipalities.find((m) => m.number === p.municipality);
    add(municipality?.careInstance);
    for (const org of municipality?.hospitals ?? []) add(orgs.hospitals.find((h) => h.orgNumber === org)?.instance);
    add(p.gp ? orgs.gpOffices.find((o) => o.herId === p.gp?.officeHerId)?.instance : undefined);
  }
  return counts;
}

/** GraphQL as one reader (a persona's token), over fetch: research's few requests need no pool. */
function reader(system: RunningSystem, token: string) {
  return async <T>(query: string, variables: Record<string, unknown>, what: string): Promise<T> => {
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (response.status !== 200 || body.errors?.length || !body.data) throw new Error(`${what} failed (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 600)}`);
    return body.data;
  };
}

type Reader = ReturnType<typeof reader>;

let keys = 0;

/** Starts one aggregate (a new idempotency key) and follows it every 500 ms to its end (at most `limitSeconds`). */
async function runJob(ask: Reader, limitSeconds: number): Promise<JobRun> {
  const input = { idempotencyKey: `bench-research-${Date.now()}-${(keys += 1)}`, purpose: 'Benchmark: an aggregate over the whole population (issue 21)', ...RESEARCH_QUESTION };
  const t0 = performance.now();
  const started = await ask<{ startAggregate: { replayed: boolean; job: { id: string } } }>(START, { input }, 'startAggregate');
  if (started.startAggregate.replayed) throw new Error('startAggregate replayed a new idempotency key');
  const id = started.startAggregate.job.id;
  let job: JobAnswer | null = null;
  let status: string = 'TIMEOUT';
  while (performance.now() - t0 < limitSeconds * 1000) {
    await sleep(500);
    job = (await ask<{ researchJob: JobAnswer | null }>(JOB, { id }, 'researchJob')).researchJob;
    if (!job) throw new Error('researchJob answered null for the job just started');
    if (job.status === 'COMPLETED' || job.status === 'FAILED' || job.status === 'CANCELLED') {
      status = job.status;
      break;
    }
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  if (status === 'TIMEOUT') await ask(CANCEL, { id }, 'cancelResearchJob').catch(() => undefined);
  const created = job ? Date.parse(job.createdAt) : NaN;
  const updated = job ? Date.parse(job.updatedAt) : NaN;
  const cells = job?.result?.cells;
  return {
    status,
    wallSeconds: round2(wallSeconds),
    serverSeconds: round2((updated - created) / 1000),
    patientsTotal: job?.progress.patientsTotal ?? 0,
    patientsDone: job?.progress.patientsDone ?? 0,
    batches: job?.progress.sourcesTotal ?? 0,
    attempts: job?.attempts ?? 0,
    cohortSize: job?.result?.cohortSize ?? null,
    missingSectors: job?.result?.missingSectors ?? [],
    cells: cells ? { published: cells.filter((c) => c.status === 'PUBLISHED').length, suppressed: cells.filter((c) => c.status !== 'PUBLISHED').length } : null,
    error: job?.error ?? null,
    window: [created, status === 'TIMEOUT' ? Date.now() : updated],
  };
}

interface Sample {
  at: number;
  ms: number;
  ok: boolean;
  failure?: string;
}

/** `clients` closed loops of summaries, cycling through the patients, for as long as `going()` says. */
async function summaryLoad(client: BenchClient, clients: number, going: () => boolean, counter: { i: number }): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (going()) {
        const nin = CLINICAL_PATIENTS[counter.i++ % CLINICAL_PATIENTS.length];
        const at = Date.now();
        const t0 = performance.now();
        const answer = await client.query(SUMMARY, { nin }).catch((error: unknown) => ({ status: 0, ms: 0, body: { errors: [{ message: String(error) }] } }));
        const ok = answer.status === 200 && !answer.body.errors;
        samples.push({ at, ms: performance.now() - t0, ok, ...(ok ? {} : { failure: `HTTP ${answer.status} ${JSON.stringify(answer.body.errors?.[0] ?? '').slice(0, 300)}` }) });
      }
    }),
  );
  return samples;
}

function loadFigures(samples: Sample[], seconds: number): LoadFigures {
  const ms = samples.map((s) => s.ms);
  const failed = samples.filter((s) => !s.ok);
  return { requests: samples.length, failed: failed.length, firstFailure: failed[0]?.failure ?? null, p50Ms: round(p50(ms)), p95Ms: round(p95(ms)), perSecond: round(samples.length / Math.max(seconds, 0.001)) };
}

export async function measureResearch(
  system: RunningSystem,
  options: {
    /** Seconds of clinical load without a job, and at least as long with jobs running (each in two alternated halves). */
    seconds?: number;
    /** Closed-loop clients of the clinical summary. */
    clients?: number;
    /** The longest one job may take before it is cancelled and reported as TIMEOUT. */
    jobLimitSeconds?: number;
    log?: (line: string) => void;
  } = {},
): Promise<ResearchFigures> {
  const seconds = options.seconds ?? 15;
  const clients = options.clients ?? 4;
  const jobLimit = options.jobLimitSeconds ?? 600;
  const log = options.log ?? (() => undefined);
  const client = await BenchClient.create(system);
  const ask = reader(system, await (await DevIdentityProvider.load()).token('researcher'));
  try {
    // JIT, query plans and connections, as main warms up: on the patients the load reads.
    log('research: warming up (summaries, and the research subgraph)…');
    expectClean(await client.query(SUMMARY, { nin: CLINICAL_PATIENTS[0] }), 'the first summary');
    const counter = { i: 0 };
    let warm = 0;
    await summaryLoad(client, clients, () => warm++ < 80, counter);
    await ask(`{ researchCatalogue { threshold } }`, {}, 'researchCatalogue');

    // 1. The job alone: its calls and its wall time.
    log(`research: one aggregate over the whole population, alone (${JSON.stringify(RESEARCH_QUESTION)})…`);
    await client.reset();
    const pids = Object.entries(system.pids());
    const cpuBefore = pids.map(([, pid]) => cpuMs(pid));
    const alone = await runJob(ask, jobLimit);
    const stats = await client.stats();
    // CPU each process spent while the job ran alone (the gateway holds the subgraphs, and the job, in embedded mode).
    const jobCpuMs = Object.fromEntries(pids.map(([name, pid], i) => [name, Math.round(cpuMs(pid) - (cpuBefore[i] ?? 0))]));
    log(`research: ${alone.status} in ${alone.wallSeconds} s, ${alone.patientsTotal} patients`);

    const routed = routedCohorts();
    const register = loadOrganisations().registries;
    const perSource: SourceCalls[] = [];
    for (const [id, s] of Object.entries(stats)) {
      if (s.requests === 0) continue;
      // The population register (the extract, then each batch's persons) and the GP register are asked about everyone.
      const cohortWide = id === register.population || id === register.gpList;
      // An instance the job routes no patient to (a read the polls made, or a change in readRecords): judged against
      // the whole cohort, and said so.
      const patients = (cohortWide ? undefined : routed.get(id)) ?? alone.patientsTotal;
      const allowed = Math.ceil(patients / 25);
      perSource.push({
        source: id,
        patients,
        basis: cohortWide ? 'cohort' : routed.has(id) ? 'routed' : 'whole cohort (not routed by the job)',
        calls: s.requests,
        allowed,
        callsPer25Patients: round2((s.requests * 25) / Math.max(1, patients)),
        met: s.requests <= allowed,
        byRoute: s.byRoute,
      });
    }
    perSource.sort((a, b) => a.source.localeCompare(b.source));

    // 2. The clinical summary without a job and while one runs: A B B A (a drift in one direction, such as another
    // process on the machine starting or ending, hits both alike), one job per B.
    const half = seconds / 2;
    const without: Sample[] = [];
    const withJob: Sample[] = [];
    const jobsUnderLoad: JobRun[] = [];
    let withoutSeconds = 0;
    let withSeconds = 0;
    // Each phase's p50 in order (A B B A), to see drift beside the pooled figures.
    const phases: { phase: 'without' | 'with'; requests: number; p50Ms: number }[] = [];
    const withoutPhase = async () => {
      log(`research: the clinical summary, ${clients} clients, ${half} s without a job…`);
      const t0 = performance.now();
      const until = t0 + half * 1000;
      const samples = await summaryLoad(client, clients, () => performance.now() < until, counter);
      without.push(...samples);
      withoutSeconds += (performance.now() - t0) / 1000;
      phases.push({ phase: 'without', requests: samples.length, p50Ms: round(p50(samples.map((x) => x.ms))) });
    };
    const withPhase = async () => {
      log(`research: the clinical summary, ${clients} clients, while an aggregate runs…`);
      let running = true;
      const load = summaryLoad(client, clients, () => running, counter);
      let run: JobRun;
      try {
        run = await runJob(ask, jobLimit);
      } finally {
        running = false;
      }
      const samples = await load;
      // Only what was sent while the job was between its start and its end (the server's times), not in the half
      // second a poll may take to see it done.
      const during = samples.filter((s) => s.at >= run.window[0] && s.at <= run.window[1]);
      withJob.push(...during);
      phases.push({ phase: 'with', requests: during.length, p50Ms: round(p50(during.map((x) => x.ms))) });
      withSeconds += (run.window[1] - run.window[0]) / 1000;
      jobsUnderLoad.push(run);
      log(`research: under load, ${run.status} in ${run.wallSeconds} s`);
    };
    await withoutPhase();
    await withPhase();
    await withPhase();
    await withoutPhase();
    const withoutFigures = loadFigures(without, withoutSeconds);
    const withFigures = loadFigures(withJob, withSeconds);
    return {
      question: `COUNT by ${RESEARCH_QUESTION.groupBy.join(', ')}, whole population (no place named)`,
      latencyMsNote: 'the simulators answer after SIM_LATENCY_MS per call; source cache off',
      alone,
      jobCpuMs,
      patients: alone.patientsTotal,
      perSource,
      totalCalls: perSource.reduce((t, s) => t + s.calls, 0),
      clinicalSummary: {
        clients,
        patients: CLINICAL_PATIENTS.length,
        note: 'SUMMARY as an emergency physician, closed loop; without a job and while jobs run, alternated (without, with, with, without); "with" counts only summaries sent between a job\'s createdAt and updatedAt',
        without: withoutFigures,
        with: withFigures,
        ratio: round2(withFigures.p50Ms / withoutFigures.p50Ms),
        phases,
        jobsUnderLoad,
      },
    };
  } finally {
    await client.close();
  }
}

/** Issue 21's targets: at most one legacy call per 25 patients per source, the clinical summary's p50 at most 20 % slower. */
export function researchTargets(r: ResearchFigures): Target[] {
  const done = r.alone.status === 'COMPLETED';
  const over = r.perSource.filter((s) => !s.met);
  const ratioMet = r.clinicalSummary.ratio <= 1.2 && r.clinicalSummary.with.failed === 0 && r.clinicalSummary.without.failed === 0 && r.clinicalSummary.jobsUnderLoad.every((j) => j.status === 'COMPLETED');
  return [
    {
      name: `(research) ${r.patients} people, whole population: sources over 1 legacy call per 25 of their patients`,
      value: over.length,
      limit: 0,
      met: done && over.length === 0,
      unit: 'sources',
    },
    { name: `(research) clinical summary p50 while the job runs ÷ without (${r.clinicalSummary.clients} clients)`, value: r.clinicalSummary.ratio, limit: 1.2, met: ratioMet, unit: '×' },
  ];
}

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

/**
 * `npm run bench:research [-- --latency N] [--seconds N] [--clients N] [--json FILE]`: the research phase alone, on an
 * embedded system with the source cache off and the simulators at N ms per call (default 40, as main's).
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i < 0 ? undefined : argv[i + 1];
  };
  const latency = Number(value('latency') ?? 40);
  const seconds = Number(value('seconds') ?? 15);
  const clients = Number(value('clients') ?? 4);
  if (![latency, seconds, clients].every((n) => Number.isFinite(n) && n >= 0) || clients < 1) throw new Error('--latency, --seconds and --clients take positive numbers');
  const started = Date.now();
  log(`starting the system (embedded, compiled, source cache off, ${latency} ms per legacy call)…`);
  const system = await startSystem({
    ports: 'auto',
    mode: 'embedded',
    output: 'capture',
    runtime: 'compiled',
    sourceTimeoutMs: 20_000,
    env: { SIM_LATENCY_MS: String(latency), LOG_LEVEL: 'warn', SUBGRAPH_TIMEOUT_MS: '60000', RATE_LIMIT: 'off', REDIS_URL: '', SOURCE_CACHE: 'off' },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping…`);
      void system.stop().finally(() => process.exit(130));
    });
  }
  try {
    const figures = await measureResearch(system, { seconds, clients, log });
    const targets = { research: researchTargets(figures) };
    const raw = { latencyMs: latency, runtime: 'compiled', cache: 'off (SOURCE_CACHE=off)', seconds: round((Date.now() - started) / 1000), research: figures };
    printReport(targets, raw);
    const json = value('json');
    if (json) {
      writeFileSync(json, `${JSON.stringify({ targets, ...raw }, null, 2)}\n`);
      log(`wrote ${json}`);
    }
  } catch (error) {
    console.error(`\nThe processes' last lines:\n${system.output()}`);
    throw error;
  } finally {
    await system.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`\nThe research benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
