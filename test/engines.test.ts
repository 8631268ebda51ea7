import { readFileSync } from 'node:fs';
import semver from 'semver';
import { fromRoot } from '../lib/repositoryRoot';

/**
 * One supported Node.js range: package.json `engines`, which .npmrc's `engine-strict` makes `npm install`
 * enforce. Every installed package must accept all of it (a dependency that wants a newer Node than we
 * promise fails here, not on a user's machine), and the Node running the tests must be in it.
 */
const ours = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const lock = JSON.parse(readFileSync(fromRoot('package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

describe('the supported Node.js range', () => {
  it('is accepted by every package in the lockfile', () => {
    const narrower = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, p]) => {
        const range = !Array.isArray(p.engines) ? p.engines?.node : undefined;
        return range && !semver.subset(ours, range) ? [`${name} wants ${range}`] : [];
      });
    expect(narrower).toEqual([]);
  });

  it('holds the Node.js running this test, and npm enforces it', () => {
    expect(semver.satisfies(process.version, ours)).toBe(true);
    expect(readFileSync(fromRoot('.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
  });
});
