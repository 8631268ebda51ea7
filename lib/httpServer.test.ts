import net from 'node:net';
import express from 'express';
import { IDLE_MS } from '../gateway/subgraphFetcher';
import { listen, SERVER_KEEP_ALIVE_MS, serverLimitsFromEnv } from './httpServer';

describe('keep-alive timeouts that cannot race', () => {
  it('keeps idle connections open longer than the gateway keeps them, and says so to clients', async () => {
    expect(SERVER_KEEP_ALIVE_MS).toBeGreaterThan(IDLE_MS);
    const app = express();
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const server = await listen(app, 0);
    try {
      const answer = await fetch(server.url);
      await answer.text();
      // Clients that honour the hint (undici, Node's agent with a timeout) give a connection up before this.
      expect(answer.headers.get('keep-alive')).toBe(`timeout=${SERVER_KEEP_ALIVE_MS / 1000}`);
    } finally {
      await server.close();
    }
  });
});

describe('limits on slow and greedy clients', () => {
  it('answers 408 and closes a request whose body never finishes', async () => {
    const app = express();
    app.post('/', express.text(), (_req, res) => {
      res.send('ok');
    });
    const server = await listen(app, 0, { requestTimeoutMs: 1000, headersTimeoutMs: 1000, maxConnections: 10 });
    try {
      const port = Number(new URL(server.url).port);
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (d) => (received += d.toString()));
        socket.on('close', () => resolve(received));
        // Announces 100 bytes and sends a trickle: the server must not wait for the rest for ever.
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nab');
        const trickle = setInterval(() => !socket.destroyed && socket.write('a'), 200);
        socket.on('close', () => clearInterval(trickle));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await server.close();
    }
  });

  it('reads its limits from the environment and refuses nonsense', () => {
    expect(serverLimitsFromEnv({})).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, maxConnections: 1000 });
    expect(serverLimitsFromEnv({ REQUEST_TIMEOUT_MS: '5000', MAX_CONNECTIONS: '50' })).toEqual({ requestTimeoutMs: 5000, headersTimeoutMs: 5000, maxConnections: 50 });
    expect(() => serverLimitsFromEnv({ REQUEST_TIMEOUT_MS: '-1' })).toThrow(/REQUEST_TIMEOUT_MS must be a whole number/);
    expect(() => serverLimitsFromEnv({ MAX_CONNECTIONS: 'many' })).toThrow(/MAX_CONNECTIONS must be a whole number/);
  });
});
