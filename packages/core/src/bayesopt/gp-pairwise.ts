// The squared coordinate differences (x_id - x_jd)^2 of every pair i > j of training inputs.
// They do not depend on the hyperparameters, so a hyperparameter fit computes them once and every
// likelihood evaluation forms r^2 = sum_d (x_id - x_jd)^2 / l_d^2 from them by one pass.

/** Pairs in the order (1,0), (2,0), (2,1), (3,0), ...: pair p of (i, j) is i (i - 1) / 2 + j. */
export interface PairwiseSquaredDifferences {
  readonly n: number;
  readonly dim: number;
  /** sq[p * dim + d] = (x_id - x_jd)^2. */
  readonly sq: Float64Array;
}

/** The squared differences of every pair of rows of X (n (n - 1) / 2 * dim values). */
export function pairwiseSquaredDifferences(X: readonly (readonly number[])[]): PairwiseSquaredDifferences {
  const n = X.length;
  const dim = n > 0 ? (X[0] as readonly number[]).length : 0;
  const sq = new Float64Array(((n * (n - 1)) / 2) * dim);
  let o = 0;
  for (let i = 1; i < n; i++) {
    const xi = X[i] as readonly number[];
    for (let j = 0; j < i; j++) {
      const xj = X[j] as readonly number[];
      for (let d = 0; d < dim; d++) {
        const t = (xi[d] as number) - (xj[d] as number);
        sq[o++] = t * t;
      }
    }
  }
  return { n, dim, sq };
}

/** r2[p] = sum_d sq[p, d] * invL2[d] for every pair. */
export function scaledPairDistances(pairs: PairwiseSquaredDifferences, invL2: Float64Array, out: Float64Array): void {
  const { sq, dim } = pairs;
  const count = out.length;
  if (dim === 1) {
    const w = invL2[0] as number;
    for (let p = 0; p < count; p++) out[p] = (sq[p] as number) * w;
    return;
  }
  for (let p = 0, o = 0; p < count; p++, o += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (sq[o + d] as number) * (invL2[d] as number);
    out[p] = s;
  }
}
