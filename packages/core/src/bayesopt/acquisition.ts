// Acquisition functions behind one entry point: their options (goal, xi, beta), the
// model_type x acquisition_function compatibility table with its validation, and the value (and,
// for a normal predictive, the gradient with respect to mean and std) used by the optimiser.

import { InvalidArgumentError } from "../errors.js";
import { expectedImprovement, expectedImprovementNormal } from "./expected-improvement.js";
import { probabilityImprovement, probabilityImprovementNormal } from "./probability-improvement.js";
import { upperConfidenceBound } from "./upper-confidence-bound.js";
import { ACQUISITION_NAMES, MODEL_TYPES } from "./types.js";
import type { AcquisitionName, Goal, LatentDistribution, ModelType } from "./types.js";

/** Options of an acquisition function. */
export interface AcquisitionOptions {
  /** Default "maximize". */
  readonly goal?: Goal;
  /** Improvement margin of ExpectedImprovement and ProbabilityImprovement, in the objective's units (default 0). */
  readonly xi?: number;
  /** UCB exploration weight: mean + sqrt(beta) std (default 4, i.e. two standard deviations). */
  readonly beta?: number;
}

/** Resolved acquisition options. */
export interface ResolvedAcquisitionOptions {
  readonly goal: Goal;
  readonly xi: number;
  readonly beta: number;
}

/**
 * Which acquisition functions each surrogate supports, and how. All are closed forms of the
 * surrogate's predictive distribution:
 * - GaussianProcess: normal predictive -> EI, UCB, PI in the usual closed forms, with gradients.
 * - BayesianLinear: Student-t predictive -> Student-t EI (Shah et al. 2014), t-quantile-free UCB
 *   (mean + sqrt(beta) std), PI by the t distribution function.
 * - DirichletProcess: Gaussian-mixture predictive -> EI and PI are linear in the density, hence the
 *   weighted sums of the components' closed forms; UCB uses the mixture's mean and std.
 * Since every pair has an exact closed form, every pair is supported; the table is data so that a
 * future surrogate without one (e.g. a sampled posterior) can list only what it supports.
 */
export const ACQUISITION_COMPATIBILITY: Readonly<Record<ModelType, readonly AcquisitionName[]>> = {
  GaussianProcess: ["ExpectedImprovement", "UCB", "ProbabilityImprovement"],
  BayesianLinear: ["ExpectedImprovement", "UCB", "ProbabilityImprovement"],
  DirichletProcess: ["ExpectedImprovement", "UCB", "ProbabilityImprovement"],
};

/**
 * Checks model_type, acquisition_function, their compatibility (DATA-MODEL.md: "Acquisition
 * function must match model type") and the options; throws InvalidArgumentError naming the path.
 */
export function validateAcquisition(model_type: unknown, acquisition_function: unknown, options: AcquisitionOptions = {}): ResolvedAcquisitionOptions {
  if (typeof model_type !== "string" || !MODEL_TYPES.includes(model_type as ModelType)) {
    throw new InvalidArgumentError(`model_type must be one of ${MODEL_TYPES.join(", ")}, got ${JSON.stringify(model_type)}`, "model_type");
  }
  if (typeof acquisition_function !== "string" || !ACQUISITION_NAMES.includes(acquisition_function as AcquisitionName)) {
    throw new InvalidArgumentError(`acquisition_function must be one of ${ACQUISITION_NAMES.join(", ")}, got ${JSON.stringify(acquisition_function)}`, "acquisition_function");
  }
  const supported = ACQUISITION_COMPATIBILITY[model_type as ModelType];
  if (!supported.includes(acquisition_function as AcquisitionName)) {
    throw new InvalidArgumentError(`${model_type} does not support ${acquisition_function}; supported: ${supported.join(", ")}`, "acquisition_function");
  }
  const goal = options.goal ?? "maximize";
  if (goal !== "maximize" && goal !== "minimize") throw new InvalidArgumentError(`goal must be "maximize" or "minimize", got ${JSON.stringify(goal)}`, "acquisition_options.goal");
  const xi = options.xi ?? 0;
  if (typeof xi !== "number" || !Number.isFinite(xi) || xi < 0) throw new InvalidArgumentError(`xi must be a finite number >= 0, got ${JSON.stringify(xi)}`, "acquisition_options.xi");
  const beta = options.beta ?? 4;
  if (typeof beta !== "number" || !Number.isFinite(beta) || beta < 0) throw new InvalidArgumentError(`beta must be a finite number >= 0, got ${JSON.stringify(beta)}`, "acquisition_options.beta");
  return { goal, xi, beta };
}

/** The acquisition value of a predictive distribution; `best` is the incumbent (ignored by UCB). */
export function acquisition(name: AcquisitionName, dist: LatentDistribution, best: number, options: ResolvedAcquisitionOptions): number {
  switch (name) {
    case "ExpectedImprovement":
      return expectedImprovement(dist, best, options.xi, options.goal);
    case "ProbabilityImprovement":
      return probabilityImprovement(dist, best, options.xi, options.goal);
    case "UCB":
      return upperConfidenceBound(dist, options.beta, options.goal);
  }
}

/** The acquisition value of a normal predictive with its derivatives in mean and std (for gradient-based search). */
export function acquisitionNormalWithGradient(
  name: AcquisitionName,
  mean: number,
  std: number,
  best: number,
  options: ResolvedAcquisitionOptions,
): { value: number; dmean: number; dstd: number } {
  const sign = options.goal === "minimize" ? -1 : 1;
  let r: { value: number; dmean: number; dstd: number };
  if (name === "UCB") r = { value: sign * mean + Math.sqrt(options.beta) * std, dmean: 1, dstd: Math.sqrt(options.beta) };
  else if (name === "ExpectedImprovement") r = expectedImprovementNormal(sign * mean, std, sign * best, options.xi);
  else r = probabilityImprovementNormal(sign * mean, std, sign * best, options.xi);
  return name === "UCB" ? { ...r, dmean: sign } : { value: r.value, dmean: sign * r.dmean, dstd: r.dstd };
}
