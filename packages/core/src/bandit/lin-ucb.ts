// LinUCB with disjoint linear models (Li, Chu, Langford & Schapire 2010, "A contextual-bandit
// approach to personalized news article recommendation", WWW, algorithm 1): score
// x^T theta_a + alpha sqrt(x^T A_a^-1 x), play the largest; ties broken uniformly.

import { argmaxTies } from "./argmax.js";
import { dot, quadForm } from "./linear-algebra.js";
import { linearEstimate } from "./linear-model.js";
import type { ContextualState, LinearArmState } from "./linear-model.js";

/** LinUCB upper confidence score of one arm (Li et al. 2010, algorithm 1, line 9). */
export function linUcbScore(arm: LinearArmState, x: readonly number[], alpha: number): number {
  return dot(linearEstimate(arm), x) + alpha * Math.sqrt(Math.max(0, quadForm(arm.a_inv, x)));
}

/** LinUCB scores of every arm. */
export function linUcbScores(state: ContextualState, x: readonly number[], alpha: number): number[] {
  return state.arms.map((arm) => linUcbScore(arm, x, alpha));
}

/** The maximal arms of the LinUCB scores; each has propensity 1/|ties|. */
export function linUcbTies(state: ContextualState, x: readonly number[], alpha: number): number[] {
  return argmaxTies(linUcbScores(state, x, alpha));
}
