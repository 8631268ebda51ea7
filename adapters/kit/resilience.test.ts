import { createLogger } from '../../lib/logger';
import type { InstanceConfig } from '../../lib/config';
import { metrics } from '../../lib/metrics';
import { AdapterKit } from './AdapterKit';
import { SourceError } from './errors';
import { Resilience, resilienceSettings, type ResilienceSettings } from './resilience';

const logger = createLogger('test');
const instance = (id: string): InstanceConfig => ({ id, system: 'care-json', baseUrl: 'http://127.0.0.1:9', timeoutMs: 500, options: {} });
const failure = (code: 'SOURCE_UNAVAILABLE' | 'SOURCE_TIMEOUT', status?: number) => () => new SourceError(code, 'fake', 'failed', status ? { status } : {});

/**
 * A kit with resilience in front of a fake source. Each call takes the next outcome from `script` (an
 * error to throw, or undefined to answer), then `otherwise`; calls are counted.
 */
function setup(settings: Partial<ResilienceSettings> = {}) {
  const resilience = new Resilience(logger, () => ({ maxConcurrent: 8, queue: 0, breakAfter: 3, halfOpenAfterMs: 100, retries: 0, ...settings }));
  const kit = new AdapterKit(logger).use(resilience.middleware());
  const source = { calls: 0, script: [] as ((() => Error) | undefined)[], otherwise: undefined as (() => Error) | undefined, hold: undefined as Promise<void> | undefined };
  const read = (inst: InstanceConfig) =>
    kit.readMany(inst, 'care-record', ['k'], async () => {
      source.calls += 1;
      const outcome = source.script.length > 0 ? source.script.shift() : source.otherwise;
      await source.hold;
      if (outcome) throw outcome();
      return new Map([['k', 'v']]);
    });
  return { resilience, read, source };
}

async function outcomeOf(p: Promise<unknown>): Promise<{ code: string; circuit?: unknown } | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return { code: (error as SourceError).code, circuit: (error as SourceError).details.circuit };
  }
}

const gaugeOf = async (id: string) => (await metrics().circuitState.get()).values.find((v) => v.labels.source === id)?.value;

describe('resilience per source instance (cockatiel)', () => {
  it('opens the breaker after failures in a row, fails fast without asking the source, and closes once the source is back', async () => {
    const { resilience, read, source } = setup();
    const inst = instance('breaker-source');
    source.otherwise = failure('SOURCE_UNAVAILABLE', 503);
    for (let i = 0; i < 3; i++) expect(await outcomeOf(read(inst))).toEqual({ code: 'SOURCE_UNAVAILABLE', circuit: undefined });
    expect(resilience.states()[inst.id]).toBe('open');
    expect(await gaugeOf(inst.id)).toBe(2);
    const asked = source.calls;
    expect(await outcomeOf(read(inst))).toEqual({ code: 'SOURCE_UNAVAILABLE', circuit: 'open' });
    expect(source.calls).toBe(asked);

    source.otherwise = undefined;
    await new Promise((r) => setTimeout(r, 150));
    expect(await outcomeOf(read(inst))).toBe('ok');
    expect(resilience.states()[inst.id]).toBe('closed');
    expect(await gaugeOf(inst.id)).toBe(0);
  });

  it('counts timeouts towards the breaker, and keeps each instance apart', async () => {
    const { resilience, read, source } = setup();
    source.otherwise = failure('SOURCE_TIMEOUT');
    for (let i = 0; i < 3; i++) await outcomeOf(read(instance('slow')));
    source.otherwise = undefined;
    expect(await outcomeOf(read(instance('healthy')))).toBe('ok');
    expect(resilience.states()).toEqual({ slow: 'open', healthy: 'closed' });
  });

  it('retries a read that failed on the way (5xx, unreachable) once, never a refusal (4xx) nor a timeout', async () => {
    const { read, source } = setup({ retries: 1, breakAfter: 100 });
    const cases: [() => Error, 'ok' | string, number][] = [
      [failure('SOURCE_UNAVAILABLE', 502), 'ok', 2],
      [failure('SOURCE_UNAVAILABLE'), 'ok', 2],
      [failure('SOURCE_UNAVAILABLE', 403), 'SOURCE_UNAVAILABLE', 1],
      [failure('SOURCE_TIMEOUT'), 'SOURCE_TIMEOUT', 1],
    ];
    for (const [error, expected, calls] of cases) {
      source.calls = 0;
      source.script = [error];
      const outcome = await outcomeOf(read(instance('flaky')));
      expect(outcome === 'ok' ? 'ok' : outcome.code).toBe(expected);
      expect(source.calls).toBe(calls);
    }
  });

  it('limits reads in progress per instance: those over the limit fail at once as saturated', async () => {
    const { read, source } = setup({ maxConcurrent: 2, queue: 0 });
    let release!: () => void;
    source.hold = new Promise((resolve) => (release = resolve));
    const inst = instance('busy');
    const first = [read(inst), read(inst)];
    await new Promise((r) => setImmediate(r));
    expect(await outcomeOf(read(inst))).toEqual({ code: 'SOURCE_UNAVAILABLE', circuit: 'saturated' });
    release();
    expect(await Promise.all(first.map(outcomeOf))).toEqual(['ok', 'ok']);
    expect(source.calls).toBe(2);
  });

  it("takes each instance's settings from sources.json, over the defaults", () => {
    expect(resilienceSettings({ ...instance('x'), resilience: { breakAfter: 9, halfOpenAfterSeconds: 2 } })).toMatchObject({ breakAfter: 9, halfOpenAfterMs: 2000, maxConcurrent: 8 });
  });
});
