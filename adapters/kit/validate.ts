import { z } from 'zod';
import { isValidNin } from '../../lib/nin';
import { BadResponseError } from './errors';

/**
 * A national identity number (fødselsnummer, D-number or H-number) that a source names someone by: eleven digits
 * with valid check digits, or the payload is refused (the number itself never goes into the message).
 */
export const ninSchema = z.string().refine((value) => isValidNin(value), { message: 'not a national identity number' });

/**
 * Validates a legacy payload against its schema. On failure the error lists where the payload is wrong
 * (paths and expectations), never the values found there, which may be personal data.
 */
export function validatePayload<S extends z.ZodType>(schema: S, payload: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}${'expected' in issue ? ` (expected ${String(issue.expected)})` : ''}`)
    .join('; ');
  throw new BadResponseError(`${what} does not match the protocol: ${problems}`);
}

/** Parses JSON text from a source; a syntax error is a bad response, not a crash. */
export function parseJson(text: unknown, what: string): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadResponseError(`${what} is not valid JSON`);
  }
}
