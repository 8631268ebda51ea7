import { SUBGRAPH_NAMES } from '../lib/subgraphs';
import type { Identity } from '../lib/identity';
import type { Logger } from '../lib/logger';
import { embeddedSubgraphsFromEnv, InProcessDataSource } from './embeddedSubgraphs';

describe('EMBEDDED_SUBGRAPHS', () => {
  it('is none unless set, all, or a list of subgraph names', () => {
    expect(embeddedSubgraphsFromEnv({})).toEqual([]);
    expect(embeddedSubgraphsFromEnv({ EMBEDDED_SUBGRAPHS: 'none' })).toEqual([]);
    expect(embeddedSubgraphsFromEnv({ EMBEDDED_SUBGRAPHS: '' })).toEqual([]);
    expect(embeddedSubgraphsFromEnv({ EMBEDDED_SUBGRAPHS: 'all' })).toEqual(SUBGRAPH_NAMES);
    expect(embeddedSubgraphsFromEnv({ EMBEDDED_SUBGRAPHS: ' person, record ,person' })).toEqual(['person', 'record']);
  });

  it('names what is not a subgraph, and stops the gateway', () => {
    expect(() => embeddedSubgraphsFromEnv({ EMBEDDED_SUBGRAPHS: 'person,pharmacy' })).toThrow('EMBEDDED_SUBGRAPHS: "pharmacy" is not a subgraph');
  });
});

describe('InProcessDataSource', () => {
  const logger = { warn: jest.fn(), info: jest.fn(), debug: jest.fn(), error: jest.fn() } as unknown as Logger;
  const identity = { kind: 'PERSONNEL', role: 'CLINICIAN', purpose: 'TREAT' } as unknown as Identity;
  const query = 'query Plan__person__0($representations: [_Any!]!) { _entities(representations: $representations) { ... on Patient { name { text } } } }';
  const variables = { representations: [{ __typename: 'Patient', nin: 'x' }] };

  function source(name: string, execute: (contextValue: unknown) => Promise<unknown>, ready = true) {
    const contexts: unknown[] = [];
    const subgraph = {
      ready: () => ready,
      context: (caller: unknown) => {
        contexts.push(caller);
        return { caller };
      },
      server: { executeOperation: (_request: unknown, { contextValue }: { contextValue: unknown }) => execute(contextValue) },
    };
    return { contexts, dataSource: new InProcessDataSource(name, subgraph as never, 50, logger) };
  }

  const options = (context: Record<string, unknown>) =>
    ({ kind: 'incoming operation', request: { query, variables }, context, incomingRequestContext: {} }) as never;

  it('hands the subgraph the verified reader, the request id and the plan, and keeps what the person subgraph reports out of the answer', async () => {
    const decisions = { pseudonym: { grounds: ['EMERGENCY'], refusal: null } };
    const { contexts, dataSource } = source('person', async () => ({ body: { kind: 'single', singleResult: { data: { _entities: [{ name: { text: 'A' } }] }, extensions: { accessDecisions: decisions } } } }));
    const context = { requestId: 'req-12345678', identity, accessDecisions: new Map(), planSubgraphs: ['person', 'record'] };
    const answer = await dataSource.process(options(context));
    expect(contexts).toEqual([{ requestId: 'req-12345678', identity, plan: ['person', 'record'] }]);
    expect(answer.data).toEqual({ _entities: [{ name: { text: 'A' } }] });
    expect(answer.extensions?.accessDecisions).toBeUndefined();
    expect(context.accessDecisions.get('pseudonym')).toEqual(decisions.pseudonym);
  });

  it('ignores decisions another subgraph reports', async () => {
    const { dataSource } = source('care', async () => ({ body: { kind: 'single', singleResult: { data: {}, extensions: { accessDecisions: { p: { grounds: ['EMERGENCY'], refusal: null } } } } } }));
    const context = { requestId: 'req-12345678', identity, accessDecisions: new Map() };
    await dataSource.process(options(context));
    expect(context.accessDecisions.size).toBe(0);
  });

  it('answers SUBGRAPH_UNAVAILABLE with every entity null when the subgraph throws, hangs past its timeout or is stopping', async () => {
    const context = { requestId: 'req-12345678', identity, accessDecisions: new Map() };
    const expected = { data: { _entities: [{ __typename: 'Patient', name: null }] }, errors: [{ message: 'The care subgraph could not be reached', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'care' } }] };
    expect(await source('care', () => Promise.reject(new Error('boom'))).dataSource.process(options(context))).toEqual(expected);
    expect(await source('care', () => new Promise(() => undefined)).dataSource.process(options(context))).toEqual(expected);
    expect(await source('care', () => Promise.reject(new Error('never asked')), false).dataSource.process(options(context))).toEqual(expected);
  });

  it('refuses a request without a verified reader', async () => {
    const { dataSource } = source('care', async () => ({ body: { kind: 'single', singleResult: { data: {} } } }));
    await expect(dataSource.process(options({ requestId: 'req-12345678' }))).rejects.toThrow('without a verified reader');
  });
});
