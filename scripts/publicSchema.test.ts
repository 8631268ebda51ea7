import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { buildSchema, Kind, parse, visit, type DirectiveNode, type GraphQLSchema } from 'graphql';
import { readSupergraph } from '../lib/subgraphs';
import { apiSchema, PUBLIC_SCHEMA_FILE, printPublicSchema, publicSchemaSdl } from './publicSchema';

/** Every type, field, argument and enum value the supergraph marks @inaccessible, as `Type`, `Type.field`, `Type.field(arg)`. */
function inaccessibleInSupergraph(sdl: string): string[] {
  const hidden: string[] = [];
  const marked = (directives: readonly DirectiveNode[] | undefined) => directives?.some((d) => d.name.value === 'inaccessible') ?? false;
  const typeKinds = [Kind.OBJECT_TYPE_DEFINITION, Kind.INTERFACE_TYPE_DEFINITION, Kind.INPUT_OBJECT_TYPE_DEFINITION, Kind.ENUM_TYPE_DEFINITION, Kind.UNION_TYPE_DEFINITION, Kind.SCALAR_TYPE_DEFINITION] as const;
  for (const definition of parse(sdl).definitions) {
    if (!(typeKinds as readonly Kind[]).includes(definition.kind) || !('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    if ('directives' in definition && marked(definition.directives)) hidden.push(type);
    visit(definition, {
      FieldDefinition: (field) => {
        if (marked(field.directives)) hidden.push(`${type}.${field.name.value}`);
        for (const arg of field.arguments ?? []) if (marked(arg.directives)) hidden.push(`${type}.${field.name.value}(${arg.name.value})`);
      },
      InputValueDefinition: (input) => {
        if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && marked(input.directives)) hidden.push(`${type}.${input.name.value}`);
      },
      EnumValueDefinition: (value) => {
        if (marked(value.directives)) hidden.push(`${type}.${value.name.value}`);
      },
    });
  }
  return hidden;
}

function has(schema: GraphQLSchema, coordinate: string): boolean {
  const [, type = '', field, arg] = /^(\w+)(?:\.(\w+))?(?:\((\w+)\))?$/.exec(coordinate) ?? [];
  const named = schema.getType(type);
  if (!named || field === undefined) return named !== undefined;
  if ('getValues' in named) return named.getValues().some((v) => v.name === field);
  if (!('getFields' in named)) return false;
  const found = named.getFields()[field];
  if (!found || arg === undefined) return found !== undefined;
  return 'args' in found && found.args.some((a) => a.name === arg);
}

describe('schema/public.graphql', () => {
  const checkedIn = readFileSync(PUBLIC_SCHEMA_FILE, 'utf8');
  const supergraph = readSupergraph();

  it('is the API schema of the checked-in supergraph (run `npm run compose` after changing schema/)', () => {
    expect(checkedIn).toBe(publicSchemaSdl(supergraph));
  });

  it('is the schema Apollo Gateway builds from the supergraph and serves', async () => {
    const gateway = new ApolloGateway({ supergraphSdl: supergraph });
    const { schema } = await gateway.load();
    await gateway.stop();
    expect(printPublicSchema(schema)).toBe(checkedIn);
  });

  it('holds nothing the supergraph hides (@inaccessible) and none of federation\'s plumbing', () => {
    const hidden = inaccessibleInSupergraph(supergraph);
    // The supergraph hides the access grant and the per-source fields the record subgraph merges; if it hid nothing, this test would prove nothing.
    expect(hidden).toEqual(expect.arrayContaining(['Patient.accessGrant', 'Patient.registrySourceStatus']));
    const published = buildSchema(checkedIn);
    expect(hidden.filter((coordinate) => has(published, coordinate))).toEqual([]);
    // A coordinate that is there is found, so the check above cannot pass for a wrong reason.
    expect(has(published, 'Patient.name')).toBe(true);
    expect(has(apiSchema(supergraph), 'Patient.accessGrant')).toBe(false);
    // The header comment names them; the schema itself must not.
    expect(checkedIn.replace(/^#.*$/gm, '')).not.toMatch(/\b(join__|link__|federation__)|@(inaccessible|join|link|tag)\b/);
    expect(published.getDirectives().map((d) => d.name).sort()).toEqual(['deprecated', 'include', 'oneOf', 'skip', 'specifiedBy']);
  });
});
