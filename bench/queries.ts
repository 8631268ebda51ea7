import { readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../gateway/playground';

/** The operations the benchmark sends. */

/** The patient summary: the README's first query, which the playground opens with. */
export const SUMMARY = readFileSync(FIRST_QUERY_FILE, 'utf8');

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
