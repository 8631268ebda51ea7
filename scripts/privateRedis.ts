import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether the `redis-server` binary (or REDIS_SERVER_BIN) can be run here. */
export function redisServerAvailable(): boolean {
  return !spawnSync(BINARY, ['--version']).error;
}

/**
 * A private Redis server for a test file or the benchmark: a real `redis-server` on a free port, nothing kept on disk, which a
 * test can stop and start again (to show that a Redis outage changes speed, not answers). This project's
 * machines have the binary (they run Redis on 127.0.0.1:6379); without it the test fails saying so.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  if (!redisServerAvailable()) {
    throw new Error(`${BINARY} not found: the Redis tests start a private Redis server (this project's machines have it; set REDIS_SERVER_BIN to another binary)`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!(await listening(port))) throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}
