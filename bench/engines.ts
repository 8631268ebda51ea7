/**
 * `npm run bench:engines [-- --latency N] [--json FILE]`: the same summaries through each gateway engine over
 * one set of subgraphs (Apollo Gateway, Hive Gateway with its JavaScript planner, Hive with the Rust planner),
 * compiled, the source cache on (in process), simulators answering after N ms (default 40).
 *
 * Two loads per engine, alternated in rounds so that drift on a shared machine hits each alike:
 * - distinct patients: every client reads another patient, as a ward's or a municipality's users do;
 * - one patient: every client reads the same one at once (what made Hive look fast while its HTTP executor
 *   shared one subgraph answer between requests; it no longer may, so legacy calls per request stay at one per
 *   source and kind of data that the cache does not hold).
 * For each: summaries per second, p50 and p95, CPU per summary in the gateway and in the whole system, and
 * legacy calls per summary. About three minutes.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSystem, type RunningSystem } from '../scripts/system';
import { getPopulation } from '../simulators/population';
import { BenchClient, expectClean } from './client';
import { closedLoop, p50, p95 } from './load';
import { cpuMs, rssMb } from './processStats';
import { SUMMARY } from './queries';

const ENGINES = ['apollo', 'hive', 'hive-router'] as const;
type Engine = (typeof ENGINES)[number];

const log = (line: string) => console.log(`[bench:engines ${new Date().toISOString().slice(11, 19)}] ${line}`);
const round = (v: number, digits = 1) => Number(v.toFixed(digits));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** Patients whose summary reads without a refusal (not strictly confidential: the summary asks for the municipality). */
const patients = getPopulation()
  .persons.filter((p) => !p.addressProtection.startsWith('STRICTLY'))
  .map((p) => p.nin);

interface Tally {
  requests: number;
  failed: number;
  seconds: number;
  latencies: number[];
  gatewayCpuMs: number;
  systemCpuMs: number;
  legacyCalls: number;
}

const empty = (): Tally => ({ requests: 0, failed: 0, seconds: 0, latencies: [], gatewayCpuMs: 0, systemCpuMs: 0, legacyCalls: 0 });

async function main(): Promise<void> {
  const latency = Number(option('latency') ?? 40);
  const json = option('json');
  const clients = 16;
  const seconds = 8;
  const rounds = 2;
  let system: RunningSystem | undefined;
  process.once('SIGINT', () => void system?.stop().finally(() => process.exit(130)));
  try {
    log(`starting the system (compiled, source cache in process, ${latency} ms per legacy call) with all three engines…`);
    system = await startSystem({
      ports: 'auto',
      output: 'capture',
      runtime: 'compiled',
      sourceTimeoutMs: 20_000,
      env: { SIM_LATENCY_MS: String(latency), LOG_LEVEL: 'warn', SUBGRAPH_TIMEOUT_MS: '60000', REDIS_URL: '', RATE_LIMIT: 'off' },
      extraGateways: [
        { name: 'hive', script: 'gateway/hive/main.ts', env: { HIVE_RUNTIME: 'default' } },
        { name: 'hive-router', script: 'gateway/hive/main.ts', env: { HIVE_RUNTIME: 'router' } },
      ],
    });
    const running = system;
    const client = await BenchClient.create(running);
    const url: Record<Engine, string> = {
      apollo: running.gatewayUrl,
      hive: running.extraGatewayUrls.hive?.graphql as string,
      'hive-router': running.extraGatewayUrls['hive-router']?.graphql as string,
    };
    const gatewayProcess: Record<Engine, string> = { apollo: 'gateway', hive: 'hive', 'hive-router': 'hive-router' };
    const pids = running.pids();
    // Every process but the other engines: the gateway measured, the subgraphs and the simulators.
    const systemPids = (engine: Engine) => Object.entries(pids).filter(([name]) => !ENGINES.some((e) => gatewayProcess[e] === name && e !== engine));
    const legacyCalls = async () => Object.values(await client.stats()).reduce((n, s) => n + s.requests, 0);

    log('warming up each engine (JIT, plans, connections, the cache)…');
    for (const engine of ENGINES) {
      expectClean(await client.query(SUMMARY, { nin: patients[0] }, url[engine]), `a summary through ${engine}`);
      await closedLoop(4, { total: 60 }, async (i) => ({ ok: (await client.query(SUMMARY, { nin: patients[i % 40] }, url[engine])).status === 200 }));
    }

    const tallies: Record<'distinct' | 'same', Record<Engine, Tally>> = {
      distinct: { apollo: empty(), hive: empty(), 'hive-router': empty() },
      same: { apollo: empty(), hive: empty(), 'hive-router': empty() },
    };
    let offset = 0;
    for (let round_ = 0; round_ < rounds; round_++) {
      for (const load of ['distinct', 'same'] as const) {
        for (const engine of ENGINES) {
          log(`round ${round_ + 1}: ${engine}, ${load === 'distinct' ? 'distinct patients' : 'one patient'}, ${clients} clients, ${seconds} s…`);
          // Distinct patients start where the last run stopped, so that no engine reads what another just warmed.
          const base = offset;
          const same = patients[(round_ * 7 + ENGINES.indexOf(engine)) % patients.length];
          const processes = systemPids(engine);
          const before = Object.fromEntries(processes.map(([n, pid]) => [n, cpuMs(pid)]));
          const callsBefore = await legacyCalls();
          const result = await closedLoop(clients, { seconds }, async (i) => {
            const answer = await client.query(SUMMARY, { nin: load === 'same' ? same : patients[(base + i) % patients.length] }, url[engine]);
            const ok = answer.status === 200 && !answer.body.errors;
            return { ok, ...(ok ? {} : { failure: JSON.stringify(answer.body.errors?.[0] ?? answer.status).slice(0, 200) }) };
          });
          if (load === 'distinct') offset += result.requests;
          const spent = Object.fromEntries(processes.map(([n, pid]) => [n, cpuMs(pid) - (before[n] ?? 0)]));
          const t = tallies[load][engine];
          t.requests += result.requests;
          t.failed += result.failed;
          t.seconds += result.seconds;
          t.latencies.push(...result.latencies);
          t.gatewayCpuMs += spent[gatewayProcess[engine]] ?? NaN;
          t.systemCpuMs += Object.values(spent).reduce((a, b) => a + b, 0);
          t.legacyCalls += (await legacyCalls()) - callsBefore;
          if (result.failed) log(`  ${result.failed} failed: ${result.firstFailure}`);
          await sleep(500);
        }
      }
    }
    const memory = Object.fromEntries(ENGINES.map((e) => [e, round(rssMb(pids[gatewayProcess[e]] ?? 0))]));
    await client.close();

    const rows = (['distinct', 'same'] as const).flatMap((load) =>
      ENGINES.map((engine) => {
        const t = tallies[load][engine];
        return {
          load: load === 'distinct' ? 'distinct patients' : 'one patient',
          engine,
          perSecond: round(t.requests / t.seconds),
          p50Ms: round(p50(t.latencies)),
          p95Ms: round(p95(t.latencies)),
          gatewayCpuMsPerSummary: round(t.gatewayCpuMs / t.requests),
          systemCpuMsPerSummary: round(t.systemCpuMs / t.requests),
          legacyCallsPerSummary: round(t.legacyCalls / t.requests, 2),
          failed: t.failed,
        };
      }),
    );
    console.log(`\nEngines over the same subgraphs, ${clients} clients, ${rounds} × ${seconds} s each, ${latency} ms per legacy call, ${os.cpus().length} cores:\n`);
    console.table(rows);
    const ratio = (load: string, engine: Engine) => {
      const row = rows.find((r) => r.load === load && r.engine === engine);
      const apollo = rows.find((r) => r.load === load && r.engine === 'apollo');
      return row && apollo ? round(row.perSecond / apollo.perSecond, 2) : NaN;
    };
    for (const load of ['distinct patients', 'one patient']) {
      console.log(`${load}: summaries/s ÷ Apollo: hive ${ratio(load, 'hive')} ×, hive-router ${ratio(load, 'hive-router')} ×`);
    }
    console.log(`gateway resident memory after the load (MB): ${JSON.stringify(memory)}`);
    if (json) writeFileSync(json, `${JSON.stringify({ latencyMs: latency, clients, rounds, seconds, machine: { cpus: os.cpus().length, node: process.version }, rows, memoryMb: memory }, null, 2)}\n`);
  } catch (error) {
    if (system) console.error(`\nThe processes' last lines:\n${system.output()}`);
    throw error;
  } finally {
    await system?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\nThe engine benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
