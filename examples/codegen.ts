/**
 * GraphQL Code Generator, as a frontend team sets it up: the client preset over the API schema the gateway
 * serves (schema/public.graphql), reading the `graphql(...)` documents in src/ and the operations of Min journal
 * (gateway/citizen/operations.graphql). `npm run examples:codegen` writes src/gql/ and gateway/citizen/operations.js
 * (both checked in); the reference-client test fails while either differs from what this generates.
 */
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { operationTextsPlugin, type CodegenPlugin } from './operationTextsPlugin';

const here = (...segments: string[]) => path.join(__dirname, ...segments);

/** Min journal's operations: the page has no build step, so it imports their texts from a generated module. */
const citizenDocuments = here('..', 'gateway', 'citizen', '*.graphql');

/** Plugins of this repository, by the name `plugins` gives them; any other name is a package. */
const localPlugins: Record<string, CodegenPlugin> = { 'operation-texts': operationTextsPlugin };

const config: CodegenConfig = {
  schema: here('..', 'schema', 'public.graphql'),
  ignoreNoDocuments: false,
  pluginLoader: async (name) => localPlugins[name] ?? ((await import(name)) as CodegenPlugin),
  generates: {
    [here('src', 'gql') + path.sep]: {
      // The citizen's operations are typed here too (`MyOverviewDocument`, `MyOverviewQuery`, …): one set of
      // documents, validated together, so an operation name is never used twice.
      documents: [here('src', '**', '*.ts'), `!${here('src', 'gql', '**')}`, citizenDocuments],
      preset: 'client',
      // Plain result types, without fragment masking: the example reads whole answers.
      presetConfig: { fragmentMasking: false },
      config: {
        // Types for the operations and what they use, not the whole schema: an unrelated schema change
        // leaves the generated files alone.
        onlyOperationTypes: true,
        useTypeImports: true,
        enumsAsTypes: true,
        // Absent fields stay absent in the types (the gateway returns what was asked, null where a rule refused).
        avoidOptionals: false,
        // Dates travel as RFC 3339 strings (`2026-10-01`, `2026-10-01T08:30:00Z`); a scalar with no type here
        // stops the generation rather than becoming `any`.
        scalars: { Date: 'string', DateTime: 'string' },
        strictScalars: true,
      },
    },
    // What the page sends, exactly: each operation's printed text (operationTextsPlugin.ts). Not persisted-query
    // hashes: the gateway takes a hash alone only under PERSISTED_QUERIES=trusted (under `apq` it asks for the text
    // first, under `off` it refuses), and the page must work under each.
    [here('..', 'gateway', 'citizen', 'operations.js')]: {
      documents: [citizenDocuments],
      plugins: ['operation-texts'],
    },
  },
};

export default config;
