import axios from 'axios';
import { ConfigError } from '../lib/config';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { within } from '../lib/within';

/** A subgraph in the gateway's own process (gateway/embeddedSubgraphs.ts): asked directly, not over HTTP. */
export interface LocalSubgraph {
  health(): Promise<SubgraphHealthAnswer>;
  ready(): boolean;
  takeNotice(body: unknown, signature: string | undefined): Promise<{ status: number; body: unknown }>;
}
export type LocalSubgraphs = ReadonlyMap<string, LocalSubgraph>;

export interface SubgraphHealth {
  name: string;
  status: 'up' | 'down';
  latencyMs: number;
  /** True for a subgraph in the gateway's own process (EMBEDDED_SUBGRAPHS). */
  embedded?: boolean;
}

export type BreakerState = 'closed' | 'half-open' | 'open';

/** What the gateway reads of a subgraph's `/health` (over HTTP, anything may come back). */
export interface SubgraphHealthAnswer {
  sources?: { id?: unknown; breaker?: unknown }[];
  cache?: { store?: unknown; available?: unknown };
}

const SEVERITY: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
const isBreakerState = (s: unknown): s is BreakerState => typeof s === 'string' && s in SEVERITY;

/**
 * Asks every subgraph's /health at once (one second each). The gateway itself is up whenever it answers;
 * `degraded` says that some fields will come back with SUBGRAPH_UNAVAILABLE. `sources` gathers the
 * subgraphs' circuit breakers per source instance (the worst state where several subgraphs read one), and
 * `cache` whether the shared cache answers in every subgraph.
 */
export async function checkSubgraphs(urls: Record<string, string>, local: LocalSubgraphs = new Map()): Promise<{
  status: 'ok' | 'degraded';
  subgraphs: SubgraphHealth[];
  sources: Record<string, BreakerState>;
  cache: { store: string; available: boolean } | undefined;
}> {
  const sources: Record<string, BreakerState> = {};
  let cache: { store: string; available: boolean } | undefined;
  const subgraphs = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const started = performance.now();
      const embedded = local.get(name);
      const body = embedded
        ? await within(embedded.health(), 1000, () => undefined).catch(() => undefined)
        : await axios
            .get<SubgraphHealthAnswer>(new URL('/health', url).toString(), { timeout: 1000, validateStatus: (s) => s === 200, proxy: false })
            .then((r) => r.data ?? {})
            .catch(() => undefined);
      for (const source of body?.sources ?? []) {
        if (typeof source.id !== 'string' || !isBreakerState(source.breaker)) continue;
        const known = sources[source.id];
        if (!known || SEVERITY[source.breaker] > SEVERITY[known]) sources[source.id] = source.breaker;
      }
      if (body?.cache && typeof body.cache.store === 'string') {
        cache = { store: body.cache.store, available: (cache?.available ?? true) && body.cache.available === true };
      }
      return { name, status: body ? 'up' : 'down', latencyMs: Math.round(performance.now() - started), ...(embedded ? { embedded: true } : {}) } as SubgraphHealth;
    }),
  );
  return { status: subgraphs.every((s) => s.status === 'up') ? 'ok' : 'degraded', subgraphs, sources, cache };
}

/**
 * The subgraphs without which no answer is possible (REQUIRED_SUBGRAPHS, comma-separated; default `person`,
 * which resolves every patient). The others are optional: while one is down, only its fields fail.
 */
export function requiredSubgraphsFromEnv(env: NodeJS.ProcessEnv = process.env): SubgraphName[] {
  const listed = (env.REQUIRED_SUBGRAPHS ?? 'person')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of listed) {
    if (!(SUBGRAPH_NAMES as readonly string[]).includes(name)) throw new ConfigError(`REQUIRED_SUBGRAPHS: ${JSON.stringify(name.slice(0, 40))} is not a subgraph (${SUBGRAPH_NAMES.join(', ')})`);
  }
  return listed as SubgraphName[];
}

/** The subgraphs among `urls` whose /health/ready does not answer 200 within a second. */
export async function unreadySubgraphs(urls: Record<string, string | undefined>, local: LocalSubgraphs = new Map()): Promise<string[]> {
  const answers = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const embedded = local.get(name);
      if (embedded) return embedded.ready() ? undefined : name;
      if (!url) return name;
      const ready = await axios
        .get(new URL('/health/ready', url).toString(), { timeout: 1000, validateStatus: (s) => s === 200, proxy: false })
        .then(() => true)
        .catch(() => false);
      return ready ? undefined : name;
    }),
  );
  return answers.filter((n): n is string => n !== undefined);
}
