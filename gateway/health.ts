import axios from 'axios';

export interface SubgraphHealth {
  name: string;
  status: 'up' | 'down';
  latencyMs: number;
}

/**
 * Asks every subgraph's /health at once (one second each). The gateway itself is up whenever it answers;
 * `degraded` says that some fields will come back with SUBGRAPH_UNAVAILABLE.
 */
export async function checkSubgraphs(urls: Record<string, string>): Promise<{ status: 'ok' | 'degraded'; subgraphs: SubgraphHealth[] }> {
  const subgraphs = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const started = performance.now();
      const healthUrl = new URL('/health', url).toString();
      const up = await axios
        .get(healthUrl, { timeout: 1000, validateStatus: (s) => s === 200, proxy: false })
        .then(() => true)
        .catch(() => false);
      return { name, status: up ? 'up' : 'down', latencyMs: Math.round(performance.now() - started) } as SubgraphHealth;
    }),
  );
  return { status: subgraphs.every((s) => s.status === 'up') ? 'ok' : 'degraded', subgraphs };
}
