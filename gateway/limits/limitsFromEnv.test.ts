import { MAX_PATIENTS } from '../../subgraphs/person/resolvers';
import { DEFAULT_LIMITS, limitsFromEnv, queryPlanCacheMiB } from './limitsFromEnv';

describe('limitsFromEnv', () => {
  it('uses the defaults when nothing is set', () => {
    expect(limitsFromEnv({})).toEqual({ tokens: 3000, aliases: 15, depth: 12, directives: 20, cost: 200_000, rootFields: 10, patients: 100 });
    expect(queryPlanCacheMiB({})).toBe(30);
  });

  it('reads each limit from its variable', () => {
    const env = { LIMIT_TOKENS: '500', LIMIT_ALIASES: '5', LIMIT_DEPTH: '8', LIMIT_DIRECTIVES: '2', LIMIT_COST: '1000', LIMIT_ROOT_FIELDS: '3', LIMIT_PATIENTS: '50' };
    expect(limitsFromEnv(env)).toEqual({ tokens: 500, aliases: 5, depth: 8, directives: 2, cost: 1000, rootFields: 3, patients: 50 });
    expect(queryPlanCacheMiB({ QUERY_PLAN_CACHE_MIB: '64' })).toBe(64);
  });

  it('stops the gateway on a value that is not a positive whole number, naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', 'many', '1e400']) {
      expect(() => limitsFromEnv({ LIMIT_ALIASES: bad })).toThrow(/^LIMIT_ALIASES must be a positive whole number/);
    }
    expect(() => queryPlanCacheMiB({ QUERY_PLAN_CACHE_MIB: 'lots' })).toThrow(/QUERY_PLAN_CACHE_MIB/);
  });

  it("keeps the request's patient budget at what one `patients` field may ask in the person subgraph", () => {
    expect(DEFAULT_LIMITS.patients).toBe(MAX_PATIENTS);
  });
});
