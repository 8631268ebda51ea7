import { readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../gateway/playground';

/** The operations the benchmark sends. */

/** The patient summary: the README's first query, which the playground opens with. */
export const SUMMARY = readFileSync(FIRST_QUERY_FILE, 'utf8');

/**
 * The summary with decision support: every warning on the record, and each medicine's own (issue 17). The difference
 * to SUMMARY is what asking for warnings costs.
 */
export const SUMMARY_WITH_WARNINGS = SUMMARY.replace(
  '    medications {\n',
  '    clinicalWarnings { ruleId kind severity summary partial evidence { what date provenance { sourceId } } }\n    medications {\n      warnings { ruleId }\n',
);
if (SUMMARY_WITH_WARNINGS === SUMMARY) throw new Error('bench/queries.ts: the first query no longer has `medications {` to add warnings beside');

/** A worklist: a little of every sector for each of up to 100 patients (the API's limit per request). */
export const WORKLIST = `query Worklist($nins: [String!]!) { patients(nins: $nins) { nin name { text }
  careRecord { services { type } } gpRecord { problems { code { code } } } hospitalRecords { encounters { start } }
  summaryRecord { criticalInformation { type } } medications { atc hasDiscrepancy } } }`;

/** The smallest operation: what another client waits for while the gateway is busy. */
export const TYPENAME = '{ __typename }';

/** `count` aliases of one entity field with a federated selection: costly for Apollo Gateway to plan. */
export function aliases(count: number): string {
  const fields = Array.from({ length: count }, (_, i) => `a${i}: patient(nin: $nin) { medications { atc } }`);
  return `query Aliases($nin: String!) { ${fields.join(' ')} }`;
}
