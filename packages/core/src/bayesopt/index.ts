// Bayesian optimisation maths of mvx, split as Ax splits it: surrogates (GaussianProcess with its
// kernels, BayesianLinear, DirichletProcess), acquisition functions, parameter-space transforms,
// and the loop (observe, suggest, convergence metrics). Re-exports only; numerical helpers
// (normal/Student-t functions, Cholesky, the bounded quasi-Newton, Halton points) stay internal
// to avoid name clashes with other core modules.
export * from "./types.js";
export * from "./kernel.js";
export * from "./gp-covariance.js";
export * from "./gp-log-marginal-likelihood.js";
export * from "./gaussian-process.js";
export * from "./basis-functions.js";
export * from "./bayesian-linear.js";
export * from "./dirichlet-process.js";
export * from "./expected-improvement.js";
export * from "./probability-improvement.js";
export * from "./upper-confidence-bound.js";
export * from "./acquisition.js";
export * from "./parameter-space.js";
export * from "./acquisition-optimizer.js";
export * from "./surrogate.js";
export * from "./bayes-opt-model.js";
export * from "./suggest.js";
export * from "./convergence.js";
