// Summary statistics from additive sufficient statistics (n, sum, sum of squares), as the edge
// keeps them per arm. Pure.

export interface SufficientStats {
  n: number;
  sum: number;
  sumSq: number;
}

/** Sample mean; null when n = 0. */
export function meanOf(s: SufficientStats): number | null {
  return s.n > 0 ? s.sum / s.n : null;
}

/**
 * Unbiased sample variance (n - 1 denominator, as R's `var()`), from (sumSq - sum^2 / n) / (n - 1);
 * null when n < 2. Clamped at 0 against cancellation when all values are (nearly) equal.
 */
export function varianceOf(s: SufficientStats): number | null {
  if (s.n < 2) return null;
  const v = (s.sumSq - (s.sum * s.sum) / s.n) / (s.n - 1);
  return v > 0 ? v : 0;
}
