import { GraphQLError, type ExecutionResult } from 'graphql';
import { finishInParts, type Finished, type Part } from './finishInParts';

/** The end-of-request rules as the bridge runs them, here a stand-in that records what it was given. */
function rules(withholdAt?: number) {
  const seen: ExecutionResult[] = [];
  const ended: unknown[] = [];
  const options = {
    finish: async (result: ExecutionResult): Promise<Finished> => {
      seen.push(JSON.parse(JSON.stringify(result)) as ExecutionResult);
      if (seen.length === withholdAt) return { result: { data: null, errors: [new GraphQLError('withheld', { extensions: { code: 'AUDIT_UNAVAILABLE' } })] }, status: 503 };
      // As tidyErrors: an error sent before is not sent again.
      const keys = new Set<string>();
      const errors = (result.errors ?? []).filter((e) => !keys.has(e.message) && keys.add(e.message));
      return { result: { ...result, errors: errors.length ? errors : undefined }, status: undefined };
    },
    maskError: (error: unknown) => (error instanceof GraphQLError ? error : new GraphQLError('Internal server error')),
    ended: (data: unknown) => ended.push(data),
  };
  return { seen, ended, options };
}

async function* stream(parts: Part[], stopped: { value: boolean }) {
  try {
    for (const part of parts) yield part;
  } finally {
    stopped.value = true;
  }
}

const collect = async (parts: AsyncIterable<Part>) => {
  const out: Part[] = [];
  for await (const part of parts) out.push(part);
  return out;
};

const initial: Part = { data: { patient: { name: 'Ingrid' } }, hasNext: true };
const deferred: Part = {
  incremental: [{ path: ['patient'], data: { summaryRecord: null }, errors: [new GraphQLError('refused', { path: ['patient', 'summaryRecord', 'summaryRecord'], extensions: { code: 'FORBIDDEN' } })] }],
  hasNext: false,
};

describe('finishInParts', () => {
  it('runs the rules on everything sent so far, part by part, and puts a deferred error on its field', async () => {
    const { seen, ended, options } = rules();
    const stopped = { value: false };
    const sent = await finishInParts(stream([initial, deferred], stopped), options);
    if (!('parts' in sent)) throw new Error('expected parts');
    const parts = await collect(sent.parts);
    expect(seen.map((r) => r.data)).toEqual([{ patient: { name: 'Ingrid' } }, { patient: { name: 'Ingrid', summaryRecord: null } }]);
    expect(seen[1]?.errors?.map((e) => e.path)).toEqual([['patient', 'summaryRecord']]);
    expect(parts[0]).toEqual(initial);
    expect(parts[1]?.incremental?.[0]?.errors?.map((e) => e.path)).toEqual([['patient', 'summaryRecord']]);
    expect([stopped.value, ended]).toEqual([true, [{ patient: { name: 'Ingrid', summaryRecord: null } }]]);
  });

  it('answers a withheld first part whole, with its status, and stops the execution', async () => {
    const { options } = rules(1);
    const stopped = { value: false };
    const sent = await finishInParts(stream([initial, deferred], stopped), options);
    expect('whole' in sent && sent.whole.status).toBe(503);
    expect('whole' in sent && sent.whole.result.data).toBeNull();
    expect(stopped.value).toBe(true);
  });

  it('ends with a nulled entry when a later part is withheld, and stops the execution', async () => {
    const { options } = rules(2);
    const stopped = { value: false };
    const sent = await finishInParts(stream([initial, { ...deferred, hasNext: true }, deferred], stopped), options);
    if (!('parts' in sent)) throw new Error('expected parts');
    const parts = await collect(sent.parts);
    expect(parts).toHaveLength(2);
    expect(parts[1]).toEqual({ hasNext: false, incremental: [{ path: ['patient'], data: null, errors: [expect.objectContaining({ message: 'withheld' })] }] });
    expect(stopped.value).toBe(true);
  });

  it('stops the execution and ends the record when the client goes before reading a part', async () => {
    const { ended, options } = rules();
    const stopped = { value: false };
    const upstream = stream([initial, deferred], stopped);
    // Started upstream, as Hive's executor has it by the time the first part is there.
    const sent = await finishInParts(upstream, options);
    if (!('parts' in sent)) throw new Error('expected parts');
    const parts = sent.parts[Symbol.asyncIterator]();
    await parts.return?.();
    expect([stopped.value, ended]).toEqual([true, [{ patient: { name: 'Ingrid' } }]]);
    // Ended once, however often it is told.
    await parts.return?.();
    expect(ended).toHaveLength(1);
  });

  it('stops the execution when the rules fail on the first part', async () => {
    const { options } = rules();
    const stopped = { value: false };
    const failing = { ...options, finish: async (): Promise<Finished> => Promise.reject(new Error('rules failed')) };
    await expect(finishInParts(stream([initial, deferred], stopped), failing)).rejects.toThrow('rules failed');
    expect(stopped.value).toBe(true);
  });

  it('sends an answer that came in one part whole', async () => {
    const { options } = rules();
    const sent = await finishInParts(stream([{ data: { patient: null }, hasNext: false }], { value: false }), options);
    expect(sent).toEqual({ whole: { result: { data: { patient: null } }, status: undefined } });
  });
});
