/**
 * `npm run rules:report`: writes docs/ACCESS.md, the field × rule × persona matrix for security reviewers,
 * from schema/access/. Run it after changing a rule table or the schema; a test fails while it is stale.
 */
import { writeFileSync } from 'node:fs';
import { accessReport } from '../gateway/access/accessReport';
import { fromRoot } from '../lib/repositoryRoot';

const file = fromRoot('docs', 'ACCESS.md');
writeFileSync(file, accessReport());
console.log(`wrote ${file}`);
