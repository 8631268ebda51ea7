import type { RequestHandler } from 'express';
import { createAdapter, systemRegistry } from '../../adapters';
import { isWelfareEventReader } from '../../adapters/contracts';
import { AdapterKit, BadResponseError } from '../../adapters/kit';
import { instancesOf, type InstanceConfig, type SourcesConfig } from '../../lib/config';
import { createHash } from 'node:crypto';
import { memoryNonces, SIGNATURE_HEADER, verifyChangeNotice, type NonceMemory } from '../../lib/invalidation';
import { isProduction } from '../../lib/secrets';
import type { Logger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import type { Alerts, Published } from '../../lib/alertStream';

/**
 * `POST /welfare/events`: where a welfare technology platform pushes its events (an alarm pressed, a fall, a missed
 * dose). Checked as change notices are (lib/invalidation.ts): signed by the platform's own `invalidationSecret` over a
 * timestamp, a nonce and the exact body, fresh, and taken once. Its adapter reads the body (`readPushedEvent`, in the
 * platform's protocol: a FHIR Flag or Communication for the hub), and the event goes on the alert stream, from which
 * every replica's `welfareAlerts` subscriptions read it for their subscribers, each read through the graph as that
 * subscriber (gateway/alerts/subscriptions.ts). 202 with the alert's id; the same event pushed again (the platform
 * retrying after a lost answer, or pushing to another replica) is taken once: 200 with its first id and `repeated`.
 * The body is never echoed.
 */
const body = (code: string, message: string, extra: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { code, ...extra } }] });

export function welfareEventsWebhook(sources: SourcesConfig, alerts: Alerts, logger: Logger, nonces: NonceMemory = memoryNonces()): RequestHandler {
  const registry = systemRegistry();
  const kit = new AdapterKit(logger);
  // Only the platforms: an instance of another sector has nothing to push here.
  const platforms = new Map(instancesOf(sources).filter((i) => registry.get(i.system)?.contract === 'WelfareRecordModel').map((i) => [i.id, i]));
  const readers = new Map<string, ReturnType<typeof createAdapter<'WelfareRecordModel'>>>();
  const readerFor = (instance: InstanceConfig) => {
    let adapter = readers.get(instance.id);
    if (!adapter) readers.set(instance.id, (adapter = createAdapter(instance, 'WelfareRecordModel', kit)));
    return adapter;
  };
  return async (req, res) => {
    const text = typeof req.body === 'string' ? req.body : '';
    let parsed: { source?: unknown } | null = null;
    try {
      parsed = JSON.parse(text) as { source?: unknown };
    } catch {
      parsed = null;
    }
    const source = typeof parsed?.source === 'string' ? parsed.source : '';
    const instance = platforms.get(source);
    // As for change notices: the platform's own secret (never a development one in production), fresh, taken once.
    const signature = req.get(SIGNATURE_HEADER);
    const secret = instance?.invalidationSecret;
    const usable = secret !== undefined && !(isProduction() && secret.startsWith('dev-'));
    if (!instance || !secret || !usable || !verifyChangeNotice(secret, text, signature)) {
      logger.warn({ source: instance ? instance.id : 'unknown' }, 'pushed event refused: not signed by a welfare technology platform');
      metrics().alertsPublished.inc({ outcome: 'refused' });
      res.status(401).json(body('UNAUTHENTICATED', 'The event is not signed by a welfare technology platform of this graph (t=<seconds>,n=<nonce>,v1=<HMAC>)'));
      return;
    }
    const replay = await claimNonce(nonces, instance, signature ?? '');
    if (!replay) {
      metrics().alertsPublished.inc({ outcome: 'refused' });
      res.status(409).json(body('CHANGE_NOTICE_REPLAYED', 'This event was taken already; a platform signs each push with a fresh nonce'));
      return;
    }
    const adapter = readerFor(instance);
    if (!isWelfareEventReader(adapter)) {
      metrics().alertsPublished.inc({ outcome: 'refused' });
      res.status(400).json(body('ALERT_REJECTED', `Platform ${instance.id} pushes no events this graph can read`, { reason: 'NO_EVENT_READER' }));
      return;
    }
    let pushed;
    try {
      pushed = adapter.readPushedEvent(parsed);
    } catch (error) {
      const reason = error instanceof BadResponseError ? error.message : 'UNREADABLE';
      logger.warn({ source: instance.id, reason }, 'pushed event refused: its adapter could not read it');
      metrics().alertsPublished.inc({ outcome: 'refused' });
      res.status(400).json(body('ALERT_REJECTED', 'The platform\'s adapter could not read the event', { reason }));
      return;
    }
    let published: Published;
    try {
      published = await alerts.bus.publish({ patientKey: alerts.patientKey(pushed.patientNin), nin: pushed.patientNin, source: instance.id, eventId: pushed.event.id, kind: pushed.event.kind, event: pushed.event });
    } catch (error) {
      // The platform sends it again (with a fresh nonce): nothing is lost while the stream is down.
      logger.warn({ source: instance.id, err: { message: (error as Error).message } }, 'pushed event not published: the alert stream is unavailable');
      res.status(503).json(body('CACHE_UNAVAILABLE', 'The alert stream could not take the event now; send it again'));
      return;
    }
    const { id: alertId, repeated } = published;
    // An event pushed again (a retry after a lost answer, or to another replica) is taken, and not published twice.
    metrics().alertsPublished.inc({ outcome: repeated ? 'repeated' : 'published' });
    logger.info({ source: instance.id, kind: pushed.event.kind, alertId, repeated }, repeated ? 'pushed event taken again: published before' : 'pushed event published');
    res.status(repeated ? 200 : 202).json({ alertId, ...(repeated ? { repeated: true } : {}) });
  };
}

async function claimNonce(nonces: NonceMemory, instance: InstanceConfig, signature: string): Promise<boolean> {
  const nonce = /(?:^|,)\s*n=([A-Za-z0-9_-]{16,64})/.exec(signature)?.[1];
  if (!nonce) return false;
  // Hashed, as a change notice's: the key names neither the platform nor anything else.
  return nonces.claim(`pg:notice:${createHash('sha256').update(`alerts\u0000${instance.id}\u0000${nonce}`).digest('base64url')}`, 600_000);
}
