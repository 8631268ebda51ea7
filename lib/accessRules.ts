import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config';
import type { Role } from './identity';
import { fromRoot } from './repositoryRoot';
import type { SubgraphName } from './subgraphs';

/**
 * The access policy as data: a catalogue of named rules (schema/access/rules.yaml), each with what it
 * means and its legal basis, and one table per subgraph (schema/access/<subgraph>.yaml) giving every field
 * of every type the subgraph serves exactly one rule, named field by field. Subgraphs enforce the tables with graphql-shield; the
 * gateway reads the role part of a rule to refuse a field before planning it; `npm run rules:report`
 * prints the whole matrix for security reviewers.
 */
export const ACCESS_DIR = fromRoot('schema', 'access');

const ROLES = ['CLINICIAN', 'CITIZEN', 'PARTICIPANT', 'RESEARCHER', 'ADMINISTRATOR'] as const satisfies readonly Role[];

const ruleSchema = z
  .object({
    description: z.string().min(20),
    legalBasis: z.string().min(2),
    /**
     * The roles the rule can ever grant. The gateway refuses a field whose rule excludes the reader's role
     * before the query is planned; the subgraph checks the whole rule either way.
     */
    roles: z.array(z.enum(ROLES)).optional(),
    /** For a composite rule: it grants when any of these grants… */
    anyOf: z.array(z.string()).optional(),
    /** …unless one of these holds. */
    unless: z.array(z.string()).optional(),
    /** A part of a composite rule, never set on a field directly. */
    part: z.boolean().optional(),
  })
  .strict();

export type AccessRule = z.infer<typeof ruleSchema> & { name: string };

const catalogueSchema = z.record(z.string().regex(/^[a-z][A-Za-z]+$/), ruleSchema);
// Field by field, no wildcards: a field added to a type must be given its rule, never inherit one silently.
const tableSchema = z.record(z.string().regex(/^[A-Za-z_]\w*$/), z.record(z.string().regex(/^[A-Za-z_]\w*$/), z.string()));

function readYaml(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function validated<S extends z.ZodType>(schema: S, data: unknown, file: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ConfigError(`invalid access rules in ${file}:\n${result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  return result.data;
}

let catalogue: Map<string, AccessRule> | undefined;

/** The rule catalogue, checked: composite rules name existing parts. */
export function ruleCatalogue(): Map<string, AccessRule> {
  if (catalogue) return catalogue;
  const file = path.join(ACCESS_DIR, 'rules.yaml');
  const rules = new Map(Object.entries(validated(catalogueSchema, readYaml(file), file)).map(([name, rule]) => [name, { ...rule, name }]));
  for (const rule of rules.values()) {
    for (const part of [...(rule.anyOf ?? []), ...(rule.unless ?? [])]) {
      if (!rules.get(part)?.part) throw new ConfigError(`rule ${rule.name} names ${part}, which is not a part rule in rules.yaml`);
    }
  }
  catalogue = rules;
  return rules;
}

/** `Type.field` → rule name, for every field of every object type of the subgraph's schema. */
export type FieldRules = Map<string, string>;

/**
 * Expands the subgraph's table over its schema. Throws, listing every problem, when a field has no rule,
 * an entry names a field or type the schema does not have, or a rule is not in the catalogue or is a part.
 */
export function fieldRules(subgraph: SubgraphName, schema: GraphQLSchema): FieldRules {
  const file = path.join(ACCESS_DIR, `${subgraph}.yaml`);
  const sharedFile = path.join(ACCESS_DIR, 'shared.yaml');
  // The shared value types (schema/shared.graphql) have one table for all, as they have one definition.
  // A type both tables name (Query: the shared hidden anchor beside the subgraph's own root fields) takes
  // the fields of both.
  const shared = validated(tableSchema, readYaml(sharedFile), sharedFile);
  const own = validated(tableSchema, readYaml(file), file);
  const table = { ...shared, ...own };
  for (const [type, fields] of Object.entries(shared)) if (own[type]) table[type] = { ...fields, ...own[type] };
  const rules = ruleCatalogue();
  const problems: string[] = [];
  const result: FieldRules = new Map();
  const types = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith('__') && t.name !== '_Service');
  for (const type of types) {
    if (!isObjectType(type)) continue;
    const entries = table[type.name] ?? {};
    const fields = type.getFields();
    for (const name of Object.keys(entries)) {
      if (!fields[name]) problems.push(`${type.name}.${name} is in the table but not in the schema`);
    }
    for (const [field, definition] of Object.entries(fields)) {
      // A field this subgraph only requires from another (`@external`) is never served here: it needs no line.
      const external = definition.astNode?.directives?.some((d) => d.name.value === 'external');
      const rule = entries[field] ?? (external ? 'notServedHere' : undefined);
      if (!rule) problems.push(`${type.name}.${field} has no rule`);
      else if (!rules.has(rule)) problems.push(`${type.name}.${field} names rule ${rule}, which rules.yaml does not define`);
      else if (rules.get(rule)?.part) problems.push(`${type.name}.${field} names ${rule}, a part of a composite rule; name the composite`);
      else result.set(`${type.name}.${field}`, rule);
    }
  }
  for (const name of Object.keys(table)) if (!types.some((t) => t.name === name)) problems.push(`type ${name} is in the table but not in the schema`);
  if (problems.length) throw new ConfigError(`access rules of the ${subgraph} subgraph (${file}):\n  ${problems.join('\n  ')}`);
  return result;
}
