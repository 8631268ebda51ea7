import { MAX_TICKETS, SAFETY_MARGIN_MS, TicketCache } from '../TicketCache';

const NIN = '05895922945';

describe('summary record ticket cache', () => {
  it('holds a ticket until the safety margin before its expiry', () => {
    let clock = 1_000_000;
    const cache = new TicketCache(() => clock);
    cache.set(NIN, { ticket: 't1', expiresAt: clock + 600_000 });
    expect(cache.get(NIN)).toBe('t1');
    clock += 600_000 - SAFETY_MARGIN_MS;
    expect(cache.get(NIN)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keys entries by a keyed hash, never by the identity number', () => {
    const cache = new TicketCache();
    cache.set(NIN, { ticket: 't1', expiresAt: Date.now() + 600_000 });
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(NIN);
    expect(keys[0]).not.toMatch(/\d{11}/);
    expect(JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries])).not.toContain(NIN);
  });

  it('forgets a ticket on request and stays bounded', () => {
    const cache = new TicketCache();
    cache.set(NIN, { ticket: 't1', expiresAt: Date.now() + 600_000 });
    cache.delete(NIN);
    expect(cache.get(NIN)).toBeUndefined();
    for (let i = 0; i <= MAX_TICKETS + 5; i += 1) cache.set(String(i), { ticket: `t${i}`, expiresAt: Date.now() + 600_000 });
    expect(cache.size).toBe(MAX_TICKETS);
    expect(cache.get('0')).toBeUndefined();
    expect(cache.get(String(MAX_TICKETS + 5))).toBe(`t${MAX_TICKETS + 5}`);
  });
});
