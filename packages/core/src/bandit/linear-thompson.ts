// Linear Thompson sampling (Agrawal & Goyal 2013, "Thompson sampling for contextual bandits with
// linear payoffs", ICML, algorithm 1, disjoint per-arm models): theta~ ~ N(theta_hat, v^2 A^-1).
// For one context x only x^T theta~ matters, and x^T theta~ ~ N(x^T theta_hat, v^2 x^T A^-1 x)
// exactly, so each arm's score is drawn as one Normal (O(d^2), no Cholesky factor needed).

import { normalDraw } from "../random/rng.js";
import type { Rng } from "../random/rng.js";
import { dot, quadForm } from "./linear-algebra.js";
import { linearEstimate } from "./linear-model.js";
import type { ContextualState } from "./linear-model.js";

/** Mean and standard deviation of x^T theta~ for every arm (Agrawal & Goyal 2013, section 2.2). */
export function linTsScoreDistributions(state: ContextualState, x: readonly number[], v: number): { mean: number; sd: number }[] {
  return state.arms.map((arm) => ({ mean: dot(linearEstimate(arm), x), sd: v * Math.sqrt(Math.max(0, quadForm(arm.a_inv, x))) }));
}

/** One posterior score draw per arm. */
export function linTsSample(dists: readonly { mean: number; sd: number }[], rng: Rng): number[] {
  return dists.map((d) => d.mean + d.sd * normalDraw(rng));
}
