/** Writes docs/errors.md from the error-code registry (lib/errorCodes.ts); a test fails when it drifts. */
import { writeFileSync } from 'node:fs';
import { ERRORS_DOC, renderErrorsDoc } from '../lib/errorsDoc';

writeFileSync(ERRORS_DOC, renderErrorsDoc());
console.log(`wrote ${ERRORS_DOC}`);
