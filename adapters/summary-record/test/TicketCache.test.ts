import { MAX_TICKETS, SAFETY_MARGIN_MS, TicketCache } from '../TicketCache';

const NIN = '05895922945';

describe('summary record ticket cache', () => {
  it('holds a ticket until the safety margin before its expiry', () => {
    let clock = 1_000_000;
    const cache = new TicketCache(() => clock);
    cache.set(NIN, 'TREAT', { ticket: 't1', expiresAt: clock + 600_000 });
    expect(cache.get(NIN, 'TREAT')).toBe('t1');
    clock += 600_000 - SAFETY_MARGIN_MS;
    expect(cache.get(NIN, 'TREAT')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keys entries by a keyed hash, never by the identity number', () => {
    const cache = new TicketCache();
    cache.set(NIN, 'TREAT', { ticket: 't1', expiresAt: Date.now() + 600_000 });
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(NIN);
    expect(keys[0]).not.toMatch(/\d{11}/);
    expect(JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries])).not.toContain(NIN);
  });

  it('holds a ticket for the purpose it was issued under, not for another', () => {
    const cache = new TicketCache();
    const expiresAt = Date.now() + 600_000;
    cache.set(NIN, 'TREAT', { ticket: 't-treat', expiresAt });
    expect(cache.get(NIN, 'ETREAT')).toBeUndefined();
    expect(cache.get(NIN, 'PATRQT')).toBeUndefined();
    cache.set(NIN, 'ETREAT', { ticket: 't-etreat', expiresAt });
    expect(cache.size).toBe(2);
    expect([cache.get(NIN, 'TREAT'), cache.get(NIN, 'ETREAT')]).toEqual(['t-treat', 't-etreat']);
    cache.delete(NIN, 'ETREAT');
    expect([cache.get(NIN, 'TREAT'), cache.get(NIN, 'ETREAT')]).toEqual(['t-treat', undefined]);
    // The slot names neither the patient nor the purpose.
    const [slot] = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(slot).not.toMatch(/TREAT|\d{11}/);
  });

  it('forgets a ticket on request and stays bounded', () => {
    const cache = new TicketCache();
    cache.set(NIN, 'TREAT', { ticket: 't1', expiresAt: Date.now() + 600_000 });
    cache.delete(NIN, 'TREAT');
    expect(cache.get(NIN, 'TREAT')).toBeUndefined();
    for (let i = 0; i <= MAX_TICKETS + 5; i += 1) cache.set(String(i), 'TREAT', { ticket: `t${i}`, expiresAt: Date.now() + 600_000 });
    expect(cache.size).toBe(MAX_TICKETS);
    expect(cache.get('0', 'TREAT')).toBeUndefined();
    expect(cache.get(String(MAX_TICKETS + 5), 'TREAT')).toBe(`t${MAX_TICKETS + 5}`);
  });
});
