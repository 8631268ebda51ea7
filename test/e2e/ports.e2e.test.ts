import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { DevIdentityProvider } from '../../gateway/devIdp/DevIdentityProvider';
import { fromRoot } from '../../lib/repositoryRoot';
import { demoPatient } from '../../simulators/population';

/**
 * `npm start` moved off its ports (issue 19): two whole systems side by side on one machine, each on the port
 * its PORT names with every other process following it, and a third on a port in use told what to do. Run as a
 * person runs it (scripts/start.ts in its own process, its printed lines read), on a base found free here.
 */
jest.setTimeout(240_000);

const SPAN = 172;

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with base…base+SPAN and base+200…base+200+SPAN all free. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 400) * 100;
    const ports = [...Array(SPAN + 1).keys()].flatMap((i) => [base + i, base + 200 + i]);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
  throw new Error('no free range of ports found');
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'scripts/start.ts'], {
    cwd: fromRoot(),
    env: { ...process.env, LOG_LEVEL: 'warn', SYSTEM_MODE: 'embedded', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function ready(started: Started): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (/Press Ctrl-C to stop/.test(started.stdout())) return;
    if (started.child.exitCode !== null) throw new Error(`npm start ended:\n${started.stdout()}\n${started.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`npm start was not ready:\n${started.stdout()}`);
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null) started.child.kill('SIGINT');
  await started.exited;
}

describe('npm start on moved ports', () => {
  let base: number;
  const systems: Started[] = [];

  beforeAll(async () => {
    base = await freeBase();
  });

  afterAll(async () => {
    await Promise.all(systems.map(stop));
    for (const b of [base, base + 200]) rmSync(fromRoot('var', `port-${b}`), { recursive: true, force: true });
  });

  it('runs two systems side by side, each on the ports its PORT names, and names the way out of a port in use', async () => {
    const first = start({ PORT: String(base) });
    const second = start({ PORT: String(base + 200) });
    systems.push(first, second);
    await Promise.all([ready(first), ready(second)]);

    const idp = await DevIdentityProvider.load();
    const token = await idp.token('home-care-nurse');
    const nin = demoPatient('homeCare').nin;
    for (const [started, gateway] of [
      [first, base],
      [second, base + 200],
    ] as const) {
      // What it prints is where it is: the gateway on PORT, the simulators following it.
      expect(started.stdout()).toContain(`GraphQL     http://localhost:${gateway}/graphql`);
      expect(started.stdout()).toContain(`on ports ${gateway + 111}–${gateway + 172}; control API at http://127.0.0.1:${gateway + 100}`);
      const health = await fetch(`http://127.0.0.1:${gateway}/health/ready`);
      expect(health.status).toBe(200);
      const response = await fetch(`http://127.0.0.1:${gateway}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query($nin: String!) { patient(nin: $nin) { name { given } careRecord { services { description } } } }', variables: { nin } }),
      });
      const body = (await response.json()) as { data?: { patient?: { name?: { given?: string }; careRecord?: { services?: unknown[] } } }; errors?: unknown[] };
      // The care record comes from this system's own simulators (an answer from nowhere would be an error).
      expect(body.errors).toBeUndefined();
      expect(body.data?.patient?.name?.given).toBe('Ingrid');
      expect(body.data?.patient?.careRecord?.services?.length).toBeGreaterThan(0);
      // The simulators' control API on its moved port, and each system's own access log (two never share one file).
      const control = await fetch(`http://127.0.0.1:${gateway + 100}/instances`);
      expect(control.status).toBe(200);
      expect(readFileSync(fromRoot('var', `port-${gateway}`, 'access-log.jsonl'), 'utf8')).toContain('"accessor"');
    }

    const third = start({ PORT: String(base) });
    systems.push(third);
    expect(await third.exited).toBe(1);
    expect(third.stderr()).toMatch(/A port is taken: stop whatever holds ports .*PORT=<port> npm start/);
  });
});
