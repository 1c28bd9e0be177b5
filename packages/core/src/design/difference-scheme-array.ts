// L18(2^1 3^7) from the difference scheme D(6, 6, 3): the 18 rows (i, g) for each row i of D and
// g in GF(3) carry D[i] + g in six three-level columns; the six-level row label i is split into
// a two-level and a three-level column (i = 3a + b), which keeps strength 2 (Wang & Wu 1991,
// JASA 86; Wu & Hamada, Experiments, 2nd ed., sec. 8.7; Hedayat, Sloane & Stufken, ch. 6).
// The rows come out in Taguchi's order of L18.

import { arrayName, type OrthogonalArray } from "./orthogonal-array.js";

/**
 * A difference scheme D(6, 6, 3) over GF(3): for any two columns, the differences of their
 * entries contain each element of GF(3) twice (checked in the tests).
 */
export const DIFFERENCE_SCHEME_6_6_3: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0],
  [0, 0, 1, 1, 2, 2],
  [0, 1, 0, 2, 1, 2],
  [0, 2, 2, 1, 1, 0],
  [0, 1, 2, 0, 2, 1],
  [0, 2, 1, 2, 0, 1],
];

/** True when `d` is a difference scheme D(r, c, s) over Z_s (Hedayat, Sloane & Stufken, def. 6.1). */
export function isDifferenceScheme(d: readonly (readonly number[])[], s: number): boolean {
  const r = d.length;
  if (r % s !== 0) return false;
  const c = d[0]?.length ?? 0;
  for (let a = 0; a < c; a++) {
    for (let b = a + 1; b < c; b++) {
      const counts = new Array<number>(s).fill(0);
      for (const row of d) counts[(((row[a]! - row[b]!) % s) + s) % s]!++;
      if (!counts.every((n) => n === r / s)) return false;
    }
  }
  return true;
}

/** L18(2^1 3^7) from D(6, 6, 3) with the six-level column split as 2 x 3 (Wang & Wu 1991). */
export function differenceSchemeL18(): OrthogonalArray {
  const rows: number[][] = [];
  DIFFERENCE_SCHEME_6_6_3.forEach((d, i) => {
    for (let g = 0; g < 3; g++) rows.push([Math.floor(i / 3), i % 3, ...d.map((v) => (v + g) % 3)]);
  });
  const levels = [2, 3, 3, 3, 3, 3, 3, 3];
  return {
    name: arrayName(18, levels),
    runs: 18,
    levels,
    rows,
    construction: "difference scheme D(6,6,3) developed over GF(3), six-level row label split into 2 x 3 (Wang & Wu 1991)",
  };
}
