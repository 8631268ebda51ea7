import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, visit, type DirectiveNode, type SelectionSetNode } from 'graphql';
import { accessReport } from '../../gateway/access/accessReport';
import { ACCESS_DIR, fieldRules, ruleCatalogue } from '../../lib/accessRules';
import { SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from '../../lib/subgraphs';
import { RULE_IMPLEMENTATIONS } from '../../subgraphs/kit/access/rules';

/**
 * The access policy as a security reviewer relies on it: every field of every subgraph has an explicit
 * rule, every rule is described and implemented, the generated matrix is current, and composition cannot
 * carry a protected field to where a weaker rule would release it.
 */
const schemas = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, buildSubgraphSchema([{ typeDefs: parse(subgraphSdl(n)) }])])) as Record<SubgraphName, ReturnType<typeof buildSubgraphSchema>>;
const rules = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, fieldRules(n, schemas[n])])) as Record<SubgraphName, Map<string, string>>;

describe('access rule tables', () => {
  it('give every field of every subgraph exactly one rule that the catalogue describes', () => {
    for (const name of SUBGRAPH_NAMES) {
      const fields = Object.values(schemas[name].getTypeMap()).flatMap((t) =>
        // Not an interface's fields (Node.id): GraphQL resolves them on the object type, whose own field has its rule.
        'getFields' in t && !t.name.startsWith('__') && t.name !== '_Service' && t.astNode?.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION && t.astNode?.kind !== Kind.INTERFACE_TYPE_DEFINITION
          ? Object.keys((t as { getFields(): Record<string, unknown> }).getFields()).map((f) => `${t.name}.${f}`)
          : [],
      );
      expect([name, fields.filter((f) => !rules[name].has(f))]).toEqual([name, []]);
    }
  });

  it('have one implementation per rule, and every rule used or part of one that is', () => {
    const catalogue = ruleCatalogue();
    const applicable = [...catalogue.values()].filter((r) => !r.part).map((r) => r.name);
    expect(Object.keys(RULE_IMPLEMENTATIONS).sort()).toEqual(applicable.sort());
    const used = new Set(SUBGRAPH_NAMES.flatMap((n) => [...rules[n].values()]));
    const parts = new Set([...catalogue.values()].flatMap((r) => (used.has(r.name) ? [...(r.anyOf ?? []), ...(r.unless ?? [])] : [])));
    for (const rule of catalogue.values()) expect([rule.name, used.has(rule.name) || parts.has(rule.name)]).toEqual([rule.name, true]);
    for (const rule of catalogue.values()) expect([rule.name, rule.legalBasis.length > 1 && rule.description.length > 40]).toEqual([rule.name, true]);
  });

  it('deny by default: a table that leaves a field out stops the subgraph at start', () => {
    // fieldRules throws with every uncovered field named; the schema below has one more field than the table.
    const extended = buildSubgraphSchema([{ typeDefs: parse(`${subgraphSdl('care')}\nextend type CareService { secretNote: String }`) }]);
    expect(() => fieldRules('care', extended)).toThrow('CareService.secretNote has no rule');
  });

  it('are printed in docs/ACCESS.md, checked in and current (`npm run rules:report`)', () => {
    expect(readFileSync(path.resolve(ACCESS_DIR, '..', '..', 'docs', 'ACCESS.md'), 'utf8')).toBe(accessReport());
  });
});

/**
 * How strict a rule is, for the composition check: a field may only feed, through `@requires` or a key,
 * a field whose rule is at least as strict. Rules that grant by role only rank below those that need a
 * decision about the patient; rules that narrow further rank higher still.
 */
const STRICTNESS: Record<string, number> = {
  federation: 0,
  notServedHere: 0,
  typeAnchor: 0,
  accessGrantIssue: 0,
  publicRegister: 0,
  withParent: 0,
  healthPersonnel: 1,
  patientLookup: 1,
  citizen: 1,
  patientIdentity: 1,
  patientNumber: 1,
  protectedAddress: 2,
  clinicalData: 3,
  careMessage: 3,
  ownBlock: 3,
  patientOwn: 3,
  individualPlan: 3,
  placeName: 4,
  researchExport: 4,
  planPlace: 4,
  documentContent: 4,
  documentAuthor: 4,
  accessLogOwner: 4,
  researchAggregate: 3,
};

function directive(node: { directives?: readonly DirectiveNode[] } | undefined, name: string): string[] {
  return (node?.directives ?? [])
    .filter((d) => d.name.value === name)
    .flatMap((d) => d.arguments?.filter((a) => a.name.value === 'fields').map((a) => (a.value.kind === Kind.STRING ? a.value.value : '')) ?? []);
}

function topLevelFields(fields: string): string[] {
  const set = (parse(`{ ${fields} }`).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet;
  return set.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

/** Where a field is served (not @external), and under which rule. */
function owner(type: string, field: string): { subgraph: SubgraphName; rule: string } | undefined {
  for (const name of SUBGRAPH_NAMES) {
    const rule = rules[name].get(`${type}.${field}`);
    if (rule && rule !== 'notServedHere') return { subgraph: name, rule };
  }
  return undefined;
}

describe('composition across the authorization boundary', () => {
  it('lets no @requires or @key path carry a protected field to a less protected one', () => {
    const problems: string[] = [];
    for (const name of SUBGRAPH_NAMES) {
      visit(parse(subgraphSdl(name)), {
        ObjectTypeDefinition(type) {
          for (const key of directive(type, 'key').flatMap(topLevelFields)) {
            const served = owner(type.name.value, key);
            const here = rules[name].get(`${type.name.value}.${key}`);
            // A key is the same value everywhere: it must carry the same rule everywhere it is served.
            if (served && here && here !== 'notServedHere' && here !== served.rule) problems.push(`${type.name.value}.${key}: key with rule ${here} in ${name}, ${served.rule} in ${served.subgraph}`);
          }
          for (const field of type.fields ?? []) {
            const consumer = rules[name].get(`${type.name.value}.${field.name.value}`) ?? '';
            for (const required of directive(field, 'requires').flatMap(topLevelFields)) {
              const source = owner(type.name.value, required);
              if (!source) problems.push(`${type.name.value}.${required}, required in ${name}, is served nowhere`);
              else if ((STRICTNESS[consumer] ?? 99) < (STRICTNESS[source.rule] ?? 99)) {
                problems.push(`${name} ${type.name.value}.${field.name.value} (${consumer}) requires ${required} (${source.rule} in ${source.subgraph})`);
              }
            }
          }
        },
      });
    }
    expect(problems).toEqual([]);
  });

  it('ranks every rule', () => {
    for (const rule of ruleCatalogue().values()) if (!rule.part) expect([rule.name, STRICTNESS[rule.name]]).toEqual([rule.name, expect.any(Number)]);
  });
});
