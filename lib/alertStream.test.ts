import { CacheCrypto, randomCacheKeys } from '../adapters/kit/cache/CacheCrypto';
import { redisClient } from './redis';
import { createLogger } from './logger';
import { startPrivateRedis, type PrivateRedis } from '../scripts/privateRedis';
import { isAfter, MemoryAlertBus, RedisAlertBus, type Alert, type AlertBus } from './alertStream';

const NIN = '03864013065';
const keys = new CacheCrypto(randomCacheKeys());
const alert = (eventId: string, nin = NIN) => ({
  patientKey: keys.keyFor('alert', nin),
  nin,
  source: 'welfare-hub',
  eventId,
  kind: 'ALARM',
  event: { id: eventId, time: '2026-12-07T05:00:00Z', kind: 'ALARM' as const, text: 'Trygghetsalarm utløst', deviceId: 'd1', handled: null, handledBy: null, medication: null },
});

async function until(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 20))) if (await condition()) return;
  throw new Error('condition not met in time');
}

describe('alert ids', () => {
  it('order by time, then by sequence', () => {
    expect(isAfter('1700000000001-0', '1700000000000-9')).toBe(true);
    expect(isAfter('1700000000000-10', '1700000000000-9')).toBe(true);
    expect(isAfter('1700000000000-1', '1700000000000-1')).toBe(false);
  });
});

describe('the in-process alert bus', () => {
  it('tells listeners in order, resumes after an id, and says when an id lies before the window', async () => {
    let now = 1_700_000_000_000;
    const bus = new MemoryAlertBus(60_000, () => now);
    const heard: Alert[] = [];
    const stop = bus.listen((a) => heard.push(a));
    const { id: first } = await bus.publish(alert('e1'));
    const { id: second } = await bus.publish(alert('e2'));
    now += 1000;
    const { id: third } = await bus.publish(alert('e3'));
    expect(heard.map((a) => a.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(isAfter(second, first) && isAfter(third, second)).toBe(true);
    expect((await bus.since(first))?.map((a) => a.eventId)).toEqual(['e2', 'e3']);
    stop();
    await bus.publish(alert('e4'));
    expect(heard).toHaveLength(3);
    now += 61_000;
    // e1..e3 are out of the window now; an id from before it cannot be resumed from.
    expect(await bus.since(first)).toBeNull();
    expect(await bus.since(`${now - 1}-0`)).toEqual([]);
  });

  it('publishes an event once: the same platform and event id again gives its first id, until it leaves the window', async () => {
    let now = 1_700_000_000_000;
    const bus = new MemoryAlertBus(60_000, () => now);
    const heard: string[] = [];
    bus.listen((a) => heard.push(a.id));
    const first = await bus.publish(alert('e1'));
    const again = await bus.publish(alert('e1'));
    // Another platform's event with the same id is another event.
    const other = await bus.publish({ ...alert('e1'), source: 'dispenser-dosevakt' });
    expect(first.repeated).toBe(false);
    expect(again).toEqual({ id: first.id, repeated: true });
    expect(other.repeated).toBe(false);
    expect(heard).toEqual([first.id, other.id]);
    now += 61_000;
    expect((await bus.publish(alert('e1'))).repeated).toBe(false);
  });
});

describe('the Redis alert bus (a private Redis)', () => {
  let redis: PrivateRedis;
  const buses: AlertBus[] = [];
  const crypto = new CacheCrypto(randomCacheKeys());
  const logger = createLogger('test');

  beforeAll(async () => {
    redis = await startPrivateRedis();
  }, 30_000);

  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await redis?.stop();
  });

  it('fans an alert out to every replica, resumes after an id, and stores no identity number in the clear', async () => {
    const a = new RedisAlertBus(redisClient(redis.url), crypto, 60_000, logger);
    const b = new RedisAlertBus(redisClient(redis.url), crypto, 60_000, logger);
    buses.push(a, b);
    const heardA: string[] = [];
    const heardB: string[] = [];
    a.listen((x) => heardA.push(x.eventId));
    b.listen((x) => heardB.push(x.nin === NIN ? x.eventId : 'wrong patient'));
    await until(() => a.ready() && b.ready());
    const { id: first } = await a.publish(alert('e1'));
    await b.publish(alert('e2'));
    await until(() => heardA.length === 2 && heardB.length === 2);
    expect(heardA).toEqual(['e1', 'e2']);
    expect(heardB).toEqual(['e1', 'e2']);
    const resumed = await b.since(first);
    expect(resumed?.map((x) => [x.eventId, x.nin, x.patientKey])).toEqual([['e2', NIN, keys.keyFor('alert', NIN)]]);
    const raw = redisClient(redis.url);
    await until(() => raw.status === 'ready');
    const dump = JSON.stringify(await raw.xrange('pg:alerts', '-', '+'));
    raw.disconnect();
    expect(dump).not.toContain(NIN);
    expect(dump).not.toContain('welfare-hub');
    expect(dump).not.toContain('Trygghetsalarm');
  });

  it('publishes an event once over every replica: pushed again to another, it is not published twice', async () => {
    const a = new RedisAlertBus(redisClient(redis.url), crypto, 60_000, logger);
    const b = new RedisAlertBus(redisClient(redis.url), crypto, 60_000, logger);
    buses.push(a, b);
    const heard: string[] = [];
    a.listen((x) => heard.push(x.eventId));
    await until(() => a.ready() && b.ready());
    const [first, second] = await Promise.all([a.publish(alert('twice')), b.publish(alert('twice'))]);
    expect(first!.id).toBe(second!.id);
    expect([first!.repeated, second!.repeated].sort()).toEqual([false, true]);
    await a.publish(alert('after'));
    await until(() => heard.includes('after'));
    expect(heard.filter((e) => e === 'twice')).toHaveLength(1);
    // The key that remembers the event names neither the platform nor the event.
    const raw = redisClient(redis.url);
    await until(() => raw.status === 'ready');
    const keysNow = await raw.keys('pg:alert-event:*');
    raw.disconnect();
    expect(keysNow.length).toBeGreaterThanOrEqual(2);
    expect(keysNow.join(' ')).not.toMatch(/twice|welfare-hub/);
  });
});
