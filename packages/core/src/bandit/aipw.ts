// Doubly-robust (augmented IPW) arm means from a log of adaptive decisions. The outcome model is
// each arm's running mean of the rewards logged BEFORE round t (falling back to the running mean
// of all earlier rewards, then to `prior_mean`), so it is predictable and every score has
// conditional mean mu_a: the estimate stays unbiased on adaptively collected data (Luedtke &
// van der Laan 2016; Hadad et al. 2021, "Confidence intervals for policy evaluation in adaptive
// experiments", PNAS, section 2).

import { armEstimate, assertLog, meanAndStdError } from "./off-policy-types.js";
import type { ArmEstimate, LoggedDecision } from "./off-policy-types.js";

export interface AipwOptions {
  /** Outcome-model value before any reward was logged (default 0). */
  readonly prior_mean?: number;
}

/**
 * AIPW estimate of each arm's mean, mean_t Gamma_t(a) with the doubly-robust score
 * Gamma_t(a) = m_t(a) + 1{A_t = a} (R_t - m_t(a)) / p_t, and the influence-function standard
 * error sd(Gamma)/sqrt(T). Reference: Dudik, Langford & Li (2011), "Doubly robust policy
 * evaluation and learning", ICML, eq. 2; Robins, Rotnitzky & Zhao (1994).
 */
export function aipwEstimates(logs: readonly LoggedDecision[], k: number, options: AipwOptions = {}): ArmEstimate[] {
  assertLog(logs, k);
  const prior = options.prior_mean ?? 0;
  const sums = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  let allSum = 0;
  let allCount = 0;
  const scores: number[][] = Array.from({ length: k }, () => []);
  for (const l of logs) {
    const overall = allCount > 0 ? allSum / allCount : prior;
    for (let a = 0; a < k; a++) {
      const m = counts[a]! > 0 ? sums[a]! / counts[a]! : overall;
      scores[a]!.push(l.arm_index === a ? m + (l.reward - m) / l.propensity : m);
    }
    sums[l.arm_index]! += l.reward;
    counts[l.arm_index]! += 1;
    allSum += l.reward;
    allCount += 1;
  }
  return scores.map((s, a) => {
    const { mean, se } = meanAndStdError(s);
    return armEstimate(a, mean, se, counts[a]!);
  });
}
