import { once } from 'node:events';
import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';
import express from 'express';
import { CITIZEN_PAGE_CSP, citizenPageRouter } from './citizenPage';

/** What the gateway serves of Min journal: the page with its policy, its own files by name, nothing else. */
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(citizenPageRouter(true));
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

describe('citizenPageRouter', () => {
  it('serves the page in bokmål with its strict policy and no caching', async () => {
    const response = await fetch(`${base}/min-journal`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CITIZEN_PAGE_CSP);
    expect(CITIZEN_PAGE_CSP).not.toMatch(/unsafe-|\*|data:/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('<html lang="nb">');
    // No inline script or style: every script and stylesheet is a file of the page.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('serves its own modules and styles with their types, and says whether the development login is on', async () => {
    for (const [file, type] of [
      ['main.js', 'text/javascript'],
      ['operations.js', 'text/javascript'],
      ['citizen.css', 'text/css'],
    ]) {
      const response = await fetch(`${base}/min-journal/${file}`);
      expect({ file, status: response.status, type: response.headers.get('content-type')?.split(';')[0] }).toEqual({ file, status: 200, type });
    }
    expect(await (await fetch(`${base}/min-journal/config.json`)).json()).toEqual({ devLogin: true });
  });

  it('serves nothing but the folder\'s files by name', async () => {
    for (const path of ['/min-journal/index.html', '/min-journal/nothing.js', '/min-journal/..%2FcitizenPage.ts', '/min-journal/%2e%2e%2fplayground.ts', '/min-journal/constructor', '/min-journal/__proto__']) {
      expect({ path, status: (await fetch(`${base}${path}`)).status }).toEqual({ path, status: 404 });
    }
  });
});
