import { createHmac } from 'node:crypto';
import { addKey, countNoise, keyFraction, lookupKey, recordKeysOf, type RecordKeys } from './cellKey';
import { marginGroups, suppressComplementary, type SuppressionCell } from './secondary';

/**
 * Statistical disclosure control for research tables (issue 21): a table of counts, shares, means or medians over a
 * cohort, grouped by a few fixed dimensions, made safe to hand to a researcher who may ask many overlapping questions.
 *
 * Two methods together, as national statistics offices and the Norwegian health registries use them:
 * - the cell key method (ABS TableBuilder, UK ONS): each published count carries a small noise that is a function of
 *   the exact set of persons in the cell. Asking the same cells again gives the same noise (repeating does not
 *   average it away); two questions that differ by one person give unrelated noise in the cells that differ (the
 *   difference of two overlapping questions, or of a small group padded with a large one, does not give the person
 *   or the group back);
 * - small-cell suppression: a cell with fewer persons than the threshold (none included) is not shown at all, and
 *   further cells are suppressed so that margins less what is shown cannot give a suppressed cell back.
 *
 * Pure: no I/O, no clock, no randomness but the key. Nothing from a contribution but its dimension values reaches the
 * answer; the record keys only steer the noise.
 */
export interface DisclosureSettings {
  /** A cell whose true count is below this (0 included) is suppressed; published counts are never below it. 5 by practice. */
  threshold: number;
  /** The largest absolute noise added to a published count (a whole number, 0 to 15). 2 by practice. */
  noiseBound: number;
  /**
   * The secret that turns record keys into noise (at least 32 bytes). The same key gives the same answers, which is
   * what keeps repeated questions from averaging the noise away: keep it for as long as the data can be asked about,
   * and share it between every project that can ask about the same persons (two keys, two independent noises to
   * average).
   */
  key: Buffer;
}

export interface Contribution {
  /**
   * A stable pseudonym of the person (recordKeyFor), never an identity number. The same person must have the same
   * pseudonym in every question whose answers could be compared, or their noises are independent and average away.
   */
  recordKey: string;
  /** The person's value for each of the request's dimensions, e.g. `{ municipality: '4601', ageBand: '75-84' }`. */
  cell: Record<string, string>;
  /** For 'share': whether the person is in the numerator. */
  flag?: boolean;
  /** For 'mean' and 'median': the person's value; null (or none) is no value, left out of the value's statistics. */
  value?: number | null;
}

export type Measure = 'count' | 'share' | 'mean' | 'median';

export interface TableRequest {
  /** The grouping dimensions, in the order the table is laid out (at most MAX_DIMENSIONS). */
  dimensions: string[];
  measure: Measure;
  /**
   * One per person and cell. A person may contribute to several cells (two diagnosis chapters); within one cell and
   * its margins a person counts once: in the numerator if any of their contributions to it is flagged, with the mean
   * of their values to it as their value.
   */
  contributions: readonly Contribution[];
  /** Also the totals over each dimension (and over each set of them), and the grand total. */
  margins: boolean;
  /**
   * Every value each dimension can take, in the order to show them (e.g. every municipality of the question, the age
   * bands in order). The table then has the same cells whatever the cohort holds. Without it a dimension's values are
   * those the contributions hold, sorted: then the mere presence of a row tells that someone has that value, so pass
   * the domains wherever a value can be rare.
   */
  domains?: Record<string, readonly string[]>;
}

export type CellStatus = 'PUBLISHED' | 'SUPPRESSED';

export interface ProtectedCell {
  /** The cell's value for each dimension; null for a dimension = the total over it (a margin). */
  cell: Record<string, string | null>;
  status: CellStatus;
  /** Why it is suppressed: SMALL_CELL (too few persons, or for a share too few in or out of the numerator, for a mean or median too few values), COMPLEMENTARY (to protect another cell). */
  reason: 'SMALL_CELL' | 'COMPLEMENTARY' | null;
  /** Persons in the cell with noise; for a share its denominator. Null when suppressed; never below the threshold. */
  count: number | null;
  /** The share (0..1), mean or median; null for 'count' and when suppressed. */
  value: number | null;
}

export interface ProtectedTable {
  cells: ProtectedCell[];
  threshold: number;
  noiseBound: number;
  /** What was done, in a sentence or two, to go with the answer. */
  method: string;
}

/** More dimensions than this make 2^n margin sets and tables too sparse to publish anything. */
export const MAX_DIMENSIONS = 6;
/** A table larger than this (cells and margins) is refused: it would be nearly all suppressed, and slow. */
export const MAX_CELLS = 1_000_000;

/**
 * A person's pseudonym for one project: HMAC-SHA256 of the person's id under the project's key, base64url. The
 * same person gets the same pseudonym within the project, and unrelated ones in two projects (who cannot link their
 * answers' persons). No identity number can be read from it.
 */
export function recordKeyFor(projectKey: Buffer, personId: string): string {
  if (projectKey.length < 32) throw new Error('a project key has at least 32 bytes');
  return createHmac('sha256', projectKey).update(personId, 'utf8').digest('base64url');
}

/** One person's part in one cell (several contributions to the same cell count once). */
interface PersonInCell {
  keys: RecordKeys;
  flag: boolean;
  values: number[];
}

/** A cell as it is counted: its values (null = collapsed) and its persons by pseudonym. */
interface Tally {
  values: (string | null)[];
  persons: Map<string, PersonInCell>;
}

/** What the protection needs of a cell: its true counts, the keys of its sets of persons, and its values. */
interface CellFacts {
  persons: number;
  countKey: number;
  flagged: number;
  flaggedKey: number;
  /** One per person with a value (the mean of theirs to the cell), ascending. */
  values: number[];
  valueKey: number;
}

function checkSettings(s: DisclosureSettings): void {
  if (!Number.isSafeInteger(s.threshold) || s.threshold < 1) throw new Error('the threshold is a whole number of 1 or more');
  if (!Number.isSafeInteger(s.noiseBound) || s.noiseBound < 0 || s.noiseBound > 15) throw new Error('the noise bound is a whole number from 0 to 15');
  if (!Buffer.isBuffer(s.key) || s.key.length < 32) throw new Error('the disclosure key has at least 32 bytes');
}

function checkRequest(r: TableRequest): void {
  if (r.dimensions.length > MAX_DIMENSIONS) throw new Error(`at most ${MAX_DIMENSIONS} dimensions`);
  if (new Set(r.dimensions).size !== r.dimensions.length) throw new Error('a dimension is named twice');
  if (r.dimensions.some((d) => typeof d !== 'string' || d === '')) throw new Error('a dimension has a name');
  if (!['count', 'share', 'mean', 'median'].includes(r.measure)) throw new Error('the measure is count, share, mean or median');
  const domains = r.dimensions.map((d) => {
    const domain = r.domains?.[d];
    if (domain && new Set(domain).size !== domain.length) throw new Error(`the domain of ${d} names a value twice`);
    return domain ? new Set(domain) : null;
  });
  // The messages name the dimension only: the caller may log them, and a record key or value is no one's business.
  for (const c of r.contributions) {
    if (typeof c.recordKey !== 'string' || c.recordKey === '') throw new Error('a contribution has no record key');
    r.dimensions.forEach((d, i) => {
      const v = c.cell[d];
      if (typeof v !== 'string') throw new Error(`a contribution has no value for ${d}`);
      if (domains[i] && !domains[i].has(v)) throw new Error(`a contribution's ${d} is outside the domain given for it`);
    });
    if (c.value !== undefined && c.value !== null && !Number.isFinite(c.value)) throw new Error('a contribution has a value that is not a finite number');
  }
}

/** Each dimension's values in display order: the domain given, else the values the contributions hold, sorted by code point (the same everywhere). */
function domainsOf(r: TableRequest): string[][] {
  return r.dimensions.map((d) => {
    const given = r.domains?.[d];
    if (given) return [...given];
    return [...new Set(r.contributions.map((c) => c.cell[d] as string))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  });
}

/** The sets of collapsed dimensions, as bit masks: only none without margins, every subset with them. */
const collapseMasks = (dimensions: number, margins: boolean): number[] => (margins ? Array.from({ length: 1 << dimensions }, (_, m) => m) : [0]);

const cellId = (values: readonly (string | null)[]): string => JSON.stringify(values);

/** Every cell of the table, empty ones included (an empty cell is a small cell: suppressed, not left out). */
function emptyTallies(domains: readonly string[][], masks: readonly number[]): Tally[] {
  const size = masks.reduce((sum, mask) => sum + domains.reduce((p, dom, d) => p * (mask & (1 << d) ? 1 : dom.length), 1), 0);
  if (size > MAX_CELLS) throw new Error(`the table would have ${size} cells (at most ${MAX_CELLS}): ask fewer dimensions or values`);
  const tallies: Tally[] = [];
  for (const mask of masks) {
    let rows: (string | null)[][] = [[]];
    domains.forEach((dom, d) => {
      rows = mask & (1 << d) ? rows.map((row) => [...row, null]) : rows.flatMap((row) => dom.map((v) => [...row, v]));
    });
    for (const values of rows) tallies.push({ values, persons: new Map() });
  }
  return tallies;
}

/** Adds each contribution to its cell and to each margin over it, counting a person once per cell. */
function countInto(tallies: Tally[], index: Map<string, number>, r: TableRequest, masks: readonly number[], key: Buffer): void {
  const keysOf = new Map<string, RecordKeys>();
  for (const c of r.contributions) {
    let keys = keysOf.get(c.recordKey);
    if (!keys) keysOf.set(c.recordKey, (keys = recordKeysOf(key, c.recordKey)));
    const values = r.dimensions.map((d) => c.cell[d] as string);
    const value = c.value ?? null;
    for (const mask of masks) {
      const tally = tallies[index.get(cellId(values.map((v, d) => (mask & (1 << d) ? null : v))))!]!;
      let p = tally.persons.get(c.recordKey);
      if (!p) tally.persons.set(c.recordKey, (p = { keys, flag: false, values: [] }));
      p.flag ||= c.flag === true;
      if (value !== null) p.values.push(value);
    }
  }
}

const ascending = (a: number, b: number) => a - b;

/** A sum of floating-point numbers that does not depend on the order they came in (the contributions' order must not change an answer). */
const sortedSum = (values: readonly number[]): number => [...values].sort(ascending).reduce((a, b) => a + b, 0);

/** A cell's true counts and the keys of its persons, of those flagged and of those with a value. */
function factsOf(t: Tally): CellFacts {
  const f: CellFacts = { persons: 0, countKey: 0, flagged: 0, flaggedKey: 0, values: [], valueKey: 0 };
  for (const p of t.persons.values()) {
    f.persons += 1;
    f.countKey = addKey(f.countKey, p.keys.count);
    if (p.flag) {
      f.flagged += 1;
      f.flaggedKey = addKey(f.flaggedKey, p.keys.count);
    }
    if (p.values.length > 0) {
      f.values.push(sortedSum(p.values) / p.values.length);
      f.valueKey = addKey(f.valueKey, p.keys.value);
    }
  }
  f.values.sort(ascending);
  return f;
}

/** The true quantities that must each add up safely across a margin group (secondary.ts): persons first. */
function layersOf(f: CellFacts, measure: Measure): number[] {
  switch (measure) {
    case 'count':
      return [f.persons];
    case 'share':
      return [f.persons, f.flagged, f.persons - f.flagged];
    case 'mean':
    case 'median':
      return [f.persons, f.values.length];
  }
}

const distinct = (values: readonly number[]) => new Set(values).size;

/**
 * Whether a cell is too small to show. Every measure: fewer persons than the threshold. A share: also fewer in the
 * numerator or outside it (a share of 0 or 100 % tells each person in the group their flag). A mean or a median:
 * fewer values than the threshold; a median also fewer distinct values (it would be one of a few persons' values), a
 * mean also values all alike (it would be each person's value).
 */
function isSmall(f: CellFacts, measure: Measure, t: number): boolean {
  if (f.persons < t) return true;
  switch (measure) {
    case 'count':
      return false;
    case 'share':
      return f.flagged < t || f.persons - f.flagged < t;
    case 'mean':
      return f.values.length < t || distinct(f.values) < 2;
    case 'median':
      return f.values.length < t || distinct(f.values) < t;
  }
}

/** A count as published: the true count plus the noise its cell key and count look up, never below the threshold (a shown cell never looks small). */
const perturbedCount = (count: number, cellKey: number, s: DisclosureSettings) =>
  Math.max(s.threshold, count + countNoise(lookupKey(s.key, 'count', cellKey, count), s.noiseBound));

/**
 * A mean as published: the values' sum moved by up to noiseBound times the values' range (as if up to noiseBound
 * persons' values had moved from one end to the other), uniformly by the key of the persons with a value, over their
 * number. Without it two overlapping questions' means would give a person's value back (the counts' noise hides the
 * presence, not the value).
 */
function perturbedMean(values: readonly number[] /* ascending */, valueKey: number, s: DisclosureSettings): number {
  const range = values[values.length - 1]! - values[0]!;
  const sum = values.reduce((a, b) => a + b, 0);
  const u = 2 * keyFraction(lookupKey(s.key, 'value', valueKey, values.length)) - 1;
  return (sum + u * s.noiseBound * range) / values.length;
}

/**
 * A median as published: the middle of the sorted values moved by up to noiseBound places (the count noise of the
 * persons with a value), within the values. One person more or less moves a true median by half a place; the shift
 * hides which way.
 */
function perturbedMedian(sorted: readonly number[] /* ascending */, valueKey: number, s: DisclosureSettings): number {
  const shift = countNoise(lookupKey(s.key, 'value', valueKey, sorted.length), s.noiseBound);
  const at = (i: number) => sorted[Math.min(sorted.length - 1, Math.max(0, i + shift))]!;
  return (at(Math.floor((sorted.length - 1) / 2)) + at(Math.ceil((sorted.length - 1) / 2))) / 2;
}

/** A shown cell's value: the share of perturbed counts (numerator by its own cell key), or the perturbed mean or median. */
function valueOf(f: CellFacts, count: number, measure: Measure, s: DisclosureSettings): number | null {
  switch (measure) {
    case 'count':
      return null;
    case 'share':
      return Math.min(1, Math.max(0, perturbedCount(f.flagged, f.flaggedKey, s) / count));
    case 'mean':
      return perturbedMean(f.values, f.valueKey, s);
    case 'median':
      return perturbedMedian(f.values, f.valueKey, s);
  }
}

/** Cells by their values in display order, dimension by dimension, a total after the values it totals (the grand total last). */
function displayOrder(tallies: readonly Tally[], domains: readonly string[][]): number[] {
  const position = domains.map((dom) => new Map(dom.map((v, i) => [v, i])));
  const rankOf = (values: readonly (string | null)[]) => values.map((v, d) => (v === null ? Number.MAX_SAFE_INTEGER : position[d]!.get(v)!));
  const ranks = tallies.map((t) => rankOf(t.values));
  return tallies
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = ranks[a]!;
      const rb = ranks[b]!;
      for (let d = 0; d < ra.length; d += 1) if (ra[d] !== rb[d]) return ra[d]! - rb[d]!;
      return 0;
    });
}

function describe(s: DisclosureSettings, measure: Measure, margins: boolean): string {
  const parts = [
    `Counts carry a noise of -${s.noiseBound} to +${s.noiseBound} (uniform, zero-mean) fixed by the set of persons in the cell (cell key method): the same persons always give the same noise.`,
    `Cells with fewer than ${s.threshold} persons are suppressed, and published counts are never below ${s.threshold}.`,
  ];
  if (measure === 'share') parts.push(`A share is the noisy numerator over the noisy count, suppressed when fewer than ${s.threshold} persons are in the numerator or outside it.`);
  if (measure === 'mean') parts.push(`A mean is suppressed with fewer than ${s.threshold} values or values all alike, and its sum carries a noise of up to ${s.noiseBound} times the values' range.`);
  if (measure === 'median') parts.push(`A median is suppressed with fewer than ${s.threshold} distinct values, and is taken up to ${s.noiseBound} places from the middle.`);
  if (margins) parts.push('Totals are counted from their own persons (not summed from the cells), and further cells are suppressed so that no total less the shown cells gives a suppressed cell back.');
  return parts.join(' ');
}

/**
 * The protected table: every cell of the dimensions' values (and, with margins, every total), each either shown with
 * its noisy count and value or suppressed with its reason. See the module's comment for the method.
 */
export function protectTable(request: TableRequest, settings: DisclosureSettings): ProtectedTable {
  checkSettings(settings);
  checkRequest(request);
  const domains = domainsOf(request);
  const masks = collapseMasks(request.dimensions.length, request.margins);
  const tallies = emptyTallies(domains, masks);
  const index = new Map(tallies.map((t, i) => [cellId(t.values), i]));
  countInto(tallies, index, request, masks, settings.key);

  const facts = tallies.map(factsOf);
  const order = displayOrder(tallies, domains);
  const rank = new Array<number>(tallies.length);
  order.forEach((cell, position) => (rank[cell] = position));
  const cells: SuppressionCell[] = facts.map((f, i) => {
    const small = isSmall(f, request.measure, settings.threshold);
    return { suppressed: small, reason: small ? 'SMALL_CELL' : null, layers: layersOf(f, request.measure), rank: rank[i]! };
  });
  const groups = marginGroups(
    tallies.map((t) => t.values),
    domains,
    (values) => index.get(cellId(values))!,
  );
  const layerCount = layersOf({ persons: 0, countKey: 0, flagged: 0, flaggedKey: 0, values: [], valueKey: 0 }, request.measure).length;
  suppressComplementary(cells, groups, layerCount, settings.threshold);

  const out = order.map((i): ProtectedCell => {
    const f = facts[i]!;
    const c = cells[i]!;
    const cell = Object.fromEntries(request.dimensions.map((d, k) => [d, tallies[i]!.values[k] ?? null]));
    if (c.suppressed) return { cell, status: 'SUPPRESSED', reason: c.reason, count: null, value: null };
    const count = perturbedCount(f.persons, f.countKey, settings);
    return { cell, status: 'PUBLISHED', reason: null, count, value: valueOf(f, count, request.measure, settings) };
  });
  return { cells: out, threshold: settings.threshold, noiseBound: settings.noiseBound, method: describe(settings, request.measure, request.margins) };
}
