import { REVINCLUDABLE, REVINCLUDE_VALUES, SYSTEM, type RevIncludable } from './resources';

/**
 * The search parameters `POST /fhir/Patient/_search` accepts, parsed from the form body as a FHIR server
 * reads them: a repeated parameter means AND, a comma-separated value means OR, a token is `system|value`
 * (or a bare value, any system). Unknown parameters are refused (strict handling), not silently ignored,
 * so that a client cannot believe it filtered on something the server never looked at.
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
  revinclude: RevIncludable[];
  count: number;
}

export type ParseResult = { ok: true; search: PatientSearch } | { ok: false; code: string; message: string };

const KNOWN = new Set(['identifier', '_revinclude', '_count']);

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

export function parsePatientSearch(body: Record<string, unknown>): ParseResult {
  for (const name of Object.keys(body)) {
    if (!KNOWN.has(name)) {
      // The name is quoted only when it is plainly a parameter name, never anything that could be data.
      const shown = /^[A-Za-z_:.-]{1,40}$/.test(name) ? ` "${name}"` : '';
      return { ok: false, code: 'not-supported', message: `Unknown search parameter${shown}. Supported: identifier, _revinclude, _count.` };
    }
  }
  const identifiers = list(body.identifier).map((v) => splitOr(v).map(token));
  if (identifiers.length === 0 || identifiers.some((or) => or.every((t) => t.value === ''))) {
    return { ok: false, code: 'required', message: 'Patient search requires the identifier parameter.' };
  }
  if (identifiers.some((or) => or.length > MAX_IDENTIFIERS)) {
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
  const counts = list(body._count);
  let count = DEFAULT_COUNT;
  if (counts.length > 1 || (counts[0] !== undefined && !/^\d{1,6}$/.test(counts[0]))) {
    return { ok: false, code: 'invalid', message: '_count must be one whole number.' };
  }
  if (counts[0] !== undefined) count = Number(counts[0]);
  if (count < 1) return { ok: false, code: 'invalid', message: '_count must be at least 1.' };
  // Like HAPI, a page size above the maximum is capped rather than refused: clients must follow `next`.
  count = Math.min(count, MAX_COUNT);
  return { ok: true, search: { identifiers, revinclude, count } };
}

/** The identity-number systems a patient of this kind is known under. */
export function systemFor(kind: 'FNR' | 'DNR'): string {
  return kind === 'DNR' ? SYSTEM.dnr : SYSTEM.fnr;
}

/** Whether a token matches a patient: same value, and the same system unless the token named none. */
export function matches(t: IdentifierToken, nin: string, kind: 'FNR' | 'DNR'): boolean {
  return t.value === nin && (t.system === undefined || t.system === systemFor(kind));
}
