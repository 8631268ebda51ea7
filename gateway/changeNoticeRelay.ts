import type { RequestHandler } from 'express';
import { fetch } from 'undici';
import { instancesOf, type SourcesConfig } from '../lib/config';
import { checkChangeNotice, memoryNonces, SIGNATURE_HEADER } from '../lib/invalidation';
import type { Logger } from '../lib/logger';
import type { LocalSubgraphs } from './health';
import { subgraphAgent } from './subgraphFetcher';

/**
 * `POST /cache/invalidate` on the gateway: the one address a source needs for its change notices. The
 * gateway checks the notice (lib/invalidation.ts) and passes it, unchanged and still signed, to every
 * subgraph, each of which checks it again and forgets what it holds for those patients (the shared cache,
 * and its own in-process memory). 200 when every subgraph has forgotten; 503 CACHE_UNAVAILABLE, naming
 * those that did not, when the source should send the notice again.
 */
export function changeNoticeRelay(sources: SourcesConfig, subgraphUrls: Record<string, string>, logger: Logger, local: LocalSubgraphs = new Map()): RequestHandler {
  const instances = new Map(instancesOf(sources).map((i) => [i.id, i]));
  // This gateway takes each notice once; the subgraphs check again, with their own memory (shared in Redis).
  const nonces = memoryNonces();
  return async (req, res) => {
    const signature = req.get(SIGNATURE_HEADER);
    const checked = await checkChangeNotice(req.body, signature, (id) => instances.get(id), nonces, 'gateway');
    if ('status' in checked) {
      logger.warn({ status: checked.status }, 'change notice refused');
      res.status(checked.status).json(checked.body);
      return;
    }
    const outcomes = await Promise.all(
      Object.entries(subgraphUrls).map(async ([name, url]) => {
        try {
          // A subgraph in this process takes the notice directly, with the same checks as over HTTP.
          const embedded = local.get(name);
          if (embedded) {
            const answer = await embedded.takeNotice(req.body, signature);
            return [name, answer.status === 200 || answer.status === 409] as const;
          }
          const answer = await fetch(new URL('/cache/invalidate', url), {
            method: 'POST',
            headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature ?? '' },
            body: req.body as string,
            dispatcher: subgraphAgent(),
            signal: AbortSignal.timeout(3000),
          });
          await answer.body?.cancel();
          // 409: that subgraph took this very notice already (through another gateway replica): it has forgotten.
          return [name, answer.ok || answer.status === 409] as const;
        } catch {
          return [name, false] as const;
        }
      }),
    );
    const failed = outcomes.filter(([, ok]) => !ok).map(([name]) => name);
    const source = checked.instance.id;
    if (failed.length > 0) {
      logger.warn({ source, failed }, 'change notice not taken by every subgraph');
      res.status(503).json({
        errors: [{ message: `Not every subgraph could forget these entries now (${failed.join(', ')}); send the notice again`, extensions: { code: 'CACHE_UNAVAILABLE', subgraphs: failed } }],
      });
      return;
    }
    logger.info({ source, patients: checked.notice.patients.length }, 'change notice passed to every subgraph');
    res.json({ source, invalidated: checked.notice.patients.length, subgraphs: outcomes.length });
  };
}
