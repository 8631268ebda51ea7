// Two tiers, told apart by name: `*.test.ts` are fast unit tests beside the code (msw for legacy HTTP);
// `test/**/*.e2e.test.ts` start the real processes on free ports and speak real HTTP.
/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
// ESM-only packages that CommonJS code here requires: msw 2.11.3+'s few, and jose (JWT). Node 20.19+
// loads them natively (require(esm)); jest's own module loader does not, so swc transforms just those.
const esmOnly = ['until-async', 'rettime', '@open-draft/deferred-promise', 'jose'];

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
