// The squared coordinate differences (x_id - x_jd)^2 of every pair i > j of training inputs.
// They do not depend on the hyperparameters, so a hyperparameter fit computes them once and every
// likelihood evaluation forms r^2 = sum_d (x_id - x_jd)^2 / l_d^2 from them. Stored dimension by
// dimension, so that both r^2 and the length-scale gradient run as contiguous passes.

/** Pairs in the order (1,0), (2,0), (2,1), (3,0), ...: pair p of (i, j) is i (i - 1) / 2 + j. */
export interface PairwiseSquaredDifferences {
  readonly n: number;
  readonly dim: number;
  readonly count: number;
  /** sq[d * count + p] = (x_id - x_jd)^2. */
  readonly sq: Float64Array;
}

/** The squared differences of every pair of rows of X (n (n - 1) / 2 * dim values). */
export function pairwiseSquaredDifferences(X: readonly (readonly number[])[]): PairwiseSquaredDifferences {
  const n = X.length;
  const dim = n > 0 ? (X[0] as readonly number[]).length : 0;
  const count = (n * (n - 1)) / 2;
  const sq = new Float64Array(count * dim);
  for (let d = 0; d < dim; d++) {
    const base = d * count;
    for (let i = 1, p = 0; i < n; i++) {
      const xi = (X[i] as readonly number[])[d] as number;
      for (let j = 0; j < i; j++, p++) {
        const t = xi - ((X[j] as readonly number[])[d] as number);
        sq[base + p] = t * t;
      }
    }
  }
  return { n, dim, count, sq };
}

/** r2[p] = sum_d sq[d, p] * invL2[d] for every pair. */
export function scaledPairDistances(pairs: PairwiseSquaredDifferences, invL2: Float64Array, out: Float64Array): void {
  const { sq, dim, count } = pairs;
  const w0 = invL2[0] as number;
  for (let p = 0; p < count; p++) out[p] = (sq[p] as number) * w0;
  for (let d = 1; d < dim; d++) {
    const w = invL2[d] as number;
    const base = d * count;
    for (let p = 0; p < count; p++) out[p] = (out[p] as number) + (sq[base + p] as number) * w;
  }
}

/** sum_p f[p] sq[d, p] for one dimension d. */
export function weightedPairSum(pairs: PairwiseSquaredDifferences, d: number, f: Float64Array): number {
  const { sq, count } = pairs;
  const base = d * count;
  let s0 = 0;
  let s1 = 0;
  let p = 0;
  for (; p + 1 < count; p += 2) {
    s0 += (f[p] as number) * (sq[base + p] as number);
    s1 += (f[p + 1] as number) * (sq[base + p + 1] as number);
  }
  if (p < count) s0 += (f[p] as number) * (sq[base + p] as number);
  return s0 + s1;
}
