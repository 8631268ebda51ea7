import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DIR, interpolateEnv, type SourcesConfig } from '../lib/config';
import { fromRoot, REPOSITORY_ROOT } from '../lib/repositoryRoot';
import type { ReadyMessage } from '../lib/service';
import { SUBGRAPH_NAMES, SUBGRAPHS, type SubgraphName } from '../lib/subgraphs';

/**
 * Starts the whole system as separate processes, the way it runs in production: the simulated legacy
 * systems, one process per subgraph, and the gateway. `npm start`, the end-to-end tests and the benchmark
 * all use this, so they exercise the same wiring.
 */

/**
 * How the processes run:
 * - `tsx`: the TypeScript sources, compiled file by file as they load (`node --require tsx/cjs`). No build
 *   step, so `npm test` needs none; each process holds about 60–90 MB more (the compiler, source maps).
 * - `compiled`: the JavaScript `npm run build` writes to dist/ (`node dist/….js`), as production runs it.
 */
export type Runtime = 'tsx' | 'compiled';

/**
 * V8 flags for every process (the Dockerfile's ENTRYPOINT passes the same; a test holds them equal). By
 * default V8 lets a young generation grow to 2 × 16 MB and lets garbage pile up in the old generation to
 * well past twice what is alive before it collects: after a few hundred summaries each process held 30–60
 * MB of garbage it never gave back. Young generation at most 2 × 8 MB, a first full collection at 16 MB and
 * old-generation limits 1.3 × what survived instead: 30–50 MB less per process after load, for no CPU cost
 * measurable on the gateway (`npm run bench`, README). Smaller young generations cost far more CPU (4 MB:
 * +30 %, 2 MB: +50 % per gateway request): requests then outlive a scavenge and are promoted.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=30', '--initial-old-space-size=16'];

/**
 * V8 flags for a gateway with the subgraphs in its process: one heap doing the work of seven, so a young
 * generation of 2 × 64 MB (fewer requests' objects live through a scavenge into the old generation) and an old
 * generation allowed to double before a full collection. Against NODE_FLAGS, a warm 100-patient worklist costs
 * about half the CPU (garbage collection was a third of it), for about 150 MB more in the one process
 * (`npm run bench`, issue 18).
 */
export const EMBEDDED_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--heap-growing-percent=100'];

/**
 * Where the subgraphs run:
 * - `embedded`: inside the gateway's process (EMBEDDED_SUBGRAPHS=all): the same subgraph code called in
 *   process, one Node.js heap for all; what `npm start` and small deployments run.
 * - `separate`: one process per subgraph behind HTTP and internal tokens, as a scaled-out deployment runs
 *   (docker-compose.yml); the end-to-end tests' default, since several of them kill or replace one subgraph.
 */
export type SystemMode = 'embedded' | 'separate';

/**
 * Where a system for people (`npm start`) listens: the gateway on `gateway`, and the rest either following it
 * (`follow`: the README's layout moved by as much as the gateway moved: subgraphs at gateway+1…+7, the
 * simulators' control API at gateway+100 and their instances at gateway+101…+161) or on free ports (`auto`).
 */
export interface PortPlan {
  gateway: number;
  others: 'follow' | 'auto';
}

/** The README's layout: gateway 4000, subgraphs 4001–4007, simulators 4100–4161. */
export const DEFAULT_GATEWAY_PORT = 4000;
/** The highest port of the default layout above the gateway's (the last simulator instance, 4161). */
const LAYOUT_SPAN = 161;

/**
 * The port plan `npm start` reads: PORT moves the gateway (and, by default, everything with it); PORTS=auto puts
 * everything but the gateway on free ports. Unset: the README's layout. Throws with what is wrong.
 */
export function portPlanFromEnv(env: NodeJS.ProcessEnv = process.env): 'default' | PortPlan {
  const others = env.PORTS?.trim() || 'follow';
  if (others !== 'follow' && others !== 'auto') throw new Error(`PORTS must be follow or auto, not ${JSON.stringify(others.slice(0, 40))}`);
  const given = env.PORT?.trim();
  if (!given && others === 'follow') return 'default';
  const gateway = given ? Number(given) : DEFAULT_GATEWAY_PORT;
  const highest = others === 'follow' ? 65535 - LAYOUT_SPAN : 65535;
  if (!Number.isInteger(gateway) || gateway < 1 || gateway > highest) {
    throw new Error(`PORT must be a whole number from 1 to ${highest}${others === 'follow' ? ` (the other processes follow it, up to PORT+${LAYOUT_SPAN}; PORTS=auto puts them on free ports)` : ''}, not ${JSON.stringify(given?.slice(0, 40))}`);
  }
  if (gateway === DEFAULT_GATEWAY_PORT && others === 'follow') return 'default';
  return { gateway, others };
}

export interface SystemOptions {
  /**
   * `default`: the fixed ports of the README (gateway 4000); a PortPlan: those moved or free (`npm start` with
   * PORT / PORTS); `auto`: free ports everywhere and a system kept apart (temporary access log and outbox, no
   * database): tests and benchmarks.
   */
  ports: 'default' | 'auto' | PortPlan;
  /**
   * Default: what SYSTEM_MODE names, else `embedded` on the README's ports (`npm start`) and `separate` on free
   * ones (tests, benchmarks).
   */
  mode?: SystemMode;
  /** Extra environment for every process (SIM_LATENCY_MS, SIM_BEHAVIOUR, LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Overrides every source's timeout, in milliseconds. */
  sourceTimeoutMs?: number;
  /** The sources file to start from instead of SOURCES_FILE or config/sources.json (tests that tune cache or resilience). */
  sourcesFile?: string;
  /** Subgraphs not to start, to test a gateway with a subgraph down. */
  skipSubgraphs?: SubgraphName[];
  /**
   * Research worker processes to start (`research-worker-1`, …: research/worker.ts, with the subgraphs' sources file and
   * environment). They take jobs from BullMQ, so they need REDIS_URL in `env`; RESEARCH_WORKERS=off there leaves every
   * job to them.
   */
  researchWorkers?: number;
  /** Where the gateway finds these subgraphs instead of the ones started here (for outage tests). */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** `prefix`: pass each line through with the process name; `capture`: keep the last lines for errors. */
  output: 'prefix' | 'capture';
  /** Default: `tsx`, or what SYSTEM_RUNTIME names (`SYSTEM_RUNTIME=compiled npm test` tests the build). */
  runtime?: Runtime;
  /** V8 flags for the system's processes instead of NODE_FLAGS (the benchmark compares settings with it). */
  nodeFlags?: readonly string[];
  /** More Node.js arguments for some processes, by name (`gateway`, `subgraph-person`…), e.g. `--cpu-prof`. */
  nodeArgs?: Record<string, string[]>;
  /**
   * More gateways to start over the same subgraphs, after the gateway and with its environment: the
   * benchmark's plain Apollo Gateway. `script` is the TypeScript source (`bench/baselineGateway.ts`). They
   * run with Node's defaults (no NODE_FLAGS), plus their `nodeArgs`.
   */
  extraGateways?: { name: string; script: string; env?: Record<string, string>; flags?: readonly string[] }[];
}

export interface RunningSystem {
  gatewayUrl: string;
  playgroundUrl: string;
  healthUrl: string;
  controlUrl: string;
  simulatorUrls: Record<string, string>;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  /** The access log file, when the log is kept in a file (not with DATABASE_URL). */
  auditLogFile: string | undefined;
  /** The research log file (research/researchLog.ts). */
  researchLogFile: string;
  runtime: Runtime;
  /** What each extra gateway reported (`graphql`, …), by name. */
  extraGatewayUrls: Record<string, Record<string, string>>;
  mode: SystemMode;
  /** The process id of each running process, by name (`simulators`, `subgraph-person`, …, `gateway`). */
  pids(): Record<string, number>;
  /** The last lines each process wrote (output `capture`). */
  output(): string;
  /** Everything captured so far (up to the last 5,000 lines). */
  log(): string[];
  /** Kills one process as a crash would (SIGKILL, no shutdown), by name (`subgraph-messaging`); resolves once it is gone. */
  kill(name: string): Promise<void>;
  /**
   * Starts a process that has ended (killed, crashed) again: the same script, arguments, environment and port,
   * with `env` on top. Resolves when it is ready.
   */
  relaunch(name: string, env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

interface Child {
  name: string;
  process: ChildProcess;
  /** How it was started, to start it again (relaunch). */
  spec: { script: string; args: string[]; env: Record<string, string>; flags: readonly string[]; port: string | undefined };
}

/**
 * The command line that runs a script: its source through tsx, or what `npm run build` made of it. A
 * compiled run needs the build: without it the error says so, rather than a missing module later.
 */
export function nodeCommand(script: string, runtime: Runtime): string[] {
  if (runtime === 'tsx') return ['--require', 'tsx/cjs', script];
  const compiled = path.join('dist', script.replace(/\.ts$/, '.js'));
  if (!existsSync(fromRoot(compiled))) throw new Error(`${compiled} is missing: run \`npm run build\` first (or use the tsx runtime)`);
  return [compiled];
}

export function systemMode(options: Pick<SystemOptions, 'mode' | 'ports'>, env: NodeJS.ProcessEnv = process.env): SystemMode {
  if (options.mode) return options.mode;
  const named = env.SYSTEM_MODE;
  if (named !== undefined && named !== '') {
    if (named !== 'embedded' && named !== 'separate') throw new Error(`SYSTEM_MODE must be embedded or separate, not ${JSON.stringify(named.slice(0, 40))}`);
    return named;
  }
  return options.ports === 'auto' ? 'separate' : 'embedded';
}

/**
 * Where a system keeps its access log and message outbox. Tests and benchmarks (`isolated`) keep theirs apart, in temp
 * files, unless the test names a store itself: a shell's AUDIT_LOG_FILE or OUTBOX_FILE is not theirs (a test must not
 * write the real log, nor send what waits in the real outbox). `npm start` keeps them in var/ (the shell's choice
 * wins), and one on another port in var/port-<PORT>/ (two systems on one machine must not write one log or one
 * outbox). Undefined: the process's own default.
 */
export function storeFiles(where: { isolated: boolean; gatewayPort: number; tmp: string; env?: Record<string, string>; shell: NodeJS.ProcessEnv }): {
  auditLogFile?: string;
  outboxFile?: string;
  researchLogFile?: string;
} {
  const file = (name: string, variable: string) =>
    where.env?.[variable] ??
    (where.isolated
      ? path.join(where.tmp, name)
      : (where.shell[variable] ?? (where.gatewayPort === DEFAULT_GATEWAY_PORT ? undefined : fromRoot('var', `port-${where.gatewayPort}`, name))));
  return { auditLogFile: file('access-log.jsonl', 'AUDIT_LOG_FILE'), outboxFile: file('outbox.jsonl', 'OUTBOX_FILE'), researchLogFile: file('research-log.jsonl', 'RESEARCH_LOG_FILE') };
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const runtime: Runtime = options.runtime ?? (process.env.SYSTEM_RUNTIME === 'compiled' ? 'compiled' : 'tsx');
  const mode = systemMode(options);
  // Another gateway over the same subgraphs reaches them over HTTP: they need processes of their own.
  if (mode === 'embedded' && options.extraGateways?.length) throw new Error('extra gateways need the subgraphs in their own processes (mode separate)');
  const children: Child[] = [];
  const lines: string[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-'));
  const isolated = options.ports === 'auto';
  const plan: PortPlan = options.ports === 'auto' ? { gateway: 0, others: 'auto' } : options.ports === 'default' ? { gateway: DEFAULT_GATEWAY_PORT, others: 'follow' } : options.ports;
  const freePorts = plan.others === 'auto';
  const shift = plan.gateway - DEFAULT_GATEWAY_PORT;
  const { auditLogFile, outboxFile, researchLogFile } = storeFiles({ isolated, gatewayPort: plan.gateway, tmp, env: options.env, shell: process.env });
  const baseEnv: Record<string, string> = {
    LOG_FORMAT: options.output === 'prefix' ? 'pretty' : 'json',
    ...(auditLogFile ? { AUDIT_LOG_FILE: auditLogFile } : {}),
    ...(outboxFile ? { OUTBOX_FILE: outboxFile } : {}),
    ...(researchLogFile ? { RESEARCH_LOG_FILE: researchLogFile } : {}),
    // Nor do they write to a database the shell happens to name.
    ...(isolated ? { DATABASE_URL: '' } : {}),
    ...(options.sourcesFile ? { SOURCES_FILE: options.sourcesFile } : {}),
    ...options.env,
  };

  // Whole lines only (readline), so that no line is split between two chunks of a pipe.
  const record = (name: string, input: Readable | null, stream: NodeJS.WriteStream) => {
    if (!input) return;
    createInterface({ input }).on('line', (line) => {
      if (!line.trim()) return;
      if (options.output === 'prefix') stream.write(`${`[${name}]`.padEnd(20)} ${line}\n`);
      // Kept in both modes: a process that fails to start is reported with its last lines (and `npm start`
      // reads them for its hints, such as a port in use).
      lines.push(`[${name}] ${line}`);
      if (lines.length > 5000) lines.shift();
    });
  };

  const launch = (name: string, script: string, args: string[], env: Record<string, string>, flags = options.nodeFlags ?? NODE_FLAGS): Promise<ReadyMessage['urls']> => {
    const child = spawn(process.execPath, [...flags, ...(options.nodeArgs?.[name] ?? []), ...nodeCommand(script, runtime), ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...baseEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const spec = { script, args, env, flags, port: undefined as string | undefined };
    children.push({ name, process: child, spec });
    record(name, child.stdout, process.stdout);
    record(name, child.stderr, process.stderr);
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s\n${tail()}`)), 60_000);
      child.on('message', (message: ReadyMessage) => {
        if (message?.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          const first = Object.values(message.urls ?? {})[0];
          spec.port = first ? new URL(first).port : undefined;
          resolve(message.urls);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`${name} exited with code ${code} before it was ready\n${tail()}`));
        else if (!stopping) {
          // The others keep running (the gateway answers without it), but nobody should miss this.
          const line = `${name} exited unexpectedly (${signal ?? `code ${code}`}); its part of the graph is unavailable until restart`;
          if (options.output === 'prefix') process.stderr.write(`\n!!! ${line}\n\n`);
          else lines.push(`[system] ${line}`);
        }
      });
    });
  };
  const tail = () => lines.slice(-40).join('\n');

  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(
      children.map(
        ({ process: child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    // Moved ports: the simulators listen where a sources file with every local instance moved says, before they start.
    const movedSources = shift !== 0 && !freePorts ? writeSourcesFile(tmp, {}, undefined, options.sourcesFile, shift) : undefined;
    // Every process is told its port: a PORT in the shell is the gateway's, not the others'.
    const sims = await launch('simulators', 'simulators/main.ts', [], {
      PORT: '',
      ...(freePorts ? { SIM_PORTS: 'auto' } : { SIM_PORTS: '', SIM_CONTROL_PORT: String(4100 + shift) }),
      ...(movedSources ? { SOURCES_FILE: movedSources } : {}),
      // Change notices go to this system's gateway (tests point them at theirs at run time).
      ...(isolated
        ? {}
        : {
            SIM_INVALIDATION_URL: process.env.SIM_INVALIDATION_URL || `http://127.0.0.1:${plan.gateway}/cache/invalidate`,
            // Welfare technology platforms push their events to this system's gateway.
            SIM_EVENTS_URL: process.env.SIM_EVENTS_URL || `http://127.0.0.1:${plan.gateway}/welfare/events`,
          }),
    });
    const { control, ...simulatorUrls } = sims;
    const sourcesFile = writeSourcesFile(tmp, freePorts ? simulatorUrls : {}, options.sourceTimeoutMs, movedSources ?? options.sourcesFile);
    const subgraphEnv: Record<string, string> = sourcesFile ? { SOURCES_FILE: sourcesFile } : {};
    const running = SUBGRAPH_NAMES.filter((n) => !options.skipSubgraphs?.includes(n));
    const started = await Promise.all(
      (mode === 'separate' ? running : []).map(async (n) => {
        const urls = await launch(`subgraph-${n}`, 'subgraphs/main.ts', [n], { ...subgraphEnv, PORT: freePorts ? '0' : String(SUBGRAPHS[n].port + shift) });
        return [n, urls.graphql as string] as const;
      }),
    );
    const subgraphUrls: Partial<Record<SubgraphName, string>> = Object.fromEntries(started);
    // A skipped subgraph gets an address nothing listens on, so its fetches fail as a real outage would.
    const gatewaySubgraphs = {
      ...(isolated ? Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, subgraphUrls[n] ?? 'http://127.0.0.1:9/graphql'])) : subgraphUrls),
      ...options.subgraphUrls,
    };
    const gatewayEnv = { SUBGRAPH_URLS: JSON.stringify(gatewaySubgraphs), PORT: String(plan.gateway) };
    // Embedded: the subgraphs not skipped run in the gateway's process, with the subgraphs' sources file.
    const embedded = mode === 'embedded' ? { EMBEDDED_SUBGRAPHS: running.filter((n) => !options.subgraphUrls?.[n]).join(',') || 'none', ...subgraphEnv } : { EMBEDDED_SUBGRAPHS: 'none' };
    const gatewayFlags = options.nodeFlags ?? (mode === 'embedded' ? EMBEDDED_NODE_FLAGS : NODE_FLAGS);
    const gateway = await launch('gateway', 'gateway/main.ts', [], { ...gatewayEnv, ...embedded }, gatewayFlags);
    for (let i = 1; i <= (options.researchWorkers ?? 0); i += 1) await launch(`research-worker-${i}`, 'research/worker.ts', [], { ...subgraphEnv, PORT: '' });
    const extraGatewayUrls: Record<string, Record<string, string>> = {};
    for (const extra of options.extraGateways ?? []) extraGatewayUrls[extra.name] = await launch(extra.name, extra.script, [], { ...gatewayEnv, ...extra.env }, extra.flags ?? []);
    return {
      gatewayUrl: gateway.graphql as string,
      playgroundUrl: gateway.playground as string,
      healthUrl: gateway.health as string,
      controlUrl: control as string,
      simulatorUrls,
      subgraphUrls,
      auditLogFile: baseEnv.DATABASE_URL ? undefined : (baseEnv.AUDIT_LOG_FILE ?? fromRoot('var', 'access-log.jsonl')),
      researchLogFile: baseEnv.RESEARCH_LOG_FILE ?? fromRoot('var', 'research-log.jsonl'),
      runtime,
      mode,
      extraGatewayUrls,
      pids: () => Object.fromEntries(children.flatMap(({ name, process: child }) => (child.pid !== undefined && child.exitCode === null && child.signalCode === null ? [[name, child.pid]] : []))),
      output: tail,
      log: () => [...lines],
      kill: async (name) => {
        const child = children.find((c) => c.name === name && c.process.exitCode === null && c.process.signalCode === null);
        if (!child) throw new Error(`no running process ${name}`);
        const gone = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
        child.process.kill('SIGKILL');
        await gone;
      },
      relaunch: async (name, env = {}) => {
        const first = children.find((c) => c.name === name);
        const last = [...children].reverse().find((c) => c.name === name);
        if (!first || !last) throw new Error(`no process ${name} was started`);
        if (last.process.exitCode === null && last.process.signalCode === null) throw new Error(`${name} is still running`);
        // As it was first started (not with what an earlier relaunch added), on the port it had.
        const { script, args, flags, port } = first.spec;
        await launch(name, script, args, { ...first.spec.env, ...(port ? { PORT: port } : {}), ...env }, flags);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The sources file the subgraphs read: the default one, with the simulators' actual URLs and an overall
 * timeout where given. Returns undefined when the default file serves as it is.
 */
function writeSourcesFile(dir: string, urls: Record<string, string>, timeoutMs: number | undefined, given: string | undefined, shift = 0): string | undefined {
  if (Object.keys(urls).length === 0 && timeoutMs === undefined && shift === 0) return given;
  const base = given ?? process.env.SOURCES_FILE ?? path.join(CONFIG_DIR, 'sources.json');
  const sources = interpolateEnv(JSON.parse(readFileSync(base, 'utf8'))) as SourcesConfig;
  for (const [id, instance] of Object.entries(sources.instances)) {
    if (urls[id]) instance.baseUrl = urls[id];
    else if (shift !== 0) instance.baseUrl = movePort(instance.baseUrl, shift);
    if (timeoutMs !== undefined) instance.timeoutMs = timeoutMs;
  }
  const file = path.join(dir, shift !== 0 ? 'sources-moved.json' : 'sources.json');
  writeFileSync(file, JSON.stringify(sources, null, 2));
  return file;
}

/** A URL on this machine with its port moved by `shift`; a URL elsewhere (a real system) stays as it is. */
export function movePort(url: string, shift: number): string {
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname) || !parsed.port) return url;
  parsed.port = String(Number(parsed.port) + shift);
  return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}
