// Convergence metrics of the Bayesian-optimisation loop (BayesianModel.convergence_metrics): the
// best value so far and each observation's improvement over it, the largest acquisition value of
// the latest suggestions, and how much the hyperparameters moved between two fits.

import type { BayesOptModel } from "./bayes-opt-model.js";
import { goalSign, toParameterPoint } from "./bayes-opt-model.js";
import type { ParameterValue } from "./parameter-space.js";
import type { SurrogatePosteriorState } from "./surrogate.js";
import type { Goal } from "./types.js";

/** The best value after each observation (running max, or min when minimising). */
export function bestSoFar(values: readonly number[], goal: Goal = "maximize"): number[] {
  const out: number[] = [];
  for (const v of values) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? v : goal === "minimize" ? Math.min(prev, v) : Math.max(prev, v));
  }
  return out;
}

/** Each observation's improvement over the best before it: max(0, ...) in the goal's direction, 0 for the first. */
export function improvementsOverBest(values: readonly number[], goal: Goal = "maximize"): number[] {
  const best = bestSoFar(values, goal);
  return values.map((v, i) => (i === 0 ? 0 : Math.max(0, goal === "minimize" ? (best[i - 1] as number) - v : v - (best[i - 1] as number))));
}

/** log-hyperparameters of a posterior state: GP (length scales, signal, noise); BayesianLinear (noise); none for DirichletProcess. */
export function logHyperparameters(state: SurrogatePosteriorState): number[] | null {
  if (state.model_type === "GaussianProcess") {
    const ls = Array.isArray(state.length_scale) ? state.length_scale : [state.length_scale];
    return [...ls.map(Math.log), Math.log(state.signal_variance), Math.log(state.noise_variance)];
  }
  if (state.model_type === "BayesianLinear") return [Math.log(state.noise_variance)];
  return null;
}

/** Hyperparameter stability between refits: max |delta log theta| (null when not comparable). */
export function hyperparameterChange(previous: SurrogatePosteriorState | null | undefined, next: SurrogatePosteriorState | null | undefined): number | null {
  if (!previous || !next || previous.model_type !== next.model_type) return null;
  const a = logHyperparameters(previous);
  const b = logHyperparameters(next);
  if (!a || !b || a.length !== b.length) return null;
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
}

/** BayesianModel.convergence_metrics. */
export interface ConvergenceMetrics {
  readonly n_observations: number;
  readonly best_value: number | null;
  readonly best_point: Record<string, ParameterValue> | null;
  readonly best_value_history: number[];
  readonly improvements: number[];
  readonly max_acquisition_value: number | null;
  readonly hyperparameter_change: number | null;
  readonly log_marginal_likelihood: number | null;
}

/**
 * Convergence metrics of a model: best value and point so far, its history and the per-observation
 * improvements, the largest acquisition value among `next_points`, the hyperparameter change since
 * `previous_posterior_state`, and the current log marginal likelihood.
 */
export function convergenceMetrics(
  model: BayesOptModel,
  options: { previous_posterior_state?: SurrogatePosteriorState | null; next_points?: readonly { acquisition_value: number | null }[] } = {},
): ConvergenceMetrics {
  const state = model.fitted ? model.fitted.posterior_state : null;
  const y = state ? state.training_data.y : [];
  const goal = model.acquisition.goal;
  const history = bestSoFar(y, goal);
  const sign = goalSign(model);
  let bestIdx = -1;
  y.forEach((v, i) => {
    if (bestIdx < 0 || sign * v > sign * (y[bestIdx] as number)) bestIdx = i;
  });
  const acq = (options.next_points ?? []).map((p) => p.acquisition_value).filter((v): v is number => v !== null);
  return {
    n_observations: y.length,
    best_value: bestIdx >= 0 ? (y[bestIdx] as number) : null,
    best_point: bestIdx >= 0 && state ? toParameterPoint(model, state.training_data.X[bestIdx] as number[]) : null,
    best_value_history: history,
    improvements: improvementsOverBest(y, goal),
    max_acquisition_value: acq.length ? Math.max(...acq) : null,
    hyperparameter_change: hyperparameterChange(options.previous_posterior_state, state),
    log_marginal_likelihood: state ? state.log_marginal_likelihood : null,
  };
}
