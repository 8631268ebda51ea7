import { AsyncLocalStorage } from 'node:async_hooks';

/** What a read learns about its source's answers while it runs (see ReadCall.uncacheable). */
export interface ReadContext {
  uncacheable: boolean;
}

export const readContext = new AsyncLocalStorage<ReadContext>();

/**
 * Called by the HTTP client for every answer: a source that says `no-store`, `no-cache` or `private` has
 * its answer kept out of the shared cache (a cache shared across readers is what `private` forbids).
 */
export function noteCacheControl(header: unknown): void {
  const context = readContext.getStore();
  if (context && typeof header === 'string' && /\b(no-store|no-cache|private)\b/i.test(header)) context.uncacheable = true;
}
