import { countNoise, KEY_SPACE, lookupKey, perturbationTable } from './cellKey';
import { protectTable, recordKeyFor, type Contribution, type DisclosureSettings, type Measure, type ProtectedCell, type ProtectedTable, type TableRequest } from './index';

/** A small seeded generator (mulberry32): the same cohort on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T,>(random: () => number, weighted: readonly [T, number][]): T => {
  let r = random() * weighted.reduce((s, [, w]) => s + w, 0);
  for (const [value, w] of weighted) if ((r -= w) < 0) return value;
  return weighted[weighted.length - 1]![0];
};

const projectKey = Buffer.from('a project key of at least thirty-two bytes, for tests');
const settings: DisclosureSettings = { threshold: 5, noiseBound: 2, key: Buffer.from('the disclosure key: thirty-two bytes or more, for tests') };
const T = settings.threshold;
const D = settings.noiseBound;

const MUNICIPALITIES = ['4601', '4602', '4603', '4604'] as const;
const AGE_BANDS = ['0-17', '18-66', '67-79', '80+'] as const;
const SEXES = ['FEMALE', 'MALE'] as const;
const DIMS = ['municipality', 'ageBand', 'sex'];

/** 300 fake people: a large, a middling, a small and a very small municipality; few of the oldest. */
function cohort(size = 300, seed = 21): Contribution[] {
  const random = seeded(seed);
  return Array.from({ length: size }, (_, i) => ({
    recordKey: recordKeyFor(projectKey, `person-${i}`),
    cell: {
      municipality: pick(random, MUNICIPALITIES.map((m, i) => [m, [45, 30, 20, 5][i]!] as [string, number])),
      ageBand: pick(random, AGE_BANDS.map((a, i) => [a, [25, 45, 20, 10][i]!] as [string, number])),
      sex: pick(random, SEXES.map((s) => [s, 1] as [string, number])),
    },
    flag: random() < 0.3,
    value: random() < 0.9 ? Math.floor(random() * 61) : null,
  }));
}

const people = cohort();
const request = (contributions: readonly Contribution[], extra: Partial<TableRequest> = {}): TableRequest => ({ dimensions: DIMS, measure: 'count', contributions, margins: true, ...extra });

/** Whether a contribution is in a table's cell (null matches any value: a margin). */
const inCell = (c: Contribution, cell: Record<string, string | null>) => Object.entries(cell).every(([d, v]) => v === null || c.cell[d] === v);
const trueCount = (contributions: readonly Contribution[], cell: Record<string, string | null>) => new Set(contributions.filter((c) => inCell(c, cell)).map((c) => c.recordKey)).size;
const cellOf = (table: ProtectedTable, cell: Record<string, string | null>): ProtectedCell => {
  const found = table.cells.find((c) => JSON.stringify(c.cell) === JSON.stringify(cell));
  if (!found) throw new Error(`no cell ${JSON.stringify(cell)}`);
  return found;
};
const innerCellOf = (c: Contribution) => Object.fromEntries(DIMS.map((d) => [d, c.cell[d] ?? null]));

/** Every group of cells that adds up to a margin, read back from the answer alone (as a researcher would). */
function groupsOf(table: ProtectedTable): { margin: ProtectedCell; members: ProtectedCell[] }[] {
  const groups = [];
  for (const margin of table.cells) {
    for (const [d, v] of Object.entries(margin.cell)) {
      if (v !== null) continue;
      const members = table.cells.filter((c) => c.cell[d] !== null && Object.entries(margin.cell).every(([e, w]) => e === d || c.cell[e] === w));
      groups.push({ margin, members });
    }
  }
  return groups;
}

describe('the cell key method: small cells, noise and repeatability', () => {
  const table = protectTable(request(people), settings);

  it('suppresses every cell under the threshold as SMALL_CELL, and shows the rest within the noise bound, never under the threshold', () => {
    expect(table.cells).toHaveLength(5 * 5 * 3); // (4 + total) × (4 + total) × (2 + total)
    let small = 0;
    let moved = 0;
    for (const c of table.cells) {
      const truth = trueCount(people, c.cell);
      if (truth < T) {
        small += 1;
        expect(c).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL', count: null, value: null });
        continue;
      }
      if (c.status === 'SUPPRESSED') {
        expect(c.reason).toBe('COMPLEMENTARY');
        continue;
      }
      expect(c.count).not.toBeNull();
      expect(c.count!).toBeGreaterThanOrEqual(T);
      expect(Math.abs(c.count! - truth)).toBeLessThanOrEqual(D);
      if (c.count !== truth) moved += 1;
    }
    // The synthetic cohort has small cells (the smallest municipality, the oldest), and the noise does move counts.
    expect(small).toBeGreaterThan(5);
    expect(moved).toBeGreaterThan(5);
    // Empty combinations are in the table too, suppressed: a missing row would tell that it is empty.
    expect(table.cells.filter((c) => trueCount(people, c.cell) === 0).every((c) => c.status === 'SUPPRESSED')).toBe(true);
    // The grand total is counted from its own persons (within the noise of 300), and comes last.
    const total = table.cells[table.cells.length - 1]!;
    expect(total.cell).toEqual({ municipality: null, ageBand: null, sex: null });
    expect(Math.abs(total.count! - 300)).toBeLessThanOrEqual(D);
  });

  it('gives the same answer to the same question, in any order of the contributions, and another with another key', () => {
    expect(protectTable(request(people), settings)).toEqual(table);
    const shuffled = [...people];
    const random = seeded(7);
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(protectTable(request(shuffled), settings)).toEqual(table);
    for (const measure of ['share', 'mean', 'median'] as const) expect(protectTable(request(shuffled, { measure }), settings)).toEqual(protectTable(request(people, { measure }), settings));
    // A person's second contribution to the same cell counts once.
    expect(protectTable(request([...people, people[0]!]), settings)).toEqual(table);
    const other = protectTable(request(people), { ...settings, key: Buffer.alloc(32, 9) });
    expect(other.cells.map((c) => c.count)).not.toEqual(table.cells.map((c) => c.count));
  });

  it('gives the same noise to the same persons in any question: a margin and the same cell asked alone agree', () => {
    const byMunicipality = protectTable(request(people, { dimensions: ['municipality'] }), settings);
    const bySex = protectTable(request(people, { dimensions: ['sex'] }), settings);
    expect(cellOf(byMunicipality, { municipality: null }).count).toBe(cellOf(table, { municipality: null, ageBand: null, sex: null }).count);
    expect(cellOf(bySex, { sex: null }).count).toBe(cellOf(table, { municipality: null, ageBand: null, sex: null }).count);
    for (const m of MUNICIPALITIES) expect(cellOf(byMunicipality, { municipality: m }).count).toBe(cellOf(table, { municipality: m, ageBand: null, sex: null }).count);
  });

  it('draws the noise uniformly from -bound to +bound, zero-mean (the perturbation table)', () => {
    expect(perturbationTable(2).map((r) => r.noise)).toEqual([-2, -1, 0, 1, 2]);
    const seen = new Map<number, number>();
    const n = 20_000;
    for (let i = 0; i < n; i += 1) {
      const noise = countNoise(lookupKey(settings.key, 'count', i, 10), 2);
      seen.set(noise, (seen.get(noise) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([-1, -2, 0, 1, 2]);
    for (const times of seen.values()) expect(Math.abs(times / n - 0.2)).toBeLessThan(0.02);
    const mean = [...seen].reduce((s, [noise, times]) => s + noise * times, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    // The edges of the key space fall inside the table.
    expect(countNoise(0, 2)).toBe(-2);
    expect(countNoise(KEY_SPACE - 1, 2)).toBe(2);
  });

  it('puts cells in the domain order given, margins after what they total, and shows values nobody has as suppressed', () => {
    const t = protectTable(
      request(people, { dimensions: ['ageBand', 'sex'], domains: { ageBand: ['80+', '67-79', '18-66', '0-17', '100+'], sex: [...SEXES] } }),
      settings,
    );
    expect(t.cells.slice(0, 3).map((c) => c.cell)).toEqual([
      { ageBand: '80+', sex: 'FEMALE' },
      { ageBand: '80+', sex: 'MALE' },
      { ageBand: '80+', sex: null },
    ]);
    expect(t.cells.filter((c) => c.cell.ageBand === '100+').every((c) => c.status === 'SUPPRESSED' && c.reason === 'SMALL_CELL')).toBe(true);
    expect(t.cells[t.cells.length - 1]!.cell).toEqual({ ageBand: null, sex: null });
    expect(() => protectTable(request(people, { dimensions: ['sex'], domains: { sex: ['FEMALE'] } }), settings)).toThrow(/sex is outside the domain/);
  });

  it('puts no record key or person in the answer, and refuses settings and requests that cannot be protected', () => {
    const text = JSON.stringify(table);
    for (const c of people) expect(text).not.toContain(c.recordKey);
    expect(text).not.toMatch(/person-/);
    for (const c of table.cells) expect(Object.keys(c).sort()).toEqual(['cell', 'count', 'reason', 'status', 'value']);
    expect(() => protectTable(request(people), { ...settings, key: Buffer.alloc(16) })).toThrow(/at least 32 bytes/);
    expect(() => protectTable(request(people), { ...settings, threshold: 0 })).toThrow(/threshold/);
    expect(() => protectTable(request(people, { dimensions: ['sex', 'sex'] }), settings)).toThrow(/named twice/);
    const broken = { recordKey: people[0]!.recordKey, cell: { sex: 'FEMALE' } };
    let message = '';
    try {
      protectTable(request([broken], { dimensions: ['sex', 'municipality'] }), settings);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/no value for municipality/);
    expect(message).not.toContain(broken.recordKey);
  });
});

describe('secondary suppression', () => {
  /** A row (municipality A) with exactly one small cell, the others large. */
  const sizes: Record<string, number[]> = { A: [3, 20, 30, 25], B: [12, 22, 18, 9], C: [8, 15, 11, 14] };
  const bands = ['a1', 'a2', 'a3', 'a4'];
  let n = 0;
  const rows: Contribution[] = Object.entries(sizes).flatMap(([m, counts]) =>
    counts.flatMap((count, b) => Array.from({ length: count }, () => ({ recordKey: recordKeyFor(projectKey, `person-${n++}`), cell: { municipality: m, ageBand: bands[b]! } }))),
  );

  it('suppresses a second cell in a row with one small cell (COMPLEMENTARY), and in its column', () => {
    const table = protectTable({ dimensions: ['municipality', 'ageBand'], measure: 'count', contributions: rows, margins: true }, settings);
    expect(cellOf(table, { municipality: 'A', ageBand: 'a1' })).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL' });
    const rowA = table.cells.filter((c) => c.cell.municipality === 'A' && c.cell.ageBand !== null);
    expect(rowA.filter((c) => c.reason === 'COMPLEMENTARY').length).toBeGreaterThanOrEqual(1);
    const columnA1 = table.cells.filter((c) => c.cell.ageBand === 'a1' && c.cell.municipality !== null);
    expect(columnA1.filter((c) => c.status === 'SUPPRESSED').length).toBeGreaterThanOrEqual(2);
    // The row's total less its shown cells no longer isolates the small cell.
    expect(cellOf(table, { municipality: 'A', ageBand: null }).status === 'SUPPRESSED' || rowA.filter((c) => c.status === 'SUPPRESSED').length >= 2).toBe(true);
  });

  it.each([
    ['a hand-made two-dimensional table', () => rows, ['municipality', 'ageBand']],
    ['the synthetic cohort in three dimensions', () => people, DIMS],
    ['a sparse cohort of 60 in three dimensions', () => cohort(60, 5), DIMS],
  ] as const)('leaves no margin group of %s that gives a suppressed cell back', (_name, contributions, dimensions) => {
    const data = contributions();
    const table = protectTable({ dimensions: [...dimensions], measure: 'count', contributions: data, margins: true }, settings);
    const groups = groupsOf(table);
    expect(groups.length).toBeGreaterThan(0);
    let protectedGroups = 0;
    for (const { margin, members } of groups) {
      const hidden = members.filter((c) => c.status === 'SUPPRESSED');
      if (margin.status === 'SUPPRESSED') {
        // A hidden total with every cell shown would be their sum.
        expect(hidden.length).toBeGreaterThanOrEqual(1);
        continue;
      }
      if (hidden.length === 0) continue;
      protectedGroups += 1;
      // Total − Σ shown cells covers at least two suppressed cells, holding the threshold or more between them.
      expect(hidden.length).toBeGreaterThanOrEqual(2);
      expect(hidden.reduce((s, c) => s + trueCount(data, c.cell), 0)).toBeGreaterThanOrEqual(T);
    }
    expect(protectedGroups).toBeGreaterThan(0);
  });
});

describe('attacks across requests', () => {
  /** People alone or nearly alone (1 to 4) in their cell of the three-dimensional table. */
  const targets = people.filter((p) => trueCount(people, innerCellOf(p)) < T);
  const full = protectTable(request(people), settings);

  it('defeats differencing: two questions that differ by one person do not give the person back', () => {
    expect(targets.length).toBeGreaterThanOrEqual(20);
    let exact = 0;
    let pairs = 0;
    let exactPairs = 0;
    for (const target of targets) {
      // The attacker's second question leaves the target out (another period, a municipality set without them).
      const without = protectTable(request(people.filter((p) => p !== target)), settings);
      // Where the target's cell is small there is no difference at all: it is suppressed in both.
      expect(cellOf(full, innerCellOf(target)).status).toBe('SUPPRESSED');
      expect(cellOf(without, innerCellOf(target)).status).toBe('SUPPRESSED');
      let best: { size: number; estimate: number } | null = null;
      for (const cell of full.cells.filter((c) => inCell(target, c.cell))) {
        const other = cellOf(without, cell.cell);
        if (cell.status !== 'PUBLISHED' || other.status !== 'PUBLISHED') {
          continue;
        }
        // Any cell whose difference is available was large in both questions.
        expect(trueCount(people, cell.cell) - 1).toBeGreaterThanOrEqual(T);
        const estimate = cell.count! - other.count!;
        pairs += 1;
        if (estimate === 1) exactPairs += 1;
        const size = trueCount(people, cell.cell);
        if (!best || size < best.size) best = { size, estimate };
      }
      // The attacker's estimate: the most specific cell they can subtract.
      if (best?.estimate === 1) exact += 1;
    }
    // Two independent noises, uniform over 5 values, agree with probability 1/5: the estimate is right for ~20 % of
    // the targets (17 % here; 19 % of all cell pairs), and the attacker cannot tell which. (An attacker who averages
    // every cell of one pair of tables that holds the target does better: the method bounds each difference, not
    // how many a researcher may take. That is for the caller's question budget.)
    expect(exact / targets.length).toBeLessThan(0.4);
    expect(pairs).toBeGreaterThan(targets.length);
    expect(exactPairs / pairs).toBeLessThan(0.3);
  });

  it('defeats averaging: asking the same question again gives the same noise', () => {
    const target = targets[0]!;
    const without = people.filter((p) => p !== target);
    const total = { municipality: null, ageBand: null, sex: null };
    const once = cellOf(full, total).count! - cellOf(protectTable(request(without), settings), total).count!;
    const repeated = Array.from({ length: 10 }, () => cellOf(protectTable(request(people), settings), total).count! - cellOf(protectTable(request(without), settings), total).count!);
    expect(new Set(repeated)).toEqual(new Set([once]));
  });

  it('defeats a tracker: a small group padded with a large one does not give its size back', () => {
    const random = seeded(99);
    const grandTotal = (contributions: readonly Contribution[]) => protectTable({ dimensions: [], measure: 'count', contributions, margins: false }, settings).cells[0]!;
    const trials = 30;
    let exact = 0;
    const errors = new Set<number>();
    for (let trial = 0; trial < trials; trial += 1) {
      const size = 1 + (trial % 4);
      const shuffled = [...people].sort(() => random() - 0.5);
      const small = shuffled.slice(0, size);
      const tracker = shuffled.slice(size, size + 80 + Math.floor(random() * 100));
      // Asked alone, the small group is suppressed.
      expect(grandTotal(small)).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL', count: null });
      const estimate = grandTotal([...small, ...tracker]).count! - grandTotal(tracker).count!;
      if (estimate === size) exact += 1;
      errors.add(estimate - size);
    }
    expect(exact / trials).toBeLessThan(0.4);
    // The error spreads over the whole range of a difference of two noises.
    expect(errors.size).toBeGreaterThanOrEqual(5);
  });

  it('defeats differencing of means: the mean with and without a person does not give their value back', () => {
    const withValue = people.filter((p) => p.value !== null && p.value !== undefined).slice(0, 25);
    const margin = { municipality: null, ageBand: null, sex: null };
    const mean = (contributions: readonly Contribution[]) => cellOf(protectTable(request(contributions, { measure: 'mean' }), settings), margin).value!;
    const withAll = mean(people);
    const valued = people.filter((p) => p.value !== null && p.value !== undefined).length;
    let recovered = 0;
    for (const target of withValue) {
      // Even knowing the number of values exactly, the attacker's estimate of the target's value is off.
      const without = mean(people.filter((p) => p !== target));
      const estimate = without + valued * (withAll - without);
      if (Math.round(estimate) === target.value) recovered += 1;
    }
    expect(recovered / withValue.length).toBeLessThan(0.2);
  });
});

describe('shares, means and medians', () => {
  let n = 0;
  const group = (municipality: string, size: number, flagged: number, values: (number | null)[] = []): Contribution[] =>
    Array.from({ length: size }, (_, i) => ({ recordKey: recordKeyFor(projectKey, `person-${n++}`), cell: { municipality }, flag: i < flagged, value: values[i] ?? null }));
  const table = (contributions: Contribution[], measure: Measure) => protectTable({ dimensions: ['municipality'], measure, contributions, margins: true }, settings);

  it('suppresses a share whose numerator or complement is under the threshold, and shows the rest as noisy counts over noisy counts', () => {
    const data = [...group('X', 10, 2), ...group('Y', 10, 8), ...group('Z', 20, 10), ...group('W', 30, 12), ...group('V', 3, 1)];
    const t = table(data, 'share');
    expect(cellOf(t, { municipality: 'X' })).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL', count: null, value: null });
    expect(cellOf(t, { municipality: 'Y' })).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL', count: null, value: null });
    expect(cellOf(t, { municipality: 'V' })).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL' });
    for (const [m, size, flagged] of [['Z', 20, 10], ['W', 30, 12]] as const) {
      const c = cellOf(t, { municipality: m });
      expect(c.status).toBe('PUBLISHED');
      expect(Math.abs(c.count! - size)).toBeLessThanOrEqual(D);
      expect(c.value!).toBeGreaterThanOrEqual(Math.max(T, flagged - D) / (size + D));
      expect(c.value!).toBeLessThanOrEqual((flagged + D) / Math.max(T, size - D));
    }
    // All 100 % or all 0 % is suppressed whatever the size.
    expect(cellOf(table(group('U', 40, 40), 'share'), { municipality: 'U' }).reason).toBe('SMALL_CELL');
    expect(cellOf(table(group('U', 40, 0), 'share'), { municipality: 'U' }).reason).toBe('SMALL_CELL');
  });

  it('protects the numerators across a margin too: one share suppressed for its numerator takes another with it', () => {
    const t = table([...group('X', 30, 3), ...group('Z', 20, 10), ...group('W', 30, 12)], 'share');
    expect(cellOf(t, { municipality: 'X' }).reason).toBe('SMALL_CELL');
    expect(t.cells.filter((c) => c.cell.municipality !== null && c.status === 'SUPPRESSED').length + (cellOf(t, { municipality: null }).status === 'SUPPRESSED' ? 1 : 0)).toBeGreaterThanOrEqual(2);
  });

  it('suppresses a mean or median with fewer values than the threshold, a median of fewer distinct values, a mean of values all alike', () => {
    const spread = Array.from({ length: 20 }, (_, i) => i * 3);
    const data = [
      ...group('P', 10, 0, [4, 9, 12]), // 10 persons, 3 values
      ...group('Q', 8, 0, [1, 1, 1, 2, 2, 3, 3, 3]), // 8 values, 3 distinct
      ...group('R', 20, 0, spread),
      ...group('S', 9, 0, [7, 7, 7, 7, 7, 7, 7, 7, 7]),
    ];
    const means = table(data, 'mean');
    const medians = table(data, 'median');
    expect(cellOf(means, { municipality: 'P' })).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL', value: null });
    expect(cellOf(medians, { municipality: 'P' })).toMatchObject({ status: 'SUPPRESSED', reason: 'SMALL_CELL', value: null });
    expect(cellOf(medians, { municipality: 'Q' }).reason).toBe('SMALL_CELL');
    expect(cellOf(means, { municipality: 'S' }).reason).toBe('SMALL_CELL');
    // A mean within noiseBound × range / n of the truth; a median within noiseBound places of the middle.
    const mean = cellOf(means, { municipality: 'R' });
    expect(mean.status).toBe('PUBLISHED');
    expect(Math.abs(mean.value! - 28.5)).toBeLessThanOrEqual((D * 57) / 20);
    const median = cellOf(medians, { municipality: 'R' });
    expect(median.status).toBe('PUBLISHED');
    expect(median.value!).toBeGreaterThanOrEqual((spread[9 - D]! + spread[10 - D]!) / 2);
    expect(median.value!).toBeLessThanOrEqual((spread[9 + D]! + spread[10 + D]!) / 2);
    expect(cellOf(table(data, 'count'), { municipality: 'R' }).value).toBeNull();
  });
});

describe('recordKeyFor', () => {
  const nin = '01019012345';

  it('gives a person the same pseudonym in a project and another in another project, with no identity number in it', () => {
    expect(recordKeyFor(projectKey, nin)).toBe(recordKeyFor(projectKey, nin));
    expect(recordKeyFor(projectKey, nin)).not.toBe(recordKeyFor(Buffer.alloc(32, 1), nin));
    expect(recordKeyFor(projectKey, nin)).not.toBe(recordKeyFor(projectKey, '01019012346'));
    for (let i = 0; i < 200; i += 1) {
      const key = recordKeyFor(projectKey, String(10_000_000_000 + i * 7_919));
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key).not.toMatch(/\d{11}/);
    }
    expect(() => recordKeyFor(Buffer.alloc(8), nin)).toThrow(/at least 32 bytes/);
  });
});
