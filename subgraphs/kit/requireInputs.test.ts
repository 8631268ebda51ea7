import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { subgraphSdl } from '../../lib/subgraphs';
import { computedFields, missingInputs, requireInputs } from './requireInputs';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires"])
  type Patient @key(fields: "nin") {
    nin: String!
    accessGrant: String @external
    gpEvents: [Event!] @external
    careEvents: [Event!] @external
    "Merged from every sector."
    timeline: [Event!] @requires(fields: "accessGrant gpEvents { date } careEvents { date }")
    "Needs the grant only: not a computed field here."
    record: String @requires(fields: "accessGrant")
  }
  type Event { date: String }
  type Query { _unused: String }
`;

const events = (p: { gpEvents?: unknown[] | null; careEvents?: unknown[] | null }) => [...(p.gpEvents ?? []), ...(p.careEvents ?? [])];

function ask(representation: Record<string, unknown>) {
  const reported: unknown[] = [];
  const schema = requireInputs(buildSubgraphSchema([{ typeDefs: parse(SDL), resolvers: { Patient: { timeline: events, record: () => 'r' } } as never }]), SDL, (m) => reported.push(m));
  const document = parse('query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { timeline { date } record } } }');
  return { result: execute({ schema, document, variableValues: { r: [{ __typename: 'Patient', nin: '03864013065', ...representation }] } }), reported };
}

describe('requireInputs', () => {
  it('finds the fields computed from other subgraphs’ objects, with their inputs (the grant is the access rules’)', () => {
    expect(computedFields(SDL)).toEqual([{ type: 'Patient', field: 'timeline', inputs: ['gpEvents', 'careEvents'] }]);
    const record = computedFields(subgraphSdl('record')).map((c) => c.field);
    expect(record).toEqual(expect.arrayContaining(['medications', 'clinicalWarnings', 'timeline', 'careTeam', 'upcoming', 'sources']));
    expect(computedFields(subgraphSdl('messaging')).map((c) => c.field)).toContain('messages');
  });

  it('computes the view when every input was handed over, null ones too (a sector subgraph that failed)', async () => {
    const { result, reported } = ask({ accessGrant: 'g', gpEvents: [{ date: '2026-01-01' }], careEvents: null });
    expect(await result).toEqual({ data: { _entities: [{ timeline: [{ date: '2026-01-01' }], record: 'r' }] } });
    expect(reported).toEqual([]);
  });

  it('refuses, with the field null and REQUIRED_INPUTS_MISSING, when an input was not handed over: never a view of part of the record', async () => {
    const { result, reported } = ask({ accessGrant: 'g', gpEvents: [{ date: '2026-01-01' }] });
    const answer = await result;
    expect(answer.data).toEqual({ _entities: [{ timeline: null, record: 'r' }] });
    expect(answer.errors?.map((e) => [e.path, e.extensions])).toEqual([[['_entities', 0, 'timeline'], { code: 'REQUIRED_INPUTS_MISSING', field: 'Patient.timeline', absent: 1 }]]);
    // The internal names go to the subgraph's log, not to the client.
    expect(JSON.stringify(answer.errors)).not.toContain('careEvents');
    expect(reported).toEqual([{ type: 'Patient', field: 'timeline', inputs: ['gpEvents', 'careEvents'], absent: ['careEvents'] }]);
  });

  it('missingInputs: absent is missing, null is given', () => {
    expect(missingInputs({ a: null }, ['a', 'b'])).toEqual(['b']);
    expect(missingInputs(undefined, ['a'])).toEqual(['a']);
  });
});
