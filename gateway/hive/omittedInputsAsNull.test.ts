import { readSupergraph } from '../../lib/subgraphs';
import { Kind } from 'graphql';
import { omittedInputsAsNull, requiredInputs } from './omittedInputsAsNull';

const supergraph = readSupergraph();
const URL = 'http://record.test/graphql';

/** Runs the plugin's onFetch on one subgraph request body; the body it would send, or undefined when unchanged. */
function sent(body: unknown, url = URL): unknown {
  const plugin = omittedInputsAsNull(supergraph, new Map([[URL, 'record']]));
  let options: { body: string } | undefined;
  const onFetch = plugin.onFetch as (payload: { url: string; options: { body: string }; setOptions(o: { body: string }): void }) => void;
  onFetch({ url, options: { body: JSON.stringify(body) }, setOptions: (o) => (options = o) });
  return options && JSON.parse(options.body);
}

describe('omittedInputsAsNull', () => {
  const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Patient{medications{atc}}}}';
  const inputs = (requiredInputs(supergraph).get('record:Patient.medications') ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));

  it("reads each computed field's inputs from the supergraph", () => {
    expect(inputs).toEqual(expect.arrayContaining(['accessGrant', 'gpMedicationEntries', 'careCdsFacts', 'registrySourceStatus']));
  });

  it('hands over as null the inputs the Rust planner left out, and nothing else', () => {
    const given = Object.fromEntries(inputs.filter((i) => i !== 'careCdsFacts').map((i) => [i, []]));
    const body = sent({ query, variables: { representations: [{ __typename: 'Patient', nin: '03864013065', ...given }] } }) as { variables: { representations: Record<string, unknown>[] } };
    expect(body.variables.representations[0]).toEqual({ __typename: 'Patient', nin: '03864013065', ...given, careCdsFacts: null });
  });

  it('and inside the inputs: a care-team member without an end date', () => {
    const careTeamQuery = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Patient{careTeam{role}}}}';
    const member = { role: 'REGULAR_GP', start: '2022-09-21', provenance: { sourceId: 'gp-register', sector: 'REGISTRY' } };
    const body = sent({ query: careTeamQuery, variables: { representations: [{ __typename: 'Patient', nin: '03864013065', accessGrant: 'g', registryCareTeam: [member] }] } }) as {
      variables: { representations: { registryCareTeam: Record<string, unknown>[]; careCareTeam: unknown }[] };
    };
    const [representation] = body.variables.representations;
    expect(representation?.careCareTeam).toBeNull();
    expect(representation?.registryCareTeam[0]).toEqual(expect.objectContaining({ ...member, end: null, hprNumber: null, provenance: expect.objectContaining({ recordId: null, period: null }) }));
  });

  it('leaves complete representations, other subgraphs and other requests as they are', () => {
    const complete = { __typename: 'Patient', nin: '03864013065', ...Object.fromEntries(inputs.map((i) => [i, null])) };
    expect(sent({ query, variables: { representations: [complete] } })).toBeUndefined();
    expect(sent({ query, variables: { representations: [{ __typename: 'Patient', nin: '03864013065' }] } }, 'http://other.test/graphql')).toBeUndefined();
    expect(sent({ query: '{ patient(nin: "03864013065") { nin } }' })).toBeUndefined();
  });
});

