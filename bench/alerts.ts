import { DevIdentityProvider } from '../gateway/devIdp/DevIdentityProvider';
import { loadOrganisations } from '../lib/config';
import { startPrivateRedis, redisServerAvailable } from '../scripts/privateRedis';
import { startSystem, type RunningSystem } from '../scripts/system';
import { getPopulation } from '../simulators/population';
import { welfareWorld } from '../simulators/population/welfare';
import { cpuMs } from './processStats';
import { p50, p95 } from './load';

/**
 * Live alerts under load (issue 20): `subscribers` welfareAlerts subscriptions over SSE, each a reader of her own (a
 * Bergen home-nursing nurse), spread over the Bergen patients in home nursing that the hub follows, and `eventsPerSecond` alarms pushed through the hub's simulator for
 * `seconds`. Each alarm travels as it would: the hub stores it, sends its change notice and its signed webhook; the
 * gateway puts it on the alert stream; each subscriber of that patient gets it read as them (the gateway's whole pipeline). The
 * latency of a delivery runs from the moment the bench asked the hub to raise the alarm to the subscriber's receipt.
 * "Falling behind" is the delivery latency growing over the run: the last second's p95 against the first's.
 */
export interface AlertFigures {
  subscribers: number;
  patients: number;
  refused: number;
  eventsPerSecond: number;
  seconds: number;
  pushed: number;
  expected: number;
  delivered: number;
  duplicates: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  firstSecondP95Ms: number;
  lastSecondP95Ms: number;
  deliveriesPerSecond: number;
  gatewayCpuMsPerDelivery: number;
}

const round = (v: number) => Math.round(v * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Delivery {
  eventId: string;
  at: number;
}

/** One subscription's stream, parsed as it arrives (SSE messages: `id:`, `event:`, `data:`). */
function subscribe(url: string, token: string, nin: string, onDelivery: (d: Delivery) => void, signal: AbortSignal): { status: () => number; completed: () => boolean } {
  let status = 0;
  let completed = false;
  void (async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription BenchAlerts($nin: String!) { welfareAlerts(nin: $nin) { alertId kind event { sourceId } } }', variables: { nin } }),
      signal,
    }).catch(() => null);
    if (!response?.body) return;
    status = response.status;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        buffer += decoder.decode(step.value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.includes('event: complete')) completed = true;
          const data = message.split('\n').find((l) => l.startsWith('data: '));
          const eventId = data ? (JSON.parse(data.slice(6)) as { data?: { welfareAlerts?: { event?: { sourceId?: string } | null } } }).data?.welfareAlerts?.event?.sourceId : undefined;
          if (eventId) onDelivery({ eventId, at: Date.now() });
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return { status: () => status, completed: () => completed };
}

export async function measureAlerts(
  system: RunningSystem,
  options: { subscribers?: number; eventsPerSecond?: number; seconds?: number; warmUpSeconds?: number; log?: (line: string) => void } = {},
): Promise<AlertFigures> {
  const subscribers = options.subscribers ?? 200;
  const eventsPerSecond = options.eventsPerSecond ?? 50;
  const seconds = options.seconds ?? 20;
  // The same load for a few seconds first, not measured: a system that has run a while (JIT, connections, every
  // subscriber's first access decision), as a municipality's would be.
  const warmUpSeconds = options.warmUpSeconds ?? 5;
  const log = options.log ?? (() => undefined);
  const gateway = new URL(system.gatewayUrl);
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${system.controlUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  await control('PUT', '/settings', { invalidationUrl: `${gateway.origin}/cache/invalidate`, eventsUrl: `${gateway.origin}/welfare/events` });

  // Bergen patients on the hub in home nursing: the care relationship of Bergen's home-nursing staff.
  const bergen = loadOrganisations().municipalities.find((m) => m.number === '4601')!;
  const pool = getPopulation().persons.filter((p) => {
    if (p.municipality !== '4601' || p.deceasedDate || p.addressProtection.startsWith('STRICTLY')) return false;
    const world = welfareWorld(p, { municipalityName: bergen.name });
    if (world.devices.length === 0 && world.measurements.length === 0) return false;
    return p.careRecord?.services.some((s) => s.type === 'HOME_NURSING' && !s.end);
  });
  const idp = await DevIdentityProvider.load();
  // Every subscriber a reader of her own (a nurse of Bergen's home nursing with an HPR number of her own): nothing one
  // subscriber's read decided is reused for another's.
  const tokens = await Promise.all(Array.from({ length: subscribers }, (_, i) => idp.token('home-care-nurse', { hprNumber: String(8_000_000 + i) })));
  const abort = new AbortController();
  const deliveries = new Map<string, number[]>();
  const streams = Array.from({ length: subscribers }, (_, i) => {
    const patient = pool[i % pool.length]!;
    return { patient, stream: subscribe(`${gateway.origin}/graphql/stream`, tokens[i]!, patient.nin, (d) => deliveries.set(d.eventId, [...(deliveries.get(d.eventId) ?? []), d.at]), abort.signal) };
  });
  log(`alerts: ${subscribers} subscribers over ${pool.length} patients, subscribing…`);
  for (const t0 = Date.now(); Date.now() - t0 < 60_000 && streams.some((s) => s.stream.status() === 0 && !s.stream.completed()); ) await sleep(100);
  await sleep(1000);
  // A refused subscription (no care relationship found) ends at once: its patient gets no alarms counted for it.
  const accepted = streams.filter((s) => s.stream.status() === 200 && !s.stream.completed());
  const perPatient = new Map<string, number>();
  for (const s of accepted) perPatient.set(s.patient.nin, (perPatient.get(s.patient.nin) ?? 0) + 1);
  const patients = [...perPatient.keys()];
  log(`alerts: ${accepted.length} subscriptions open over ${patients.length} patients; pushing ${eventsPerSecond} alarms/s for ${warmUpSeconds} s (warm-up) and ${seconds} s…`);

  const gatewayPid = system.pids().gateway;
  let cpuBefore = NaN;
  const pushes: { eventId: string; t0: number; nin: string }[] = [];
  const warmUp = eventsPerSecond * warmUpSeconds;
  const total = warmUp + eventsPerSecond * seconds;
  const begin = Date.now();
  const start = begin + warmUpSeconds * 1000;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = begin + (i * 1000) / eventsPerSecond;
    if (i === warmUp && gatewayPid) cpuBefore = cpuMs(gatewayPid);
    const measured = i >= warmUp;
    if (due > Date.now()) await sleep(due - Date.now());
    const nin = patients[i % patients.length]!;
    const t0 = Date.now();
    inFlight.push(
      control('POST', '/instances/welfare-hub/events', { patient: nin, kind: ['ALARM', 'FALL', 'DOOR'][i % 3] })
        .then((r) => r.json() as Promise<{ eventId?: string }>)
        .then((answer) => {
          if (answer.eventId && measured) pushes.push({ eventId: answer.eventId, t0, nin });
        }),
    );
  }
  await Promise.all(inFlight);
  const expected = pushes.reduce((n, p) => n + (perPatient.get(p.nin) ?? 0), 0);
  const count = () => pushes.reduce((n, p) => n + (deliveries.get(p.eventId)?.length ?? 0), 0);
  for (const t0 = Date.now(); Date.now() - t0 < 30_000 && count() < expected; ) await sleep(50);
  const cpuAfter = gatewayPid ? cpuMs(gatewayPid) : NaN;
  abort.abort();

  const latencies: { t0: number; ms: number }[] = [];
  let duplicates = 0;
  for (const push of pushes) {
    const arrivals = deliveries.get(push.eventId) ?? [];
    duplicates += Math.max(0, arrivals.length - (perPatient.get(push.nin) ?? 0));
    for (const at of arrivals) latencies.push({ t0: push.t0, ms: at - push.t0 });
  }
  const all = latencies.map((l) => l.ms).sort((a, b) => a - b);
  const inSecond = (from: number) => latencies.filter((l) => l.t0 >= from && l.t0 < from + 1000).map((l) => l.ms);
  const delivered = count();
  return {
    subscribers: accepted.length,
    patients: patients.length,
    refused: subscribers - accepted.length,
    eventsPerSecond,
    seconds,
    pushed: pushes.length,
    expected,
    delivered,
    duplicates,
    latencyMs: { p50: round(p50(all)), p95: round(p95(all)), p99: round(all[Math.min(all.length - 1, Math.floor(all.length * 0.99))] ?? NaN), max: round(all.at(-1) ?? NaN) },
    firstSecondP95Ms: round(p95(inSecond(start))),
    lastSecondP95Ms: round(p95(inSecond(start + (seconds - 1) * 1000))),
    deliveriesPerSecond: round(delivered / seconds),
    gatewayCpuMsPerDelivery: round((cpuAfter - cpuBefore) / Math.max(1, delivered)),
  };
}

/** `npm run bench:alerts`: the alerts phase alone, on an embedded system with a private Redis (as deployed). */
async function main(): Promise<void> {
  const redis = redisServerAvailable() ? await startPrivateRedis() : undefined;
  const system = await startSystem({
    ports: 'auto',
    mode: 'embedded',
    output: 'capture',
    runtime: 'compiled',
    sourceTimeoutMs: 20_000,
    env: { SIM_LATENCY_MS: '40', LOG_LEVEL: 'warn', REDIS_URL: redis?.url ?? '' },
  });
  try {
    const figures = await measureAlerts(system, { log: (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`) });
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await system.stop();
    await redis?.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
