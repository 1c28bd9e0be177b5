// The Bayesian-optimisation loop's model: a validated specification (model_type, hyperparameters,
// acquisition_function and options, parameter_space), the fitted surrogate over observations in
// model space, sequential observation with one OptimizationIteration record per observation,
// prediction in the objective's units, and the JSON posterior_state to store and restore
// without refitting.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { acquisition, validateAcquisition } from "./acquisition.js";
import type { AcquisitionOptions, ResolvedAcquisitionOptions } from "./acquisition.js";
import { fromModelSpace, modelSpans, toModelSpace, validateParameterSpace } from "./parameter-space.js";
import type { ParameterSpace, ParameterSpaceSpec, ParameterValue } from "./parameter-space.js";
import { createSurrogate, validateHyperparameters } from "./surrogate.js";
import type { FittedSurrogate, Surrogate, SurrogatePosteriorState } from "./surrogate.js";
import type { AcquisitionName, ModelType } from "./types.js";

/** A BayesianModel's specification (API.md POST /v1/experiments/:id/bayesian-models). */
export interface BayesOptSpec {
  readonly model_type: ModelType;
  readonly hyperparameters?: Readonly<Record<string, unknown>>;
  readonly acquisition_function: AcquisitionName;
  /** goal ("maximize" by default), xi, beta. */
  readonly acquisition_options?: AcquisitionOptions;
  readonly parameter_space: ParameterSpaceSpec;
}

/** An observation as the API receives it (parameter units). */
export interface BayesOptObservation {
  readonly point: Readonly<Record<string, ParameterValue>>;
  readonly value: number;
  /** Variance of this observation (e.g. an arm's squared standard error), on top of the model's noise. */
  readonly noise_variance?: number;
}

/** One OptimizationIteration (DATA-MODEL.md) per observation. */
export interface OptimizationIterationRecord {
  readonly iteration_number: number;
  readonly suggested_point: Record<string, ParameterValue>;
  readonly observed_value: number;
  /** The acquisition value of the point under the model before this observation (null for the first). */
  readonly acquisition_value: number | null;
  /** max(0, improvement of the observed value over the best observed before it) in the goal's direction; 0 for the first. */
  readonly improvement: number;
}

/** A Bayesian-optimisation model: specification, transforms, surrogate, and the fit (null before any observation). */
export interface BayesOptModel {
  readonly spec: BayesOptSpec;
  readonly space: ParameterSpace;
  readonly acquisition: ResolvedAcquisitionOptions;
  readonly surrogate: Surrogate;
  readonly fitted: FittedSurrogate | null;
}

/**
 * Validates a specification (DATA-MODEL.md BayesianModel rules: valid parameter bounds, an
 * acquisition function that matches the model type, valid hyperparameters) and returns a model
 * with no observations. Throws InvalidArgumentError with the offending path.
 */
export function createBayesOptModel(spec: BayesOptSpec): BayesOptModel {
  if (!spec || typeof spec !== "object") throw new InvalidArgumentError("the model specification must be an object", "");
  const acq = validateAcquisition(spec.model_type, spec.acquisition_function, spec.acquisition_options ?? {});
  const space = validateParameterSpace(spec.parameter_space);
  validateHyperparameters(spec.model_type, spec.hyperparameters, space.dim);
  let h: Record<string, unknown> = { ...(spec.hyperparameters ?? {}) };
  if (spec.model_type === "GaussianProcess" && h.input_spans === undefined) h = { ...h, input_spans: modelSpans(space) };
  return { spec, space, acquisition: acq, surrogate: createSurrogate(spec.model_type, h), fitted: null };
}

/** The goal's sign: +1 to maximise, -1 to minimise. */
export function goalSign(model: BayesOptModel): 1 | -1 {
  return model.acquisition.goal === "minimize" ? -1 : 1;
}

/**
 * The incumbent for EI and PI: the best posterior mean of f at the observed points (robust to
 * noisy observations; equals the best observation for a noiseless GP), in the goal's direction.
 */
export function incumbent(model: BayesOptModel): number | null {
  if (!model.fitted) return null;
  const sign = goalSign(model);
  const means = model.surrogate.fittedMeans(model.fitted);
  return sign * Math.max(...means.map((m) => sign * m));
}

/**
 * Adds observations one at a time (each updates the posterior at fixed hyperparameters, O(n^2)
 * for a GP, and yields its OptimizationIteration record), then, unless `refit` is false (or the GP's
 * hyperparameters are fixed), refits on all data (GP hyperparameters warm-started from the previous fit).
 */
export function observe(
  model: BayesOptModel,
  observations: readonly BayesOptObservation[],
  rng: Rng,
  options: { refit?: boolean } = {},
): { model: BayesOptModel; iterations: OptimizationIterationRecord[] } {
  if (!Array.isArray(observations)) throw new InvalidArgumentError("observations must be an array", "observations");
  const sign = goalSign(model);
  let fitted = model.fitted;
  const start = fitted ? fitted.posterior_state.training_data.y.length : 0;
  let bestObserved = fitted ? Math.max(...fitted.posterior_state.training_data.y.map((v) => sign * v)) : null;
  const iterations: OptimizationIterationRecord[] = [];
  observations.forEach((o, j) => {
    const path = `observations.${j}`;
    if (!o || typeof o !== "object") throw new InvalidArgumentError("an observation must be an object", path);
    const z = toModelSpace(model.space, o.point, `${path}.point`);
    if (typeof o.value !== "number" || !Number.isFinite(o.value)) throw new InvalidArgumentError(`value must be a finite number, got ${JSON.stringify(o.value)}`, `${path}.value`);
    const noise = o.noise_variance;
    if (noise !== undefined && (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0)) {
      throw new InvalidArgumentError(`noise_variance must be a finite number >= 0, got ${JSON.stringify(noise)}`, `${path}.noise_variance`);
    }
    let acqValue: number | null = null;
    if (fitted) {
      const current = { ...model, fitted };
      const pred = model.surrogate.predict(fitted, [z])[0]!;
      acqValue = acquisition(model.spec.acquisition_function, pred.distribution, incumbent(current) as number, model.acquisition);
    }
    iterations.push({
      iteration_number: start + j + 1,
      suggested_point: { ...o.point },
      observed_value: o.value,
      acquisition_value: acqValue,
      improvement: bestObserved === null ? 0 : Math.max(0, sign * o.value - bestObserved),
    });
    bestObserved = bestObserved === null ? sign * o.value : Math.max(bestObserved, sign * o.value);
    fitted = fitted
      ? model.surrogate.condition(fitted, z, o.value, noise)
      : model.surrogate.fit({ X: [z], y: [o.value], noise: noise !== undefined && noise > 0 ? [noise] : null }, rng);
  });
  // with fixed GP hyperparameters the sequential updates already equal a refit
  const fixed = model.spec.model_type === "GaussianProcess" && model.spec.hyperparameters?.optimize === false;
  if (fitted && observations.length > 0 && options.refit !== false && !fixed) {
    fitted = model.surrogate.fit(fitted.posterior_state.training_data, rng, fitted);
  }
  return { model: { ...model, fitted }, iterations };
}

/** Fits a model to observations from scratch (create, then observe and refit). */
export function fitBayesOptModel(spec: BayesOptSpec, observations: readonly BayesOptObservation[], rng: Rng): BayesOptModel {
  return observe(createBayesOptModel(spec), observations, rng).model;
}

/** The JSON posterior_state to store (null before any observation). */
export function bayesOptPosteriorState(model: BayesOptModel): SurrogatePosteriorState | null {
  return model.fitted ? model.fitted.posterior_state : null;
}

/** Restores a model from its specification and stored posterior_state, without refitting hyperparameters. */
export function restoreBayesOptModel(spec: BayesOptSpec, posterior_state: SurrogatePosteriorState | null): BayesOptModel {
  const model = createBayesOptModel(spec);
  if (posterior_state === null || posterior_state === undefined) return model;
  if (posterior_state.model_type !== spec.model_type) {
    throw new InvalidArgumentError(`posterior_state is a ${posterior_state.model_type} state, the model is ${spec.model_type}`, "posterior_state.model_type");
  }
  const fitted = model.surrogate.restore(posterior_state);
  const d = fitted.posterior_state.training_data.X[0]?.length;
  if (d !== model.space.dim) throw new InvalidArgumentError(`posterior_state has ${d} inputs, the parameter space ${model.space.dim}`, "posterior_state.training_data");
  return { ...model, fitted };
}

/** Predictions at points given in parameter units: the latent mean and std, and std_with_noise (API.md predict). */
export function predictPoints(
  model: BayesOptModel,
  points: readonly Readonly<Record<string, ParameterValue>>[],
): { mean: number; std: number; std_with_noise: number }[] {
  if (!model.fitted) throw new InvalidArgumentError("the model has no observations yet", "points");
  if (!Array.isArray(points)) throw new InvalidArgumentError("points must be an array", "points");
  const Z = points.map((p, i) => toModelSpace(model.space, p, `points.${i}`));
  return model.surrogate.predict(model.fitted, Z).map((p) => ({ mean: p.mean, std: p.std, std_with_noise: p.std_with_noise }));
}

/** A point of model space in parameter units (rounded for integers and choices). */
export function toParameterPoint(model: BayesOptModel, z: readonly number[]): Record<string, ParameterValue> {
  return fromModelSpace(model.space, z);
}
