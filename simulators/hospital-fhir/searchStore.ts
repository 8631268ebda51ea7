import { randomUUID } from 'node:crypto';

/** One search result kept server-side so that its pages can be fetched by an opaque id (HAPI's `_getpages`). */
export interface StoredSearch {
  /** One group of entries per matched patient: the match and what was included for it. */
  groups: unknown[][];
  /** Matched patients per page. */
  count: number;
  /** Only the client that ran the search may page through it. */
  clientId: string;
  expiresAt: number;
}

/** Kept searches, evicted after `ttlMs` (a few minutes, as the real server does) and capped in number. */
export class SearchStore {
  private readonly searches = new Map<string, StoredSearch>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly max = 500,
  ) {}

  save(search: Omit<StoredSearch, 'expiresAt'>): string {
    this.purge();
    while (this.searches.size >= this.max) {
      const oldest = this.searches.keys().next().value;
      if (oldest === undefined) break;
      this.searches.delete(oldest);
    }
    // The id goes into a URL: make sure it can never look like an identity number to a URL guard.
    let id = randomUUID();
    while (/\d{11}/.test(id)) id = randomUUID();
    this.searches.set(id, { ...search, expiresAt: Date.now() + this.ttlMs });
    return id;
  }

  get(id: string, clientId: string): StoredSearch | undefined {
    this.purge();
    const search = this.searches.get(id);
    return search && search.clientId === clientId ? search : undefined;
  }

  private purge(): void {
    const now = Date.now();
    for (const [id, search] of this.searches) if (search.expiresAt <= now) this.searches.delete(id);
  }
}
