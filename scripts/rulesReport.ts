/**
 * `npm run rules:report`: writes docs/ACCESS.md, the field × rule × persona matrix for security reviewers,
 * from schema/access/. Run it after changing a rule table or the schema; a test fails while it is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { accessReport } from '../gateway/access/accessReport';

const file = path.resolve(__dirname, '..', 'docs', 'ACCESS.md');
writeFileSync(file, accessReport());
console.log(`wrote ${file}`);
