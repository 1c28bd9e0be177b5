// Monte Carlo probability that each arm is the argmax of a random score vector: Thompson
// sampling's propensities and the control plane's "probability each arm is best".

import type { Rng } from "../random/rng.js";
import { argmaxTies } from "./argmax.js";

/** Default number of Monte Carlo draws for propensities (standard error <= 0.5/sqrt(1000) ~ 0.016). */
export const DEFAULT_PROPENSITY_DRAWS = 1000;

/**
 * Fraction of `draws` joint draws in which each arm has the largest score (ties share the
 * draw equally). `sample(i, rng)` draws arm i's score. The estimate of P(arm i is best) used by
 * Thompson sampling (Chapelle & Li 2011; Scott 2010, "A modern Bayesian look at the multi-armed
 * bandit", section 3.2, which computes the allocation by simulation).
 */
export function monteCarloArgmaxProbabilities(k: number, draws: number, sample: (arm: number, rng: Rng) => number, rng: Rng): number[] {
  const counts = new Array<number>(k).fill(0);
  const scores = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < k; i++) scores[i] = sample(i, rng);
    const ties = argmaxTies(scores, 0);
    for (const i of ties) counts[i]! += 1 / ties.length;
  }
  return counts.map((c) => c / draws);
}
