// Mixed two- and four-level arrays by the method of replacement: in a two-level linear array,
// three columns a, b, a + b (a line of PG(m-1, 2)) carry the three degrees of freedom of one
// four-level factor, level 2<a, x> + <b, x>. Replacing disjoint lines keeps strength 2
// (Addelman 1962; Wu & Hamada, Experiments, 2nd ed., sec. 7.2; Hedayat, Sloane & Stufken,
// sec. 9.3). L8(2^4 4^1), L16(2^(15-3t) 4^t) and L32(2^1 4^9) come from here; the disjoint
// lines are found by a deterministic search for a (partial) line spread.

import { linearOrthogonalArray } from "./linear-array.js";
import { arrayName, type OrthogonalArray } from "./orthogonal-array.js";

/** A line {a, b, a ^ b} of PG(m-1, 2), points as bitmasks (= column numbers of the two-level array). */
export type Line = [number, number, number];

/**
 * `count` pairwise disjoint lines of PG(m-1, 2), found by depth-first search over the smallest
 * uncovered point (covered by a line through it, or left over while the budget allows).
 * A spread for m = 2, 4; a maximal partial spread of 9 lines for m = 5 (Hirschfeld, Projective
 * Geometries over Finite Fields, sec. 4.1).
 */
export function disjointLines(m: number, count: number): Line[] | undefined {
  const npoints = 2 ** m - 1;
  const leftoverBudget = npoints - 3 * count;
  if (leftoverBudget < 0) return undefined;
  const covered = new Array<boolean>(npoints + 1).fill(false);
  const chosen: Line[] = [];
  const search = (leftover: number): boolean => {
    if (chosen.length === count) return true;
    let p = 1;
    while (p <= npoints && covered[p]) p++;
    if (p > npoints) return false;
    for (let q = p + 1; q <= npoints; q++) {
      const r = p ^ q;
      if (covered[q] || covered[r] || r < q) continue;
      covered[p] = covered[q] = covered[r] = true;
      chosen.push([p, q, r]);
      if (search(leftover)) return true;
      chosen.pop();
      covered[p] = covered[q] = covered[r] = false;
    }
    if (leftover < leftoverBudget) {
      covered[p] = true;
      if (search(leftover + 1)) return true;
      covered[p] = false;
    }
    return false;
  };
  return search(0) ? chosen : undefined;
}

/**
 * The array of 2^m runs with `fourLevel` four-level columns (replacing disjoint lines) and
 * `twoLevel` two-level columns (the first remaining columns, in order). Two-level columns come
 * first, then four-level ones (Addelman 1962, Technometrics 4; Wu & Hamada, sec. 7.2).
 */
export function replacementArray(m: number, fourLevel: number, twoLevel?: number): OrthogonalArray {
  const base = linearOrthogonalArray(2, m);
  const lines = disjointLines(m, fourLevel);
  if (!lines) throw new Error(`no ${fourLevel} disjoint lines in PG(${m - 1}, 2)`);
  const used = new Set(lines.flat());
  const free = [...Array(2 ** m - 1).keys()].map((i) => i + 1).filter((c) => !used.has(c));
  const twos = free.slice(0, twoLevel ?? free.length);
  const rows = base.rows.map((row) => [
    ...twos.map((c) => row[c - 1]!),
    ...lines.map(([a, b]) => 2 * row[a - 1]! + row[b - 1]!),
  ]);
  const levels = [...twos.map(() => 2), ...lines.map(() => 4)];
  const spread = lines.map((l) => `(${l.join(",")})`).join(" ");
  return {
    name: arrayName(2 ** m, levels),
    runs: 2 ** m,
    levels,
    rows,
    construction: `method of replacement on L${2 ** m}(2^${2 ** m - 1}): columns ${spread} -> four-level columns`,
  };
}
