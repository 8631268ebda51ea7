import { BlockList, isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { ConfigError } from '../../lib/config';

/**
 * Who the development identity provider hands tokens to: callers on this machine only. Its tokens open the
 * whole simulated population, and the gateway may listen on more than loopback (`BIND_HOST=0.0.0.0` in the
 * containers), so two checks, neither of which trusts what a client says about itself:
 * - the connection comes from loopback (127.0.0.0/8, ::1), or from a network the operator names in
 *   `DEV_IDP_TRUSTED_NETWORKS` (CIDRs, comma-separated: the containers' bridge network), by the socket's peer
 *   address, never `X-Forwarded-For`;
 * - the `Host` header names this machine (`localhost`, `127.0.0.1`, `[::1]`, with any port) or a host in
 *   `DEV_IDP_ALLOWED_HOSTS`. A page on another site that has its name resolve to 127.0.0.1 (DNS rebinding)
 *   reaches the gateway from the browser's own loopback connection, with its own name as Host and Origin:
 *   judged by the Host header alone, that passed as same-origin and was given tokens.
 */
export interface LocalCallers {
  networks: BlockList;
  hosts: ReadonlySet<string>;
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function localCallersFromEnv(env: NodeJS.ProcessEnv = process.env): LocalCallers {
  const networks = new BlockList();
  networks.addSubnet('127.0.0.0', 8, 'ipv4');
  networks.addAddress('::1', 'ipv6');
  for (const cidr of (env.DEV_IDP_TRUSTED_NETWORKS ?? '').split(',').map((c) => c.trim()).filter(Boolean)) {
    const [address = '', prefix = ''] = cidr.split('/');
    const family = isIP(address);
    const bits = Number(prefix);
    if (!family || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      throw new ConfigError(`DEV_IDP_TRUSTED_NETWORKS: "${cidr}" is not a network in CIDR form (10.0.0.0/8, fd00::/8)`);
    }
    networks.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  }
  const hosts = new Set([...LOOPBACK_HOSTS, ...(env.DEV_IDP_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)]);
  return { networks, hosts };
}

/** Whether a request comes from a caller the development identity provider serves. */
export function isLocalCaller(req: Pick<Request, 'socket' | 'headers'>, callers: LocalCallers): boolean {
  return peerAllowed(req.socket.remoteAddress, callers.networks) && hostAllowed(req.headers.host, callers.hosts);
}

function peerAllowed(address: string | undefined, networks: BlockList): boolean {
  if (!address) return false;
  // An IPv4 peer on a dual-stack socket: ::ffff:127.0.0.1.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return networks.check(mapped, 'ipv4');
  return isIP(address) === 6 ? networks.check(address, 'ipv6') : networks.check(address, 'ipv4');
}

function hostAllowed(host: string | undefined, hosts: ReadonlySet<string>): boolean {
  if (!host) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return hosts.has(name);
}

/** Refuses (403 `DEV_IDP_LOCAL_ONLY`) a request that is not from a local caller. */
export function localCallersOnly(callers: LocalCallers = localCallersFromEnv()): RequestHandler {
  return (req, res, next) => {
    if (isLocalCaller(req, callers)) {
      next();
      return;
    }
    res.status(403).set('Cache-Control', 'no-store').json({
      error: 'access_denied',
      error_description: 'The development identity provider issues tokens to callers on this machine only (DEV_IDP_TRUSTED_NETWORKS, DEV_IDP_ALLOWED_HOSTS)',
    });
  };
}
