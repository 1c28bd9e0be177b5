// Xu & Wu's generalized word-length pattern of any design (regular or not, mixed levels):
// A_j = sum over sets W of j factors of sum over contrast components of
// ((1/N) sum over runs of prod_{i in W} c_i(x_i))^2, with orthonormal contrasts. It equals the
// classical word-length pattern for regular two-level designs, ranks designs by generalized
// minimum aberration, and its first non-zero entry is the (generalized) resolution.
// (Xu & Wu 2001, Annals of Statistics 29, "Generalized minimum aberration for asymmetrical
// fractional factorial designs"; Wu & Hamada, Experiments, 2nd ed., sec. 9.4.)

import { orthonormalContrasts } from "./effect-space.js";

/** The generalized word-length pattern (A_1, ..., A_k) of a design given as 0-based level indices (Xu & Wu 2001, eq. 4). */
export function generalizedWordLengthPattern(runs: readonly (readonly number[])[], levelCounts: readonly number[]): number[] {
  const k = levelCounts.length;
  const n = runs.length;
  // Contrast values at the runs: factor -> component -> run.
  const values = levelCounts.map((s, f) => orthonormalContrasts(s).map((comp) => Float64Array.from(runs, (row) => comp[row[f]!]!)));
  const buffers = [...Array(k + 1)].map(() => new Float64Array(n));
  buffers[0]!.fill(1);
  const a = new Array<number>(k + 1).fill(0);
  // Depth-first over (factor, component) choices; buffers[d] holds the product of d chosen contrasts.
  const visit = (factor: number, depth: number): void => {
    for (let f = factor; f < k; f++) {
      for (const comp of values[f]!) {
        const prev = buffers[depth]!;
        const next = buffers[depth + 1]!;
        let sum = 0;
        for (let r = 0; r < n; r++) {
          const v = prev[r]! * comp[r]!;
          next[r] = v;
          sum += v;
        }
        a[depth + 1]! += (sum / n) ** 2;
        visit(f + 1, depth + 1);
      }
    }
  };
  visit(0, 0);
  return a.slice(1).map((x) => Math.round(x * 1e9) / 1e9);
}

/** Resolution from a word-length pattern: one plus the index of its first non-zero entry, undefined when all are zero (Box & Hunter 1961; Xu & Wu 2001). */
export function resolutionFromPattern(pattern: readonly number[]): number | undefined {
  const i = pattern.findIndex((x) => x > 1e-9);
  return i < 0 ? undefined : i + 1;
}

/** Lexicographic comparison of word-length patterns: the smaller is the less aberrant design (Fries & Hunter 1980). */
export function comparePatterns(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (Math.abs(d) > 1e-9) return d;
  }
  return 0;
}
