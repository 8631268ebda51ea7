import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import http from 'node:http';
import express from 'express';
import { DevIdentityProvider } from './DevIdentityProvider';
import { devIdpRouter } from './devIdpRouter';
import { isLocalCaller, localCallersFromEnv } from './localCallers';

const request = (remoteAddress: string, host?: string) => ({ socket: { remoteAddress }, headers: host === undefined ? {} : { host } }) as never;

describe('the development identity provider serves local callers only', () => {
  const callers = localCallersFromEnv({});

  it('takes loopback peers that name this machine', () => {
    for (const [peer, host] of [
      ['127.0.0.1', 'localhost:4000'],
      ['::1', '[::1]:4000'],
      ['::ffff:127.0.0.1', '127.0.0.1:4000'],
      ['127.0.0.5', 'LOCALHOST'],
    ]) {
      expect([peer, host, isLocalCaller(request(peer as string, host), callers)]).toEqual([peer, host, true]);
    }
  });

  it('refuses another machine, and a page that has its own name resolve to 127.0.0.1 (DNS rebinding)', () => {
    expect(isLocalCaller(request('192.0.2.7', 'localhost:4000'), callers)).toBe(false);
    expect(isLocalCaller(request('::ffff:10.0.0.3', 'localhost:4000'), callers)).toBe(false);
    expect(isLocalCaller(request('127.0.0.1', 'evil.example:4000'), callers)).toBe(false);
    expect(isLocalCaller(request('127.0.0.1'), callers)).toBe(false);
  });

  it('takes the networks and host names an operator names (the containers), and refuses a malformed network', () => {
    const compose = localCallersFromEnv({ DEV_IDP_TRUSTED_NETWORKS: '172.16.0.0/12, fd00::/8', DEV_IDP_ALLOWED_HOSTS: 'gateway' });
    expect(isLocalCaller(request('172.18.0.1', 'localhost:4000'), compose)).toBe(true);
    expect(isLocalCaller(request('fd00::2', 'gateway:4000'), compose)).toBe(true);
    expect(isLocalCaller(request('192.0.2.7', 'gateway:4000'), compose)).toBe(false);
    expect(() => localCallersFromEnv({ DEV_IDP_TRUSTED_NETWORKS: '172.16.0.0/40' })).toThrow(/DEV_IDP_TRUSTED_NETWORKS/);
  });

  it('refuses a token over a real connection from a non-loopback address, and serves one over loopback', async () => {
    const app = express();
    app.use(devIdpRouter(await DevIdentityProvider.load(), callers));
    const server = http.createServer(app).listen(0, '0.0.0.0');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const ask = (host: string, headers: Record<string, string> = {}) =>
        fetch(`http://${host}:${port}/dev-idp/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ persona: 'gp' }) });
      const local = await ask('127.0.0.1');
      expect(local.status).toBe(200);
      expect(((await local.json()) as { access_token?: string }).access_token).toMatch(/^ey/);
      // This machine's own non-loopback address: the peer is not loopback, as another machine's would not be.
      const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
      expect(external).toBeDefined();
      const remote = await ask(external as string);
      expect(remote.status).toBe(403);
      expect(((await remote.json()) as { access_token?: string }).access_token).toBeUndefined();
    } finally {
      // fetch keeps its connections alive: close them too, or the server (and the test worker) stays up.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
