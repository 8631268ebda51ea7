import { randomBytes } from 'node:crypto';
import { CacheCrypto, cacheKeysFromEnv } from './CacheCrypto';

describe('cache keys and values', () => {
  const old = randomBytes(32).toString('base64url');
  const current = randomBytes(32).toString('base64url');
  const names = randomBytes(32).toString('base64url');

  it('names entries by a keyed hash, and seals values bound to their key', () => {
    const crypto = new CacheCrypto(cacheKeysFromEnv({ CACHE_KEY_SECRET: names, CACHE_ENCRYPTION_KEYS: `k2:${current}` }));
    const key = crypto.keyFor('src', 'care-bergen', 'care-record', '03864013065');
    expect(key).not.toMatch(/0386|care/);
    expect(crypto.keyFor('src', 'care-bergen', 'care-record', '03864013065')).toBe(key);
    const sealed = crypto.seal(key, '{"name":"Ingrid Solheim"}');
    expect(sealed).not.toContain('Ingrid');
    expect(crypto.open(key, sealed)).toBe('{"name":"Ingrid Solheim"}');
    // Moved to another key, or tampered with, it does not open.
    expect(crypto.open(crypto.keyFor('src', 'x'), sealed)).toBeUndefined();
    // (A character well inside the text: the last one of a base64 text may carry padding bits only.)
    const at = sealed.length - 10;
    const tampered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'g' : 'A'}${sealed.slice(at + 1)}`;
    expect(crypto.open(key, tampered)).toBeUndefined();
  });

  it('rotates: the first key seals, the others still open, a key no longer listed does not', () => {
    const before = new CacheCrypto(cacheKeysFromEnv({ CACHE_KEY_SECRET: names, CACHE_ENCRYPTION_KEYS: `k1:${old}` }));
    const during = new CacheCrypto(cacheKeysFromEnv({ CACHE_KEY_SECRET: names, CACHE_ENCRYPTION_KEYS: `k2:${current},k1:${old}` }));
    const after = new CacheCrypto(cacheKeysFromEnv({ CACHE_KEY_SECRET: names, CACHE_ENCRYPTION_KEYS: `k2:${current}` }));
    const key = before.keyFor('src', 'a');
    const sealedBefore = before.seal(key, 'v');
    expect(during.open(key, sealedBefore)).toBe('v');
    expect(during.seal(key, 'v')).toMatch(/^v1\.k2\./);
    expect(after.open(key, sealedBefore)).toBeUndefined();
  });

  it('refuses keys of the wrong size, naming the variable', () => {
    expect(() => cacheKeysFromEnv({ CACHE_KEY_SECRET: names, CACHE_ENCRYPTION_KEYS: 'k1:c2hvcnQ' })).toThrow('CACHE_ENCRYPTION_KEYS');
  });
});
