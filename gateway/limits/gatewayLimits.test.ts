import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { apolloDefaults, type RequestContext } from '../../lib/apolloDefaults';
import { createLogger } from '../../lib/logger';
import { metrics } from '../../lib/metrics';
import { readSupergraph } from '../../lib/subgraphs';
import { FIRST_QUERY_FILE, MY_RECORD_QUERY_FILE } from '../playground';
import { gatewayLimits } from './gatewayLimits';
import { DEFAULT_LIMITS } from './limitsFromEnv';

/**
 * The limits as the gateway wires them (the same Apollo Server options, the API schema of the supergraph),
 * with the planner replaced by a stub that records what would have been planned: each limit refuses its
 * attack with its own code and HTTP 400 before planning, and the legitimate queries get through.
 */
let schema: GraphQLSchema;
let server: ApolloServer<RequestContext>;
let planned = 0;

const NIN = '03864013065';
const NINS = Array.from({ length: 100 }, (_, i) => String(10_000_000_000 + i));

beforeAll(async () => {
  const gateway = new ApolloGateway({ supergraphSdl: readSupergraph() });
  schema = (await gateway.load()).schema;
  await gateway.stop();
  // Stands in for the gateway's executor: an operation that reaches it would be planned.
  const planner: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      return {
        async responseForOperation() {
          planned++;
          return { http: { status: 200, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: { planned: true } } } };
        },
      };
    },
  };
  const limits = gatewayLimits<RequestContext>(DEFAULT_LIMITS);
  server = new ApolloServer<RequestContext>({
    schema,
    validationRules: limits.validationRules,
    ...apolloDefaults<RequestContext>(createLogger('limits-test'), [...limits.plugins, planner]),
  });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  errors: GraphQLFormattedError[];
  codes: string[];
  planned: boolean;
}

async function post(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const before = planned;
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query, variables } },
    context: async () => ({ requestId: 'test' }),
  });
  if (response.body.kind !== 'complete') throw new Error('expected a complete body');
  const body = JSON.parse(response.body.string) as { errors?: GraphQLFormattedError[] };
  const errors = body.errors ?? [];
  return { status: response.status ?? 200, errors, codes: errors.map((e) => String(e.extensions?.code)), planned: planned > before };
}

const aliasesOf = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => field(i)).join('\n');
const refusals = (limit: string) => metrics().limitRefusals.get().then((m) => m.values.find((v) => v.labels.limit === limit)?.value ?? 0);

describe('legitimate queries pass every limit', () => {
  it.each([
    ['the playground first query', readFileSync(FIRST_QUERY_FILE, 'utf8'), { nin: NIN }],
    ["the playground's citizen query (accessLog once)", readFileSync(MY_RECORD_QUERY_FILE, 'utf8'), {}],
    [
      'a worklist of 100 patients (bench/summary.ts)',
      `query($nins: [String!]!) { patients(nins: $nins) { nin name { text } careRecord { services { type } }
        gpRecord { problems { code { code } } } hospitalRecords { encounters { start } } summaryRecord { criticalInformation { type } }
        medications { atc hasDiscrepancy } } }`,
      { nins: NINS },
    ],
    // The costliest query of the tests (31,455), and the deepest path of the schema (6).
    ['the whole access log', '{ me { accessLog(last: 500) { time purpose emergency emergencyReason dataTypes accessor { kind organisation practitioner { name { text } } } } } }', {}],
    ['a timeline of 500', 'query($nin: String!) { patient(nin: $nin) { timeline(first: 500) { date sector kind title } } }', { nin: NIN }],
    [
      'the whole access log as a connection',
      '{ me { accessLogConnection(first: 500) { edges { cursor node { time purpose emergency emergencyReason dataTypes accessor { kind organisation practitioner { name { text } } } } } pageInfo { hasNextPage endCursor } } } }',
      {},
    ],
    ['the largest timeline page', 'query($nin: String!) { patient(nin: $nin) { timelineConnection(first: 1000) { edges { cursor node { date sector kind title } } pageInfo { hasNextPage endCursor } } } }', { nin: NIN }],
    ['the deepest path', 'query($nin: String!) { patient(nin: $nin) { careRecord { visits(last: 1) { performer { name { text } authorisations { profession } } } } } }', { nin: NIN }],
    ['two patients side by side', 'query($nin: String!) { first: patient(nin: $nin) { name { text } } second: patient(nin: $nin) { name { text } } }', { nin: NIN }],
    ['a worklist of 99 plus one patient', 'query($nins: [String!]!, $nin: String!) { patients(nins: $nins) { nin } patient(nin: $nin) { nin } }', { nins: NINS.slice(1), nin: NIN }],
  ])('%s', async (_name, query, variables) => {
    const answer = await post(query, variables);
    expect(answer.errors).toEqual([]);
    expect(answer.planned).toBe(true);
  });
});

describe('each limit refuses its attack before planning, with its own code', () => {
  it('150 aliases of patient with a federated selection: TOO_MANY_ALIASES (and too many root fields)', async () => {
    const before = await refusals('aliases');
    const answer = await post(`query($nin: String!) { ${aliasesOf(150, (i) => `a${i}: patient(nin: $nin) { medications { atc } }`)} }`, { nin: NIN });
    expect(answer).toMatchObject({ status: 400, planned: false });
    expect(answer.codes.sort()).toEqual(['TOO_MANY_ALIASES', 'TOO_MANY_ROOT_FIELDS']);
    expect(answer.errors.find((e) => e.extensions?.code === 'TOO_MANY_ALIASES')).toEqual({
      message: 'Refused before planning: the operation has 150 aliases, more than the 15 allowed.',
      extensions: { code: 'TOO_MANY_ALIASES', max: 15, count: 150 },
    });
    expect(await refusals('aliases')).toBe(before + 1);
  });

  it('aliases below the root count too', async () => {
    const answer = await post(`query($nin: String!) { patient(nin: $nin) { ${aliasesOf(16, (i) => `n${i}: name { text }`)} } }`, { nin: NIN });
    expect(answer).toMatchObject({ status: 400, codes: ['TOO_MANY_ALIASES'], planned: false });
  });

  it('more root fields than allowed: TOO_MANY_ROOT_FIELDS, counted by response key', async () => {
    const eleven = await post(`query($nin: String!) { ${aliasesOf(11, (i) => `p${i}: patient(nin: $nin) { nin }`)} }`, { nin: NIN });
    expect(eleven).toMatchObject({ status: 400, codes: ['TOO_MANY_ROOT_FIELDS'], planned: false });
    expect(eleven.errors[0]?.extensions).toEqual({ code: 'TOO_MANY_ROOT_FIELDS', max: 10, count: 11 });
    // The same key selected twice merges into one field; __typename is answered by the gateway.
    const merged = await post(`query($nin: String!) { __typename ${aliasesOf(11, () => 'patient(nin: $nin) { nin }')} }`, { nin: NIN });
    expect(merged.errors).toEqual([]);
  });

  it('too many tokens: TOO_MANY_TOKENS while parsing (HTTP 400, not the 500 armor would give)', async () => {
    const before = await refusals('tokens');
    const answer = await post(`{ ${'__typename '.repeat(DEFAULT_LIMITS.tokens)} }`);
    expect(answer).toMatchObject({ status: 400, planned: false });
    expect(answer.errors).toEqual([
      { message: 'Refused before planning: the operation has more than 3000 tokens.', extensions: { code: 'TOO_MANY_TOKENS', max: 3000 } },
    ]);
    expect(await refusals('tokens')).toBe(before + 1);
  });

  it('nesting deeper than allowed: QUERY_TOO_DEEP (inline fragments and spreads count)', async () => {
    const nested = `${'... on Patient { '.repeat(12)}nin${' }'.repeat(12)}`;
    const answer = await post(`query($nin: String!) { patient(nin: $nin) { ${nested} } }`, { nin: NIN });
    expect(answer).toMatchObject({ status: 400, codes: ['QUERY_TOO_DEEP'], planned: false });
    expect(answer.errors[0]?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', max: 12, count: 14 });
  });

  it('more directives than allowed: TOO_MANY_DIRECTIVES', async () => {
    const answer = await post(`query($nin: String!) { patient(nin: $nin) { nin ${'name @include(if: true) { text } '.repeat(21)} } }`, { nin: NIN });
    expect(answer).toMatchObject({ status: 400, codes: ['TOO_MANY_DIRECTIVES'], planned: false });
  });

  it('a cost over the limit: QUERY_TOO_COSTLY', async () => {
    const answer = await post('query($nin: String!) { patient(nin: $nin) { timeline(first: 100000) { date sector } } }', { nin: NIN });
    expect(answer).toMatchObject({ status: 400, codes: ['QUERY_TOO_COSTLY'], planned: false });
    expect(answer.errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', max: 200_000, count: expect.any(Number) });
  });

  it('a cost over the limit with the sizes passed as variables: QUERY_TOO_COSTLY (armor read literals only)', async () => {
    const one = await post('query($nin: String!, $n: Int!) { patient(nin: $nin) { timeline(first: $n) { date sector } } }', { nin: NIN, n: 100_000 });
    expect(one).toMatchObject({ status: 400, codes: ['QUERY_TOO_COSTLY'], planned: false });
    // The outside review's attack: ten aliases of a worklist, each list and each timeline passed as variables.
    const worklists = `query($nins: [String!]!, $n: Int!) { ${aliasesOf(10, (i) => `w${i}: patients(nins: $nins) { nin timeline(first: $n) { date sector kind title detail } medications { atc name } }`)} }`;
    const attack = await post(worklists, { nins: NINS.slice(0, 10), n: 500 });
    expect(attack).toMatchObject({ status: 400, codes: ['QUERY_TOO_COSTLY'], planned: false });
    expect(Number(attack.errors[0]?.extensions?.count)).toBeGreaterThan(DEFAULT_LIMITS.cost);
    // A default value of a variable is a size too.
    const byDefault = await post('query($nin: String!, $n: Int = 100000) { patient(nin: $nin) { timeline(first: $n) { date } } }', { nin: NIN });
    expect(byDefault.codes).toEqual(['QUERY_TOO_COSTLY']);
    // The same texts with small sizes pass: the cost is per request, not per cached document.
    expect((await post(worklists, { nins: NINS.slice(0, 2), n: 5 })).errors).toEqual([]);
  });

  it('more patients than one request may read, over aliases and lists: TOO_MANY_PATIENTS', async () => {
    const before = await refusals('patients');
    const answer = await post(`query($nins: [String!]!) { ${aliasesOf(3, (i) => `w${i}: patients(nins: $nins) { nin }`)} }`, { nins: NINS });
    expect(answer).toMatchObject({ status: 400, planned: false });
    expect(answer.errors).toEqual([
      { message: 'Refused before planning: the operation reads 300 patients, more than the 100 allowed in one request.', extensions: { code: 'TOO_MANY_PATIENTS', max: 100, count: 300 } },
    ]);
    expect(await refusals('patients')).toBe(before + 1);
  });

  it('the budget reads variables as GraphQL coerces them: defaults, and lists per request', async () => {
    const byDefault = await post(`query($nins: [String!]! = ${JSON.stringify(NINS)}, $nin: String!) { patients(nins: $nins) { nin } patient(nin: $nin) { nin } }`, { nin: NIN });
    expect(byDefault).toMatchObject({ status: 400, codes: ['TOO_MANY_PATIENTS'], planned: false });
    // The same text with a short list passes: the budget is per request, not per cached document.
    const short = await post(`query($nins: [String!]! = ${JSON.stringify(NINS)}, $nin: String!) { patients(nins: $nins) { nin } patient(nin: $nin) { nin } }`, { nin: NIN, nins: NIN });
    expect(short.errors).toEqual([]);
  });

  it('accessLog twice in one operation: TOO_MANY_ACCESS_LOG_READS; selections that merge count once', async () => {
    const twice = await post('{ me { recent: accessLog(last: 1) { time } all: accessLog(last: 500) { time } } }');
    expect(twice).toMatchObject({ status: 400, codes: ['TOO_MANY_ACCESS_LOG_READS'], planned: false });
    expect(twice.errors[0]?.extensions).toEqual({ code: 'TOO_MANY_ACCESS_LOG_READS', max: 1, count: 2 });
    const twoMes = await post('{ a: me { accessLog { time } } b: me { accessLog { time } } }');
    expect(twoMes.codes).toEqual(['TOO_MANY_ACCESS_LOG_READS']);
    const merged = await post('{ me { accessLog { time } ...Log } } fragment Log on Patient { accessLog { purpose } }');
    expect(merged.errors).toEqual([]);
    // The list and the connection read the same log: one of them, once.
    const both = await post('{ me { accessLog { time } accessLogConnection { edges { node { time } } } } }');
    expect(both.codes).toEqual(['TOO_MANY_ACCESS_LOG_READS']);
  });

  it('40 aliases of accessLog: refused for the aliases and for the reads', async () => {
    const answer = await post(`{ me { ${aliasesOf(40, (i) => `l${i}: accessLog { time }`)} } }`);
    expect(answer).toMatchObject({ status: 400, planned: false });
    expect(answer.codes.sort()).toEqual(['TOO_MANY_ACCESS_LOG_READS', 'TOO_MANY_ALIASES']);
  });
});

describe('other errors are as Apollo gives them', () => {
  it('answers a syntax error with GRAPHQL_PARSE_FAILED and HTTP 400 (armor parses first, and would make it a 500)', async () => {
    const answer = await post('{ patient(nin: "x" { name } }');
    expect(answer).toMatchObject({ status: 400, codes: ['GRAPHQL_PARSE_FAILED'], planned: false });
    expect(answer.errors[0]?.message).toMatch(/^Syntax Error: /);
  });

  it('answers an ordinary validation error with GRAPHQL_VALIDATION_FAILED, not a limit code', async () => {
    const answer = await post('query($nin: Int!) { patient(nin: $nin) { nin } }', { nin: 1 });
    expect(answer).toMatchObject({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'], planned: false });
  });
});

describe('errors name no part of the schema the client did not', () => {
  it('drops "Did you mean" from validation errors, for fields and for enum values', async () => {
    const field = await post('query($nin: String!) { patient(nin: $nin) { nam } }', { nin: NIN });
    expect(field.status).toBe(400);
    expect(field.errors.map((e) => [e.message, e.extensions?.code])).toEqual([['Cannot query field "nam" on type "Patient".', 'GRAPHQL_VALIDATION_FAILED']]);
    const enumValue = await post('query($nin: String!) { patient(nin: $nin) { timeline(order: NEWEST_FIST) { date } } }', { nin: NIN });
    expect(enumValue.errors.map((e) => e.message)).toEqual(['Value "NEWEST_FIST" does not exist in "TimelineOrder" enum.']);
  });
});
