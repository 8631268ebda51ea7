import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Composition from '@apollo/composition';
import { parse } from 'graphql';
import { fromRoot } from './repositoryRoot';

/** The subgraphs, their default ports, and their SDL (each one's file in schema/ plus schema/shared.graphql). */
export const SUBGRAPHS = {
  person: { port: 4001, title: 'Person and registries' },
  care: { port: 4002, title: 'Municipal care' },
  gp: { port: 4003, title: 'GP record' },
  hospital: { port: 4004, title: 'Hospital record' },
  national: { port: 4005, title: 'National summary record' },
  record: { port: 4006, title: 'One-record views' },
  messaging: { port: 4007, title: 'Messages between services' },
  welfare: { port: 4008, title: 'Welfare technology' },
  research: { port: 4009, title: 'Aggregates for quality and research' },
} as const;

export type SubgraphName = keyof typeof SUBGRAPHS;
export const SUBGRAPH_NAMES = Object.keys(SUBGRAPHS) as SubgraphName[];

export const SCHEMA_DIR = fromRoot('schema');
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');

export function subgraphSdl(name: SubgraphName): string {
  const own = readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8');
  const shared = readFileSync(path.join(SCHEMA_DIR, 'shared.graphql'), 'utf8');
  const anchors = readFileSync(path.join(SCHEMA_DIR, 'hive-anchors.graphql'), 'utf8');
  return `${own}\n${shared}\n${anchors}`;
}

export function defaultSubgraphUrl(name: SubgraphName): string {
  return `http://localhost:${SUBGRAPHS[name].port}/graphql`;
}

/** Composes the supergraph from the subgraphs' SDL; throws with every composition error listed. */
export function composeSupergraph(): string {
  // Loaded here rather than with this module, which every process reads for the names and the SDL: only
  // `npm run compose` and its test compose, and the composer is megabytes no running process needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { composeServices } = require('@apollo/composition') as typeof Composition;
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({ name, url: defaultSubgraphUrl(name), typeDefs: parse(subgraphSdl(name)) })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl}\n`;
}

export function readSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}
