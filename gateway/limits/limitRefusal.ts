import type { GraphQLError } from 'graphql';
import { graphError, type ErrorCode } from '../../lib/errorCodes';
import { metrics } from '../../lib/metrics';
import type { Limits } from './limitsFromEnv';

/** Every limit the gateway enforces before planning: the configurable ones, and `accessLog` once. */
export type LimitName = keyof Limits | 'accessLog';

/** Each limit's own code, so a client can tell which one it ran into (all registered in lib/errorCodes.ts). */
export const LIMIT_CODES = {
  tokens: 'TOO_MANY_TOKENS',
  aliases: 'TOO_MANY_ALIASES',
  depth: 'QUERY_TOO_DEEP',
  directives: 'TOO_MANY_DIRECTIVES',
  cost: 'QUERY_TOO_COSTLY',
  rootFields: 'TOO_MANY_ROOT_FIELDS',
  patients: 'TOO_MANY_PATIENTS',
  accessLog: 'TOO_MANY_ACCESS_LOG_READS',
} as const satisfies Record<LimitName, ErrorCode>;

const LIMIT_CODE_SET: ReadonlySet<string> = new Set(Object.values(LIMIT_CODES));

export function isLimitCode(code: unknown): code is (typeof LIMIT_CODES)[LimitName] {
  return typeof code === 'string' && LIMIT_CODE_SET.has(code);
}

const WHAT: Record<LimitName, (count: number | undefined, max: number) => string> = {
  tokens: (_count, max) => `the operation has more than ${max} tokens`,
  aliases: (count, max) => `the operation has ${count ?? 'too many'} aliases, more than the ${max} allowed`,
  depth: (count, max) => `the operation nests ${count ?? 'too many'} levels deep, more than the ${max} allowed`,
  directives: (count, max) => `the operation has ${count ?? 'too many'} directives, more than the ${max} allowed`,
  cost: (count, max) => `the operation's estimated cost is ${count ?? 'too high'}, more than the ${max} allowed`,
  rootFields: (count, max) => `the operation has ${count ?? 'too many'} root fields, more than the ${max} allowed`,
  patients: (count, max) => `the operation reads ${count ?? 'too many'} patients, more than the ${max} allowed in one request`,
  accessLog: (count) => `the operation selects accessLog ${count ?? 'more than once'} times; it may be selected once`,
};

/**
 * A refusal by a limit: its own code, HTTP 400, `extensions.max` and (when known) `extensions.count`, and a
 * message that says the limit. Counted in `patient_graph_limit_refusals_total{limit}`. Only sizes are
 * reported, never anything the operation asked for.
 */
export function limitRefusal(limit: LimitName, max: number, count?: number): GraphQLError {
  metrics().limitRefusals.inc({ limit });
  return graphError(LIMIT_CODES[limit], `Refused before planning: ${WHAT[limit](count, max)}.`, {
    max,
    ...(count === undefined ? {} : { count }),
    http: { status: 400 },
  });
}
