import { isObjectType, type GraphQLNamedType } from 'graphql';
import { graphError } from './errorCodes';
import { normaliseHerId, normaliseOrgNumber } from './identifiers';
import { validateNin } from './nin';

/**
 * What each argument of the graph accepts beyond its GraphQL type: counts within bounds, dates in ISO 8601.
 * One table for the gateway (which refuses a request before planning it, HTTP 400) and the subgraphs (which
 * check again, whoever calls them). `lib/argumentRules.test.ts` holds it against the supergraph: every Int
 * argument and every date argument a client can send has a rule here. A rule may name a field of an input
 * object (`Mutation.sendMessage.input.text`): it applies to that field of the argument.
 */
export type ArgumentRule =
  | { kind: 'count'; min: number; max: number }
  | { kind: 'date' }
  | { kind: 'text'; min: number; max: number; pattern?: RegExp; what?: string }
  | { kind: 'nin' }
  | { kind: 'herId' }
  | { kind: 'orgNumber' };

const count = (min: number, max: number): ArgumentRule => ({ kind: 'count', min, max });
const DATE: ArgumentRule = { kind: 'date' };

/** The most events `timeline(first:)` returns. */
export const MAX_TIMELINE = 1000;
/** The most entries `accessLog(last:)` returns. */
export const MAX_ACCESS_LOG_ENTRIES = 500;
/** The most visits, administrations or consultations one `last:` returns. */
export const MAX_RECENT = 200;

/** The most lab results or message threads one page of their connection holds. */
export const MAX_PAGE = 200;

/**
 * The cursor connections (subgraphs/kit/connection.ts), by schema coordinate: the page a request without `first` or
 * `last` gets (the default of the list field each replaces) and the most one page may hold (that field's cap). The
 * cost estimate reads the page size from here (gateway/limits/operationCost.ts).
 */
export const CONNECTIONS = {
  'CareRecord.visitsConnection': { pageSize: 20, max: MAX_RECENT },
  'CareRecord.administrationsConnection': { pageSize: 30, max: MAX_RECENT },
  'GpRecord.consultationsConnection': { pageSize: 20, max: MAX_RECENT },
  'Patient.timelineConnection': { pageSize: 100, max: MAX_TIMELINE },
  'Patient.accessLogConnection': { pageSize: 50, max: MAX_ACCESS_LOG_ENTRIES },
  'Patient.labResultsConnection': { pageSize: 50, max: MAX_PAGE },
  'HospitalRecord.labResultsConnection': { pageSize: 50, max: MAX_PAGE },
  'Patient.messagesConnection': { pageSize: 20, max: MAX_PAGE },
} as const satisfies Record<string, { pageSize: number; max: number }>;

const pageRules = Object.fromEntries(
  Object.entries(CONNECTIONS).flatMap(([coordinate, { max }]) => [
    [`${coordinate}.first`, count(0, max)],
    [`${coordinate}.last`, count(0, max)],
  ]),
);

/** By schema coordinate, `Type.field.argument`. */
export const ARGUMENT_RULES: Readonly<Record<string, ArgumentRule>> = {
  ...pageRules,
  'Patient.timelineConnection.from': DATE,
  'Patient.timelineConnection.to': DATE,
  'CareRecord.visits.last': count(0, MAX_RECENT),
  'CareRecord.administrations.last': count(0, MAX_RECENT),
  'GpRecord.consultations.last': count(0, MAX_RECENT),
  'Patient.accessLog.last': count(1, MAX_ACCESS_LOG_ENTRIES),
  'Patient.timeline.first': count(0, MAX_TIMELINE),
  'Patient.timeline.from': DATE,
  'Patient.timeline.to': DATE,
  'Patient.welfareEvents.last': count(0, MAX_RECENT),
  'Patient.welfareEvents.from': DATE,
  'Patient.welfareEvent.sourceId': { kind: 'text', min: 1, max: 128, pattern: /^[A-Za-z0-9._:-]+$/, what: 'an event id' },
  'MeasurementSeries.measurements.last': count(0, MAX_RECENT),
  'Mutation.sendMessage.input.idempotencyKey': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9._:-]+$/, what: 'letters, digits, ., _, : and -' },
  'Mutation.sendMessage.input.patient': { kind: 'nin' },
  'Mutation.sendMessage.input.recipientHerId': { kind: 'herId' },
  'Mutation.sendMessage.input.subject': { kind: 'text', min: 1, max: 200 },
  'Mutation.sendMessage.input.text': { kind: 'text', min: 1, max: 10_000 },
  'Mutation.setBlock.input.idempotencyKey': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9._:-]+$/, what: 'letters, digits, ., _, : and -' },
  'Mutation.setBlock.input.hprNumber': { kind: 'text', min: 1, max: 20, pattern: /^\d+$/, what: 'digits' },
  'Mutation.setBlock.input.orgNumber': { kind: 'orgNumber' },
  'Mutation.setBlock.input.documentId': { kind: 'text', min: 1, max: 64, pattern: /^[A-Za-z0-9.-]+$/, what: 'a document id' },
  'Mutation.liftBlock.input.idempotencyKey': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9._:-]+$/, what: 'letters, digits, ., _, : and -' },
  'Mutation.liftBlock.input.blockId': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9./-]+$/, what: 'a block id' },
  'Mutation.startAggregate.input.idempotencyKey': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9._:-]+$/, what: 'letters, digits, ., _, : and -' },
  'Mutation.startAggregate.input.purpose': { kind: 'text', min: 3, max: 500 },
  'Mutation.cancelResearchJob.id': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9_-]+$/, what: 'a job id' },
  'Query.researchJob.id': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9_-]+$/, what: 'a job id' },
  'Mutation.startExport.input.idempotencyKey': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9._:-]+$/, what: 'letters, digits, ., _, : and -' },
  'Mutation.startExport.input.purpose': { kind: 'text', min: 3, max: 500 },
  'Mutation.startExport.input.project': { kind: 'text', min: 1, max: 64, pattern: /^[A-Za-z0-9._-]+$/, what: 'a project id' },
  'Query.researchExportFile.id': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9_-]+$/, what: 'a job id' },
  'Query.researchExportFile.name': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z]+-\d+\.ndjson$/, what: 'a file name such as Patient-1.ndjson' },
  'Mutation.sendMessage.input.inReplyTo': { kind: 'text', min: 1, max: 100, pattern: /^[A-Za-z0-9._:-]+$/, what: 'a message id' },
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
  switch (rule.kind) {
    case 'count':
      return `a whole number from ${rule.min} to ${rule.max}`;
    case 'date':
      return 'an ISO 8601 date (2026-11-30) or date and time with an offset (2026-11-30T08:00:00Z)';
    case 'text':
      return `text of ${rule.min} to ${rule.max.toLocaleString('en')} characters${rule.what ? ` (${rule.what})` : ''}`;
    case 'nin':
      return 'a valid national identity number (11 digits)';
    case 'herId':
      return 'a HER-id (a whole number of up to 9 digits)';
    case 'orgNumber':
      return 'an organisation number (9 digits with a valid check digit)';
  }
}

function passes(rule: ArgumentRule, value: unknown): boolean {
  switch (rule.kind) {
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max;
    case 'date':
      return typeof value === 'string' && isIsoDate(value);
    case 'text':
      // Counted in characters as people count them (code points), after trimming what cannot be seen.
      return typeof value === 'string' && [...value.trim()].length >= rule.min && [...value].length <= rule.max && (!rule.pattern || rule.pattern.test(value));
    case 'nin':
      return typeof value === 'string' && validateNin(value).valid;
    case 'herId':
      return normaliseHerId(value) !== null;
    case 'orgNumber':
      return normaliseOrgNumber(value) !== null;
  }
}

/**
 * The reason the arguments of one field are refused, or undefined when they pass. `args` are the field's
 * arguments as GraphQL coerced them (defaults filled in); absent and null arguments pass.
 */
export function argumentProblem(typeName: string, fieldName: string, args: Record<string, unknown>): ArgumentProblem | undefined {
  for (const [name, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    const rule = ARGUMENT_RULES[`${typeName}.${fieldName}.${name}`];
    if (rule && !passes(rule, value)) return { argument: name, message: `${fieldName}(${name}:) takes ${describeRule(rule)}`, code: rule.kind === 'nin' ? 'INVALID_NIN' : 'BAD_USER_INPUT' };
    // The fields of an input object (`input: { text }`), each by its own rule.
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [field, inner] of Object.entries(value as Record<string, unknown>)) {
        const innerRule = ARGUMENT_RULES[`${typeName}.${fieldName}.${name}.${field}`];
        if (!innerRule || inner === null || inner === undefined || passes(innerRule, inner)) continue;
        // Never the value in the message: it may be an identity number, or a message's text.
        return { argument: `${name}.${field}`, message: `${fieldName}(${name}: { ${field} }) takes ${describeRule(innerRule)}`, code: innerRule.kind === 'nin' ? 'INVALID_NIN' : 'BAD_USER_INPUT' };
      }
    }
  }
  // A page is counted from one end: both at once has no one meaning (GitHub's API refuses it too).
  if (`${typeName}.${fieldName}` in CONNECTIONS && args.first !== null && args.first !== undefined && args.last !== null && args.last !== undefined) {
    return { argument: 'last', message: `${fieldName}: give first (with after) or last (with before), not both`, code: 'BAD_USER_INPUT' };
  }
  const from = args.from;
  const to = args.to;
  if (typeof from === 'string' && typeof to === 'string' && ARGUMENT_RULES[`${typeName}.${fieldName}.from`] && from.slice(0, 10) > to.slice(0, 10)) {
    return { argument: 'from', message: `${fieldName}(from:) must not be after ${fieldName}(to:)`, code: 'BAD_USER_INPUT' };
  }
  return undefined;
}

export interface ArgumentProblem {
  /** The argument, or `argument.field` for a field of an input object. */
  argument: string;
  message: string;
  code: 'BAD_USER_INPUT' | 'INVALID_NIN';
}

/** The field's arguments refused: BAD_USER_INPUT (INVALID_NIN for an identity number) naming the argument and what it takes. */
export function argumentError(problem: ArgumentProblem, extensions: Record<string, unknown> = {}) {
  return graphError(problem.code, problem.message, { argument: problem.argument, ...extensions });
}

/** For resolvers: throws BAD_USER_INPUT when the arguments of their field are refused (a field error). */
export function checkArguments(typeName: string, fieldName: string, args: Record<string, unknown>): void {
  const problem = argumentProblem(typeName, fieldName, args);
  if (problem) throw argumentError(problem);
}

/** A Relay cursor connection type: its list is its `edges`, beside a `pageInfo` (the connections' shape, told by the schema). */
export function isConnectionType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

/** An edge type of a cursor connection: a `node` and its `cursor`. */
export function isEdgeType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith('Edge') && 'node' in type.getFields() && 'cursor' in type.getFields();
}
