// A cluster-level variance approximation for exposure contrasts at scale, where the pairwise
// Aronow-Samii estimator (O(N^2)) is too costly: the estimator is linearised into per-node
// influence values, summed per randomisation cluster, and the cluster totals are treated as
// independent draws (the cluster-robust "CR1" sandwich with G / (G - 1); Cameron & Miller 2015,
// "A practitioner's guide to cluster-robust inference", J. Human Resources 50(2)). It ignores the
// dependence between neighbouring clusters that interference creates, so it is an approximation.

/**
 * G / (G - 1) * sum_c (U_c - mean U)^2 over the G clusters holding at least one analysis node,
 * with U_c the sum of `influence` over the cluster's analysis nodes. NaN when G < 2.
 */
export function clusterRobustVariance(nodes: Int32Array, influence: Float64Array, clusterOf: Int32Array): number {
  const totals = new Map<number, number>();
  for (let a = 0; a < nodes.length; a++) {
    const i = nodes[a]!;
    const c = clusterOf[i]!;
    totals.set(c, (totals.get(c) ?? 0) + influence[i]!);
  }
  const G = totals.size;
  if (G < 2) return Number.NaN;
  let mean = 0;
  for (const u of totals.values()) mean += u;
  mean /= G;
  let ss = 0;
  for (const u of totals.values()) ss += (u - mean) * (u - mean);
  return (G / (G - 1)) * ss;
}
