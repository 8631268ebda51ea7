// Two tiers, told apart by name: `*.test.ts` are fast unit tests beside the code (msw for legacy HTTP);
// `test/**/*.e2e.test.ts` start the real processes on free ports and speak real HTTP.
/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
// msw 2.11.3+ requires a few ESM-only packages from its CommonJS build; let swc transform just those.
const esmOnly = ['until-async', 'rettime', '@open-draft/deferred-promise'];

module.exports = {
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/setupEnv.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // End-to-end files each start a whole system of processes; two cores cannot run many at once.
  maxWorkers: 2,
  testTimeout: 30000,
};
