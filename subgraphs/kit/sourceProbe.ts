import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface ProbeResult {
  reachable: boolean;
  /** How long the answer took, or the reason it did not come. */
  ms: number;
  error?: string;
  checkedAt: number;
}

/** How long a probe waits; health must answer fast even when a source hangs. */
export const PROBE_TIMEOUT_MS = 1000;
/** A source is probed at most this often, however often /health is asked (legacy systems are rate-limited). */
export const PROBE_INTERVAL_MS = 10_000;

/**
 * Whether a source instance answers at all: a HEAD request to its base URL, which carries no identity
 * number and reads no record. Any HTTP answer (even 401 or 404) means the system is reachable; a refused
 * connection, a reset or no answer within PROBE_TIMEOUT_MS means it is not. Results are kept for
 * PROBE_INTERVAL_MS, and concurrent health requests share one probe.
 */
export class SourceProbe {
  private readonly results = new Map<string, ProbeResult>();
  private readonly inFlight = new Map<string, Promise<ProbeResult>>();

  constructor(private readonly now: () => number = Date.now) {}

  check(id: string, baseUrl: string): Promise<ProbeResult> {
    const held = this.results.get(id);
    if (held && this.now() - held.checkedAt < PROBE_INTERVAL_MS) return Promise.resolve(held);
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = probe(baseUrl, this.now).then((result) => {
        this.results.set(id, result);
        this.inFlight.delete(id);
        return result;
      });
      this.inFlight.set(id, pending);
    }
    return pending;
  }
}

function probe(baseUrl: string, now: () => number): Promise<ProbeResult> {
  const started = performance.now();
  const done = (reachable: boolean, error?: string): ProbeResult => ({ reachable, ms: Math.round(performance.now() - started), checkedAt: now(), ...(error ? { error } : {}) });
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      resolve(done(false, 'invalid base URL'));
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      // A source of its own TCP protocol (HL7 v2 over MLLP): it answers when it accepts a connection; nothing is sent.
      const socket = net.connect({ host: url.hostname, port: Number(url.port), timeout: PROBE_TIMEOUT_MS }, () => {
        socket.destroy();
        resolve(done(true));
      });
      socket.on('timeout', () => socket.destroy(new Error('no answer within the probe timeout')));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(done(false, error.code ?? error.message)));
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, { method: 'HEAD', timeout: PROBE_TIMEOUT_MS, agent: false, headers: { 'User-Agent': 'patient-graph-health/0.1' } }, (response) => {
      response.resume();
      resolve(done(true));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within the probe timeout')));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(done(false, error.code ?? error.message)));
    request.end();
  });
}
