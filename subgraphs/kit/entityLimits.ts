import { normaliseHprNumber } from '../../lib/identifiers';
import type { GraphQLSchema } from 'graphql';
import { graphError } from '../../lib/errorCodes';
import { validateNin } from '../../lib/nin';

/**
 * Caps and checks the gateway's entity requests before anything is resolved. A plan for the largest
 * worklist (100 patients) with their practitioners stays far below the cap; more means a caller that is not
 * the gateway's planner, and it gets BAD_USER_INPUT instead of work.
 */
export const MAX_REPRESENTATIONS = 1000;

export function limitEntities(schema: GraphQLSchema): GraphQLSchema {
  const entities = schema.getQueryType()?.getFields()._entities;
  const resolve = entities?.resolve;
  if (!entities || !resolve) return schema;
  entities.resolve = (root, args: { representations?: unknown[] }, ctx, info) => {
    const representations = args.representations ?? [];
    if (representations.length > MAX_REPRESENTATIONS) {
      throw graphError('BAD_USER_INPUT', `At most ${MAX_REPRESENTATIONS} entity representations per request`, { max: MAX_REPRESENTATIONS });
    }
    for (const r of representations) checkRepresentation(r);
    return resolve(root, args, ctx, info);
  };
  return schema;
}

/** A representation's key must be well formed; an identity number must be a valid one (never echoed). */
export function checkRepresentation(representation: unknown): void {
  const r = representation as { __typename?: unknown; nin?: unknown; hprNumber?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.__typename !== 'string') throw graphError('BAD_USER_INPUT', 'An entity representation has no __typename');
  if (r.__typename === 'Patient') {
    const validation = typeof r.nin === 'string' ? validateNin(r.nin) : undefined;
    if (!validation?.valid) throw graphError('INVALID_NIN', 'An entity representation holds an invalid national identity number', { reasons: validation?.valid === false ? validation.reasons : ['not a string'] });
  }
  if (r.__typename === 'Practitioner' && (typeof r.hprNumber !== 'string' || normaliseHprNumber(r.hprNumber) === null)) {
    throw graphError('BAD_USER_INPUT', 'An entity representation holds an invalid HPR number');
  }
}

/** For `__resolveReference` of Patient: the key, validated; anything else in the reference is the gateway's. */
export function patientReference<R extends { nin: string }>(ref: R): R {
  checkRepresentation({ __typename: 'Patient', ...ref });
  return ref;
}
