// Residual summaries for model_diagnostics.residual_analysis: R's five-number summary as
// summary.lm prints it (quantile type 7) plus mean and standard deviation.

/** R's quantile(x, probs, type = 7) of sorted data. */
export function quantileType7(sorted: ArrayLike<number>, prob: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * prob;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface ResidualSummary {
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
  readonly mean: number;
  readonly sd: number;
}

/** Five-number summary, mean and sd (n - 1 denominator) of residuals (R: summary(resid(fit)), sd()). */
export function residualSummary(residuals: ArrayLike<number>): ResidualSummary {
  const s = Float64Array.from(residuals as ArrayLike<number>).sort();
  const n = s.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += s[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i]! - mean) ** 2;
  return {
    min: s[0] ?? NaN,
    q1: quantileType7(s, 0.25),
    median: quantileType7(s, 0.5),
    q3: quantileType7(s, 0.75),
    max: s[n - 1] ?? NaN,
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
  };
}
