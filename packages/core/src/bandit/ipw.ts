// Inverse-propensity-weighted arm means from a log of adaptive decisions: Horvitz-Thompson IPW
// and the self-normalised (Hajek) estimator. Each term 1{A_t = a} R_t / p_t has conditional mean
// mu_a given the past whatever the (adaptive) policy, so the estimators stay consistent on
// bandit data as long as propensities are bounded away from 0.

import { armEstimate, assertLog, meanAndStdError } from "./off-policy-types.js";
import type { ArmEstimate, LoggedDecision } from "./off-policy-types.js";

/**
 * IPW estimate of each arm's mean: (1/T) sum_t 1{A_t = a} R_t / p_t, standard error sd/sqrt(T) of
 * the terms. Reference: Horvitz & Thompson (1952), JASA 47; for bandit logs, Li et al. (2011),
 * "Unbiased offline evaluation of contextual-bandit-based news article recommendation", WSDM.
 */
export function ipwEstimates(logs: readonly LoggedDecision[], k: number): ArmEstimate[] {
  assertLog(logs, k);
  return Array.from({ length: k }, (_, a) => {
    const terms = logs.map((l) => (l.arm_index === a ? l.reward / l.propensity : 0));
    const { mean, se } = meanAndStdError(terms);
    return armEstimate(a, mean, se, logs.filter((l) => l.arm_index === a).length);
  });
}

/**
 * Self-normalised (Hajek) estimate sum w_t R_t / sum w_t with w_t = 1{A_t = a} / p_t, and the
 * linearisation (sandwich) standard error sqrt(sum w_t^2 (R_t - mu)^2) / sum w_t. Reference:
 * Hajek (1971); Swaminathan & Joachims (2015), "The self-normalized estimator for counterfactual
 * learning", NeurIPS. NaN when the arm was never played.
 */
export function hajekEstimates(logs: readonly LoggedDecision[], k: number): ArmEstimate[] {
  assertLog(logs, k);
  return Array.from({ length: k }, (_, a) => {
    let sw = 0;
    let swr = 0;
    let n = 0;
    for (const l of logs) {
      if (l.arm_index !== a) continue;
      const w = 1 / l.propensity;
      sw += w;
      swr += w * l.reward;
      n++;
    }
    if (n === 0) return armEstimate(a, Number.NaN, Number.NaN, 0);
    const mu = swr / sw;
    let v = 0;
    for (const l of logs) if (l.arm_index === a) v += ((l.reward - mu) / l.propensity) ** 2;
    return armEstimate(a, mu, Math.sqrt(v) / sw, n);
  });
}
