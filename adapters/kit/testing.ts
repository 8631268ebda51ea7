import { createLogger } from '../../lib/logger';
import { AdapterKit } from './AdapterKit';
import { SourceError } from './errors';

/** Helpers for adapter and simulator tests. */

/** A kit with the test logger (silent unless LOG_LEVEL says otherwise). */
export function testKit(): AdapterKit {
  return new AdapterKit(createLogger('test'));
}

/** The SourceError a read rejects with; fails the test if it resolves or rejects with anything else. */
export async function sourceFailure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}
