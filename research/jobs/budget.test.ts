import { MemorySourceBudget, windowOf } from './budget';
import type { BudgetGrant } from './types';

describe("research's budget per source", () => {
  it("grants research's share of a source's capacity: never more in any one second", () => {
    expect(windowOf({ share: 0.2, callsPerSecond: () => 25 }, 'gp-1')).toEqual({ limit: 5, windowMs: 1000 });
    // 2.5 a second: 2 a second (rounded down, so no second holds more than the share).
    expect(windowOf({ share: 0.25, callsPerSecond: () => 10 }, 'gp-1')).toEqual({ limit: 2, windowMs: 1000 });
    // Under one a second: one call per 1/r seconds.
    expect(windowOf({ share: 0.2, callsPerSecond: () => 3 }, 'gp-1')).toEqual({ limit: 1, windowMs: 1667 });
    expect(() => windowOf({ share: 0, callsPerSecond: () => 3 }, 'gp-1')).toThrow(/share/);
    expect(() => windowOf({ share: 1.5, callsPerSecond: () => 3 }, 'gp-1')).toThrow(/share/);
    expect(() => windowOf({ share: 0.2, callsPerSecond: () => Number.NaN }, 'gp-1')).toThrow(/capacity of source gp-1/);
  });

  it('waits rather than refuses, a window at a time, each source on its own', async () => {
    const grants: BudgetGrant[] = [];
    const budget = new MemorySourceBudget({ share: 0.5, callsPerSecond: (id) => (id === 'slow' ? 4 : 100), onGrant: (g) => grants.push(g) });
    // 2 a second for `slow`: five calls are granted 2, 2 and 1, each pair a window apart.
    await Promise.all([budget.take('slow', 5), budget.take('fast', 40)]);
    const slow = grants.filter((g) => g.sourceId === 'slow');
    expect(slow.map((g) => g.calls)).toEqual([2, 2, 1]);
    expect(slow[1]!.at - slow[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(slow[2]!.at - slow[1]!.at).toBeGreaterThanOrEqual(1000);
    expect(grants.filter((g) => g.sourceId === 'fast')).toEqual([expect.objectContaining({ calls: 40 })]);
  });

  it('stops waiting when the signal aborts, and tells bad input', async () => {
    const budget = new MemorySourceBudget({ share: 0.1, callsPerSecond: () => 10 });
    await budget.take('pas-1');
    const controller = new AbortController();
    const waiting = budget.take('pas-1', 1, controller.signal);
    controller.abort('CANCELLED');
    await expect(waiting).rejects.toThrow(/CANCELLED/);
    await expect(budget.take('no such source!')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(budget.take('pas-1', 0)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(budget.take('pas-1', 1.5)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
