// Runs the shared surrogate contract (surrogate-contract.case.ts) for every surrogate and variant.

import { createSurrogate } from "../../src/bayesopt/index.js";
import { runSurrogateContract } from "./surrogate-contract.case.js";
import type { SurrogateCase } from "./surrogate-contract.case.js";

const cases: SurrogateCase[] = [
  { name: "GaussianProcess RBF ARD", surrogate: createSurrogate("GaussianProcess", { kernel: "RBF" }), maxRmse: 0.05 },
  { name: "GaussianProcess Matern32 shared, zero mean", surrogate: createSurrogate("GaussianProcess", { kernel: "Matern32", ard: false, mean_function: "zero" }), maxRmse: 0.1 },
  { name: "GaussianProcess Matern52 fixed hyperparameters", surrogate: createSurrogate("GaussianProcess", { kernel: "Matern52", optimize: false, length_scale: [0.6, 0.8], signal_variance: 1, noise_variance: 1e-4 }), maxRmse: 0.1 },
  { name: "BayesianLinear quadratic", surrogate: createSurrogate("BayesianLinear", { basis: "quadratic" }), maxRmse: 0.45 },
  { name: "BayesianLinear linear", surrogate: createSurrogate("BayesianLinear", { basis: "linear" }), maxRmse: 0.5 },
  { name: "BayesianLinear random Fourier features", surrogate: createSurrogate("BayesianLinear", { basis: "rff", features: 60 }), maxRmse: 0.2 },
  { name: "DirichletProcess", surrogate: createSurrogate("DirichletProcess", {}), maxRmse: 0.3 },
];
for (const c of cases) runSurrogateContract(c);
