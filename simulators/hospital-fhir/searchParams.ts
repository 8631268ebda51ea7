import { INCLUDABLE, INCLUDE_VALUES, REVINCLUDABLE, REVINCLUDE_VALUES, SYSTEM, type Includable, type RevIncludable } from './resources';

/**
 * The Patient search parameters the server supports, parsed as a FHIR server reads them (from the form body
 * of `POST /fhir/Patient/_search` or the query of `GET /fhir/Patient`): a repeated parameter means AND, a
 * comma-separated value means OR, a token is `system|value` (or a bare value, any system). As FHIR has it,
 * unknown parameters are ignored (and left out of the self link, so the client can see what was applied),
 * unless the client asks `Prefer: handling=strict`: then they are an error.
 */
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;
/** The most identifiers one OR list may hold. */
export const MAX_IDENTIFIERS = 50;

export interface IdentifierToken {
  /** Undefined when the client sent a bare value (any system matches). */
  system: string | undefined;
  value: string;
}

export interface PatientSearch {
  /** AND of OR lists. */
  identifiers: IdentifierToken[][];
  /** Logical ids (`_id`), OR; empty when not searched by id. */
  ids: string[];
  revinclude: RevIncludable[];
  /**
   * `_include` (applied to the matched patients) and `_include:iterate` (applied to every resource included,
   * until nothing new is found): the documents a Consent names, the encounter a document belongs to.
   */
  include: { value: Includable; iterate: boolean }[];
  count: number;
}

export type ParseResult = { ok: true; search: PatientSearch } | { ok: false; code: string; message: string };

const KNOWN = new Set(['identifier', '_id', '_revinclude', '_include', '_include:iterate', '_count']);
/** Parameters that shape the answer rather than filter it; never "unknown". */
const RESULT_PARAMETERS = new Set(['_format']);

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

/** Splits on commas not escaped with a backslash, as FHIR search values are written. */
function splitOr(value: string): string[] {
  return value.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ','));
}

function token(text: string): IdentifierToken {
  const bar = text.indexOf('|');
  if (bar < 0) return { system: undefined, value: text };
  const system = text.slice(0, bar);
  return { system: system === '' ? undefined : system, value: text.slice(bar + 1) };
}

export function parsePatientSearch(body: Record<string, unknown>, strict = false): ParseResult {
  const unknown = Object.keys(body).filter((name) => !KNOWN.has(name) && !RESULT_PARAMETERS.has(name));
  if (strict && unknown.length > 0) {
    // The name is quoted only when it is plainly a parameter name, never anything that could be data.
    const name = unknown[0] as string;
    const shown = /^[A-Za-z_:.-]{1,40}$/.test(name) ? ` "${name}"` : '';
    return { ok: false, code: 'not-supported', message: `Unknown search parameter${shown}. Supported: identifier, _id, _revinclude, _include, _include:iterate, _count.` };
  }
  const identifiers = list(body.identifier).map((v) => splitOr(v).map(token));
  const ids = list(body._id).flatMap(splitOr).filter((v) => v !== '');
  if ((identifiers.length === 0 && ids.length === 0) || identifiers.some((or) => or.every((t) => t.value === ''))) {
    return { ok: false, code: 'required', message: 'Patient search requires the identifier or the _id parameter.' };
  }
  if (identifiers.some((or) => or.length > MAX_IDENTIFIERS) || ids.length > MAX_IDENTIFIERS) {
    return { ok: false, code: 'too-costly', message: `At most ${MAX_IDENTIFIERS} identifiers may be searched at once.` };
  }
  const revinclude: RevIncludable[] = [];
  for (const value of list(body._revinclude)) {
    // Each type through the parameter that refers to the patient: `Encounter:subject`, `Consent:patient`.
    const [, name, param] = /^([A-Za-z]+):([a-z]+)$/.exec(value) ?? [];
    const type = name !== undefined && Object.hasOwn(REVINCLUDABLE, name) ? (name as RevIncludable) : undefined;
    if (!type || REVINCLUDABLE[type] !== param) {
      return { ok: false, code: 'invalid', message: `Invalid _revinclude. Supported: ${REVINCLUDE_VALUES.join(', ')}.` };
    }
    if (!revinclude.includes(type)) revinclude.push(type);
  }
  const include: PatientSearch['include'] = [];
  for (const [name, iterate] of [['_include', false], ['_include:iterate', true]] as const) {
    for (const value of list(body[name])) {
      if (!Object.hasOwn(INCLUDABLE, value)) {
        return { ok: false, code: 'invalid', message: `Invalid ${name}. Supported: ${INCLUDE_VALUES.join(', ')}.` };
      }
      if (!include.some((i) => i.value === value && i.iterate === iterate)) include.push({ value: value as Includable, iterate });
    }
  }
  const counts = list(body._count);
  let count = DEFAULT_COUNT;
  if (counts.length > 1 || (counts[0] !== undefined && !/^\d{1,6}$/.test(counts[0]))) {
    return { ok: false, code: 'invalid', message: '_count must be one whole number.' };
  }
  if (counts[0] !== undefined) count = Number(counts[0]);
  if (count < 1) return { ok: false, code: 'invalid', message: '_count must be at least 1.' };
  // Like HAPI, a page size above the maximum is capped rather than refused: clients must follow `next`.
  count = Math.min(count, MAX_COUNT);
  return { ok: true, search: { identifiers, ids, revinclude, include, count } };
}

/** Whether the client asked for strict handling of search parameters (`Prefer: handling=strict`). */
export function wantsStrictHandling(prefer: string | undefined): boolean {
  return /(^|[,;\s])handling\s*=\s*"?strict"?/i.test(prefer ?? '');
}

/**
 * The query of a GET search's self link: the parameters the server applied, in a canonical order, so that
 * an ignored parameter is visibly missing. (A GET search never holds an identity number: the URL guard in
 * front refuses it. A POST search's self link carries no query at all.)
 */
export function appliedQuery(search: PatientSearch): string {
  const params = new URLSearchParams();
  for (const or of search.identifiers) params.append('identifier', or.map((t) => (t.system ? `${t.system}|${t.value}` : t.value)).join(','));
  if (search.ids.length > 0) params.append('_id', search.ids.join(','));
  for (const type of search.revinclude) params.append('_revinclude', `${type}:${REVINCLUDABLE[type]}`);
  for (const i of search.include) params.append(i.iterate ? '_include:iterate' : '_include', i.value);
  params.append('_count', String(search.count));
  return params.toString();
}

/** The identity-number systems a patient of this kind is known under. */
export function systemFor(kind: 'FNR' | 'DNR'): string {
  return kind === 'DNR' ? SYSTEM.dnr : SYSTEM.fnr;
}

/** Whether a token matches a patient: same value, and the same system unless the token named none. */
export function matches(t: IdentifierToken, nin: string, kind: 'FNR' | 'DNR'): boolean {
  return t.value === nin && (t.system === undefined || t.system === systemFor(kind));
}
