import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DIR, interpolateEnv } from '../../lib/config';
import { REPOSITORY_ROOT } from '../../lib/repositoryRoot';
import { SUBGRAPH_NAMES } from '../../lib/subgraphs';
import { nodeCommand } from '../../scripts/system';
import { TestSystem } from './harness';

/**
 * The conformance kit as a vendor runs it (`npm run conformance`), against the simulators: every configured
 * instance passes every check (the speed check may warn), and an instance switched to `invalid` mode (well-formed
 * answers that break the protocol) fails, with a non-zero exit.
 */
let system: TestSystem;
let tmp: string;
let sourcesFile: string;

beforeAll(async () => {
  // The simulators alone are what the kit talks to; no subgraph is needed.
  system = await TestSystem.start({ skipSubgraphs: [...SUBGRAPH_NAMES] });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-conformance-'));
  const sources = interpolateEnv(JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8'))) as { instances: Record<string, { baseUrl: string }> };
  for (const [id, instance] of Object.entries(sources.instances)) {
    const url = system.system.simulatorUrls[id];
    if (url) instance.baseUrl = url;
  }
  sourcesFile = path.join(tmp, 'sources.json');
  writeFileSync(sourcesFile, JSON.stringify(sources, null, 2));
}, 120_000);

afterAll(async () => {
  await system?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function conformance(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [...nodeCommand('scripts/conformance.ts', process.env.SYSTEM_RUNTIME === 'compiled' ? 'compiled' : 'tsx'), ...args, '--control', system.system.controlUrl], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, SOURCES_FILE: sourcesFile, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('npm run conformance', () => {
  it('passes for every configured instance, printing each check', () => {
    const { status, output } = conformance('--all');
    const instances = Object.keys(system.system.simulatorUrls);
    for (const id of instances) expect(output).toContain(`\n${id} (`);
    // Every FAIL line first, so that a failure says which check of which instance.
    expect(output.split('\n').filter((line) => /^ {2}FAIL/.test(line))).toEqual([]);
    // Conformant, perhaps with a warning (a read of a busy machine may take more than half of its source's timeout).
    expect(output.match(/^ {2}conformant( \(\d+ warnings?: see WARN\))?$/gm)?.length).toBe(instances.length);
    // Each instance: configuration, known, unknown, batching, authentication, timeout, abort, four faults, two message
    // checks, speed, privacy.
    expect(output.match(/^ {2}(PASS|WARN|SKIP) {2}/gm)?.length).toBe(instances.length * 17);
    expect(output).not.toMatch(/^ {2}WARN {2}(?!speed: )/m);
    // Every adapter stops its work when its read's signal is aborted (the simulators' control API slows the source).
    expect(output.match(/^ {2}PASS {2}abort: /gm)?.length).toBe(instances.length);
    // Every system that takes messages passes both message checks (the simulators have a control API, so they run).
    const sinks = Object.keys(system.system.simulatorUrls).filter((id) => /^(gp-nordlys|gp-fjord|care-|hospital-)/.test(id));
    expect(output.match(/^ {2}PASS {2}messages: /gm)?.length).toBe(sinks.length * 2);
    expect(output.match(/^ {2}SKIP {2}messages: .*the system takes no messages$/gm)?.length).toBe((instances.length - sinks.length) * 2);
    // Only the registries reached through the health network take no credentials of their own.
    expect(output.match(/^ {2}SKIP {2}authentication.*$/gm)?.length).toBe(2);
    expect(status).toBe(0);
  }, 300_000);

  it('fails, exiting non-zero, against a simulator switched to invalid mode', async () => {
    await system.setBehaviour('care-bergen', { mode: 'invalid' });
    try {
      const { status, output } = conformance('care-bergen');
      expect(output).toMatch(/^ {2}FAIL {2}known patients: .*: care-bergen answered something invalid/m);
      expect(output).toMatch(/check(s)? failed$/m);
      expect(status).toBe(1);
    } finally {
      await system.reset();
    }
  }, 120_000);
});
