import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DIR, loadOrganisations, loadSources, instancesOf } from '../lib/config';
import { createLogger } from '../lib/logger';
import { REPOSITORY_ROOT } from '../lib/repositoryRoot';
import { startControlServer } from '../simulators/kit/control';
import { SimulatedInstance } from '../simulators/kit/SimulatedInstance';
import { getPopulationIndex } from '../simulators/population';
import { simulators } from '../simulators/registry';
import { nodeCommand } from './system';

/**
 * `npm run conformance` as a vendor runs it, against one simulator started here: its stdout is its verdicts and
 * nothing else (the log lines, even at LOG_LEVEL=debug, go to stderr), and a source that takes more than half of its
 * timeout is a WARN that leaves the exit code 0.
 */
const ID = 'population-register';
let sim: SimulatedInstance;
let control: { url: string; close(): Promise<void> };
let tmp: string;
let sourcesFile: string;

beforeAll(async () => {
  const logger = createLogger('test');
  const instance = instancesOf(loadSources()).find((i) => i.id === ID);
  const definition = instance && simulators().get(instance.system);
  if (!instance || !definition) throw new Error(`no simulated instance ${ID}`);
  // About 60 % of the timeout given below: every read in time, with little to spare.
  sim = new SimulatedInstance(definition, { instance, orgs: loadOrganisations(), population: getPopulationIndex() }, { mode: 'normal', latencyMs: 600 }, logger);
  await sim.start(0);
  control = await startControlServer(new Map([[ID, sim]]), new Map([[ID, { ...sim.behaviour }]]), 0, logger);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-conformance-'));
  // The configured instance alone, at the simulator, with a small timeout; its options as configured.
  const sources = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8')) as { defaults: unknown; instances: Record<string, Record<string, unknown>> };
  sourcesFile = path.join(tmp, 'sources.json');
  writeFileSync(sourcesFile, JSON.stringify({ defaults: sources.defaults, instances: { [ID]: { ...sources.instances[ID], baseUrl: sim.url, timeoutMs: 1000 } } }));
}, 60_000);
afterAll(async () => {
  await control?.close();
  await sim?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs the script (asynchronously: the simulator answers from this process) and collects its two streams. */
function conformance(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...nodeCommand('scripts/conformance.ts', process.env.SYSTEM_RUNTIME === 'compiled' ? 'compiled' : 'tsx'), ...args, '--control', control.url], {
    cwd: REPOSITORY_ROOT,
    // Every log line the kit writes, so that there is something to keep off stdout.
    env: { ...process.env, SOURCES_FILE: sourcesFile, LOG_LEVEL: 'debug' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What stdout may hold: an instance's heading, one verdict per check, and the instance's summary. */
const VERDICT = /^(|\S+ \(\S+\) at \S+|\S+: FAIL .+| {2}(PASS|WARN|FAIL|SKIP) {2}\S.*| {2}conformant( \(.+\))?| {2}(.+, )?\d+ checks? failed)$/;

const parsesAsJson = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

describe('npm run conformance', () => {
  it('prints verdicts alone on stdout, logs on stderr, and passes a slow source with a warning', async () => {
    const { status, stdout, stderr } = await conformance(ID);
    const lines = stdout.replace(/\n$/, '').split('\n');
    expect(lines.filter((line) => !VERDICT.test(line) || parsesAsJson(line))).toEqual([]);
    expect(lines[1]).toBe(`${ID} (population-register) at ${sim.url}`);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}PASS {2}abort: /));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}WARN {2}speed: .*: the slowest of \d+ reads took \d+ ms, \d+ % of the 1000 ms timeout: a busier day takes it past/));
    expect(lines.at(-1)).toBe('  conformant (1 warning: see WARN)');
    // The log lines were written, to stderr: JSON, each naming the kit's logger.
    const logs = stderr.split('\n').filter(parsesAsJson);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.map((line) => (JSON.parse(line) as { name?: string }).name)).toContain('conformance');
    expect(status).toBe(0);
  }, 120_000);
});
