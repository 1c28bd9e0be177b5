// The log marginal likelihood of a Gaussian process and its analytic gradient with respect to
// the log hyperparameters (Rasmussen & Williams 2006, eqs. 2.30 and 5.9), with a zero mean or a
// constant mean profiled out by its generalised-least-squares estimate.

import { InvalidArgumentError } from "../errors.js";
import { choleskyInverse, choleskySolve, choleskyWithJitter, halfLogDet } from "./cholesky.js";
import type { CholeskyFactor } from "./cholesky.js";
import { getKernel } from "./kernel.js";
import type { Kernel } from "./kernel.js";
import { inverseSquaredLengthScales } from "./gp-covariance.js";
import type { GpHyperparameters } from "./gp-covariance.js";
import { pairwiseSquaredDifferences, scaledPairDistances, weightedPairSum } from "./gp-pairwise.js";
import type { PairwiseSquaredDifferences } from "./gp-pairwise.js";
import type { KernelName, MeanFunction, TrainingData } from "./types.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Scratch arrays of one likelihood evaluation (pairwise r^2, correlations and their derivatives,
 * the covariance matrix), reused across the evaluations of a fit. Only the lower triangle and
 * the diagonal of K are ever written or read.
 */
export interface GpWorkspace {
  readonly r2: Float64Array;
  readonly c: Float64Array;
  readonly dc: Float64Array;
  readonly K: Float64Array;
}

/** A workspace for n observations. */
export function gpWorkspace(n: number): GpWorkspace {
  const npairs = (n * (n - 1)) / 2;
  return { r2: new Float64Array(npairs), c: new Float64Array(npairs), dc: new Float64Array(npairs), K: new Float64Array(n * n) };
}

/** The value of the log marginal likelihood and what it computed on the way. */
export interface GpLikelihoodTerms {
  /** log p(y | X, theta) at the (profiled) mean. */
  readonly value: number;
  /**
   * d value / d log theta, theta = (length scales..., signal_variance, noise_variance), when asked.
   */
  readonly gradient?: number[];
  /** The prior mean in use: 0, or the GLS estimate (1' K^-1 y) / (1' K^-1 1) for a constant mean. */
  readonly mean: number;
  readonly factor: CholeskyFactor;
  /** K^{-1} (y - mean). */
  readonly alpha: Float64Array;
  /**
   * The gradient, computed when called: valid only until the next evaluation that shares this
   * one's workspace (a fit's line search asks for it only where a point passes its value tests).
   */
  readonly lazyGradient: () => number[];
}

/**
 * The GLS estimate of a constant mean, m = (1' K^-1 y) / (1' K^-1 1) — the maximiser of the
 * likelihood in m, so the profiled likelihood's gradient in theta is the ordinary one at m
 * (Santner, Williams & Notz 2003, §3.3; DiceKriging's ordinary-kriging trend).
 */
export function glsConstantMean(factor: CholeskyFactor, y: readonly number[]): { mean: number; kinvOnes: Float64Array; kinvY: Float64Array } {
  const n = factor.n;
  const kinvOnes = choleskySolve(factor.L, n, new Float64Array(n).fill(1));
  const kinvY = choleskySolve(factor.L, n, y);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += kinvY[i] as number;
    den += kinvOnes[i] as number;
  }
  return { mean: num / den, kinvOnes, kinvY };
}

/**
 * log p(y | X, theta) = -1/2 r' K^-1 r - sum log L_ii - n/2 log 2 pi with r = y - m (Rasmussen &
 * Williams 2006, Alg. 2.1; scikit-learn GaussianProcessRegressor.log_marginal_likelihood), and
 * optionally its gradient d/d log theta_j = 1/2 tr((a a' - K^-1) dK/d log theta_j) (eq. 5.9).
 * The per-observation noise and any jitter are constants on the diagonal.
 */
export function gpLikelihoodTerms(
  kernel: Kernel,
  data: TrainingData,
  hyp: GpHyperparameters,
  mean_function: MeanFunction,
  options: { gradient?: boolean; jitter?: number; pairs?: PairwiseSquaredDifferences; workspace?: GpWorkspace } = {},
): GpLikelihoodTerms {
  const { X, y } = data;
  const n = X.length;
  const dim = n > 0 ? (X[0] as readonly number[]).length : 0;
  const pairs = options.pairs ?? pairwiseSquaredDifferences(X);
  const invL2 = inverseSquaredLengthScales(hyp.length_scale, dim);
  const npairs = (n * (n - 1)) / 2;
  const ws = options.workspace && options.workspace.K.length === n * n ? options.workspace : gpWorkspace(n);
  const { r2, c, dc, K } = ws;
  scaledPairDistances(pairs, invL2, r2);
  kernel.corrAndDerivative(r2, c, dc, npairs);
  // K = sf C + diag(noise): only the lower triangle and the diagonal, which is all the
  // factorisation reads
  const sf = hyp.signal_variance;
  for (let i = 0, p = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++, p++) K[ri + j] = sf * (c[p] as number);
    K[ri + i] = sf + hyp.noise_variance + (data.noise ? (data.noise[i] as number) : 0);
  }
  const factor = choleskyWithJitter(K, n, options.jitter ?? 0);
  const L = factor.L;
  let mean = 0;
  let alpha: Float64Array;
  if (mean_function === "constant") {
    const g = glsConstantMean(factor, y);
    mean = g.mean;
    alpha = new Float64Array(n);
    for (let i = 0; i < n; i++) alpha[i] = (g.kinvY[i] as number) - mean * (g.kinvOnes[i] as number);
  } else {
    alpha = choleskySolve(L, n, y);
  }
  let quad = 0;
  for (let i = 0; i < n; i++) quad += ((y[i] as number) - mean) * (alpha[i] as number);
  const value = -0.5 * quad - halfLogDet(L, n) - n * HALF_LOG_2PI;
  // the gradient costs two more O(n^3) steps (the inverse); computed on request, from the
  // workspace as this evaluation left it
  let gradient: number[] | null = null;
  const gradientNow = (): number[] => (gradient ??= likelihoodGradient(n, hyp, pairs, ws, invL2, L, alpha));
  if (!options.gradient) return { value, mean, factor, alpha, lazyGradient: gradientNow };
  return { value, gradient: gradientNow(), mean, factor, alpha, lazyGradient: gradientNow };
}

function likelihoodGradient(
  n: number,
  hyp: GpHyperparameters,
  pairs: PairwiseSquaredDifferences,
  ws: GpWorkspace,
  invL2: Float64Array,
  L: Float64Array,
  alpha: Float64Array,
): number[] {
  const { r2, c, dc } = ws;
  const sf = hyp.signal_variance;
  const shared = hyp.length_scale.length === 1;
  const nl = hyp.length_scale.length;
  const Kinv = choleskyInverse(L, n);
  const grad = new Array<number>(nl + 2).fill(0);
  // f[p] = w_ij sf c'(r^2) (-2), so that sum_{i>j} w_ij dK_ij / d log l_d is
  // sum_p f[p] (x_id - x_jd)^2 / l_d^2: one contiguous pass per dimension afterwards
  const f = ws.dc; // dc[p] is overwritten by f[p] once read
  let gSignal = 0;
  let traceW = 0; // sum_i W_ii (for the noise derivative)
  let gShared = 0;
  for (let i = 0, p = 0; i < n; i++) {
    const ai = alpha[i] as number;
    const ri = i * n;
    const wii = ai * ai - (Kinv[ri + i] as number);
    traceW += wii;
    gSignal += wii * sf; // dK_ii / d log sf = sf * c(0) = sf
    for (let j = 0; j < i; j++, p++) {
      const w = 2 * (ai * (alpha[j] as number) - (Kinv[ri + j] as number)); // both triangles
      gSignal += w * sf * (c[p] as number);
      const fp = w * sf * (dc[p] as number) * -2;
      f[p] = fp;
      if (shared) gShared += fp * (r2[p] as number);
    }
  }
  if (shared) grad[0] = 0.5 * gShared;
  else for (let k = 0; k < nl; k++) grad[k] = 0.5 * weightedPairSum(pairs, k, f) * (invL2[k] as number);
  grad[nl] = 0.5 * gSignal;
  grad[nl + 1] = 0.5 * hyp.noise_variance * traceW;
  return grad;
}

/** Options of `logMarginalLikelihood`. */
export interface LogMarginalLikelihoodOptions {
  readonly kernel: KernelName;
  /** One value shared by all inputs, or one per input dimension. */
  readonly length_scale: number | readonly number[];
  readonly signal_variance: number;
  readonly noise_variance: number;
  readonly mean_function?: MeanFunction;
  /** Per-observation noise variances added to the diagonal. */
  readonly noise?: readonly number[] | null;
}

/**
 * The GP log marginal likelihood of (X, y) at fixed hyperparameters, and its gradient in log
 * space (Rasmussen & Williams 2006, eqs. 2.30 and 5.9); at a zero mean it equals scikit-learn's
 * GaussianProcessRegressor(ConstantKernel * kernel + WhiteKernel, alpha=noise).log_marginal_likelihood.
 */
export function logMarginalLikelihood(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: LogMarginalLikelihoodOptions,
): { value: number; gradient: number[]; mean: number } {
  if (X.length !== y.length || X.length === 0) throw new InvalidArgumentError("X and y must be non-empty and of the same length", "y");
  const kernel = getKernel(options.kernel);
  const ls = typeof options.length_scale === "number" ? [options.length_scale] : [...options.length_scale];
  const t = gpLikelihoodTerms(
    kernel,
    { X, y, noise: options.noise ?? null },
    { length_scale: ls, signal_variance: options.signal_variance, noise_variance: options.noise_variance },
    options.mean_function ?? "zero",
    { gradient: true },
  );
  return { value: t.value, gradient: t.gradient as number[], mean: t.mean };
}
