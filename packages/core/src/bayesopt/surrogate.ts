// The surrogate interface every model type implements (fit, restore, predict, condition on one
// more observation at fixed hyperparameters, serialise), and `createSurrogate`, which maps a
// model_type and its hyperparameters to an implementation: GaussianProcess, BayesianLinear,
// DirichletProcess.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { conditionBayesianLinear, fitBayesianLinear, predictBayesianLinear, restoreBayesianLinear } from "./bayesian-linear.js";
import type { BayesianLinearModel, BayesianLinearOptions, BayesianLinearPosteriorState } from "./bayesian-linear.js";
import { conditionDirichletProcess, fitDirichletProcess, predictDirichletProcess, restoreDirichletProcess } from "./dirichlet-process.js";
import type { DirichletProcessModel, DirichletProcessOptions, DirichletProcessPosteriorState } from "./dirichlet-process.js";
import { addObservation, fitGaussianProcess, gpFittedMeans, predictGp, predictGpWithGradient, restoreGaussianProcess, validateGpOptions } from "./gaussian-process.js";
import type { GaussianProcessModel, GpOptions, GpPosteriorState } from "./gaussian-process.js";
import { MODEL_TYPES } from "./types.js";
import type { ModelType, Prediction, TrainingData } from "./types.js";

/** The JSON posterior state of any surrogate (`model_type` tells which). */
export type SurrogatePosteriorState = GpPosteriorState | BayesianLinearPosteriorState | DirichletProcessPosteriorState;

/** A fitted surrogate of any type. */
export type FittedSurrogate = GaussianProcessModel | BayesianLinearModel | DirichletProcessModel;

/** What every surrogate provides (one shared contract suite tests all of them). */
export interface Surrogate<M extends FittedSurrogate = FittedSurrogate> {
  readonly model_type: ModelType;
  /** Fits to data in model space (hyperparameters fitted or fixed per its options); `warm` is a previous fit. */
  fit(data: TrainingData, rng: Rng, warm?: M | null): M;
  /** Rebuilds a fitted model from its JSON posterior state, without refitting. */
  restore(state: SurrogatePosteriorState): M;
  predict(model: M, Xstar: readonly (readonly number[])[]): Prediction[];
  /** Normal predictive with gradients in x, where the surrogate has them (GaussianProcess). */
  predictWithGradient?(model: M, x: readonly number[]): { mean: number; std: number; dmean: number[]; dstd: number[] };
  /** Adds one observation at fixed hyperparameters (used by the loop and by kriging believer). */
  condition(model: M, x: readonly number[], y: number, noise?: number): M;
  /** Posterior means of the latent f at the training inputs. */
  fittedMeans(model: M): number[];
}

/** Hyperparameters of the GP as the API takes them (per-observation noise comes with the data). */
export type GpHyperparameterOptions = Omit<GpOptions, "noise" | "warm_start">;
export type BayesianLinearHyperparameterOptions = Omit<BayesianLinearOptions, "noise">;

const gaussianProcess = (o: GpHyperparameterOptions): Surrogate<GaussianProcessModel> => ({
  model_type: "GaussianProcess",
  fit: (data, rng, warm) => fitGaussianProcess(data.X, data.y, { ...o, noise: data.noise ?? null, ...(warm ? { warm_start: warm.hyperparameters } : {}) }, rng),
  restore: (state) => restoreGaussianProcess(state as GpPosteriorState),
  predict: predictGp,
  predictWithGradient: predictGpWithGradient,
  condition: addObservation,
  fittedMeans: gpFittedMeans,
});

const bayesianLinear = (o: BayesianLinearHyperparameterOptions): Surrogate<BayesianLinearModel> => ({
  model_type: "BayesianLinear",
  fit: (data, rng) => fitBayesianLinear(data.X, data.y, { ...o, noise: data.noise ?? null }, rng),
  restore: (state) => restoreBayesianLinear(state as BayesianLinearPosteriorState),
  predict: predictBayesianLinear,
  condition: conditionBayesianLinear,
  fittedMeans: (m) => predictBayesianLinear(m, m.posterior_state.training_data.X).map((p) => p.mean),
});

const dirichletProcess = (o: DirichletProcessOptions): Surrogate<DirichletProcessModel> => ({
  model_type: "DirichletProcess",
  fit: (data, rng) => fitDirichletProcess(data.X, data.y, o, rng),
  restore: (state) => restoreDirichletProcess(state as DirichletProcessPosteriorState),
  predict: predictDirichletProcess,
  condition: (m, x, y) => conditionDirichletProcess(m, x, y),
  fittedMeans: (m) => predictDirichletProcess(m, m.posterior_state.training_data.X).map((p) => p.mean),
});

/**
 * The surrogate of a model_type with its hyperparameters (GaussianProcess: GpOptions;
 * BayesianLinear: basis, features, ...; DirichletProcess: truncation, concentration, ...).
 */
export function createSurrogate(model_type: ModelType, hyperparameters: Readonly<Record<string, unknown>> = {}): Surrogate {
  if (hyperparameters === null || typeof hyperparameters !== "object") throw new InvalidArgumentError("hyperparameters must be an object", "hyperparameters");
  switch (model_type) {
    case "GaussianProcess":
      return gaussianProcess(hyperparameters as GpHyperparameterOptions) as unknown as Surrogate;
    case "BayesianLinear":
      return bayesianLinear(hyperparameters as BayesianLinearHyperparameterOptions) as unknown as Surrogate;
    case "DirichletProcess":
      return dirichletProcess(hyperparameters as DirichletProcessOptions) as unknown as Surrogate;
    default:
      throw new InvalidArgumentError(`model_type must be one of ${MODEL_TYPES.join(", ")}, got ${JSON.stringify(model_type)}`, "model_type");
  }
}

/** The JSON posterior state of a fitted surrogate. */
export function posteriorStateOf(model: FittedSurrogate): SurrogatePosteriorState {
  return model.posterior_state;
}

/** The training data (model space) a fitted surrogate holds. */
export function trainingDataOf(model: FittedSurrogate): TrainingData {
  return model.posterior_state.training_data;
}

/**
 * Validates a model's hyperparameters for d inputs before any data arrives (GaussianProcess:
 * `validateGpOptions`; BayesianLinear and DirichletProcess: a fit on two synthetic rows, which runs
 * every option check); throws InvalidArgumentError with `hyperparameters.*` paths.
 */
export function validateHyperparameters(model_type: ModelType, hyperparameters: unknown, d: number): void {
  if (hyperparameters === undefined) return;
  if (hyperparameters === null || typeof hyperparameters !== "object" || Array.isArray(hyperparameters)) {
    throw new InvalidArgumentError("hyperparameters must be an object", "hyperparameters");
  }
  const X = [new Array<number>(d).fill(0), new Array<number>(d).fill(1)];
  const fixed: Rng = () => 0.5;
  if (model_type === "GaussianProcess") validateGpOptions(hyperparameters as GpOptions, d);
  else createSurrogate(model_type, hyperparameters as Record<string, unknown>).fit({ X, y: [0, 1] }, fixed);
}
