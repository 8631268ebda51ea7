import { randomBytes } from 'node:crypto';
import { loadOrganisations, type InstanceConfig } from '../../../lib/config';
import { createLogger } from '../../../lib/logger';
import { isValidNin } from '../../../lib/nin';
import { SimulatedInstance } from '../../../simulators/kit/SimulatedInstance';
import { demoPatient, getPopulationIndex, type Person } from '../../../simulators/population';
import { createPopulationRegisterSimulator, populationRegisterSimulator } from '../../../simulators/population-register';
import type { ExtractCriteria, ExtractOptions } from '../../contracts';
import { AdapterKit, type ReadMiddleware } from '../../kit';
import { CacheCrypto } from '../../kit/cache/CacheCrypto';
import { MemoryCacheStore } from '../../kit/cache/CacheStore';
import { sourceCache } from '../../kit/cache/sourceCache';
import { Resilience } from '../../kit/resilience';
import { sourceFailure } from '../../kit/testing';
import { createPopulationRegisterAdapter } from '../client';
import type { PopulationRegisterOptions } from '../manifest';

/**
 * The custom extract (tilpasset uttrekk) against the register's simulator over HTTP, through the kit as the graph
 * reads: the source cache and resilience around every call.
 */
const logger = createLogger('test');
const orgs = loadOrganisations();
const population = getPopulationIndex();
const persons = population.population.persons;
const API_KEY = 'test-key';
const config: InstanceConfig = {
  id: 'population-register-test',
  system: 'population-register',
  baseUrl: 'http://127.0.0.1:0',
  timeoutMs: 2000,
  options: { apiKey: API_KEY },
  // As sources.json has it: the register's answers are kept an hour (the extract's must not be, whatever this says).
  cache: { '*': { ttlMs: 3_600_000, staleMs: 86_400_000 } },
};
const strictlyConfidential = (p: Person) => p.addressProtection === 'STRICTLY_CONFIDENTIAL' || p.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD';
const residentsOf = (municipality: string) => persons.filter((p) => p.municipality === municipality && !p.deceasedDate && !strictlyConfidential(p)).map((p) => p.nin);

let sim: SimulatedInstance;
beforeAll(async () => {
  sim = new SimulatedInstance(populationRegisterSimulator, { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
  await sim.start(0);
});
afterAll(() => sim.close());
afterEach(async () => {
  await sim.setBehaviour({ mode: 'normal', latencyMs: 0 });
  sim.resetStats();
});

/** A kit as a subgraph builds it (the source cache, then resilience), with what it stored and which calls passed. */
function graphKit(resilience = new Resilience(logger)) {
  const store = new MemoryCacheStore();
  const stored: string[] = [];
  const setMany = store.setMany.bind(store);
  store.setMany = async (entries) => {
    stored.push(...entries.map((e) => e.key));
    return setMany(entries);
  };
  const key = randomBytes(32);
  const crypto = new CacheCrypto({ names: randomBytes(32), current: { id: 'k1', key }, all: new Map([['k1', key]]) });
  const operations: string[] = [];
  const spy: ReadMiddleware = async (call, next) => {
    operations.push(call.operation);
    return next(call);
  };
  const kit = new AdapterKit(logger).use(spy).use(sourceCache({ store, crypto, logger })).use(resilience.middleware());
  return { kit, stored, operations };
}

function adapter(over: { instance?: Partial<InstanceConfig>; options?: Partial<PopulationRegisterOptions>; server?: SimulatedInstance; kit?: AdapterKit } = {}) {
  const instance = { ...config, baseUrl: (over.server ?? sim).url, ...over.instance };
  return createPopulationRegisterAdapter(instance, { apiKey: API_KEY, ...over.options }, over.kit ?? graphKit().kit);
}

async function collect(batches: AsyncIterable<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

const extract = (criteria: ExtractCriteria, options?: ExtractOptions, over: Parameters<typeof adapter>[0] = {}) => collect(adapter(over).extract(criteria, options));
const calls = (route: string) => Object.entries(sim.stats.byRoute).filter(([r]) => r.startsWith(route)).reduce((sum, [, n]) => sum + n, 0);
const ORDERS = 'POST /folkeregisteret/api/v1/uttrekk/tilpasset';
const BATCHES = 'GET /folkeregisteret/api/v1/uttrekk/';

describe('population register adapter: the custom extract', () => {
  it("yields a municipality's residents batch by batch, in the register's order, without the dead or the strictly confidential", async () => {
    const { kit, stored, operations } = graphKit();
    const batches = await extract({ municipalities: ['4601'] }, { requestId: 'r1' }, { kit });
    const residents = residentsOf('4601');
    expect(batches.map((b) => b.length)).toEqual([100, 100, residents.length - 200]);
    expect(batches.flat()).toEqual(residents);
    expect(batches.flat()).not.toContain(demoPatient('deceased').nin);
    expect(persons.filter((p) => p.municipality === '4601' && strictlyConfidential(p)).some((p) => batches.flat().includes(p.nin))).toBe(false);
    // One order, three batches and the end marker: each a call through the kit's middleware, none of it kept in the cache.
    expect([calls(ORDERS), calls(BATCHES)]).toEqual([1, 4]);
    expect(operations).toEqual(Array(5).fill('extract'));
    expect(stored).toEqual([]);
    expect(sim.stats.ninInUrl).toBe(0);
  });

  it("awaits the caller's beforeCall before each call to the register, and stops when it rejects", async () => {
    const before = [calls(ORDERS), calls(BATCHES)];
    let taken = 0;
    const batches = await extract({ municipalities: ['4601'] }, { beforeCall: async () => void (taken += 1) });
    const made = calls(ORDERS) + calls(BATCHES) - before[0]! - before[1]!;
    expect(batches.flat()).toEqual(residentsOf('4601'));
    // An order, three batches and the end marker: five calls, each taken from the budget first.
    expect([taken, made]).toEqual([5, 5]);
    let budget = 2;
    const refused = new Error('out of budget');
    await expect(extract({ municipalities: ['4601'] }, { beforeCall: async () => { if (budget-- <= 0) throw refused; } })).rejects.toBe(refused);
  });

  it('yields every resident of the register without a municipality, the strictly confidential ones included', async () => {
    const all = (await extract({})).flat();
    expect(all).toEqual(persons.filter((p) => !p.deceasedDate).map((p) => p.nin));
    expect(all).toContain(demoPatient('strictlyConfidential').nin);
    expect(all.every(isValidNin)).toBe(true);
  });

  it('orders one job a municipality, each number once, and takes years of birth', async () => {
    const batches = await extract({ municipalities: ['5001', '4627', '5001'] });
    expect(batches.flat()).toEqual([...residentsOf('5001'), ...residentsOf('4627')]);
    expect(calls(ORDERS)).toBe(2);
    const born = (await extract({ municipalities: ['4601'], birthYearFrom: 1940, birthYearTo: 1949 })).flat();
    const expected = persons.filter((p) => residentsOf('4601').includes(p.nin) && p.birthDate >= '1940' && p.birthDate < '1950').map((p) => p.nin);
    expect(expected.length).toBeGreaterThan(0);
    expect(born).toEqual(expected);
  });

  it('asks for no one with an empty list of municipalities, and refuses criteria the register would refuse before sending anything', async () => {
    expect(await extract({ municipalities: [] })).toEqual([]);
    await expect(extract({ municipalities: ['460'] })).rejects.toThrow(TypeError);
    await expect(extract({ birthYearFrom: 19.5 })).rejects.toThrow(TypeError);
    expect(sim.stats.requests).toBe(0);
  });

  it('waits for batches the register has not finished (404 while the job runs)', async () => {
    const slow = new SimulatedInstance(createPopulationRegisterSimulator({ batchSize: 250, readyAfterMs: 150 }), { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await slow.start(0);
    try {
      const { kit, operations } = graphKit();
      const batches = await extract({}, {}, { server: slow, kit });
      expect(batches.map((b) => b.length)).toEqual([250, 250, persons.filter((p) => !p.deceasedDate).length - 500]);
      // Each batch was asked for again until it was ready: more calls than batches, none of them a failure.
      expect(operations.length).toBeGreaterThan(1 + 4);
    } finally {
      await slow.close();
    }
  });

  it('gives up on a job the register no longer knows after extractWaitSeconds, as SOURCE_UNAVAILABLE (HTTP 404)', async () => {
    const batches = adapter({ options: { extractWaitSeconds: 0.3 } }).extract({ municipalities: ['4601'] })[Symbol.asyncIterator]();
    expect((await batches.next()).value).toHaveLength(100);
    sim.resetKept();
    const started = performance.now();
    const error = await sourceFailure(batches.next());
    expect([error.code, error.sourceId, error.details.status]).toEqual(['SOURCE_UNAVAILABLE', 'population-register-test', 404]);
    expect(performance.now() - started).toBeGreaterThan(250);
  });

  it('fails, never ends short, when a batch is an answer of another kind (SOURCE_BAD_RESPONSE) or an error (SOURCE_UNAVAILABLE)', async () => {
    for (const [mode, code] of [
      ['invalid', 'SOURCE_BAD_RESPONSE'],
      ['garbage', 'SOURCE_BAD_RESPONSE'],
      ['fail', 'SOURCE_UNAVAILABLE'],
      ['down', 'SOURCE_UNAVAILABLE'],
    ] as const) {
      const batches = adapter().extract({ municipalities: ['4601'] })[Symbol.asyncIterator]();
      expect((await batches.next()).value).toHaveLength(100);
      await sim.setBehaviour({ mode });
      expect([mode, (await sourceFailure(batches.next())).code]).toEqual([mode, code]);
      await sim.setBehaviour({ mode: 'normal' });
      // And the order itself.
      await sim.setBehaviour({ mode });
      expect([mode, (await sourceFailure(extract({}))).code]).toEqual([mode, code]);
      await sim.setBehaviour({ mode: 'normal' });
    }
  });

  it('reports a register that hangs as SOURCE_TIMEOUT, and a wrong token as SOURCE_UNAVAILABLE (HTTP 401)', async () => {
    await sim.setBehaviour({ mode: 'hang' });
    const timeout = await sourceFailure(extract({}, {}, { instance: { timeoutMs: 200 } }));
    expect([timeout.code, timeout.details.timeoutMs]).toEqual(['SOURCE_TIMEOUT', 200]);
    await sim.setBehaviour({ mode: 'normal' });
    const refused = await sourceFailure(extract({}, {}, { options: { apiKey: 'wrong' } }));
    expect([refused.code, refused.details.status]).toEqual(['SOURCE_UNAVAILABLE', 401]);
  });

  it("counts against the source's circuit breaker, as the reads do", async () => {
    const resilience = new Resilience(logger, () => ({ maxConcurrent: 8, queue: 8, breakAfter: 2, halfOpenAfterMs: 60_000, retries: 0 }));
    const { kit } = graphKit(resilience);
    await sim.setBehaviour({ mode: 'fail' });
    const register = adapter({ kit });
    for (let i = 0; i < 2; i += 1) expect((await sourceFailure(collect(register.extract({})))).code).toBe('SOURCE_UNAVAILABLE');
    await sim.setBehaviour({ mode: 'normal' });
    // The breaker the extract opened keeps the bulk look-up from the register too.
    const read = await sourceFailure(register.read([demoPatient('homeCare').nin]));
    expect(read.details.circuit).toBe('open');
  });

  it("stops when the caller's signal is aborted, between batches, in the middle of a request or while waiting, with the caller's reason", async () => {
    const stop = new AbortController();
    const reason = new Error('stopped by the caller');
    const batches = adapter().extract({}, { signal: stop.signal })[Symbol.asyncIterator]();
    expect((await batches.next()).done).toBe(false);
    stop.abort(reason);
    await expect(batches.next()).rejects.toBe(reason);

    // In the middle of a request: cancelled at once, and not a failure of the register's (the breaker does not count it).
    const resilience = new Resilience(logger, () => ({ maxConcurrent: 8, queue: 8, breakAfter: 1, halfOpenAfterMs: 60_000, retries: 0 }));
    const { kit } = graphKit(resilience);
    await sim.setBehaviour({ latencyMs: 5000 });
    const midway = new AbortController();
    setTimeout(() => midway.abort(reason), 100);
    const cut = performance.now();
    await expect(extract({}, { signal: midway.signal }, { kit })).rejects.toBe(reason);
    expect(performance.now() - cut).toBeLessThan(2000);
    await sim.setBehaviour({ latencyMs: 0 });
    expect(resilience.states()).toEqual({ 'population-register-test': 'closed' });

    const slow = new SimulatedInstance(createPopulationRegisterSimulator({ readyAfterMs: 10_000 }), { instance: config, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await slow.start(0);
    try {
      const waiting = new AbortController();
      const started = performance.now();
      setTimeout(() => waiting.abort(reason), 300);
      await expect(extract({}, { signal: waiting.signal }, { server: slow })).rejects.toBe(reason);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await slow.close();
    }
  });
});
