/** What a read learns about its source's answers while it runs (see ReadCall.uncacheable). */
export interface ReadContext {
  uncacheable: boolean;
}

/**
 * Each read's context, by the abort signal the kit hands its adapter for that read (every HTTP request of a read
 * carries it). Found through the signal rather than an AsyncLocalStorage: on Node 20 one AsyncLocalStorage in use
 * turns on promise hooks for the whole process, which cost 5–6 % of every request's CPU (`npm run bench`, issue 18).
 * A request made without the read's signal (an application receipt, sent after the read) says nothing about it.
 */
const contexts = new WeakMap<object, ReadContext>();

export function bindReadContext(signal: AbortSignal, context: ReadContext): void {
  contexts.set(signal, context);
}

/**
 * Called by the HTTP client for every answer, with the request's signal: a source that says `no-store`,
 * `no-cache` or `private` has its answer kept out of the shared cache (a cache shared across readers is what
 * `private` forbids).
 */
export function noteCacheControl(header: unknown, signal: unknown): void {
  const context = signal && typeof signal === 'object' ? contexts.get(signal) : undefined;
  if (context && typeof header === 'string' && /\b(no-store|no-cache|private)\b/i.test(header)) context.uncacheable = true;
}
