import { readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import { demoPatient, getPopulation } from '../../simulators/population';
import { TestSystem, type GraphQLResponse, type Reader } from './harness';

/**
 * The gateway's limits against the real system: each attack is refused with its own code and HTTP 400
 * before it is planned, so no legacy system hears of it, and the gateway keeps serving others meanwhile;
 * the playground's query and a worklist of 100 patients still answer.
 */
let system: TestSystem;

beforeAll(async () => {
  // Generous source and subgraph timeouts: the worklist of 100 must not be taken for a hang on two busy cores.
  system = await TestSystem.start({ sourceTimeoutMs: 5000, env: { SUBGRAPH_TIMEOUT_MS: '30000' } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const ingrid = demoPatient('homeCare');
const hundred = getPopulation()
  .persons.slice(0, 100)
  .map((p) => p.nin);

const aliases = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => field(i)).join('\n');
/** The attack that held the gateway for 13–20 s: 150 aliases of `patient`, each with a federated selection. */
const PATIENT_ALIASES = `query($nin: String!) { ${aliases(150, (i) => `a${i}: patient(nin: $nin) { medications { atc } }`)} }`;

const codes = (r: GraphQLResponse) => (r.body.errors ?? []).map((e) => e.extensions?.code).sort();

/** Sends the query from a clean slate of simulator counters, and says which legacy systems were asked. */
async function withLegacyCalls(query: string, variables: Record<string, unknown> = {}, reader?: Reader): Promise<{ response: GraphQLResponse; asked: string[] }> {
  await system.reset();
  const response = await system.query(query, variables, reader);
  const asked = Object.entries(await system.stats())
    .filter(([, s]) => s.requests > 0)
    .map(([id]) => id);
  return { response, asked };
}

describe('limits before planning', () => {
  it('refuses 150 aliases of patient with TOO_MANY_ALIASES, and asks no legacy system', async () => {
    const { response, asked } = await withLegacyCalls(PATIENT_ALIASES, { nin: ingrid.nin });
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(codes(response)).toEqual(['TOO_MANY_ALIASES', 'TOO_MANY_ROOT_FIELDS']);
    expect(response.body.errors?.find((e) => e.extensions?.code === 'TOO_MANY_ALIASES')).toEqual({
      message: 'Refused before planning: the operation has 150 aliases, more than the 15 allowed.',
      extensions: { code: 'TOO_MANY_ALIASES', max: 15, count: 150 },
    });
    expect(asked).toEqual([]);
  });

  it("answers another client's request while refusing 150-alias requests", async () => {
    const attacks = Array.from({ length: 4 }, () => system.query(PATIENT_ALIASES, { nin: ingrid.nin }));
    const other = system.query('{ __typename }', {}, 'gp');
    const [answer, ...refused] = await Promise.all([other, ...attacks]);
    expect(answer).toEqual({ status: 200, body: { data: { __typename: 'Query' }, extensions: { cost: expect.objectContaining({ actualQueryCost: 1 }) } } });
    for (const r of refused) expect(codes(r)).toContain('TOO_MANY_ALIASES');
  });

  it('refuses 20 aliases of a 100-patient worklist before planning (aliases, root fields), and asks no legacy system', async () => {
    const { response, asked } = await withLegacyCalls(`query($nins: [String!]!) { ${aliases(20, (i) => `w${i}: patients(nins: $nins) { nin name { text } }`)} }`, { nins: hundred });
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['TOO_MANY_ALIASES', 'TOO_MANY_ROOT_FIELDS']);
    expect(asked).toEqual([]);
  });

  it('refuses a costly query with QUERY_TOO_COSTLY when its sizes come as variables (each within its range), and asks no legacy system', async () => {
    // The outside review's attack: ten aliases of a ten-patient worklist (100 patients, within the budget), each
    // with a timeline of 500 events, every size a variable. Once passed as costing one event each (133–187 KB, 6 s).
    const q = `query($nins: [String!]!, $n: Int!) { ${aliases(10, (i) => `w${i}: patients(nins: $nins) { nin timeline(first: $n) { date sector kind title detail } } `)} }`;
    const { response, asked } = await withLegacyCalls(q, { nins: hundred.slice(0, 10), n: 500 });
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['QUERY_TOO_COSTLY']);
    expect(response.body.errors?.[0]?.message).toMatch(/^Refused before planning: the operation's estimated cost is \d+, more than the 200000 allowed\.$/);
    expect(asked).toEqual([]);
  });

  it('refuses a request that would read more than 100 patients over its aliases with TOO_MANY_PATIENTS, and asks no legacy system', async () => {
    const { response, asked } = await withLegacyCalls('query($nins: [String!]!) { first: patients(nins: $nins) { nin } again: patients(nins: $nins) { nin } }', { nins: hundred });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        message: 'Refused before planning: the operation reads 200 patients, more than the 100 allowed in one request.',
        extensions: { code: 'TOO_MANY_PATIENTS', max: 100, count: 200 },
      },
    ]);
    expect(asked).toEqual([]);
  });

  it.each([
    ['a deep query', 'QUERY_TOO_DEEP', `query($nin: String!) { patient(nin: $nin) { ${'... on Patient { '.repeat(12)}nin${' }'.repeat(12)} } }`, 'emergency-physician'],
    ['a token-heavy query', 'TOO_MANY_TOKENS', `query($nin: String!) { patient(nin: $nin) { ${'nin '.repeat(3000)} } }`, 'emergency-physician'],
    ['a directive-heavy query', 'TOO_MANY_DIRECTIVES', `query($nin: String!) { patient(nin: $nin) { ${'name @include(if: true) { text } '.repeat(21)} } }`, 'emergency-physician'],
    ['eleven root fields', 'TOO_MANY_ROOT_FIELDS', `query($nin: String!) { ${aliases(11, (i) => `p${i}: patient(nin: $nin) { nin }`)} }`, 'emergency-physician'],
    ['accessLog twice', 'TOO_MANY_ACCESS_LOG_READS', 'query { me { recent: accessLog(last: 1) { time } all: accessLog(last: 500) { time } } }', 'citizen-ingrid'],
  ])('refuses %s with %s (HTTP 400), and asks no legacy system', async (_name, code, query, reader) => {
    const { response, asked } = await withLegacyCalls(query, query.includes('$nin') ? { nin: ingrid.nin } : {}, reader);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(codes(response)).toEqual([code]);
    expect(response.body.errors?.[0]?.message).toMatch(/^Refused before planning: .*\d/);
    expect(asked).toEqual([]);
  });

  it('names no field, type or value the client did not, in validation and in variable errors', async () => {
    const field = await system.query('query($nin: String!) { patient(nin: $nin) { nam } }', { nin: ingrid.nin });
    expect(field.body.errors?.map((e) => e.message)).toEqual(['Cannot query field "nam" on type "Patient".']);
    const variable = await system.query('query($nin: String!, $order: TimelineOrder) { patient(nin: $nin) { timeline(order: $order) { date } } }', { nin: ingrid.nin, order: 'NEWEST_FIST' });
    expect(variable.body.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(variable.body.errors)).not.toMatch(/Did you mean|NEWEST_FIRST/);
  });
});

describe('legitimate queries still answer', () => {
  it("answers the playground's first query", async () => {
    const { status, body } = await system.query<{ patient: { name: { text: string }; medications: unknown[] } }>(readFileSync(FIRST_QUERY_FILE, 'utf8'), { nin: ingrid.nin });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.patient.name.text).toBe('Ingrid Solheim');
    expect(body.data?.patient.medications.length).toBeGreaterThan(3);
  });

  it('answers a worklist of 100 patients in one request', async () => {
    const { status, body } = await system.query<{ patients: ({ nin: string } | null)[] }>(
      `query($nins: [String!]!) { patients(nins: $nins) { nin name { text } careRecord { services { type } } gpRecord { problems { code { code } } }
        hospitalRecords { encounters { start } } summaryRecord { criticalInformation { type } } medications { atc hasDiscrepancy } } }`,
      { nins: hundred },
    );
    expect(status).toBe(200);
    expect(body.errors?.filter((e) => /^(TOO_|QUERY_TOO)/.test(String(e.extensions?.code))) ?? []).toEqual([]);
    expect(body.data?.patients.map((p) => p?.nin)).toEqual(hundred);
  }, 60_000);
});
