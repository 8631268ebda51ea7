import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { withCheckDigits } from '../../lib/nin';
import { startControlServer } from '../../simulators/kit/control';
import { SimulatedInstance } from '../../simulators/kit/SimulatedInstance';
import { getPopulationIndex } from '../../simulators/population';
import { simulators } from '../../simulators/registry';
import type { SourceAdapter } from '../contracts';
import { adapterManifest, adapterModule } from '../index';
import type { AdapterKit, BatchFetcher } from './AdapterKit';
import { ABORT_CHECK, controlApi, runConformance, type CheckResult, type ConformanceKeys } from './conformance';

/**
 * The conformance kit's own checks against simulators started here (port 0): the real adapters pass, an adapter
 * that ignores its abort signal fails the abort check, and a source that uses more than half of its timeout is a
 * warning, not a failure.
 */
const logger = createLogger('test');
const population = getPopulationIndex();
const IDS = ['population-register', 'hospital-haukeland', 'lab-haukeland'] as const;
const sims = new Map<string, SimulatedInstance>();
const configured = new Map<string, InstanceConfig>();
let control: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const definitions = simulators();
  const orgs = loadOrganisations();
  for (const id of IDS) {
    const instance = instancesOf(loadSources()).find((i) => i.id === id);
    const definition = instance && definitions.get(instance.system);
    if (!instance || !definition) throw new Error(`no simulated instance ${id}`);
    const sim = new SimulatedInstance(definition, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(0);
    sims.set(id, sim);
    configured.set(id, { ...instance, baseUrl: sim.url });
  }
  control = await startControlServer(sims, new Map([...sims].map(([id, sim]) => [id, { ...sim.behaviour }])), 0, logger);
}, 60_000);
afterAll(async () => {
  await control?.close();
  await Promise.all([...sims.values()].map((sim) => sim.close()));
});
afterEach(async () => {
  for (const sim of sims.values()) await sim.setBehaviour({ mode: 'normal', latencyMs: 0 });
});

/** Every 25th person of the population (each system holds some of them), and numbers nobody has. */
const keys: ConformanceKeys<string> = {
  known: population.population.persons.filter((_, i) => i % 25 === 0).map((p) => p.nin),
  unknown: ['158572100', '158572101', '158572102'].map((n) => withCheckDigits(n)).filter((n): n is string => !!n && !population.byNin.has(n)),
  id: (key) => key,
};

function instance(id: (typeof IDS)[number], over: Partial<InstanceConfig> = {}): InstanceConfig {
  const found = configured.get(id);
  if (!found) throw new Error(`no instance ${id}`);
  return { ...found, ...over };
}

function run(id: (typeof IDS)[number], over: { instance?: Partial<InstanceConfig>; adapter?: Parameters<typeof runConformance<string>>[0]['adapter'] } = {}) {
  return runConformance<string>({ instance: instance(id, over.instance), keys, control: controlApi(control.url, id), ...(over.adapter ? { adapter: over.adapter } : {}) });
}

const byName = (results: CheckResult[], prefix: string): CheckResult => {
  const found = results.find((r) => r.name.startsWith(prefix));
  if (!found) throw new Error(`no check ${prefix}`);
  return found;
};
const failures = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => `${r.name}: ${r.detail}`);

/**
 * The system's real adapter, except that every call to the source is given a signal that never aborts: it awaits
 * the source whatever happens to the read (the mistake the abort check is there to catch).
 */
function ignoringTheSignal(inst: InstanceConfig, kit: AdapterKit): SourceAdapter<string, unknown> {
  const deaf = Object.create(kit) as AdapterKit;
  deaf.reader = <V>(i: InstanceConfig, manifest: { maxBatch: number }, fetcher: BatchFetcher<V>) =>
    kit.reader<V>(i, manifest, { ...fetcher, fetchBatch: (batch, _signal, options) => fetcher.fetchBatch(batch, new AbortController().signal, options) });
  return adapterModule(inst.system).create(inst, adapterManifest(inst.system).options.parse(inst.options), deaf) as SourceAdapter<string, unknown>;
}

describe('the conformance kit', () => {
  it.each(IDS)('passes the real adapter of %s, whose reads stop at once when their signal is aborted', async (id) => {
    const results = await run(id);
    expect(failures(results)).toEqual([]);
    const abort = byName(results, 'abort:');
    expect(abort.status).toBe('pass');
    expect(abort.detail).toMatch(new RegExp(`^aborted after 100 ms, the adapter stopped \\d+ ms later \\(the source would have answered after ${ABORT_CHECK.slowSourceMs} ms\\)`));
    expect(byName(results, 'speed:').status).toBe('pass');
    // The source is as fast as it was before the check slowed it.
    expect(sims.get(id)?.behaviour).toEqual(expect.objectContaining({ mode: 'normal', latencyMs: 0 }));
  }, 60_000);

  it.each(['population-register', 'lab-haukeland'] as const)('fails an adapter of %s that ignores the abort signal, and only on that', async (id) => {
    const started = performance.now();
    const results = await run(id, { adapter: ignoringTheSignal });
    const abort = byName(results, 'abort:');
    expect(abort.status).toBe('fail');
    expect(abort.detail).toMatch(/^the adapter went on \d+ ms after the read's signal was aborted, until the slowed source answered: pass fetchBatch's signal to every request$/);
    // Its other checks pass: the kit's deadline ends its reads in time, whatever it does with the signal.
    expect(failures(results)).toEqual([`${abort.name}: ${abort.detail}`]);
    expect(performance.now() - started).toBeGreaterThan(ABORT_CHECK.slowSourceMs - ABORT_CHECK.abortAfterMs);
  }, 60_000);

  it('warns, without failing, when the slowest read takes more than half of the timeout', async () => {
    // Reads of about 60 % of the timeout: each one in time, with little to spare.
    await sims.get('population-register')?.setBehaviour({ latencyMs: 600 });
    const results = await run('population-register', { instance: { timeoutMs: 1000 } });
    expect(failures(results)).toEqual([]);
    const speed = byName(results, 'speed:');
    expect(speed.status).toBe('warn');
    expect(speed.detail).toMatch(/^the slowest of \d+ reads took \d+ ms, \d+ % of the 1000 ms timeout: a busier day takes it past/);
    expect(results.filter((r) => r.status === 'warn')).toEqual([speed]);
  }, 60_000);

  it('skips the abort check, saying why, without a control API to slow the source', async () => {
    const results = await runConformance<string>({ instance: instance('population-register'), keys });
    expect(byName(results, 'abort:')).toEqual(expect.objectContaining({ status: 'skip', detail: 'no control API to make the source slow (simulators only)' }));
    expect(failures(results)).toEqual([]);
  }, 60_000);
});
