import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { metrics } from './metrics';
import { derivedDevSecret, secret } from './secrets';

/**
 * `GET /metrics` (Prometheus text), on the gateway and on every subgraph, for a scraper that sends the bearer
 * token `METRICS_TOKEN` (Prometheus: `authorization: { credentials_file: … }`). Without it, 401.
 *
 * Why metrics are not open: they are counts and timings of reads per source instance, and a read's timing or a
 * counter that moves right after a request tells an observer which systems answered for it. Labels never name
 * a patient, and reads for a patient whose address is strictly confidential are counted under the source's
 * sector (adapters/kit/AdapterKit.ts), but what is left is still operational detail for the operators' eyes
 * only: keep the port internal as well (README, Metrics).
 *
 * Outside production the token is derived from the development secrets (`npm run token -- --metrics`).
 */
export function metricsToken(): string {
  return secret('METRICS_TOKEN', () => derivedDevSecret('metrics-token'), 'the bearer token a metrics scraper sends to GET /metrics');
}

export function metricsEndpoint(token: string = metricsToken()): RequestHandler {
  // Compared as digests: equal length whatever was sent, so the comparison is constant-time.
  const expected = createHash('sha256').update(token).digest();
  return async (req, res) => {
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .set('Cache-Control', 'no-store')
        .json({ errors: [{ message: 'GET /metrics needs the metrics token (Authorization: Bearer <METRICS_TOKEN>)', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.set('Cache-Control', 'no-store').set('Content-Type', metrics().registry.contentType).send(await metrics().registry.metrics());
  };
}
