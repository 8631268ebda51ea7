import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DIR, interpolateEnv, type SourcesConfig } from '../lib/config';
import type { ReadyMessage } from '../lib/service';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';

/**
 * Starts the whole system as separate processes, the way it runs in production: the simulated legacy
 * systems, one process per subgraph, and the gateway. `npm start`, the end-to-end tests and the benchmark
 * all use this, so they exercise the same wiring.
 */

const ROOT = path.resolve(__dirname, '..');

export interface SystemOptions {
  /** `default`: the fixed ports of the README (gateway 4000); `auto`: free ports (tests, benchmarks). */
  ports: 'default' | 'auto';
  /** Extra environment for every process (SIM_LATENCY_MS, SIM_BEHAVIOUR, LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Overrides every source's timeout, in milliseconds. */
  sourceTimeoutMs?: number;
  /** Subgraphs not to start, to test a gateway with a subgraph down. */
  skipSubgraphs?: SubgraphName[];
  /** Where the gateway finds these subgraphs instead of the ones started here (for outage tests). */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** `prefix`: pass each line through with the process name; `capture`: keep the last lines for errors. */
  output: 'prefix' | 'capture';
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
  /** The last lines each process wrote (output `capture`). */
  output(): string;
  /** Everything captured so far (up to the last 5,000 lines). */
  log(): string[];
  stop(): Promise<void>;
}

interface Child {
  name: string;
  process: ChildProcess;
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const children: Child[] = [];
  const lines: string[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-'));
  // Tests and benchmarks keep their access log apart (a temp file), unless they name a store themselves;
  // `npm start` keeps it in var/access-log.jsonl.
  const auditLogFile = options.ports === 'auto' && !options.env?.AUDIT_LOG_FILE ? path.join(tmp, 'access-log.jsonl') : options.env?.AUDIT_LOG_FILE;
  const baseEnv: Record<string, string> = {
    LOG_FORMAT: options.output === 'prefix' ? 'pretty' : 'json',
    ...(auditLogFile ? { AUDIT_LOG_FILE: auditLogFile } : {}),
    // Nor do they write to a database the shell happens to name.
    ...(options.ports === 'auto' ? { DATABASE_URL: '' } : {}),
    ...options.env,
  };

  // Whole lines only (readline), so that no line is split between two chunks of a pipe.
  const record = (name: string, input: Readable | null, stream: NodeJS.WriteStream) => {
    if (!input) return;
    createInterface({ input }).on('line', (line) => {
      if (!line.trim()) return;
      if (options.output === 'prefix') stream.write(`${`[${name}]`.padEnd(20)} ${line}\n`);
      else {
        lines.push(`[${name}] ${line}`);
        if (lines.length > 5000) lines.shift();
      }
    });
  };

  const launch = (name: string, script: string, args: string[], env: Record<string, string>): Promise<ReadyMessage['urls']> => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...baseEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    children.push({ name, process: child });
    record(name, child.stdout, process.stdout);
    record(name, child.stderr, process.stderr);
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s\n${tail()}`)), 60_000);
      child.on('message', (message: ReadyMessage) => {
        if (message?.type === 'ready') {
          ready = true;
          clearTimeout(timer);
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
    const auto = options.ports === 'auto';
    const sims = await launch('simulators', 'simulators/main.ts', [], auto ? { SIM_PORTS: 'auto' } : {});
    const { control, ...simulatorUrls } = sims;
    const sourcesFile = writeSourcesFile(tmp, auto ? simulatorUrls : {}, options.sourceTimeoutMs);
    const subgraphEnv: Record<string, string> = sourcesFile ? { SOURCES_FILE: sourcesFile } : {};
    const started = await Promise.all(
      SUBGRAPH_NAMES.filter((n) => !options.skipSubgraphs?.includes(n)).map(async (n) => {
        const urls = await launch(`subgraph-${n}`, 'subgraphs/main.ts', [n], { ...subgraphEnv, ...(auto ? { PORT: '0' } : {}) });
        return [n, urls.graphql as string] as const;
      }),
    );
    const subgraphUrls: Partial<Record<SubgraphName, string>> = Object.fromEntries(started);
    // A skipped subgraph gets an address nothing listens on, so its fetches fail as a real outage would.
    const gatewaySubgraphs = {
      ...(auto ? Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, subgraphUrls[n] ?? 'http://127.0.0.1:9/graphql'])) : {}),
      ...options.subgraphUrls,
    };
    const gateway = await launch('gateway', 'gateway/main.ts', [], {
      SUBGRAPH_URLS: JSON.stringify(gatewaySubgraphs),
      ...(auto ? { PORT: '0' } : {}),
    });
    return {
      gatewayUrl: gateway.graphql as string,
      playgroundUrl: gateway.playground as string,
      healthUrl: gateway.health as string,
      controlUrl: control as string,
      simulatorUrls,
      subgraphUrls,
      auditLogFile: baseEnv.DATABASE_URL ? undefined : (baseEnv.AUDIT_LOG_FILE ?? path.join(ROOT, 'var', 'access-log.jsonl')),
      output: tail,
      log: () => [...lines],
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
function writeSourcesFile(dir: string, urls: Record<string, string>, timeoutMs: number | undefined): string | undefined {
  if (Object.keys(urls).length === 0 && timeoutMs === undefined) return undefined;
  const base = process.env.SOURCES_FILE ?? path.join(CONFIG_DIR, 'sources.json');
  const sources = interpolateEnv(JSON.parse(readFileSync(base, 'utf8'))) as SourcesConfig;
  for (const [id, instance] of Object.entries(sources.instances)) {
    if (urls[id]) instance.baseUrl = urls[id];
    if (timeoutMs !== undefined) instance.timeoutMs = timeoutMs;
  }
  const file = path.join(dir, 'sources.json');
  writeFileSync(file, JSON.stringify(sources, null, 2));
  return file;
}
