import { ApolloGateway } from '@apollo/gateway';
import { buildASTSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, parse, printSchema, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeSupergraph, readSupergraph, subgraphSdl, SUBGRAPH_NAMES } from '../lib/subgraphs';

/** Undocumented parts of a schema: every type, field, argument and enum value needs a description. */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const builtIn = /^(__|_|link__|join__|federation__|String$|Boolean$|Int$|Float$|ID$)/;
  for (const type of Object.values(schema.getTypeMap())) {
    if (builtIn.test(type.name)) continue;
    // Root types are documented by their fields.
    if (type.name !== 'Query' && !type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.name.startsWith('_')) continue;
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe('schema', () => {
  it('the checked-in supergraph is what the subgraphs compose to (run `npm run compose` after changing schema/)', () => {
    expect(readSupergraph()).toBe(composeSupergraph());
  });

  it.each(SUBGRAPH_NAMES)('subgraph %s documents every type, field, argument and enum value', (name) => {
    const schema = buildSubgraphSchema([{ typeDefs: parse(subgraphSdl(name)) }]);
    expect(undocumented(schema)).toEqual([]);
  });

  it('the API schema clients see hides every routing and plumbing field (@inaccessible)', async () => {
    const gateway = new ApolloGateway({ supergraphSdl: readSupergraph() });
    const { schema } = await gateway.load();
    await gateway.stop();
    const api = printSchema(schema);
    for (const hidden of ['routingMunicipality', 'routingGpOffice', 'routingAddressProtected', 'registrySourceStatus', 'gpSourceStatus', 'MedicationEntries', 'TimelineEvents']) {
      expect(api).not.toContain(hidden);
    }
    expect(api).toContain('sources: [SourceStatus!]');
    expect(undocumented(buildASTSchema(parse(api)))).toEqual([]);
  });
});
