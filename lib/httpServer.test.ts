import express from 'express';
import { IDLE_MS } from '../gateway/subgraphFetcher';
import { listen, SERVER_KEEP_ALIVE_MS } from './httpServer';

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
