// The orthogonal-array record shared by the constructions and the catalogue, with the two
// checks every array must pass: balance and strength 2.

/** An orthogonal array: rows of 0-based level indices, one level count per column. */
export interface OrthogonalArray {
  /** Taguchi-style name: "L8(2^7)", "L18(2^1 3^7)". */
  name: string;
  runs: number;
  /** Level count of each column. */
  levels: number[];
  rows: number[][];
  /** How it was built, with a reference. */
  construction: string;
  /**
   * For arrays linear over GF(q) (all columns q-level): the row of run r is x in GF(q)^m
   * (first coordinate slowest) and column j holds <vectors[j], x>.
   */
  linear?: { q: number; m: number; vectors: number[][] };
}

/** Taguchi-style name of an array from its run count and column levels: L16(2^12 4^1). */
export function arrayName(runs: number, levels: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const s of levels) counts.set(s, (counts.get(s) ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}^${c}`);
  return `L${runs}(${parts.join(" ")})`;
}

/** True when every column shows each of its levels equally often (Hedayat, Sloane & Stufken, Orthogonal Arrays, def. 1.1). */
export function isBalanced(oa: Pick<OrthogonalArray, "rows" | "levels">): boolean {
  const n = oa.rows.length;
  return oa.levels.every((s, j) => {
    if (n % s !== 0) return false;
    const counts = new Array<number>(s).fill(0);
    for (const row of oa.rows) {
      const v = row[j]!;
      if (!(v >= 0 && v < s)) return false;
      counts[v]!++;
    }
    return counts.every((c) => c === n / s);
  });
}

/** True when every pair of columns shows every pair of levels equally often: strength 2 (Hedayat, Sloane & Stufken, def. 1.1). */
export function hasStrengthTwo(oa: Pick<OrthogonalArray, "rows" | "levels">): boolean {
  const n = oa.rows.length;
  for (let a = 0; a < oa.levels.length; a++) {
    for (let b = a + 1; b < oa.levels.length; b++) {
      const sa = oa.levels[a]!;
      const sb = oa.levels[b]!;
      if (n % (sa * sb) !== 0) return false;
      const counts = new Array<number>(sa * sb).fill(0);
      for (const row of oa.rows) counts[row[a]! * sb + row[b]!]!++;
      if (!counts.every((c) => c === n / (sa * sb))) return false;
    }
  }
  return true;
}
