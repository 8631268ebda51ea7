// Lint rules that catch what the type checker does not: promises left floating, switches that miss a
// case, type-only imports, and focused or skipped tests left behind.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tmp/**', 'gateway/playground/*.js', 'coverage/**', 'examples/src/gql/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].flatMap((object) => [
          { object, property: 'only', message: 'Focused tests hide the rest of the suite.' },
          { object, property: 'skip', message: 'A skipped test cannot fail; fix it or delete it.' },
          { object, property: 'todo', message: 'A todo test asserts nothing.' },
        ]),
      ],
      'no-restricted-globals': ['error', { name: 'fit', message: 'Focused test.' }, { name: 'xit', message: 'Skipped test.' }, { name: 'xdescribe', message: 'Skipped test.' }, { name: 'fdescribe', message: 'Focused test.' }],
    },
  },
  {
    // End-to-end tests walk GraphQL JSON answers; typing every answer would add noise, not safety.
    files: ['test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
