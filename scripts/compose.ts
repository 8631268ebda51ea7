/**
 * Composes schema/supergraph.graphql from the subgraphs' SDL (static composition), and from it
 * schema/public.graphql, the API schema clients see. Run it after changing any file in schema/; tests fail
 * while either checked-in file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '../lib/subgraphs';
import { PUBLIC_SCHEMA_FILE, publicSchemaSdl } from './publicSchema';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const supergraph = composeSupergraph();
writeFileSync(SUPERGRAPH_FILE, supergraph);
console.log(`wrote ${SUPERGRAPH_FILE}`);
writeFileSync(PUBLIC_SCHEMA_FILE, publicSchemaSdl(supergraph));
console.log(`wrote ${PUBLIC_SCHEMA_FILE}`);
