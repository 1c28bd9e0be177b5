// Shared types of the Bayesian-optimisation modules: names of models, kernels and acquisition
// functions as spelled in the data model, and the predictive distribution every surrogate returns.

/** Surrogate model types (DATA-MODEL.md, BayesianModel.model_type). */
export type ModelType = "GaussianProcess" | "BayesianLinear" | "DirichletProcess";
export const MODEL_TYPES: readonly ModelType[] = ["GaussianProcess", "BayesianLinear", "DirichletProcess"];

/** Acquisition functions (DATA-MODEL.md, BayesianModel.acquisition_function). */
export type AcquisitionName = "ExpectedImprovement" | "UCB" | "ProbabilityImprovement";
export const ACQUISITION_NAMES: readonly AcquisitionName[] = ["ExpectedImprovement", "UCB", "ProbabilityImprovement"];

/** Gaussian-process kernels (API.md, posterior_state.kernel). */
export type KernelName = "RBF" | "Matern32" | "Matern52";
export const KERNEL_NAMES: readonly KernelName[] = ["RBF", "Matern32", "Matern52"];

/** Whether the objective is to be maximised or minimised. */
export type Goal = "maximize" | "minimize";

/** Prior mean of a Gaussian process. */
export type MeanFunction = "zero" | "constant";

/**
 * The predictive distribution of the latent objective f(x) at one point, in the family the
 * acquisition functions have closed forms for.
 */
export type LatentDistribution =
  | { readonly family: "normal"; readonly mean: number; readonly std: number }
  | { readonly family: "student_t"; readonly mean: number; readonly scale: number; readonly dof: number }
  | {
      readonly family: "mixture";
      readonly weights: readonly number[];
      readonly means: readonly number[];
      readonly stds: readonly number[];
    };

/** A prediction at one point: the latent mean and std, the std of a new noisy observation, and the distribution. */
export interface Prediction {
  readonly mean: number;
  readonly std: number;
  readonly std_with_noise: number;
  readonly distribution: LatentDistribution;
}

/** Training data of a surrogate, in the model's space (log units for log-scale parameters). */
export interface TrainingData {
  readonly X: readonly (readonly number[])[];
  readonly y: readonly number[];
  /** Per-observation noise variance (e.g. an arm's squared standard error), on top of the model's noise. */
  readonly noise?: readonly number[] | null;
}
