import { SECTOR_NAMES, SECTORS } from '../../lib/sectors';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isLeafType, isObjectType, type GraphQLObjectType } from 'graphql';
import { computedFieldNames } from '../../gateway/hive/deferOnlyWhereSafe';
import type { Identity } from '../../lib/identity';
import { internalSigningKey, signInternalToken } from '../../lib/internalToken';
import { readSupergraph, SCHEMA_DIR } from '../../lib/subgraphs';
import { demoPatient } from '../../simulators/population';
import { accessGrantSecret, signAccessGrant } from '../../subgraphs/kit/access/accessGrant';
import { DEFAULT_READER, TestSystem } from './harness';

/**
 * The views computed from other subgraphs' objects (`@requires` with a selection: `medications`, `timeline`,
 * `sources`, `careTeam`, `upcoming`, `messages`, `clinicalWarnings`, …), each asked alone and beside one other
 * field, must come back from Hive Gateway (both planners) as from the Apollo gateway. Asked alone, `timeline` came
 * back `[]` without an error from Hive's default planner (gateway/hive/requiresInPlanOrder.ts). And a view asked
 * without its inputs refuses (REQUIRED_INPUTS_MISSING): never a list built from part of the record.
 */
let system: TestSystem;
let engines: Record<string, string>;

beforeAll(async () => {
  ({ system, engines } = await TestSystem.startWithEngines());
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const api = buildSchema(readFileSync(path.join(SCHEMA_DIR, 'public.graphql'), 'utf8'));
const patientType = api.getType('Patient') as GraphQLObjectType;
/** Every computed field of Patient the API has: found in the supergraph, so that a new one is checked too. */
const COMPUTED = [...computedFieldNames(readSupergraph())].filter((f) => f in patientType.getFields()).sort();

/** The field with its leaves and its objects' leaves (fields without required arguments), to compare whole answers. */
function selection(type: GraphQLObjectType, field: string, depth = 2): string {
  const named = getNamedType(type.getFields()[field]?.type);
  if (!named || isLeafType(named)) return field;
  if (!isObjectType(named) || depth === 0) return `${field} { __typename }`;
  const inner = Object.values(named.getFields())
    .filter((f) => !f.args.some((a) => a.type.toString().endsWith('!') && a.defaultValue === undefined))
    .map((f) => (isLeafType(getNamedType(f.type)) ? f.name : depth > 1 ? selection(named, f.name, depth - 1) : ''))
    .filter(Boolean);
  return `${field} { ${inner.join(' ')} }`;
}

async function ask(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const json = (await response.json()) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
  return { status: response.status, json };
}

/** What must be equal across engines: the data (latencies aside) and each error's path, code, rule, reason and source. */
function comparable(answer: Awaited<ReturnType<typeof ask>>) {
  const data = JSON.parse(JSON.stringify(answer.json.data ?? null), (key, value) => (key === 'latencyMs' || key === 'dataAgeSeconds' ? undefined : value));
  const errors = (answer.json.errors ?? [])
    .map((e) => JSON.stringify([e.path ?? null, e.extensions?.code, e.extensions?.rule ?? null, e.extensions?.reason ?? null, e.extensions?.source ?? null]))
    .sort();
  return { status: answer.status, data, errors };
}

const PATIENTS = ['homeCare', 'deceased', 'strictlyConfidential'] as const;

describe('each computed view, alone and beside one other field, on all three engines', () => {
  it('covers the merged views', () => {
    expect(COMPUTED).toEqual(expect.arrayContaining(['careTeam', 'clinicalWarnings', 'medications', 'messages', 'sources', 'timeline', 'upcoming']));
  });

  it.each(COMPUTED)('%s', async (field) => {
    const token = await system.token(DEFAULT_READER);
    const view = selection(patientType, field);
    const shapes = [view, `nin ${view}`, `name { text } ${view}`];
    for (const key of PATIENTS) {
      const nin = demoPatient(key).nin;
      for (const shape of shapes) {
        const query = `query($nin: String!) { patient(nin: $nin) { ${shape} } }`;
        const [apollo, hive, router] = await Promise.all(Object.values(engines).map((url) => ask(url, token, query, { nin })));
        const expected = comparable(apollo as Awaited<ReturnType<typeof ask>>);
        expect(expected.errors.join()).not.toContain('REQUIRED_INPUTS_MISSING');
        expect([key, shape, 'hive', comparable(hive as Awaited<ReturnType<typeof ask>>)]).toEqual([key, shape, 'hive', expected]);
        expect([key, shape, 'hive-router', comparable(router as Awaited<ReturnType<typeof ask>>)]).toEqual([key, shape, 'hive-router', expected]);
      }
    }
  }, 120_000);

  it('the reported query: `timeline(first: 8)` alone gives the same 8 events everywhere', async () => {
    const token = await system.token(DEFAULT_READER);
    const nin = demoPatient('homeCare').nin;
    const query = 'query($nin: String!) { patient(nin: $nin) { timeline(first: 8) { date title } } }';
    const answers = await Promise.all(Object.values(engines).map((url) => ask(url, token, query, { nin })));
    const [apollo, ...others] = answers.map((a) => a.json);
    const timeline = (apollo?.data as { patient: { timeline: unknown[] } }).patient.timeline;
    expect(timeline).toHaveLength(8);
    expect(apollo?.errors).toBeUndefined();
    for (const other of others) expect(other).toEqual(apollo);
  });
});

describe('the record subgraph, handed part of what a view is computed from', () => {
  const identity: Identity = {
    kind: 'PERSONNEL',
    role: 'CLINICIAN',
    issuer: 'test',
    hprNumber: '9894367',
    orgNumber: '974557746',
    childOrgNumber: null,
    herId: null,
    profession: 'LE',
    purpose: 'ETREAT',
    emergencyReason: 'test',
  };
  const decision = { routing: { municipality: '4601', gpOffice: '81241', strictlyConfidential: false }, grounds: [{ kind: 'EMERGENCY' as const }], refusal: null };

  async function record(representation: Record<string, unknown>) {
    const rid = randomUUID();
    const nin = demoPatient('homeCare').nin;
    const response = await fetch(system.system.subgraphUrls.record as string, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signInternalToken(internalSigningKey(), 'record', rid, identity)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { timeline { title } } } }',
        variables: { r: [{ __typename: 'Patient', nin, accessGrant: signAccessGrant(accessGrantSecret(), rid, nin, identity, decision), ...representation }] },
      }),
    });
    return (await response.json()) as { data?: { _entities: { timeline: unknown[] | null }[] }; errors?: { path?: unknown[]; extensions?: Record<string, unknown> }[] };
  }

  it('refuses with REQUIRED_INPUTS_MISSING, the view null, when inputs were not handed over (the planner fault Hive had)', async () => {
    const answer = await record({ registryTimelineEvents: [], registrySourceStatus: [] });
    expect(answer.data?._entities).toEqual([{ timeline: null }]);
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.field])).toEqual([[['_entities', 0, 'timeline'], 'REQUIRED_INPUTS_MISSING', 'Patient.timeline']]);
  });

  it('builds the view from what came when the other sectors failed (handed over as null), and names each missing one', async () => {
    const sectors = SECTOR_NAMES.map((n) => SECTORS[n].fieldPrefix).filter((p) => p !== 'registry');
    const nulls = Object.fromEntries(sectors.flatMap((s) => [[`${s}TimelineEvents`, null], [`${s}SourceStatus`, null]]));
    const answer = await record({ registryTimelineEvents: [], registrySourceStatus: [], ...nulls });
    expect(answer.data?._entities).toEqual([{ timeline: [] }]);
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(sectors.map(() => 'SUBGRAPH_UNAVAILABLE'));
    expect(answer.errors?.every((e) => e.extensions?.partial === true)).toBe(true);
  });
});
