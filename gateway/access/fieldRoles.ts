import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ACCESS_DIR, ruleCatalogue, type AccessRule } from '../../lib/accessRules';
import { SUBGRAPH_NAMES } from '../../lib/subgraphs';

/**
 * For the gateway: the rule of each `Type.field` as far as the role alone decides it. Read from the same
 * tables the subgraphs enforce (schema/access), so the gateway's early refusal and the subgraphs' guard
 * cannot disagree. `notServedHere` entries are skipped: they mark where a field is only required.
 */
export function fieldRulesByName(): Map<string, AccessRule> {
  const catalogue = ruleCatalogue();
  const result = new Map<string, AccessRule>();
  const files = ['shared', ...SUBGRAPH_NAMES].map((n) => path.join(ACCESS_DIR, `${n}.yaml`));
  for (const file of files) {
    const table = parseYaml(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    for (const [type, fields] of Object.entries(table)) {
      for (const [field, name] of Object.entries(fields)) {
        const rule = catalogue.get(name);
        if (!rule || name === 'notServedHere') continue;
        result.set(`${type}.${field}`, rule);
      }
    }
  }
  return result;
}

export function ruleOf(rules: Map<string, AccessRule>, type: string, field: string): AccessRule | undefined {
  return rules.get(`${type}.${field}`);
}
