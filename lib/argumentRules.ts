import { graphError } from './errorCodes';

/**
 * What each argument of the graph accepts beyond its GraphQL type: counts within bounds, dates in ISO 8601.
 * One table for the gateway (which refuses a request before planning it, HTTP 400) and the subgraphs (which
 * check again, whoever calls them). `lib/argumentRules.test.ts` holds it against the supergraph: every Int
 * argument and every date argument a client can send has a rule here.
 */
export type ArgumentRule = { kind: 'count'; min: number; max: number } | { kind: 'date' };

const count = (min: number, max: number): ArgumentRule => ({ kind: 'count', min, max });
const DATE: ArgumentRule = { kind: 'date' };

/** The most events `timeline(first:)` returns. */
export const MAX_TIMELINE = 1000;
/** The most entries `accessLog(last:)` returns. */
export const MAX_ACCESS_LOG_ENTRIES = 500;
/** The most visits, administrations or consultations one `last:` returns. */
export const MAX_RECENT = 200;

/** By schema coordinate, `Type.field.argument`. */
export const ARGUMENT_RULES: Readonly<Record<string, ArgumentRule>> = {
  'CareRecord.visits.last': count(0, MAX_RECENT),
  'CareRecord.administrations.last': count(0, MAX_RECENT),
  'GpRecord.consultations.last': count(0, MAX_RECENT),
  'Patient.accessLog.last': count(1, MAX_ACCESS_LOG_ENTRIES),
  'Patient.timeline.first': count(0, MAX_TIMELINE),
  'Patient.timeline.from': DATE,
  'Patient.timeline.to': DATE,
};

/** `YYYY-MM-DD`, or a date and time with seconds and an offset (`2026-11-30T08:00:00Z`, `…+01:00`). */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** Whether `value` is an ISO 8601 date (or date-time with offset) of a day that exists. */
export function isIsoDate(value: string): boolean {
  const m = ISO.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** What the argument allows, for messages. */
export function describeRule(rule: ArgumentRule): string {
  return rule.kind === 'count'
    ? `a whole number from ${rule.min} to ${rule.max}`
    : 'an ISO 8601 date (2026-11-30) or date and time with an offset (2026-11-30T08:00:00Z)';
}

/**
 * The reason the arguments of one field are refused, or undefined when they pass. `args` are the field's
 * arguments as GraphQL coerced them (defaults filled in); absent and null arguments pass.
 */
export function argumentProblem(typeName: string, fieldName: string, args: Record<string, unknown>): { argument: string; message: string } | undefined {
  for (const [name, value] of Object.entries(args)) {
    const rule = ARGUMENT_RULES[`${typeName}.${fieldName}.${name}`];
    if (!rule || value === null || value === undefined) continue;
    const ok = rule.kind === 'count' ? typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max : typeof value === 'string' && isIsoDate(value);
    if (!ok) return { argument: name, message: `${fieldName}(${name}:) takes ${describeRule(rule)}` };
  }
  const from = args.from;
  const to = args.to;
  if (typeof from === 'string' && typeof to === 'string' && ARGUMENT_RULES[`${typeName}.${fieldName}.from`] && from.slice(0, 10) > to.slice(0, 10)) {
    return { argument: 'from', message: `${fieldName}(from:) must not be after ${fieldName}(to:)` };
  }
  return undefined;
}

/** The field's arguments refused: BAD_USER_INPUT naming the argument and what it takes. */
export function argumentError(problem: { argument: string; message: string }, extensions: Record<string, unknown> = {}) {
  return graphError('BAD_USER_INPUT', problem.message, { argument: problem.argument, ...extensions });
}

/** For resolvers: throws BAD_USER_INPUT when the arguments of their field are refused (a field error). */
export function checkArguments(typeName: string, fieldName: string, args: Record<string, unknown>): void {
  const problem = argumentProblem(typeName, fieldName, args);
  if (problem) throw argumentError(problem);
}
