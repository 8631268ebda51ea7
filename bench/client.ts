import { Agent, request } from 'undici';
import { DevIdentityProvider } from '../gateway/devIdp/DevIdentityProvider';
import type { RunningSystem } from '../scripts/system';

/**
 * The benchmark's client: GraphQL over keep-alive connections (undici, lighter than fetch, so that the
 * load generator takes less of the two cores from the processes it measures), a token of the development
 * identity provider, and the simulators' control API.
 */
export interface Answer {
  status: number;
  ms: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface InstanceStats {
  requests: number;
  byRoute: Record<string, number>;
}

/** Emergency access opens every patient of the population, as in the end-to-end tests. */
export const BENCH_PERSONA = 'emergency-physician';

export class BenchClient {
  private readonly agent = new Agent({ connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });

  private constructor(
    readonly system: RunningSystem,
    private readonly token: string,
  ) {}

  static async create(system: RunningSystem): Promise<BenchClient> {
    const idp = await DevIdentityProvider.load();
    // One token for the whole run (it lives an hour): minting one per request would load the client, not the gateway.
    return new BenchClient(system, await idp.token(BENCH_PERSONA));
  }

  /**
   * POSTs an operation to a gateway (ours unless `url` names another) and reads the whole answer. `fresh`:
   * on a connection of its own, as another client would, rather than one kept alive from earlier requests
   * (which a gateway that was busy may be closing just as the request goes out).
   */
  async query(query: string, variables: Record<string, unknown> = {}, url = this.system.gatewayUrl, options: { fresh?: boolean; signal?: AbortSignal } = {}): Promise<Answer> {
    const dispatcher = options.fresh ? new Agent({ connections: 1 }) : this.agent;
    try {
      const t0 = performance.now();
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const body = (await response.body.json()) as Answer['body'];
      return { status: response.statusCode, ms: performance.now() - t0, body };
    } finally {
      if (dispatcher !== this.agent) await dispatcher.close();
    }
  }

  async stats(): Promise<Record<string, InstanceStats>> {
    const list = (await (await fetch(`${this.system.controlUrl}/instances`)).json()) as { id: string; stats: InstanceStats }[];
    return Object.fromEntries(list.map((i) => [i.id, i.stats]));
  }

  /** Clears the simulators' statistics and puts every instance back to its start-up behaviour. */
  async reset(): Promise<void> {
    const response = await fetch(`${this.system.controlUrl}/reset`, { method: 'POST' });
    if (!response.ok) throw new Error('control API reset failed');
  }

  /** Sets the latency every simulated instance adds to each answer. */
  async setLatency(latencyMs: number): Promise<void> {
    await Promise.all(
      Object.keys(await this.stats()).map(async (id) => {
        const response = await fetch(`${this.system.controlUrl}/instances/${id}/behaviour`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ latencyMs }),
        });
        if (!response.ok) throw new Error(`control API refused a latency for ${id}: ${await response.text()}`);
      }),
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Throws with the first errors when an answer carries any: figures of failing requests mean nothing. */
export function expectClean(answer: Answer, what: string): Answer {
  if (answer.status !== 200 || answer.body.errors?.length) {
    throw new Error(`${what} failed (HTTP ${answer.status}): ${JSON.stringify(answer.body.errors ?? answer.body).slice(0, 600)}`);
  }
  return answer;
}
