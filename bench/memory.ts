/**
 * `npm run bench:memory [-- --runtime tsx|compiled] [--node-flags "…"] [--latency N]`: resident memory of
 * every process (VmRSS), idle and after a fixed load: 300 patient summaries (8 clients, a different patient
 * each time, every one asked twice) and ten 100-patient worklists (two at a time). To compare runtimes and
 * V8 flags; `npm run bench` measures the compiled system under its own, longer load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NODE_FLAGS, startSystem, type Runtime } from '../scripts/system';
import { getPopulation } from '../simulators/population';
import { BenchClient, expectClean } from './client';
import { closedLoop } from './load';
import { cpuMs, pssMb, rssByProcess } from './processStats';
import { SUMMARY, WORKLIST } from './queries';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const runtime = (option('runtime') ?? 'compiled') as Runtime;
  const latency = Number(option('latency') ?? 40);
  // V8 flags instead of NODE_FLAGS (`--node-flags ""` for none), to compare settings.
  const given = option('node-flags');
  const flags = given === undefined ? NODE_FLAGS : given.split(' ').filter(Boolean);
  const names = ['simulators', 'gateway', 'subgraph-person', 'subgraph-care', 'subgraph-gp', 'subgraph-hospital', 'subgraph-national', 'subgraph-record'];
  console.log(`Starting the system (${runtime}${flags.length ? `, ${flags.join(' ')}` : ''}, ${latency} ms per legacy call)…`);
  const system = await startSystem({
    ports: 'auto',
    output: 'capture',
    runtime,
    sourceTimeoutMs: 10_000,
    env: { SIM_LATENCY_MS: String(latency), LOG_LEVEL: 'warn', REDIS_URL: '', SUBGRAPH_TIMEOUT_MS: '60000', RATE_LIMIT: 'off' },
    nodeFlags: flags,
  });
  const client = await BenchClient.create(system);
  try {
    await sleep(3000);
    const idle = rssByProcess(system.pids());
    const persons = getPopulation().persons;
    console.log('300 summaries…');
    const cpu = () => Object.fromEntries(Object.entries(system.pids()).map(([n, pid]) => [n, cpuMs(pid)]));
    const cpu0 = cpu();
    const summaries = await closedLoop(8, { total: 300 }, async (i) => {
      const answer = await client.query(SUMMARY, { nin: persons[Math.floor(i / 2) % persons.length]?.nin });
      return { ok: answer.status === 200 };
    });
    const cpu1 = cpu();
    const cpuPer = (filter: (n: string) => boolean) => Object.keys(cpu1).filter(filter).reduce((t, n) => t + ((cpu1[n] ?? 0) - (cpu0[n] ?? 0)), 0) / summaries.requests;
    console.log('ten 100-patient worklists…');
    await closedLoop(2, { total: 10 }, async (i) => {
      const nins = persons.slice((i * 100) % 500, ((i * 100) % 500) + 100).map((p) => p.nin);
      expectClean(await client.query(WORKLIST, { nins }), 'worklist');
      return { ok: true };
    });
    await sleep(1000);
    const loaded = rssByProcess(system.pids());
    const loadedPss = rssByProcess(system.pids(), pssMb);
    // What V8 gives back once idle (its memory reducer runs some seconds after the last allocation).
    await sleep(15_000);
    const settled = rssByProcess(system.pids());
    const mb = (v: number | undefined) => `${(v ?? NaN).toFixed(0).padStart(6)} MB`;
    const row = (name: string) => `  ${name.padEnd(20)} ${mb(idle[name])} ${mb(loaded[name])} ${mb(settled[name])}   ${mb(loadedPss[name])}`;
    const sum = (r: Record<string, number>) => Object.entries(r).filter(([n]) => n === 'gateway' || n.startsWith('subgraph-')).reduce((s, [, v]) => s + v, 0);
    console.log(`
Resident memory (VmRSS), ${runtime}${flags.length ? ` ${flags.join(' ')}` : ''}; ${summaries.failed} of 300 summaries failed
  process                idle  after load  15 s later   PSS after load
${names.map(row).join('\n')}
  ${'gateway + subgraphs'.padEnd(20)} ${mb(sum(idle))} ${mb(sum(loaded))} ${mb(sum(settled))}   ${mb(sum(loadedPss))}
CPU per summary: gateway ${cpuPer((n) => n === 'gateway').toFixed(1)} ms, subgraphs ${cpuPer((n) => n.startsWith('subgraph-')).toFixed(1)} ms, simulators ${cpuPer((n) => n === 'simulators').toFixed(1)} ms`);
  } finally {
    await client.close();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
