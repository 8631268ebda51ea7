import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { buildSchema, execute, getNamedType, getNullableType, isAbstractType, isEnumType, isListType, isObjectType, Kind, parse, type GraphQLFieldResolver, type GraphQLObjectType, type SelectionNode } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultSubgraphUrl, readSupergraph, SCHEMA_DIR, SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from '../../lib/subgraphs';
import { computedFieldNames } from './deferOnlyWhereSafe';
import { orderRequires, requiresInPlanOrder } from './requiresInPlanOrder';

/**
 * Hive Gateway's default planner over in-process stand-ins of the seven subgraphs (their schemas, values made up
 * from the types): which subgraph it calls when, and with what. No process, no source: the plan alone.
 */

const supergraph = readSupergraph();

// Hive's logger reads LOG_LEVEL and refuses the tests' `silent` (test/setupEnv.ts); `logging: false` keeps it quiet.
const logLevel = process.env.LOG_LEVEL;
beforeAll(() => {
  process.env.LOG_LEVEL = 'error';
});
afterAll(() => {
  process.env.LOG_LEVEL = logLevel;
});

/** Every `@requires` of the supergraph: the field, the subgraph that computes it, and the selection. */
function requiresOf(sdl: string): { type: string; field: string; graph: string; requires: string }[] {
  return parse(sdl, { noLocation: true }).definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION
      ? (d.fields ?? []).flatMap((f) =>
          (f.directives ?? []).flatMap((dir) => {
            const arg = (name: string) => dir.arguments?.find((a) => a.name.value === name)?.value;
            const requires = arg('requires');
            const graph = arg('graph');
            return dir.name.value === 'join__field' && requires?.kind === Kind.STRING && graph?.kind === Kind.ENUM
              ? [{ type: d.name.value, field: f.name.value, graph: graph.value.toLowerCase(), requires: requires.value }]
              : [];
          }),
        )
      : [],
  );
}

/** The selection's fields as a set of paths, to compare selections regardless of order. */
function paths(fieldSet: string): string[] {
  const operation = parse(`{ ${fieldSet} }`, { noLocation: true }).definitions[0];
  const walk = (selections: readonly SelectionNode[], prefix: string): string[] =>
    selections.flatMap((s) => (s.kind === Kind.FIELD ? [`${prefix}${s.name.value}`, ...walk(s.selectionSet?.selections ?? [], `${prefix}${s.name.value}.`)] : []));
  return operation?.kind === Kind.OPERATION_DEFINITION ? walk(operation.selectionSet.selections, '').sort() : [];
}

describe('orderRequires', () => {
  it('puts leaves first, then the objects that come latest, and leaves the selection otherwise as it was', () => {
    const steps = (field: string) => (field.startsWith('registry') ? 0 : 1);
    expect(orderRequires('accessGrant registryEvents { date provenance { sourceId } title } gpEvents { date } careStatus { state }', steps)).toBe(
      'accessGrant gpEvents { date } careStatus { state } registryEvents { date title provenance { sourceId } }',
    );
    const settled = 'accessGrant gpEvents { date } registryEvents { date }';
    expect(orderRequires(settled, steps)).toBe(settled);
  });
});

describe('requiresInPlanOrder on the supergraph', () => {
  const rewritten = requiresInPlanOrder(supergraph);
  const before = requiresOf(supergraph);
  const after = requiresOf(rewritten);

  it('changes the order of `@requires` selections only: the same fields, from the same subgraphs', () => {
    expect(after.map(({ type, field, graph }) => `${type}.${field}@${graph}`)).toEqual(before.map(({ type, field, graph }) => `${type}.${field}@${graph}`));
    after.forEach((r, i) => expect([r.field, paths(r.requires)]).toEqual([r.field, paths(before[i]?.requires ?? '')]));
    // The rest of the supergraph is the same document.
    const strip = (sdl: string) => parse(sdl.replace(/requires: "[^"]*"/g, 'requires: ""'), { noLocation: true });
    expect(strip(rewritten)).toEqual(strip(supergraph));
  });

  it('names, in each merged view, a sector object before the registry object that comes with the patient', () => {
    const viewsNamingTheRegistry = after.filter((r) => r.graph === 'record' && /\bregistry\w+ \{/.test(r.requires));
    expect(viewsNamingTheRegistry.map((r) => r.field)).toEqual(expect.arrayContaining(['timeline', 'sources', 'careTeam']));
    for (const r of viewsNamingTheRegistry) {
      const firstObject = /(\w+) \{/.exec(r.requires)?.[1];
      expect([r.field, firstObject?.startsWith('registry')]).toEqual([r.field, false]);
    }
  });
});

/** What each subgraph was asked, in order: `start` when sent, `end` when answered, with the representations' fields. */
interface Call {
  event: 'start' | 'end';
  subgraph: SubgraphName;
  representationFields: string[];
}

/** Made-up values of the right type: one item per list, the first value of an enum. */
const madeUp: GraphQLFieldResolver<Record<string, unknown> | undefined, unknown> = (parent, _args, _ctx, info) => {
  if (parent && info.fieldName in parent) return parent[info.fieldName];
  const one = () => {
    const named = getNamedType(info.returnType);
    if (isObjectType(named)) return {};
    if (isAbstractType(named)) return { __typename: info.schema.getPossibleTypes(named)[0]?.name };
    if (isEnumType(named)) return named.getValues()[0]?.value;
    if (named.name === 'Int' || named.name === 'Float') return 1;
    if (named.name === 'Boolean') return true;
    return info.fieldName === 'nin' ? '03864013065' : `${info.parentType.name}.${info.fieldName}`;
  };
  return isListType(getNullableType(info.returnType)) ? [one()] : one();
};

/** Hive Gateway (default planner) over the stand-ins; `ask` answers one query with the calls it made. */
function standIns(sdl: string): { ask(query: string): Promise<Call[]>; dispose(): Promise<void> } {
  const schemas = new Map(SUBGRAPH_NAMES.map((n) => [n, buildSubgraphSchema([{ typeDefs: parse(subgraphSdl(n)) }])]));
  const byUrl = new Map(SUBGRAPH_NAMES.map((n) => [defaultSubgraphUrl(n), n]));
  let calls: Call[] = [];
  const runtime = createGatewayRuntime({
    supergraph: sdl,
    logging: false,
    plugins: () => [
      {
        onFetch({ url, options, setFetchFn }) {
          const subgraph = byUrl.get(url);
          if (!subgraph) throw new Error(`no stand-in for ${url}`);
          setFetchFn(async () => {
            const body = JSON.parse(String(options.body)) as { query: string; variables?: { representations?: Record<string, unknown>[] } };
            const representationFields = Object.keys(body.variables?.representations?.[0] ?? {});
            calls.push({ event: 'start', subgraph, representationFields });
            const result = await execute({ schema: schemas.get(subgraph)!, document: parse(body.query), variableValues: body.variables, fieldResolver: madeUp });
            calls.push({ event: 'end', subgraph, representationFields });
            return new Response(JSON.stringify(result), { headers: { 'content-type': 'application/json' } });
          });
        },
      },
    ],
  });
  return {
    async ask(query) {
      calls = [];
      const response = await runtime.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const body = (await response.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(`the stand-ins answered with errors: ${JSON.stringify(body.errors)}`);
      return calls;
    },
    dispose: async () => {
      await runtime.dispose();
    },
  };
}

/** The computing subgraph's call: which other subgraphs had not answered when it was sent, and which inputs it lacked. */
function checkedPlan(calls: Call[], computing: { graph: string; requires: string }) {
  const index = calls.findIndex((c) => c.event === 'start' && c.subgraph === computing.graph);
  const call = calls[index];
  const inputs = parse(`{ ${computing.requires} }`, { noLocation: true }).definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) : [],
  );
  const answeredBefore = new Set(calls.slice(0, index).filter((c) => c.event === 'end').map((c) => c.subgraph));
  const others = new Set(calls.filter((c) => c.subgraph !== computing.graph).map((c) => c.subgraph));
  return { called: index >= 0, unansweredBefore: [...others].filter((s) => !answeredBefore.has(s)), absentInputs: inputs.filter((i) => !call?.representationFields.includes(i)) };
}

describe("Hive Gateway's default planner with the rewritten supergraph", () => {
  const api = buildSchema(readFileSync(path.join(SCHEMA_DIR, 'public.graphql'), 'utf8'));
  const patientFields = (api.getType('Patient') as GraphQLObjectType).getFields();
  const computed = [...computedFieldNames(supergraph)].filter((f) => f in patientFields).sort();
  const requires = requiresOf(supergraph);

  it('covers the merged views', () => {
    expect(computed).toEqual(expect.arrayContaining(['careTeam', 'clinicalWarnings', 'medications', 'messages', 'sources', 'timeline', 'upcoming']));
  });

  let rewritten: ReturnType<typeof standIns>;
  beforeAll(() => {
    rewritten = standIns(requiresInPlanOrder(supergraph));
  });
  afterAll(() => rewritten?.dispose());

  // Every way into a patient (all through the person subgraph), the field alone and beside another.
  const shapes = [
    (f: string) => `{ patient(nin: "03864013065") { ${f} { __typename } } }`,
    (f: string) => `{ patient(nin: "03864013065") { nin ${f} { __typename } } }`,
    (f: string) => `{ patient(nin: "03864013065") { name { text } ${f} { __typename } } }`,
    (f: string) => `{ patients(nins: ["03864013065"]) { ${f} { __typename } } }`,
    (f: string) => `{ me { ${f} { __typename } } }`,
    (f: string) => `{ node(id: "x") { ... on Patient { ${f} { __typename } } } }`,
  ];

  it.each(computed)('%s, alone and beside other fields: the computing subgraph is called after its inputs came, with all of them', async (field) => {
    const computing = requires.find((r) => r.type === 'Patient' && r.field === field);
    if (!computing) throw new Error(`no @requires for ${field}`);
    for (const shape of shapes) {
      const query = shape(field);
      expect([query, checkedPlan(await rewritten.ask(query), computing)]).toEqual([query, { called: true, unansweredBefore: [], absentInputs: [] }]);
    }
  });

  it('is still needed: without it, the planner calls the record subgraph for `timeline` before the sectors answer (@graphql-tools/stitch)', async () => {
    // When this fails after an upgrade, the planner reads the whole `@requires`: requiresInPlanOrder can go.
    const computing = requires.find((r) => r.type === 'Patient' && r.field === 'timeline');
    if (!computing) throw new Error('no @requires for timeline');
    const composed = standIns(supergraph);
    const calls = await composed.ask('{ patient(nin: "03864013065") { timeline { __typename } } }').finally(() => composed.dispose());
    const checked = checkedPlan(calls, computing);
    expect(checked.absentInputs.length).toBeGreaterThan(0);
    expect(checked.unansweredBefore.length).toBeGreaterThan(0);
  });
});
