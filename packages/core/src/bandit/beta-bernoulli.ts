// Beta-Bernoulli conjugate posterior of a binary reward rate: Beta(alpha + successes,
// beta + failures), with successes = sum of rewards (rewards in [0, 1]).

import type { ArmStats, BetaPrior } from "./types.js";

/**
 * Posterior Beta(alpha + sum, beta + n - sum) of a Bernoulli rate. Reference: Gelman et al.,
 * Bayesian Data Analysis (3rd ed.), section 2.4.
 */
export function betaPosterior(stats: ArmStats, prior: BetaPrior): BetaPrior {
  return { alpha: prior.alpha + stats.sum, beta: prior.beta + Math.max(0, stats.n - stats.sum) };
}

/** Mean alpha / (alpha + beta) of a Beta distribution. */
export function betaMean(p: BetaPrior): number {
  return p.alpha / (p.alpha + p.beta);
}
