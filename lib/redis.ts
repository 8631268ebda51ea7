import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis connection: one server (or a primary found through Sentinel), or a Redis Cluster. */
export type RedisConnection = Redis | Cluster;

/**
 * How long a command may take before it fails. Redis answers in well under a millisecond; waiting longer
 * than this for a cache only makes the request slower than asking the source.
 */
export const COMMAND_TIMEOUT_MS = 150;

/**
 * The client for a REDIS_URL. Three forms:
 * - `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS): one server;
 * - `redis-cluster://[user:password@]host1:port1,host2:port2`: a Redis Cluster, from its seed nodes;
 * - `redis-sentinel://[user:password@]host1:26379,host2:26379/mymaster[?db=N]`: a primary found through
 *   Sentinel (the password is the primary's).
 * Commands fail fast while disconnected (no offline queue) and time out after COMMAND_TIMEOUT_MS, so a
 * Redis outage or a slow Redis never holds a read: the read goes to the source.
 */
export function redisClient(url: string, overrides: Pick<RedisOptions, 'lazyConnect'> = {}): RedisConnection {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    // Commands sent in the same tick go out in one write: a request reads many keys at once, and a write
    // per command was 4 % of a subgraph's CPU under load (profiled).
    enableAutoPipelining: true,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    // Reconnect for ever, backing off to two seconds: the cache comes back by itself.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    lazyConnect: false,
    ...overrides,
  };
  const match = /^(redis-cluster|redis-sentinel):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!match) return new Redis(url, common);
  const [, scheme, user, password, hosts = '', path, query] = match;
  const nodes: { host: string; port: number }[] = hosts.split(',').map((h) => {
    const [host = '', port] = h.split(':');
    return { host, port: Number(port ?? (scheme === 'redis-sentinel' ? 26379 : 6379)) };
  });
  const auth = { ...(user ? { username: decodeURIComponent(user) } : {}), ...(password ? { password: decodeURIComponent(password) } : {}) };
  if (scheme === 'redis-cluster') {
    return new Cluster(nodes, { enableOfflineQueue: false, enableAutoPipelining: true, lazyConnect: common.lazyConnect, redisOptions: { ...common, ...auth }, clusterRetryStrategy: common.retryStrategy });
  }
  const db = Number(new URLSearchParams(query ?? '').get('db') ?? 0);
  return new Redis({ ...common, ...auth, sentinels: nodes, name: path || 'mymaster', db });
}
