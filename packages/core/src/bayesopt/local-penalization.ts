// Batch selection by local penalisation (González, Dai, Hennig & Lawrence 2016, "Batch Bayesian
// optimization via local penalization", AISTATS): after a point x_j of the batch is chosen, the
// acquisition is multiplied by the probability that x lies outside the ball around x_j in which,
// with the objective L-Lipschitz, the maximum M cannot lie:
//   phi(x; x_j) = Phi((L ||x - x_j|| - M + mu(x_j)) / sigma(x_j)),
// with mu and sigma the posterior mean and latent std of the unchanged model (no refit or
// conditioning between picks), L the largest norm of the posterior mean's gradient over the
// domain and M the best posterior mean at the observed points. Acquisitions that can be negative
// (UCB) pass through softplus first (the paper's g transform).

import { normalCdf } from "./normal.js";

/** Distances and L are measured in model space (where the surrogate's length scales live). */
export interface PenalizedPoint {
  readonly z: readonly number[];
  /** Posterior mean at z in the maximisation direction (sign * mean). */
  readonly mean: number;
  /** Latent posterior std at z. */
  readonly std: number;
}

/**
 * L = max ||grad mu(z)|| over the candidate points, by central differences of the posterior mean
 * (step 1e-4 of each dimension's span); `means` gives the maximisation-direction means of many
 * points at once. Falls back to 10 where the mean is flat (L < 1e-7), as the authors' GPyOpt does.
 */
export function lipschitzConstant(means: (zs: number[][]) => number[], candidates: readonly (readonly number[])[], spans: readonly number[]): number {
  const d = spans.length;
  const probes: number[][] = [];
  for (const z of candidates) {
    for (let q = 0; q < d; q++) {
      const h = 1e-4 * (spans[q] as number);
      const up = [...z];
      up[q] = (up[q] as number) + h;
      const dn = [...z];
      dn[q] = (dn[q] as number) - h;
      probes.push(up, dn);
    }
  }
  const m = means(probes);
  let L = 0;
  for (let i = 0; i < candidates.length; i++) {
    let g2 = 0;
    for (let q = 0; q < d; q++) {
      const h = 1e-4 * (spans[q] as number);
      const g = ((m[(i * d + q) * 2] as number) - (m[(i * d + q) * 2 + 1] as number)) / (2 * h);
      g2 += g * g;
    }
    if (Number.isFinite(g2)) L = Math.max(L, Math.sqrt(g2));
  }
  return L < 1e-7 ? 10 : L;
}

/** phi(z; x_j) for one chosen point: Phi((L ||z - z_j|| - M + mu_j) / sigma_j); a step where sigma_j = 0. */
export function localPenalty(z: readonly number[], chosen: PenalizedPoint, L: number, M: number): number {
  let r2 = 0;
  for (let q = 0; q < z.length; q++) {
    const t = (z[q] as number) - (chosen.z[q] as number);
    r2 += t * t;
  }
  const num = L * Math.sqrt(r2) - M + chosen.mean;
  if (!(chosen.std > 0)) return num >= 0 ? 1 : 0;
  return normalCdf(num / chosen.std);
}

/** softplus(a) = log(1 + e^a), computed without overflow. */
export function softplus(a: number): number {
  return a > 30 ? a : Math.log1p(Math.exp(a));
}
