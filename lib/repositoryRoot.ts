import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository's root: the nearest folder above this file that holds package.json. Files the processes
 * read at run time (schema/, config/, the playground's assets, var/…) are found from here, not from
 * `__dirname`, because the same module runs from `lib/` (tsx, jest) and from `dist/lib/` (compiled), one
 * level deeper. dist/ holds no package.json, so both find the same folder.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json in ${start} or any folder above it`);
  }
}

export const REPOSITORY_ROOT = findRoot(__dirname);

/** A path inside the repository, for example `fromRoot('schema', 'person.graphql')`. */
export function fromRoot(...segments: string[]): string {
  return path.join(REPOSITORY_ROOT, ...segments);
}
