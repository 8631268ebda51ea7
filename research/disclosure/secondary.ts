/**
 * Secondary (complementary) suppression: a table's margins add up, so a margin less its published inner cells gives
 * back what was suppressed. Where that difference would be one suppressed cell, or cells that together hold fewer
 * than the threshold, more cells are suppressed, until every group that adds up hides at least two cells holding
 * the threshold or more between them, or hides its margin.
 *
 * The rule is checked on each additive quantity of the measure (its layers): the persons always, for a share also
 * those in the numerator and those not in it, for a mean or a median those with a value. Cell counts are published
 * with noise besides, so even what the rule lets through is only approximate.
 */
export interface SuppressionCell {
  suppressed: boolean;
  reason: 'SMALL_CELL' | 'COMPLEMENTARY' | null;
  /** The true value of each layer; `layers[0]` is the persons in the cell, what "smallest" is measured by. */
  layers: readonly number[];
  /** The cell's place in the output: ties between equally small cells go to the first. */
  rank: number;
}

/** A margin and the cells that add up to it: the cells along one dimension, the other dimensions as the margin's. */
export interface MarginGroup {
  margin: number;
  members: readonly number[];
}

/**
 * Every group that adds up to a margin: for each cell with a dimension collapsed, the cells that take each value of
 * that dimension instead (themselves inner cells or margins over other dimensions). `cellAt` finds a cell by its
 * values (null = collapsed); the table holds every combination, so each is found.
 */
export function marginGroups(
  cells: readonly (readonly (string | null)[])[],
  domains: readonly (readonly string[])[],
  cellAt: (values: readonly (string | null)[]) => number,
): MarginGroup[] {
  const groups: MarginGroup[] = [];
  cells.forEach((values, margin) => {
    values.forEach((value, d) => {
      if (value !== null) return;
      const members = (domains[d] ?? []).map((v) => cellAt(values.map((x, i) => (i === d ? v : x))));
      if (members.length > 0) groups.push({ margin, members });
    });
  });
  return groups;
}

/** Whether a group gives nothing back on one layer: nothing hidden, or its margin hidden with a cell in it, or at least two cells hidden that hold `threshold` or more. */
export function groupIsSafe(cells: readonly SuppressionCell[], group: MarginGroup, layer: number, threshold: number): boolean {
  const hidden = group.members.filter((i) => cells[i]!.suppressed);
  const marginHidden = cells[group.margin]!.suppressed;
  // A hidden margin whose cells are all shown is their sum (within the noise): it is not hidden at all.
  if (hidden.length === 0) return !marginHidden;
  if (marginHidden) return true;
  const held = hidden.reduce((sum, i) => sum + cells[i]!.layers[layer]!, 0);
  return hidden.length >= 2 && held >= threshold;
}

/** The group's next cell to suppress: its smallest shown cell (persons, then output order), else its margin; null when all are hidden. */
function nextToSuppress(cells: readonly SuppressionCell[], group: MarginGroup): number | null {
  let best: number | null = null;
  for (const i of group.members) {
    const c = cells[i]!;
    if (c.suppressed) continue;
    const b = best === null ? null : cells[best]!;
    if (!b || c.layers[0]! < b.layers[0]! || (c.layers[0] === b.layers[0] && c.rank < b.rank)) best = i;
  }
  if (best !== null) return best;
  return cells[group.margin]!.suppressed ? null : group.margin;
}

/**
 * Suppresses cells (reason COMPLEMENTARY) until every group is safe on every layer. A cell is in several groups (one
 * per dimension it has a value for, and as a margin), so a suppression made for one group can make another unsafe:
 * the groups are gone over again until a pass changes nothing. Cells are only ever added, so it ends; the order of
 * groups and of cells is fixed, so the same table always gives the same pattern.
 */
export function suppressComplementary(cells: SuppressionCell[], groups: readonly MarginGroup[], layerCount: number, threshold: number): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const group of groups) {
      for (let layer = 0; layer < layerCount; layer += 1) {
        while (!groupIsSafe(cells, group, layer, threshold)) {
          const next = nextToSuppress(cells, group);
          if (next === null) break;
          cells[next]!.suppressed = true;
          cells[next]!.reason = 'COMPLEMENTARY';
          changed = true;
        }
      }
    }
  }
}
