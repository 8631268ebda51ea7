/**
 * What the gateway accepts in one operation, checked before the operation is planned. Apollo Gateway plans
 * each new operation text afresh, on the event loop, in time that grows faster than the operation: 150
 * aliases of `patient` held it for 13–20 s, serving no one. Each limit is far above what the playground,
 * the tests and the benchmark ask (measured sizes in the comments), and far below what hurts.
 */
export interface Limits {
  /**
   * Tokens (names, punctuation, values) in the operation text, counted while it is parsed. The largest
   * legitimate query measured has 149; one patient with every field the schema has, 654.
   */
  tokens: number;
  /** Aliases anywhere in the operation (`__typename` aside). Legitimate queries use at most 2. */
  aliases: number;
  /**
   * Nesting of fields, inline fragments and fragment spreads. No field path in the schema is deeper than 6,
   * and no legitimate query measured is deeper; the rest leaves room for fragments.
   */
  depth: number;
  /** Directives (`@include`, `@skip`, …) in the operation. Legitimate queries use none. */
  directives: number;
  /**
   * The estimated cost (operationCost.ts): objects 2, scalars 1, each level ×1.5, and each list multiplied by
   * its size as the operation runs it (`first`/`last` literal, variable or default; `patients` its list's
   * length). Measured: the first query 306; a worklist of 100 patients 6,819; the whole access log 25,000;
   * every field of 100 patients (test/e2e/patient) 77,225; 100 patients with 100 timeline events each
   * 142,850. Ten aliases of a ten-patient worklist with 500 events each (the outside review's attack) 712,850.
   */
  cost: number;
  /** Distinct root fields (response keys, `__typename` aside): each is planned and fetched on its own. Legitimate queries use at most 2. */
  rootFields: number;
  /**
   * Patients one request may read, over every root field and alias: `patient` and `me` count one each,
   * `patients` the length of its list. The same as the person subgraph's MAX_PATIENTS for one `patients`.
   */
  patients: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  tokens: 3000,
  aliases: 15,
  depth: 12,
  directives: 20,
  cost: 200_000,
  rootFields: 10,
  patients: 100,
};

/** The environment variable of each limit (documented in the README's configuration table). */
export const LIMIT_VARIABLES: Readonly<Record<keyof Limits, string>> = {
  tokens: 'LIMIT_TOKENS',
  aliases: 'LIMIT_ALIASES',
  depth: 'LIMIT_DEPTH',
  directives: 'LIMIT_DIRECTIVES',
  cost: 'LIMIT_COST',
  rootFields: 'LIMIT_ROOT_FIELDS',
  patients: 'LIMIT_PATIENTS',
};

/** The limits, each from its variable when set; a value that is not a positive whole number stops the gateway, naming it. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, variable] of Object.entries(LIMIT_VARIABLES) as [keyof Limits, string][]) {
    limits[name] = positiveInteger(env, variable, DEFAULT_LIMITS[name]);
  }
  return limits;
}

/**
 * The approximate size of Apollo Gateway's query-plan cache (`QUERY_PLAN_CACHE_MIB`, default 30). It is an
 * LRU of plans by operation text: bounded, so a client sending ever new texts costs planning time, not memory.
 */
export function queryPlanCacheMiB(env: NodeJS.ProcessEnv = process.env): number {
  return positiveInteger(env, 'QUERY_PLAN_CACHE_MIB', 30);
}

function positiveInteger(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${variable} must be a positive whole number (got ${JSON.stringify(raw)})`);
  return value;
}
