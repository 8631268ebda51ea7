import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { AdapterKit } from './AdapterKit';
import { PrivacyGuardError, SourceError } from './errors';
import { containsNin, createHttpClient } from './http';

/** A real server that drops the connection of the first `resets` requests without answering. */
async function server(resets: number): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const s = http.createServer((req, res) => {
    requests += 1;
    if (requests <= resets) {
      req.socket.destroy();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => s.close(() => resolve())),
  };
}

const instance = (baseUrl: string): InstanceConfig => ({ id: 'test-source', system: 'care-json', baseUrl, timeoutMs: 2000, options: {} });

describe('identity numbers in URLs', () => {
  const NIN = '03864013065';

  it('finds a number next to other digits, in every 11-digit window of a run', () => {
    expect(containsNin(`/fhir/Patient/${NIN}`)).toBe(true);
    expect(containsNin('q=a%2003864013065')).toBe(true); // a percent-encoded space, then the number
    expect(containsNin('%2203864013065%22')).toBe(true); // the number in encoded quotes
    expect(containsNin('0386401306523843227368')).toBe(true); // two numbers run together
    expect(containsNin(`/x/99${NIN}`)).toBe(true);
  });

  it('finds a number written with percent-encoded digits, also beside a malformed escape', () => {
    expect(containsNin('/p/0386401306%35')).toBe(true);
    expect(containsNin('/p/0386401306%35%E0')).toBe(true); // %E0 alone is no UTF-8: the part is decoded escape by escape
    expect(containsNin('/p/%ZZ0386401306%35')).toBe(true);
    expect(containsNin('/p/0386401306%2535')).toBe(true); // encoded twice
  });

  it('lets through URLs without a valid number', () => {
    expect(containsNin('/fhir/Patient/_search?_count=200&page=12')).toBe(false);
    expect(containsNin('/p/03864013066')).toBe(false); // wrong check digits
    expect(containsNin('/p/%E0%A4%A')).toBe(false);
  });

  it('refuses a request whose URL carries a number beside percent-encoded digits', async () => {
    const error = await createHttpClient(instance('http://127.0.0.1:9'))
      .get('/search', { params: { q: `a ${NIN}` } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivacyGuardError);
    const encoded = await createHttpClient(instance('http://127.0.0.1:9'))
      .get(`/search?q=a%20${NIN}`)
      .catch((e: unknown) => e);
    expect(encoded).toBeInstanceOf(PrivacyGuardError);
  });
});

describe('adapter kit HTTP client', () => {
  it('repeats a read once when the connection was reset before any answer', async () => {
    const s = await server(1);
    try {
      const response = await createHttpClient(instance(s.url)).post('/read', { a: 1 });
      expect(response.data).toBe('{"ok":true}');
      expect(s.requests()).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('gives up after one repeat, and the kit reports SOURCE_UNAVAILABLE', async () => {
    const s = await server(10);
    try {
      const kit = new AdapterKit(createLogger('test'));
      const inst = instance(s.url);
      const error = await kit
        .readMany(inst, 'read', ['k'], async (_keys, signal) => {
          await kit.http(inst).post('/read', {}, { signal });
          return new Map();
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).code).toBe('SOURCE_UNAVAILABLE');
      expect(s.requests()).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('refuses to send an identity number in a URL, before anything leaves the process', async () => {
    const s = await server(0);
    try {
      const error = await createHttpClient(instance(s.url))
        .get('/patients/03864013065')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrivacyGuardError);
      expect((error as Error).message).not.toContain('03864013065');
      expect(s.requests()).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('Cache-Control, noted per read', () => {
  it("marks a read uncacheable when a data answer forbids keeping it, not when only a credential answer does", async () => {
    const s = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', req.url === '/token' ? 'no-store' : req.url === '/private' ? 'private, max-age=0' : 'max-age=60');
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const inst = instance(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
    const kit = new AdapterKit(createLogger('test'));
    const seen: boolean[] = [];
    kit.use(async (call, next) => {
      const result = await next(call);
      seen.push(call.uncacheable());
      return result;
    });
    const readVia = (paths: { path: string; credential?: boolean }[]) =>
      kit.readMany(inst, 'read', ['k'], async (_keys, signal) => {
        for (const p of paths) await kit.http(inst).post(p.path, {}, { signal, ...(p.credential ? { credentialRequest: true } : {}) });
        return new Map();
      });
    try {
      await readVia([{ path: '/token', credential: true }, { path: '/data' }]);
      await readVia([{ path: '/private' }]);
      await readVia([{ path: '/token' }]);
      expect(seen).toEqual([false, true, true]);
    } finally {
      await new Promise((resolve) => s.close(() => resolve(undefined)));
    }
  });
});
