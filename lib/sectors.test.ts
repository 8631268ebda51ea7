import { existsSync, readFileSync } from 'node:fs';
import { parse, type EnumTypeDefinitionNode, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { CONTRACTS } from '../adapters/contracts';
import { systemRegistry } from '../adapters/registry';
import { SUBGRAPH_DEFINITIONS } from '../subgraphs';
import { fromRoot } from './repositoryRoot';
import { SECTOR_NAMES, SECTORS } from './sectors';
import { SUBGRAPHS } from './subgraphs';

/**
 * The path for a new sector (adapters/README.md, "A new sector"): every piece a sector needs, checked here,
 * so that forgetting one (the enum value, the SDL, the rule table, the record subgraph's @requires, a contract,
 * a system, the subgraph's wiring) fails this test rather than a request.
 */
const sdl = (name: string) => parse(readFileSync(fromRoot('schema', `${name}.graphql`), 'utf8'));

function patientFields(name: string): Set<string> {
  const fields = new Set<string>();
  for (const def of sdl(name).definitions) {
    if ((def.kind === 'ObjectTypeDefinition' || def.kind === 'ObjectTypeExtension') && def.name.value === 'Patient') {
      for (const f of (def as ObjectTypeDefinitionNode | ObjectTypeExtensionNode).fields ?? []) fields.add(f.name.value);
    }
  }
  return fields;
}

describe('sectors: one vocabulary, every piece in place', () => {
  it('are the values of the graph’s Sector enum, no more and no fewer', () => {
    const sector = sdl('shared').definitions.find((d): d is EnumTypeDefinitionNode => d.kind === 'EnumTypeDefinition' && d.name.value === 'Sector');
    expect((sector?.values ?? []).map((v) => v.name.value).sort()).toEqual([...SECTOR_NAMES].sort());
  });

  it.each(SECTOR_NAMES)('%s has a subgraph with its SDL, its rule table and the hidden fields the views require', (name) => {
    const { subgraph, fieldPrefix } = SECTORS[name];
    expect(Object.keys(SUBGRAPHS)).toContain(subgraph);
    expect(existsSync(fromRoot('schema', `${subgraph}.graphql`))).toBe(true);
    expect(existsSync(fromRoot('schema', 'access', `${subgraph}.yaml`))).toBe(true);
    const own = patientFields(subgraph);
    const record = patientFields('record');
    for (const field of [`${fieldPrefix}SourceStatus`, `${fieldPrefix}TimelineEvents`]) {
      expect({ field, inSectorSubgraph: own.has(field), requiredByRecord: record.has(field) }).toEqual({ field, inSectorSubgraph: true, requiredByRecord: true });
    }
  });

  it.each(SECTOR_NAMES)('%s has contracts, systems that fulfil them, and its subgraph connects them', (name) => {
    const contracts = Object.entries(CONTRACTS).filter(([, c]) => c.sector === name).map(([contract]) => contract);
    expect(contracts.length).toBeGreaterThan(0);
    const definition = SUBGRAPH_DEFINITIONS[SECTORS[name].subgraph];
    for (const contract of contracts) {
      expect({ contract, connected: (definition.contracts as readonly string[]).includes(contract) }).toEqual({ contract, connected: true });
      expect({ contract, systems: [...systemRegistry().values()].some((e) => e.contract === contract) }).toEqual({ contract, systems: true });
    }
  });
});
