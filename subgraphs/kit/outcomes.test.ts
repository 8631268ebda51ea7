import type { SourceAdapter } from '../../adapters/contracts';
import { SourceError } from '../../adapters/kit';
import type { InstanceConfig } from '../../lib/config';
import { recordWithSource, RequestLoaders, sectorStatuses, sourceGraphError, statusOf, valueOrThrow, type SourceOutcome } from './outcomes';
import type { SourceInfo } from './SourceDirectory';

const instance = (id: string): InstanceConfig => ({ id, system: 'care-json', baseUrl: 'http://x', timeoutMs: 100, options: {} });
const info = (id: string, organisation = 'Bergen kommune'): SourceInfo => ({ sourceId: id, system: 'care-json', sector: 'MUNICIPAL_CARE', organisation, orgNumber: '964338531' });

function fakeAdapter(id: string, answer: (keys: readonly string[]) => Map<string, string | null> | Error) {
  const calls: (readonly string[])[] = [];
  const adapter: SourceAdapter<string, string> = {
    instance: instance(id),
    read: async (keys) => {
      calls.push(keys);
      const result = answer(keys);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { adapter, calls };
}

describe('per-request loaders', () => {
  it('ask each instance once for every key of the request, and answer each key with its own source info', async () => {
    const a = fakeAdapter('care-bergen', (keys) => new Map(keys.map((k) => [k, `record of ${k}`])));
    const b = fakeAdapter('care-askoy', () => new Map());
    const loaders = new RequestLoaders('req-1');
    const [x, y, z, w] = await Promise.all([
      loaders.load(a.adapter, 'n1', (k) => k, info('care-bergen', 'Office 1')),
      loaders.load(a.adapter, 'n2', (k) => k, info('care-bergen', 'Office 2')),
      loaders.load(a.adapter, 'n1', (k) => k, info('care-bergen', 'Office 1')),
      loaders.load(b.adapter, 'n3', (k) => k, info('care-askoy')),
    ]);
    expect(a.calls).toEqual([['n1', 'n2']]);
    expect(b.calls).toEqual([['n3']]);
    expect(x).toEqual(expect.objectContaining({ ok: true, value: 'record of n1', source: expect.objectContaining({ organisation: 'Office 1' }) }));
    expect(y).toEqual(expect.objectContaining({ ok: true, value: 'record of n2', source: expect.objectContaining({ organisation: 'Office 2' }) }));
    expect(z).toEqual(x);
    expect(w).toEqual(expect.objectContaining({ ok: true, value: null }));
  });

  it("turn a source's failure into a failed outcome for every key of the batch, never a rejection", async () => {
    const failing = fakeAdapter('care-bergen', () => new SourceError('SOURCE_TIMEOUT', 'care-bergen', 'care-bergen did not answer within 100 ms', { timeoutMs: 100 }));
    const loaders = new RequestLoaders('req-2');
    const outcomes = await Promise.all(['n1', 'n2'].map((n) => loaders.load(failing.adapter, n, (k) => k, info('care-bergen'))));
    expect(outcomes.map((o) => o.ok)).toEqual([false, false]);
    const status = statusOf(outcomes[0] as SourceOutcome<unknown>);
    expect(status).toEqual(expect.objectContaining({ state: 'TIMEOUT', errorCode: 'SOURCE_TIMEOUT', holdsRecord: null, sourceId: 'care-bergen' }));
    expect(() => valueOrThrow({ routed: outcomes })).toThrow('care-bergen did not answer within 100 ms');
  });
});

describe('outcomes', () => {
  const failed = (source: SourceInfo): Extract<SourceOutcome<string>, { ok: false }> => ({
    ok: false,
    error: new SourceError('SOURCE_UNAVAILABLE', 'care-trondheim', 'care-trondheim could not be reached (ECONNREFUSED)'),
    source,
    ms: 3,
  });

  it('name a masked source by its sector alone, in errors and statuses', () => {
    const masked: SourceInfo = { sourceId: 'municipal-care', system: 'protected', sector: 'MUNICIPAL_CARE', organisation: 'Kommunal helse- og omsorgstjeneste', orgNumber: null, masked: true };
    const error = sourceGraphError(failed(masked));
    expect(error.message).toBe('The municipal care system could not be reached or answered with an error');
    expect(error.extensions).toEqual({ source: 'municipal-care', system: 'protected', sector: 'MUNICIPAL_CARE', code: 'SOURCE_UNAVAILABLE' });
    expect(JSON.stringify(statusOf(failed(masked)))).not.toContain('trondheim');
  });

  it('say why no source was asked, without failing the field when none applies', () => {
    const none = { none: { state: 'NOT_APPLICABLE' as const, sector: 'GP' as const, sourceId: 'gp', message: 'The patient is not listed with a GP' } };
    expect(valueOrThrow(none)).toBeNull();
    expect(recordWithSource(none)).toBeNull();
    expect(sectorStatuses(none)).toEqual([expect.objectContaining({ state: 'NOT_APPLICABLE', holdsRecord: false, errorCode: null })]);
    const routingFailed = { none: { ...none.none, state: 'ROUTING_FAILED' as const, sourceId: 'gp-register' } };
    expect(() => valueOrThrow(routingFailed)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'ROUTING_FAILED', source: 'gp-register' }) }));
  });

  it('hand a record on with where it came from', () => {
    const source = info('care-bergen');
    expect(recordWithSource({ routed: [{ ok: true, value: { a: 1 }, source, ms: 1 }] })).toEqual({ a: 1, source });
  });
});
