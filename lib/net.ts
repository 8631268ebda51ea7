/**
 * The address every server here binds to. Loopback by default, so nothing is reachable from the network
 * unless the operator says so (containers set BIND_HOST=0.0.0.0).
 */
export const BIND_HOST = process.env.BIND_HOST ?? '127.0.0.1';
