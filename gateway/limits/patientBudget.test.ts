import { ApolloGateway } from '@apollo/gateway';
import { getNamedType, isAbstractType, isObjectType, Kind, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { readSupergraph } from '../../lib/subgraphs';
import { PATIENT_ROOTS, patientsRead } from './patientBudget';

let schema: GraphQLSchema;

beforeAll(async () => {
  const gateway = new ApolloGateway({ supergraphSdl: readSupergraph() });
  schema = (await gateway.load()).schema;
  await gateway.stop();
});

function count(source: string, variables: Record<string, unknown> = {}): number | undefined {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  return patientsRead(schema, operation, document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION), variables);
}

const nins = (n: number) => Array.from({ length: n }, (_, i) => String(10_000_000_000 + i));

describe('patientsRead: the patients a request reads, over every root field and alias', () => {
  it('counts one per patient alias and one for me', () => {
    expect(count('query($nin: String!) { a: patient(nin: $nin) { nin } b: patient(nin: $nin) { nin } patient(nin: "1") { nin } }', { nin: '1' })).toBe(3);
    expect(count('{ me { nin } }')).toBe(1);
  });

  it('counts the length of each patients list, literal or variable', () => {
    expect(count('query($n: [String!]!) { a: patients(nins: $n) { nin } b: patients(nins: $n) { nin } }', { n: nins(100) })).toBe(200);
    expect(count(`{ patients(nins: ${JSON.stringify(nins(7))}) { nin } }`)).toBe(7);
  });

  it('takes a single number, literal or variable, as a list of one (as GraphQL coerces it)', () => {
    expect(count('query($n: [String!]!) { patients(nins: $n) { nin } }', { n: '03864013065' })).toBe(1);
    expect(count('{ patients(nins: "03864013065") { nin } }')).toBe(1);
  });

  it("fills in variables' defaults", () => {
    expect(count(`query($n: [String!]! = ${JSON.stringify(nins(150))}) { patients(nins: $n) { nin } }`)).toBe(150);
    expect(count(`query($n: [String!]! = ${JSON.stringify(nins(150))}) { patients(nins: $n) { nin } }`, { n: nins(2) })).toBe(2);
  });

  it('sees root fields in fragments, and counts a key selected twice once (GraphQL merges them)', () => {
    expect(count('query($n: [String!]!) { ...W ... on Query { one: patient(nin: "1") { nin } } } fragment W on Query { patients(nins: $n) { nin } }', { n: nins(4) })).toBe(5);
    expect(count('{ patient(nin: "1") { nin } patient(nin: "1") { name { text } } }')).toBe(1);
  });

  it('counts nothing for __typename, and leaves variables that do not coerce to the gateway to refuse', () => {
    expect(count('{ __typename }')).toBe(0);
    expect(count('query($n: [String!]!) { patients(nins: $n) { nin } }', { n: 42 })).toBeUndefined();
    expect(count('query($n: [String!]!) { patients(nins: $n) { nin } }', {})).toBeUndefined();
  });

  it('counts one for node, which may return a patient', () => {
    expect(count('query($id: ID!) { a: node(id: $id) { id } b: node(id: $id) { id } patient(nin: "1") { nin } }', { id: 'x' })).toBe(3);
  });

  it('knows every root field of the schema that returns patients, directly or as one of an interface', () => {
    const query = schema.getQueryType();
    const patient = schema.getType('Patient');
    const returningPatients = Object.values(query?.getFields() ?? {})
      .filter((f) => {
        const type = getNamedType(f.type);
        return type === patient || (isAbstractType(type) && isObjectType(patient) && schema.isSubType(type, patient));
      })
      .map((f) => f.name);
    expect(returningPatients.sort()).toEqual(Object.keys(PATIENT_ROOTS).sort());
  });
});
