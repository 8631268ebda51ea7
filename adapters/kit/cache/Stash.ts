import type { CacheCrypto } from './CacheCrypto';
import type { CacheStore } from './CacheStore';

/**
 * A small sealed key-value store for what adapters keep besides source answers (a summary record's tickets),
 * on the same store as the source cache: shared by every process when Redis is configured, so a ticket one
 * subgraph fetched serves another. Keys are keyed hashes of their parts, values sealed, as in the cache.
 */
export class Stash {
  constructor(
    private readonly store: CacheStore,
    private readonly crypto: CacheCrypto,
    private readonly namespace: string,
  ) {}

  private key(parts: readonly string[]): string {
    return this.crypto.keyFor(this.namespace, ...parts);
  }

  /** Values by the index of their parts in `many`; absent where nothing (readable) is held. */
  async getMany(many: readonly (readonly string[])[]): Promise<Map<number, string>> {
    const keys = many.map((parts) => this.key(parts));
    const sealed = await this.store.getMany(keys);
    const found = new Map<number, string>();
    keys.forEach((key, i) => {
      const raw = sealed.get(key);
      const opened = raw === undefined ? undefined : this.crypto.open(key, raw);
      if (opened !== undefined) found.set(i, opened);
    });
    return found;
  }

  async set(parts: readonly string[], value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    const key = this.key(parts);
    await this.store.setMany([{ key, value: this.crypto.seal(key, value), ttlMs }]);
  }

  async delete(parts: readonly string[]): Promise<void> {
    await this.store.del([this.key(parts)]).catch(() => undefined);
  }
}
