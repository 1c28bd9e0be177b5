// Regret metrics for the control plane: probability that each arm is best, expected loss and
// "value remaining" by seeded Monte Carlo over posterior draws (Scott 2015), the cumulative
// estimated regret of the decisions made, and the stopping rule against regret_threshold.

import type { Rng } from "../random/rng.js";
import { InvalidArgumentError } from "../errors.js";
import { argmaxTies } from "./argmax.js";
import type { ArmPosterior } from "./posterior.js";
import type { ArmStats } from "./types.js";

export interface RegretMetrics {
  /** P(arm has the largest mean) under the posterior. */
  readonly probability_best: number[];
  /** E[max_j theta_j - theta_a]: the expected loss of stopping now with arm a. */
  readonly expected_loss: number[];
  /** The champion: the arm most likely to be best. */
  readonly best_arm_index: number;
  /** Value remaining (theta_max - theta_champion), relative to theta_champion when every posterior mean is > 0. */
  readonly value_remaining: { readonly mean: number; readonly p95: number; readonly relative: boolean };
  readonly draws: number;
}

/**
 * Posterior regret metrics by Monte Carlo with `draws` joint draws. Reference: S. L. Scott (2015),
 * "Multi-armed bandit experiments in the online service economy", Applied Stochastic Models in
 * Business and Industry 31, section 3 ("value remaining": the distribution of
 * (theta_max - theta_champion) / theta_champion; Google Analytics content experiments stopped when
 * its 95th percentile fell below 1% of the champion's value).
 */
export function regretMetrics(posteriors: readonly ArmPosterior[], rng: Rng, draws = 10_000): RegretMetrics {
  const k = posteriors.length;
  if (k < 2) throw new InvalidArgumentError(`regret metrics need at least 2 arms, got ${k}`, "arms");
  if (!(Number.isInteger(draws) && draws >= 1)) throw new InvalidArgumentError(`draws must be an integer >= 1, got ${draws}`, "draws");
  const samples = new Float64Array(draws * k);
  const maxima = new Float64Array(draws);
  const best = new Array<number>(k).fill(0);
  const loss = new Array<number>(k).fill(0);
  const row = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    let m = -Infinity;
    for (let i = 0; i < k; i++) {
      const v = posteriors[i]!.sample(rng);
      samples[d * k + i] = v;
      row[i] = v;
      if (v > m) m = v;
    }
    maxima[d] = m;
    const ties = argmaxTies(row, 0);
    for (const i of ties) best[i]! += 1 / ties.length;
    for (let i = 0; i < k; i++) loss[i]! += m - row[i]!;
  }
  const probability_best = best.map((c) => c / draws);
  const expected_loss = loss.map((l) => l / draws);
  const best_arm_index = argmaxTies(probability_best, 0)[0]!;
  const relative = posteriors.every((p) => p.mean > 0);
  const vr = new Float64Array(draws);
  let sum = 0;
  for (let d = 0; d < draws; d++) {
    const champ = samples[d * k + best_arm_index]!;
    const gap = maxima[d]! - champ;
    vr[d] = relative ? (champ > 0 ? gap / champ : Infinity) : gap;
    sum += vr[d]!;
  }
  vr.sort();
  const p95 = vr[Math.min(draws - 1, Math.ceil(0.95 * draws) - 1)]!;
  return { probability_best, expected_loss, best_arm_index, value_remaining: { mean: sum / draws, p95, relative }, draws };
}

/**
 * Estimated cumulative regret of the decisions behind `stats`: sum_a n_a (max_j mu_j - mu_a)
 * with mu the given (e.g. posterior mean) estimates (Lattimore & Szepesvari 2020, Bandit
 * Algorithms, eq. 4.4, the regret decomposition).
 */
export function estimatedCumulativeRegret(stats: readonly ArmStats[], means: readonly number[]): number {
  if (means.length !== stats.length) throw new InvalidArgumentError("one mean per arm is needed", "means");
  const best = Math.max(...means);
  let r = 0;
  stats.forEach((s, i) => (r += s.n * (best - means[i]!)));
  return r;
}

/** Cumulative regret after each decision of a sequence of chosen arms, given arm means. */
export function cumulativeRegretCurve(chosen: readonly number[], means: readonly number[]): number[] {
  const best = Math.max(...means);
  let r = 0;
  return chosen.map((a) => {
    const m = means[a];
    if (m === undefined) throw new InvalidArgumentError(`arm index ${a} out of range`, "chosen");
    r += best - m;
    return r;
  });
}

/**
 * Whether the experiment can stop with the champion: its expected loss is at most
 * regret_threshold (the expected-loss stopping rule; Scott 2015, section 3).
 */
export function shouldDeclareWinner(expectedLoss: number, regret_threshold: number): boolean {
  if (!(Number.isFinite(regret_threshold) && regret_threshold >= 0)) throw new InvalidArgumentError(`regret_threshold must be >= 0, got ${regret_threshold}`, "regret_threshold");
  if (!Number.isFinite(expectedLoss) || expectedLoss < 0) throw new InvalidArgumentError(`expected loss must be a finite number >= 0, got ${expectedLoss}`, "expected_loss");
  return expectedLoss <= regret_threshold;
}
