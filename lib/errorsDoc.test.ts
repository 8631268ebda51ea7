import { readFileSync } from 'node:fs';
import { ERRORS_DOC, renderErrorsDoc } from './errorsDoc';

describe('docs/errors.md', () => {
  it('is generated from the error-code registry (run `npx tsx scripts/docs.ts` after changing lib/errorCodes.ts)', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDoc());
  });
});
