// The Gaussian-process surrogate: hyperparameters fitted by maximising the log marginal
// likelihood (multi-start projected L-BFGS in log space, within bounds) or kept fixed, the
// posterior mean and standard deviation, the O(n^2) incremental update when one observation is
// added at fixed hyperparameters, and the serialisable posterior state (Rasmussen & Williams
// 2006, ch. 2 and 5). Matches scikit-learn's GaussianProcessRegressor at fixed hyperparameters.

import { ConvergenceError, InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { denseKernels } from "../linalg/dense-kernels.js";
import { choleskyAppend, choleskySolve, choleskyWithJitter, halfLogDet, solveLower, solveUpperTransposed } from "./cholesky.js";
import type { CholeskyFactor } from "./cholesky.js";
import { crossCovariance, inverseSquaredLengthScales, scaledSquaredDistance, trainingCovariance } from "./gp-covariance.js";
import type { GpHyperparameters } from "./gp-covariance.js";
import { glsConstantMean, gpLikelihoodTerms, gpWorkspace } from "./gp-log-marginal-likelihood.js";
import { pairwiseSquaredDifferences } from "./gp-pairwise.js";
import { getKernel } from "./kernel.js";
import type { Kernel } from "./kernel.js";
import { minimizeBounded } from "./projected-lbfgs.js";
import type { Evaluation } from "./projected-lbfgs.js";
import { requirePositive, validatePoint, validateTrainingData } from "./training-data.js";
import type { KernelName, MeanFunction, Prediction, TrainingData } from "./types.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Search bounds of the hyperparameters (in their own units; searched in log space). */
export interface GpBounds {
  /** One [lo, hi] for every length scale, or one per input dimension. */
  readonly length_scale?: readonly [number, number] | readonly (readonly [number, number])[];
  readonly signal_variance?: readonly [number, number];
  readonly noise_variance?: readonly [number, number];
}

/** Options of `fitGaussianProcess` (API.md `hyperparameters`, plus fitting controls). */
export interface GpOptions {
  /** Default "Matern52". */
  readonly kernel?: KernelName;
  /** One length scale per input (default) or one shared. Implied true by an array `length_scale`. */
  readonly ard?: boolean;
  /** Initial (optimize) or fixed (optimize: false) values; defaults are derived from the data. */
  readonly length_scale?: number | readonly number[];
  readonly signal_variance?: number;
  readonly noise_variance?: number;
  /** false keeps the given (or default) values fixed. Default true. */
  readonly optimize?: boolean;
  /** Default "constant" (the GLS estimate, profiled out of the likelihood). */
  readonly mean_function?: MeanFunction;
  /** Per-observation noise variances, added to the diagonal on top of noise_variance. */
  readonly noise?: readonly number[] | null;
  readonly bounds?: GpBounds;
  /**
   * Random restarts of the optimiser besides the initial point and warm start (default 4; 2 for
   * 101..150 observations; above 150 the restarts run on a random subset of 100 observations).
   */
  readonly restarts?: number;
  /** Quasi-Newton iterations per start (default 200). */
  readonly max_iterations?: number;
  /** Hyperparameters of a previous fit, used as one more start (warm start). */
  readonly warm_start?: GpHyperparameters;
  /** Width of the input space per dimension, for default length scales and bounds (default: the data's range). */
  readonly input_spans?: readonly number[];
}

/** The plain-JSON posterior of a GP (API.md "Result shapes"): enough to restore it without refitting. */
export interface GpPosteriorState {
  readonly model_type: "GaussianProcess";
  readonly kernel: KernelName;
  /** A number when shared, one per input (model-space units) with ARD. */
  readonly length_scale: number | number[];
  readonly signal_variance: number;
  readonly noise_variance: number;
  readonly mean_function: MeanFunction;
  /** The prior mean in use (0, or the GLS constant). */
  readonly mean: number;
  readonly log_marginal_likelihood: number;
  /** Diagonal jitter that the Cholesky factorisation needed (usually 0). */
  readonly jitter: number;
  readonly training_data: { readonly X: number[][]; readonly y: number[]; readonly noise: number[] | null };
}

/** A fitted GP: its JSON posterior state plus the factorisation used for predictions. */
export interface GaussianProcessModel {
  readonly posterior_state: GpPosteriorState;
  readonly kernel: Kernel;
  readonly hyperparameters: GpHyperparameters;
  readonly factor: CholeskyFactor;
  /** K^{-1}(y - mean). */
  readonly alpha: Float64Array;
  readonly invL2: Float64Array;
}

interface Resolved {
  kernel: Kernel;
  ard: boolean;
  mean_function: MeanFunction;
  init: GpHyperparameters;
  lower: number[]; // log bounds, theta = (log l..., log sf, log sn)
  upper: number[];
  optimize: boolean;
}

function variance(y: readonly number[], zeroMean: boolean): number {
  const n = y.length;
  const m = zeroMean ? 0 : y.reduce((a, b) => a + b, 0) / n;
  return y.reduce((a, b) => a + (b - m) * (b - m), 0) / n;
}

function boundPair(v: unknown, path: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new InvalidArgumentError("bounds must be [lo, hi]", path);
  const lo = requirePositive(v[0], `${path}.0`);
  const hi = requirePositive(v[1], `${path}.1`);
  if (lo > hi) throw new InvalidArgumentError(`bounds must have lo <= hi, got [${lo}, ${hi}]`, path);
  return [lo, hi];
}

// Data-derived defaults: length scales half the input span (bounds span/100 .. span*100), the
// signal variance the target's variance (bounds x1e-3 .. x1e3) and the noise 1% of it
// (bounds x1e-8 .. x10). Given values outside the default bounds widen them.
function resolve(data: TrainingData, d: number, given: GpOptions): Resolved {
  // JSON nulls mean "not given"
  const o = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null)) as GpOptions;
  const kernel = getKernel(o.kernel ?? "Matern52");
  const mean_function = o.mean_function ?? "constant";
  if (mean_function !== "zero" && mean_function !== "constant") {
    throw new InvalidArgumentError(`mean_function must be "zero" or "constant", got ${JSON.stringify(mean_function)}`, "hyperparameters.mean_function");
  }
  const lsGiven = o.length_scale;
  const ard = o.ard ?? (Array.isArray(lsGiven) ? true : typeof lsGiven === "number" ? false : true);
  const nl = ard ? d : 1;
  const spans: number[] = [];
  if (o.input_spans !== undefined && (!Array.isArray(o.input_spans) || o.input_spans.length !== d)) {
    throw new InvalidArgumentError(`input_spans must have ${d} values`, "hyperparameters.input_spans");
  }
  for (let j = 0; j < d; j++) {
    if (o.input_spans) {
      spans.push(requirePositive(o.input_spans[j], `hyperparameters.input_spans.${j}`));
      continue;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const row of data.X) {
      lo = Math.min(lo, row[j] as number);
      hi = Math.max(hi, row[j] as number);
    }
    spans.push(hi > lo ? hi - lo : 1);
  }
  const geo = Math.exp(spans.reduce((a, s) => a + Math.log(s), 0) / d);
  let ls: number[];
  if (lsGiven === undefined) {
    ls = ard ? spans.map((s) => s / 2) : [geo / 2];
  } else if (typeof lsGiven === "number") {
    requirePositive(lsGiven, "hyperparameters.length_scale");
    ls = new Array<number>(nl).fill(lsGiven);
  } else {
    if (!Array.isArray(lsGiven) || lsGiven.length !== nl) {
      throw new InvalidArgumentError(`length_scale must be a number or have one value per parameter (${d})${ard ? "" : " with ard: true"}`, "hyperparameters.length_scale");
    }
    ls = lsGiven.map((v, i) => requirePositive(v, `hyperparameters.length_scale.${i}`));
  }
  const s2 = variance(data.y, mean_function === "zero");
  const scale = Number.isFinite(s2) && s2 > 0 ? s2 : 1;
  const sf = o.signal_variance === undefined ? scale : requirePositive(o.signal_variance, "hyperparameters.signal_variance");
  const sn = o.noise_variance === undefined ? 0.01 * scale : requirePositive(o.noise_variance, "hyperparameters.noise_variance");

  const lower: number[] = [];
  const upper: number[] = [];
  const b = o.bounds ?? {};
  for (let k = 0; k < nl; k++) {
    let pair: [number, number];
    const lb = b.length_scale;
    if (lb !== undefined && Array.isArray(lb[0])) {
      const arr = lb as readonly (readonly [number, number])[];
      if (arr.length !== nl) throw new InvalidArgumentError(`bounds.length_scale must have ${nl} pairs`, "hyperparameters.bounds.length_scale");
      pair = boundPair(arr[k], `hyperparameters.bounds.length_scale.${k}`);
    } else if (lb !== undefined) {
      pair = boundPair(lb, "hyperparameters.bounds.length_scale");
    } else {
      pair = ard ? [spans[k]! / 100, spans[k]! * 100] : [Math.min(...spans) / 100, Math.max(...spans) * 100];
      pair = [Math.min(pair[0], ls[k]!), Math.max(pair[1], ls[k]!)];
    }
    lower.push(Math.log(pair[0]));
    upper.push(Math.log(pair[1]));
  }
  const sfb = b.signal_variance ? boundPair(b.signal_variance, "hyperparameters.bounds.signal_variance") : [Math.min(1e-3 * scale, sf), Math.max(1e3 * scale, sf)];
  const snb = b.noise_variance ? boundPair(b.noise_variance, "hyperparameters.bounds.noise_variance") : [Math.min(1e-8 * scale, sn), Math.max(10 * scale, sn)];
  lower.push(Math.log(sfb[0]!), Math.log(snb[0]!));
  upper.push(Math.log(sfb[1]!), Math.log(snb[1]!));
  return {
    kernel,
    ard,
    mean_function,
    init: { length_scale: ls, signal_variance: sf, noise_variance: sn },
    lower,
    upper,
    optimize: o.optimize ?? true,
  };
}

/**
 * Validates GP hyperparameter options for d inputs without data (kernel, mean_function, optimize,
 * positive values, length_scale count, bounds); throws InvalidArgumentError with
 * `hyperparameters.*` paths.
 */
export function validateGpOptions(o: GpOptions, d: number): void {
  if (o === null || typeof o !== "object") throw new InvalidArgumentError("hyperparameters must be an object", "hyperparameters");
  if (o.optimize !== undefined && typeof o.optimize !== "boolean") throw new InvalidArgumentError("optimize must be a boolean", "hyperparameters.optimize");
  if (o.ard !== undefined && typeof o.ard !== "boolean") throw new InvalidArgumentError("ard must be a boolean", "hyperparameters.ard");
  if (o.restarts !== undefined && !(Number.isInteger(o.restarts) && o.restarts >= 0)) throw new InvalidArgumentError("restarts must be an integer >= 0", "hyperparameters.restarts");
  // resolve() checks everything else; two synthetic rows spanning a unit box stand in for data
  const X = [new Array<number>(d).fill(0), new Array<number>(d).fill(1)];
  resolve({ X, y: [0, 1] }, d, o);
}

function toTheta(h: GpHyperparameters): number[] {
  return [...h.length_scale.map(Math.log), Math.log(h.signal_variance), Math.log(h.noise_variance)];
}

function fromTheta(theta: readonly number[], nl: number): GpHyperparameters {
  return {
    length_scale: theta.slice(0, nl).map(Math.exp),
    signal_variance: Math.exp(theta[nl] as number),
    noise_variance: Math.exp(theta[nl + 1] as number),
  };
}

function buildModel(
  kernel: Kernel,
  ard: boolean,
  mean_function: MeanFunction,
  hyp: GpHyperparameters,
  data: { X: number[][]; y: number[]; noise: number[] | null },
  factor: CholeskyFactor,
  alpha: Float64Array,
  mean: number,
  lml: number,
): GaussianProcessModel {
  const d = (data.X[0] as number[]).length;
  return {
    posterior_state: {
      model_type: "GaussianProcess",
      kernel: kernel.name,
      length_scale: ard ? [...hyp.length_scale] : (hyp.length_scale[0] as number),
      signal_variance: hyp.signal_variance,
      noise_variance: hyp.noise_variance,
      mean_function,
      mean,
      log_marginal_likelihood: lml,
      jitter: factor.jitter,
      training_data: data,
    },
    kernel,
    hyperparameters: hyp,
    factor,
    alpha,
    invL2: inverseSquaredLengthScales(hyp.length_scale, d),
  };
}

function copyData(data: TrainingData): { X: number[][]; y: number[]; noise: number[] | null } {
  return { X: data.X.map((r) => [...r]), y: [...data.y], noise: data.noise ? [...data.noise] : null };
}

// The optimiser's stopping rule: scipy's fmin_l_bfgs_b defaults (factr = 1e7, i.e. a relative
// decrease below 1e7 * machine epsilon, and a projected gradient below 1e-5), as scikit-learn's
// GaussianProcessRegressor uses them.
const FIT_FTOL = 1e7 * Number.EPSILON;
const FIT_PGTOL = 1e-5;
// Above SUBSET_FROM observations the multi-start search runs on a seeded random subset of
// SUBSET_SIZE observations (each evaluation ~(n / 100)^3 times cheaper), and only its best point
// (and the warm start) is then optimised on all the data.
const SUBSET_FROM = 150;
const SUBSET_SIZE = 100;

type Objective = (theta: number[]) => Evaluation;

function likelihoodObjective(r: Resolved, data: TrainingData, nl: number): Objective {
  const pairs = pairwiseSquaredDifferences(data.X);
  const workspace = gpWorkspace(data.X.length);
  return (theta) => {
    try {
      const t = gpLikelihoodTerms(r.kernel, data, fromTheta(theta, nl), r.mean_function, { pairs, workspace });
      return { f: -t.value, gradient: () => t.lazyGradient().map((v) => -v) };
    } catch (e) {
      if (e instanceof ConvergenceError) return { f: Infinity, g: theta.map(() => 0) };
      throw e;
    }
  };
}

/** The best of projected L-BFGS runs of `objective` from each start. */
function bestOfStarts(objective: Objective, starts: readonly number[][], r: Resolved, maxIterations: number): { x: number[]; f: number } {
  let best = { x: starts[0] as number[], f: Infinity };
  for (const s of starts) {
    const res = minimizeBounded(objective, s, { lower: r.lower, upper: r.upper, maxIterations, ftol: FIT_FTOL, pgtol: FIT_PGTOL });
    if (res.f < best.f) best = { x: res.x, f: res.f };
  }
  return best;
}

/** k distinct indices of 0..n-1 in random order (a partial Fisher-Yates shuffle). */
function sampleIndices(n: number, k: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < Math.min(k, n - 1); i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx.slice(0, k);
}

/**
 * Maximises the log marginal likelihood over log(length scales, signal variance, noise variance)
 * within bounds: projected L-BFGS with the analytic gradient from the initial values, the warm
 * start and `restarts` seeded uniform draws in the log box (as scikit-learn's
 * n_restarts_optimizer), keeping the best. With more than SUBSET_FROM observations the starts
 * are first optimised on a random subset and the best of them (and the warm start, whichever has
 * the higher full-data likelihood) is then optimised on all the data, so the multi-start costs
 * little and the full O(n^3) evaluations are spent near an optimum.
 */
function optimiseHyperparameters(r: Resolved, data: TrainingData, nl: number, options: GpOptions, rng: Rng): GpHyperparameters {
  const n = data.X.length;
  const maxIterations = options.max_iterations ?? 200;
  const clamp = (theta: number[]) => theta.map((v, i) => Math.min(r.upper[i]!, Math.max(r.lower[i]!, v)));
  const init = clamp(toTheta(r.init));
  const warm = options.warm_start && options.warm_start.length_scale.length === nl ? clamp(toTheta(options.warm_start)) : null;
  const restarts = options.restarts ?? (n <= 100 || n > SUBSET_FROM ? 4 : 2);
  const random = Array.from({ length: restarts }, () => r.lower.map((lo, i) => lo + rng() * (r.upper[i]! - lo)));
  const full = likelihoodObjective(r, data, nl);
  let best: { x: number[]; f: number };
  if (n <= SUBSET_FROM) {
    best = bestOfStarts(full, [init, ...(warm ? [warm] : []), ...random], r, maxIterations);
  } else {
    // nested random subsets of 100, 200, 400, ... observations, then all of them: the
    // multi-start runs on the smallest, each level starts from the previous level's optimum
    const order = sampleIndices(n, n, rng);
    const sizes: number[] = [];
    for (let m = SUBSET_SIZE; 2 * m <= n; m *= 2) sizes.push(m);
    sizes.push(n);
    let starts = [init, ...(warm ? [warm] : []), ...random];
    best = { x: init, f: Infinity };
    for (const m of sizes) {
      const idx = m === n ? null : order.slice(0, m);
      const level: TrainingData = idx
        ? {
            X: idx.map((i) => data.X[i] as number[]),
            y: idx.map((i) => data.y[i] as number),
            noise: data.noise ? idx.map((i) => (data.noise as readonly number[])[i] as number) : null,
          }
        : data;
      if (!idx && warm) {
        // the warm start (the previous fit, usually a few observations ago) competes for the
        // one full-data run by its full-data likelihood
        const value = (theta: number[]) => {
          try {
            return gpLikelihoodTerms(r.kernel, data, fromTheta(theta, nl), r.mean_function).value;
          } catch (e) {
            if (e instanceof ConvergenceError) return -Infinity;
            throw e;
          }
        };
        if (value(warm) > value(starts[0] as number[])) starts = [warm];
      }
      best = bestOfStarts(idx ? likelihoodObjective(r, level, nl) : full, starts, r, maxIterations);
      // carry the length scales and signal variance up, but approach the noise from above
      const next = [...best.x];
      next[nl + 1] = Math.max(next[nl + 1] as number, init[nl + 1] as number);
      starts = [next];
    }
  }
  if (!Number.isFinite(best.f)) throw new ConvergenceError("no hyperparameter start gave a positive-definite covariance");
  return fromTheta(best.x, nl);
}

/**
 * Fits a GP to (X, y): maximises the log marginal likelihood over log(length scales, signal
 * variance, noise variance) within bounds by projected L-BFGS with the analytic gradient, from
 * the initial values, the warm start and `restarts` seeded uniform draws in the log box (as
 * scikit-learn's n_restarts_optimizer), keeping the best (on nested subsets first when n > 150:
 * see optimiseHyperparameters); or keeps the values fixed when `optimize` is false or n = 1
 * (Rasmussen & Williams 2006, §5.4.1).
 */
export function fitGaussianProcess(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: GpOptions,
  rng: Rng,
): GaussianProcessModel {
  const data = copyData({ X, y, noise: options.noise ?? null });
  const d = validateTrainingData(data);
  const r = resolve(data, d, options);
  const nl = r.ard ? d : 1;
  let best = r.init;
  if (r.optimize && data.X.length > 1) best = optimiseHyperparameters(r, data, nl, options, rng);
  const t = gpLikelihoodTerms(r.kernel, data, best, r.mean_function);
  return buildModel(r.kernel, r.ard, r.mean_function, best, data, t.factor, t.alpha, t.mean, t.value);
}

/** Rebuilds a fitted GP from its JSON posterior state (one factorisation, no refitting). */
export function restoreGaussianProcess(state: GpPosteriorState): GaussianProcessModel {
  if (!state || state.model_type !== "GaussianProcess") throw new InvalidArgumentError("posterior_state is not a GaussianProcess state", "posterior_state.model_type");
  const kernel = getKernel(state.kernel, "posterior_state.kernel");
  const data = copyData(state.training_data);
  const d = validateTrainingData(data);
  const ard = Array.isArray(state.length_scale);
  const ls = ard ? (state.length_scale as number[]) : [state.length_scale as number];
  if (ard && ls.length !== d) throw new InvalidArgumentError(`length_scale must have ${d} values`, "posterior_state.length_scale");
  ls.forEach((v, i) => requirePositive(v, `posterior_state.length_scale${ard ? `.${i}` : ""}`));
  const hyp: GpHyperparameters = {
    length_scale: ls,
    signal_variance: requirePositive(state.signal_variance, "posterior_state.signal_variance"),
    noise_variance: requirePositive(state.noise_variance, "posterior_state.noise_variance"),
  };
  const t = gpLikelihoodTerms(kernel, data, hyp, state.mean_function, { jitter: state.jitter ?? 0 });
  return buildModel(kernel, ard, state.mean_function, hyp, data, t.factor, t.alpha, t.mean, t.value);
}

/**
 * Adds one observation at fixed hyperparameters in O(n^2): the Cholesky factor is extended by one
 * row (bordered update), then the GLS mean, K^-1(y - m) and the log marginal likelihood are
 * recomputed by triangular solves. Gives the same posterior as a full refit at those
 * hyperparameters (falls back to a full factorisation only if the new pivot is not positive).
 */
export function addObservation(model: GaussianProcessModel, x: readonly number[], y: number, noise?: number): GaussianProcessModel {
  const st = model.posterior_state;
  const d = model.invL2.length;
  validatePoint(x, d, "x");
  if (!Number.isFinite(y)) throw new InvalidArgumentError(`y must be finite, got ${y}`, "y");
  if (noise !== undefined && (!Number.isFinite(noise) || noise < 0)) throw new InvalidArgumentError(`noise must be finite and >= 0, got ${noise}`, "noise");
  const old = st.training_data;
  const n = old.X.length;
  const data = {
    X: [...old.X, [...x]],
    y: [...old.y, y],
    noise: old.noise || (noise ?? 0) > 0 ? [...(old.noise ?? new Array<number>(n).fill(0)), noise ?? 0] : null,
  };
  const hyp = model.hyperparameters;
  const k = crossCovariance(model.kernel, x, old.X, hyp.signal_variance, model.invL2);
  const c = hyp.signal_variance + hyp.noise_variance + (noise ?? 0) + st.jitter;
  const L = choleskyAppend(model.factor.L, n, k, c);
  let factor: CholeskyFactor;
  if (L) {
    factor = { L, n: n + 1, jitter: st.jitter };
  } else {
    factor = choleskyWithJitter(trainingCovariance(model.kernel, data.X, hyp, data.noise), n + 1, st.jitter);
  }
  const m = n + 1;
  let mean = 0;
  let alpha: Float64Array;
  if (st.mean_function === "constant") {
    const g = glsConstantMean(factor, data.y);
    mean = g.mean;
    alpha = new Float64Array(m);
    for (let i = 0; i < m; i++) alpha[i] = (g.kinvY[i] as number) - mean * (g.kinvOnes[i] as number);
  } else {
    alpha = choleskySolve(factor.L, m, data.y);
  }
  let quad = 0;
  for (let i = 0; i < m; i++) quad += ((data.y[i] as number) - mean) * (alpha[i] as number);
  const lml = -0.5 * quad - halfLogDet(factor.L, m) - m * HALF_LOG_2PI;
  return buildModel(model.kernel, Array.isArray(st.length_scale), st.mean_function, hyp, data, factor, alpha, mean, lml);
}

/**
 * Posterior of the latent f at each point: mean m + k*' K^-1 (y - m), variance
 * sf - v'v with v = L^-1 k* (clipped at 0, as scikit-learn does), and std_with_noise adding the
 * homoscedastic noise_variance (Rasmussen & Williams 2006, Alg. 2.1).
 */
export function predictGp(model: GaussianProcessModel, Xstar: readonly (readonly number[])[]): Prediction[] {
  const d = model.invL2.length;
  const st = model.posterior_state;
  const { L, n } = model.factor;
  const sf = model.hyperparameters.signal_variance;
  const m = Xstar.length;
  const K = new Float64Array(m * n); // row i: k(x*_i, X)
  const means = new Float64Array(m);
  Xstar.forEach((x, i) => {
    validatePoint(x, d, `Xstar.${i}`);
    const k = crossCovariance(model.kernel, x, st.training_data.X, sf, model.invL2);
    let mean = st.mean;
    for (let j = 0; j < n; j++) mean += (k[j] as number) * (model.alpha[j] as number);
    means[i] = mean;
    K.set(k, i * n);
  });
  // v_i = L^-1 k_i for all points at once (the WebAssembly kernel for larger problems)
  const kernels = n >= 24 && m >= 4 ? denseKernels() : null;
  const V = kernels ? kernels.solveLowerRows(L, n, K, m) : null;
  return Array.from({ length: m }, (_, i) => {
    const v = V ? V.subarray(i * n, (i + 1) * n) : solveLower(L, n, K.subarray(i * n, (i + 1) * n));
    let vv = 0;
    for (let j = 0; j < n; j++) vv += (v[j] as number) * (v[j] as number);
    const mean = means[i] as number;
    const variance = Math.max(0, sf - vv);
    const std = Math.sqrt(variance);
    return {
      mean,
      std,
      std_with_noise: Math.sqrt(variance + model.hyperparameters.noise_variance),
      distribution: { family: "normal" as const, mean, std },
    };
  });
}

/** The posterior mean and std at x with their gradients in x, through the kernel derivative dc/d(r^2). */
export function predictGpWithGradient(
  model: GaussianProcessModel,
  x: readonly number[],
): { mean: number; std: number; dmean: number[]; dstd: number[] } {
  const st = model.posterior_state;
  const X = st.training_data.X;
  const { L, n } = model.factor;
  const d = model.invL2.length;
  const sf = model.hyperparameters.signal_variance;
  const k = new Float64Array(n);
  const dk: Float64Array[] = Array.from({ length: d }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const xj = X[j] as number[];
    const r2 = scaledSquaredDistance(x, xj, model.invL2);
    k[j] = sf * model.kernel.corr(r2);
    const dc = sf * model.kernel.dcorr(r2);
    for (let q = 0; q < d; q++) (dk[q] as Float64Array)[j] = dc * 2 * ((x[q] as number) - (xj[q] as number)) * (model.invL2[q] as number);
  }
  let mean = st.mean;
  for (let j = 0; j < n; j++) mean += (k[j] as number) * (model.alpha[j] as number);
  const v = solveLower(L, n, k);
  let vv = 0;
  for (let j = 0; j < n; j++) vv += (v[j] as number) * (v[j] as number);
  const variance = Math.max(0, sf - vv);
  const std = Math.sqrt(variance);
  const w = solveUpperTransposed(L, n, v); // K^-1 k*
  const dmean: number[] = [];
  const dstd: number[] = [];
  for (let q = 0; q < d; q++) {
    const dq = dk[q] as Float64Array;
    let dm = 0;
    let dvar = 0;
    for (let j = 0; j < n; j++) {
      dm += (dq[j] as number) * (model.alpha[j] as number);
      dvar -= 2 * (dq[j] as number) * (w[j] as number);
    }
    dmean.push(dm);
    dstd.push(std > 1e-12 * Math.sqrt(sf) ? dvar / (2 * std) : 0);
  }
  return { mean, std, dmean, dstd };
}

/**
 * Posterior means of f at the training inputs in O(n): since K alpha = y - m with
 * K = K_f + D (D the diagonal noise and jitter), m + K_f alpha = y - D alpha.
 */
export function gpFittedMeans(model: GaussianProcessModel): number[] {
  const st = model.posterior_state;
  const { y, noise } = st.training_data;
  return y.map((v, i) => v - (model.hyperparameters.noise_variance + (noise ? (noise[i] as number) : 0) + st.jitter) * (model.alpha[i] as number));
}
