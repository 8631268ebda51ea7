import { MemoryCacheStore } from '../../kit/cache/CacheStore';
import { CacheCrypto, randomCacheKeys } from '../../kit/cache/CacheCrypto';
import { Stash } from '../../kit/cache/Stash';
import { SAFETY_MARGIN_MS, TicketCache } from '../TicketCache';

const NIN = '05895922945';

function setup() {
  let clock = 1_000_000;
  const store = new MemoryCacheStore();
  const cache = new TicketCache(new Stash(store, new CacheCrypto(randomCacheKeys()), 'kj-ticket'), 'summary-record', () => clock);
  return { cache, store, advance: (ms: number) => (clock += ms), now: () => clock };
}

describe('summary record ticket cache', () => {
  it('holds a ticket until the safety margin before its expiry', async () => {
    const t = setup();
    await t.cache.set(NIN, 'TREAT', { ticket: 't1', expiresAt: t.now() + 600_000 });
    expect(await t.cache.getMany([NIN], 'TREAT')).toEqual(new Map([[NIN, 't1']]));
    t.advance(600_000 - SAFETY_MARGIN_MS);
    expect((await t.cache.getMany([NIN], 'TREAT')).size).toBe(0);
  });

  it('keys entries by a keyed hash, and seals them: neither the number, the purpose nor the ticket shows', async () => {
    const t = setup();
    await t.cache.set(NIN, 'TREAT', { ticket: 'ticket-abc', expiresAt: t.now() + 600_000 });
    const dump = JSON.stringify([...(t.store as unknown as { lru: Map<string, string> }).lru.entries()]);
    expect(dump).not.toMatch(/\d{11}|TREAT|ticket-abc/);
  });

  it('holds a ticket for the purpose it was issued under, not for another', async () => {
    const t = setup();
    const expiresAt = t.now() + 600_000;
    await t.cache.set(NIN, 'TREAT', { ticket: 't-treat', expiresAt });
    expect((await t.cache.getMany([NIN], 'ETREAT')).size).toBe(0);
    expect((await t.cache.getMany([NIN], 'PATRQT')).size).toBe(0);
    await t.cache.set(NIN, 'ETREAT', { ticket: 't-etreat', expiresAt });
    expect([...(await t.cache.getMany([NIN], 'TREAT')).values(), ...(await t.cache.getMany([NIN], 'ETREAT')).values()]).toEqual(['t-treat', 't-etreat']);
    await t.cache.delete(NIN, 'ETREAT');
    expect((await t.cache.getMany([NIN], 'ETREAT')).size).toBe(0);
    expect((await t.cache.getMany([NIN], 'TREAT')).size).toBe(1);
  });

  it('never keeps a ticket that is about to run out', async () => {
    const t = setup();
    await t.cache.set(NIN, 'TREAT', { ticket: 't1', expiresAt: t.now() + SAFETY_MARGIN_MS - 1 });
    expect((await t.cache.getMany([NIN], 'TREAT')).size).toBe(0);
  });
});
