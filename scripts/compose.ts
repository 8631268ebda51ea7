/**
 * Composes schema/supergraph.graphql from the subgraphs' SDL (static composition). Run it after changing
 * any file in schema/; a test fails while the checked-in supergraph differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '../lib/subgraphs';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
console.log(`wrote ${SUPERGRAPH_FILE}`);
