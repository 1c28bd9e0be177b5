// Cluster-robust (sandwich) covariance of least-squares coefficients, CR1: Stata's `cluster`
// and R's sandwich::vcovCL(type = "HC1", cadjust = TRUE).

import { InvalidArgumentError } from "../../errors.js";

/**
 * CR1 covariance G/(G-1) (n-1)/(n-k) B M B with bread B = (X'X)^{-1} and meat M = sum over
 * clusters of (X_g' u_g)(X_g' u_g)' (R: sandwich::vcovCL(fit, cluster, type = "HC1")).
 */
export function clusterRobustCovariance(
  columns: readonly Float64Array[],
  residuals: ArrayLike<number>,
  clusters: readonly string[],
  bread: readonly ArrayLike<number>[],
): { covariance: Float64Array[]; clusters: number } {
  const p = columns.length;
  const n = residuals.length;
  const scores = new Map<string, Float64Array>();
  for (let i = 0; i < n; i++) {
    const key = clusters[i]!;
    let s = scores.get(key);
    if (!s) {
      s = new Float64Array(p);
      scores.set(key, s);
    }
    const u = residuals[i]!;
    for (let j = 0; j < p; j++) s[j]! += columns[j]![i]! * u;
  }
  const G = scores.size;
  if (G < 2) throw new InvalidArgumentError("cluster-robust standard errors need at least 2 clusters", "options.cluster");
  const meat = Array.from({ length: p }, () => new Float64Array(p));
  for (const s of scores.values()) {
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a]![b]! += s[a]! * s[b]!;
  }
  const scale = (G / (G - 1)) * ((n - 1) / (n - p));
  const bm = Array.from({ length: p }, (_, a) => Float64Array.from({ length: p }, (_, b) => {
    let t = 0;
    for (let k = 0; k < p; k++) t += bread[a]![k]! * meat[k]![b]!;
    return t;
  }));
  const covariance = Array.from({ length: p }, (_, a) => Float64Array.from({ length: p }, (_, b) => {
    let t = 0;
    for (let k = 0; k < p; k++) t += bm[a]![k]! * bread[k]![b]!;
    return scale * t;
  }));
  return { covariance, clusters: G };
}
