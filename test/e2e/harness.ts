import { DevIdentityProvider, type TokenOptions } from '../../gateway/devIdp/DevIdentityProvider';
import { metricsToken } from '../../lib/metricsEndpoint';
import { startSystem, type RunningSystem, type SystemOptions } from '../../scripts/system';

/**
 * The end-to-end harness: the real processes (simulators, six subgraphs, gateway) on free ports, and
 * helpers to query the gateway and steer the simulators. Sources time out after 1.5 s here, so that a
 * hanging source costs the tests little. The shared source cache is off unless a test turns it on
 * (`env: { SOURCE_CACHE: 'on', REDIS_URL }`, as cache.e2e does): tests of faults and call counts must see
 * every read reach the simulators; what one request reads is still read once.
 */
export interface GraphQLResponse<D = Record<string, unknown>> {
  status: number;
  body: { data?: D | null; errors?: GraphQLErrorJson[] };
}

export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown> & { code?: string };
}

export type Mode = 'normal' | 'fail' | 'hang' | 'garbage' | 'invalid' | 'down';

export interface InstanceStats {
  requests: number;
  byRoute: Record<string, number>;
  ninInUrl: number;
  /** What the simulator observed, by label (the summary record counts `purpose:<CODE>`). */
  observed?: Record<string, number>;
}

/**
 * Who a test reads as: a persona of the development identity provider (with token options), a raw token,
 * or nobody (no Authorization header).
 */
export type Reader = string | { persona: string; options?: TokenOptions } | { token: string } | null;

/**
 * The persona queries read as unless a test says otherwise: emergency access opens every patient's health
 * data (blocks and strictly confidential places aside), which is what tests of sources and merging need.
 */
export const DEFAULT_READER = 'emergency-physician';

export class TestSystem {
  constructor(
    readonly system: RunningSystem,
    readonly idp: DevIdentityProvider,
  ) {}

  static async start(options: Partial<SystemOptions> = {}): Promise<TestSystem> {
    const system = await startSystem({
      ports: 'auto',
      output: 'capture',
      sourceTimeoutMs: 1500,
      ...options,
      // The per-reader rate limit runs (its headers, its store) but far above what a test sends as one persona;
      // ratelimit.e2e sets its own.
      env: { LOG_LEVEL: 'warn', SOURCE_CACHE: 'off', RATE_LIMIT_BURST: '5000', RATE_LIMIT_PER_SECOND: '500', ...options.env },
    });
    return new TestSystem(system, await DevIdentityProvider.load());
  }

  /**
   * The system with both Hive Gateway planners beside the Apollo gateway over the same subgraphs, and the
   * three engines' GraphQL URLs by name (`apollo`, `hive`, `hive-router`).
   */
  static async startWithEngines(options: Partial<SystemOptions> = {}): Promise<{ system: TestSystem; engines: Record<'apollo' | 'hive' | 'hive-router', string> }> {
    const system = await TestSystem.start({
      ...options,
      extraGateways: [
        { name: 'hive', script: 'gateway/hive/main.ts', env: { HIVE_RUNTIME: 'default' } },
        { name: 'hive-router', script: 'gateway/hive/main.ts', env: { HIVE_RUNTIME: 'router' } },
      ],
    });
    const urls = system.system.extraGatewayUrls;
    return { system, engines: { apollo: system.system.gatewayUrl, hive: urls.hive?.graphql as string, 'hive-router': urls['hive-router']?.graphql as string } };
  }

  async token(reader: Exclude<Reader, null>): Promise<string> {
    if (typeof reader === 'string') return this.idp.token(reader);
    if ('token' in reader) return reader.token;
    return this.idp.token(reader.persona, reader.options);
  }

  async query<D = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, reader: Reader = DEFAULT_READER): Promise<GraphQLResponse<D>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (reader !== null) headers.Authorization = `Bearer ${await this.token(reader)}`;
    const response = await fetch(this.system.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { status: response.status, body: (await response.json()) as GraphQLResponse<D>['body'] };
  }

  /** A query function bound to one reader. */
  as(reader: Reader): <D = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<D>> {
    return (query, variables = {}) => this.query(query, variables, reader);
  }

  /** A process's Prometheus metrics (`base`: any URL of the process), read as a scraper with the metrics token does. */
  async metrics(base: string): Promise<string> {
    const response = await fetch(new URL('/metrics', base), { headers: { authorization: `Bearer ${metricsToken()}` } });
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    return response.text();
  }

  async setBehaviour(instance: string, behaviour: { mode?: Mode; latencyMs?: number }): Promise<void> {
    const response = await fetch(`${this.system.controlUrl}/instances/${instance}/behaviour`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(behaviour),
    });
    if (!response.ok) throw new Error(`control API refused: ${await response.text()}`);
  }

  async reset(): Promise<void> {
    const response = await fetch(`${this.system.controlUrl}/reset`, { method: 'POST' });
    if (!response.ok) throw new Error('control API reset failed');
  }

  async stats(): Promise<Record<string, InstanceStats>> {
    const list = (await (await fetch(`${this.system.controlUrl}/instances`)).json()) as { id: string; stats: InstanceStats }[];
    return Object.fromEntries(list.map((i) => [i.id, i.stats]));
  }

  stop(): Promise<void> {
    return this.system.stop();
  }
}

/** Every error in a response, for assertions that none leaks a stack trace or an identity number. */
export function allErrors(responses: GraphQLResponse[]): GraphQLErrorJson[] {
  return responses.flatMap((r) => r.body.errors ?? []);
}

export function errorAt(response: GraphQLResponse, path: (string | number)[]): GraphQLErrorJson | undefined {
  return response.body.errors?.find((e) => JSON.stringify(e.path) === JSON.stringify(path));
}
