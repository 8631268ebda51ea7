import type { RequestHandler } from 'express';
import { adapterManifest } from '../../adapters';
import { officeRecordKey } from '../../adapters/contracts';
import type { InstanceConfig } from '../../lib/config';
import type { CacheStore } from '../../adapters/kit/cache/CacheStore';
import { checkChangeNotice, memoryNonces, SIGNATURE_HEADER, type NonceMemory } from '../../lib/invalidation';
import type { Logger } from '../../lib/logger';
import type { SourceDirectory } from './SourceDirectory';

interface Invalidates {
  invalidate(instance: InstanceConfig, operations: readonly string[], keys: readonly string[]): Promise<void>;
}

/** What a subgraph answers a change notice: an HTTP status and a JSON body. */
export interface NoticeAnswer {
  status: number;
  body: unknown;
}

/**
 * A source's signed change notice (forwarded by the gateway, or sent straight to a subgraph): every kind of
 * data the source's adapter reads is forgotten for the patients it names, in the shared cache and in this
 * process. Only the source itself can sign one (lib/invalidation.ts). The same over HTTP (`POST
 * /cache/invalidate`, changeNoticeHandler) and in the gateway's process (a subgraph embedded there).
 */
export function changeNoticeTaker(sources: SourceDirectory, cache: Invalidates, logger: Logger, receiver: string, store: CacheStore): (body: unknown, signature: string | undefined) => Promise<NoticeAnswer> {
  const nonces = storeNonces(store);
  return async (body, signature) => {
    const checked = await checkChangeNotice(body, signature, (id) => sources.knownInstance(id), nonces, receiver);
    if ('status' in checked) return { status: checked.status, body: checked.body };
    const { notice, instance } = checked;
    // A system that hosts GP offices keeps a record per office and patient: each office's is forgotten.
    const offices = sources.orgs.gpOffices.filter((o) => o.instance === instance.id).map((o) => o.herId);
    const keys = [...notice.patients, ...offices.flatMap((herId) => notice.patients.map((nin) => officeRecordKey(herId, nin)))];
    try {
      await cache.invalidate(instance, adapterManifest(instance.system).operations, keys);
    } catch {
      // The shared store did not take the deletes: the source should send the notice again.
      return { status: 503, body: { errors: [{ message: 'The cache could not forget these entries now; send the notice again', extensions: { code: 'CACHE_UNAVAILABLE' } }] } };
    }
    logger.info({ source: instance.id, patients: notice.patients.length }, 'cache entries invalidated by the source');
    return { status: 200, body: { source: instance.id, invalidated: notice.patients.length } };
  };
}

/** `POST /cache/invalidate` on a subgraph (the body read as text by express.text). */
export function changeNoticeHandler(take: (body: unknown, signature: string | undefined) => Promise<NoticeAnswer>): RequestHandler {
  return async (req, res) => {
    const answer = await take(req.body, req.get(SIGNATURE_HEADER));
    res.status(answer.status).json(answer.body);
  };
}

/**
 * A notice is taken once per subgraph: by this process (always) and, where the cache store is shared (Redis),
 * by every replica of the subgraph together. While Redis cannot say, the process's own memory still refuses
 * a replay to it; a replay to another replica meanwhile would only make it forget again.
 */
function storeNonces(store: CacheStore): NonceMemory {
  const local = memoryNonces();
  return {
    async claim(key, ttlMs) {
      if (!(await local.claim(key, ttlMs))) return false;
      return store.kind === 'memory' || (await store.claimOnce(key, ttlMs)) !== false;
    },
  };
}
