/**
 * GraphQL Code Generator, as a frontend team sets it up: the client preset over the API schema the gateway
 * serves (schema/public.graphql), reading the `graphql(...)` documents in src/. `npm run examples:codegen`
 * writes src/gql/ (checked in); the reference-client test fails while it differs from what this generates.
 */
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = (...segments: string[]) => path.join(__dirname, ...segments);

const config: CodegenConfig = {
  schema: here('..', 'schema', 'public.graphql'),
  documents: [here('src', '**', '*.ts'), `!${here('src', 'gql', '**')}`],
  ignoreNoDocuments: false,
  generates: {
    [here('src', 'gql') + path.sep]: {
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
      },
    },
  },
};

export default config;
