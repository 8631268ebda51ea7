import { LRUCache } from 'lru-cache';
import { alertWindowMs, sharedAlerts, type Alert, type AlertBus } from '../../lib/alertStream';
import { createLogger } from '../../lib/logger';

/**
 * The events the platforms pushed within the alert window, by patient and event id, heard on the process's alert
 * stream (lib/alertStream.ts). `Patient.welfareEvent` answers from here: an alert is read once per subscriber, and each
 * such read would otherwise ask the platform for the patient's whole record again (its change notice has just made
 * the cache forget it). Not found (older, or pushed before this process listened, or no shared stream between this
 * process and the gateway): the platform's record is read instead.
 */
const logger = createLogger('welfare');
let heard: { bus: AlertBus; events: LRUCache<string, Alert>; keyOf: (nin: string) => string } | undefined;

function index() {
  const alerts = sharedAlerts(logger);
  if (heard?.bus !== alerts.bus) {
    const events = new LRUCache<string, Alert>({ max: 100_000, ttl: alertWindowMs() });
    alerts.bus.listen((a) => events.set(`${a.patientKey}\u0000${a.source}\u0000${a.eventId}`, a));
    heard = { bus: alerts.bus, events, keyOf: alerts.patientKey };
  }
  return heard;
}

/** The pushed event of this patient with this id from one of `sources`, if it is still kept. */
export function pushedEvent(nin: string, eventId: string, sources: readonly string[]): Alert | undefined {
  const { events, keyOf } = index();
  const key = keyOf(nin);
  for (const source of sources) {
    const found = events.get(`${key}\u0000${source}\u0000${eventId}`);
    if (found) return found;
  }
  return undefined;
}

/** Starts listening (the subgraph's first request does it anyway): events pushed from then on are found. */
export function listenForPushedEvents(): void {
  index();
}
