// The BayesianLinear surrogate: conjugate normal-inverse-gamma regression on a feature map
// (Bishop 2006, PRML §3.3; Murphy 2012, MLaPP §7.6.3): y_i ~ N(phi_i' w, sigma^2 nu_i),
// w | sigma^2 ~ N(0, sigma^2 / lambda I), sigma^2 ~ IG(a0, b0), on standardised targets.
// The predictive of a new target (and of the latent f) is Student-t with 2 a_n degrees of freedom.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { basisMatrix, basisSize, basisVector, createBasis } from "./basis-functions.js";
import type { BasisKind, BasisSpec } from "./basis-functions.js";
import { cholesky, choleskySolve, halfLogDet, solveLower } from "./cholesky.js";
import { logGamma } from "./log-gamma.js";
import { requirePositive, validatePoint, validateTrainingData } from "./training-data.js";
import type { Prediction } from "./types.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Options of `fitBayesianLinear` (the model's `hyperparameters`). */
export interface BayesianLinearOptions {
  /** Default "quadratic". */
  readonly basis?: BasisKind;
  /** rff: number of random features (default 100). */
  readonly features?: number;
  /** rff: length scale in standardised input units (default 1). */
  readonly length_scale?: number;
  /** lambda: prior precision of the weights relative to the noise (default 0.01). */
  readonly prior_precision?: number;
  /** Inverse-gamma prior of the noise variance on standardised targets (defaults 2 and 0.1; a0 >= 1). */
  readonly a0?: number;
  readonly b0?: number;
  /** Per-observation noise variances (original units); see `fitBayesianLinear`. */
  readonly noise?: readonly number[] | null;
}

/** The plain-JSON posterior of a BayesianLinear model. */
export interface BayesianLinearPosteriorState {
  readonly model_type: "BayesianLinear";
  readonly basis: BasisSpec;
  readonly prior: { readonly precision: number; readonly a0: number; readonly b0: number };
  /** Target standardisation: y_std = (y - y_center) / y_scale. */
  readonly y_center: number;
  readonly y_scale: number;
  /** Posterior natural parameters on standardised targets: Lambda_n, Lambda_n m_n, sum y^2/nu, a_n, b_n. */
  readonly posterior: { precision: number[][]; rhs: number[]; syy: number; a: number; b: number };
  /** Plug-in noise variance (standardised) that turns per-observation noise into relative variances nu_i. */
  readonly noise_reference: number;
  /** Posterior mean of the noise variance b_n / (a_n - 1), in the objective's units. */
  readonly noise_variance: number;
  /** log p(y) in the objective's units (the model evidence). */
  readonly log_marginal_likelihood: number;
  readonly training_data: { readonly X: number[][]; readonly y: number[]; readonly noise: number[] | null };
}

/** A fitted BayesianLinear model: its JSON state plus the factor of Lambda_n and the posterior mean. */
export interface BayesianLinearModel {
  readonly posterior_state: BayesianLinearPosteriorState;
  readonly cholPrecision: Float64Array;
  readonly mean: Float64Array;
}

function finish(state: Omit<BayesianLinearPosteriorState, "noise_variance" | "log_marginal_likelihood">, logNu: number): BayesianLinearModel {
  const p = state.posterior.rhs.length;
  const flat = new Float64Array(p * p);
  state.posterior.precision.forEach((row, i) => row.forEach((v, j) => (flat[i * p + j] = v)));
  const L = cholesky(flat, p);
  if (!L) throw new InvalidArgumentError("posterior precision is not positive-definite", "posterior_state.posterior.precision");
  const mean = choleskySolve(L, p, state.posterior.rhs);
  let mLm = 0;
  for (let i = 0; i < p; i++) mLm += (mean[i] as number) * (state.posterior.rhs[i] as number);
  const { a0, b0, precision } = state.prior;
  const n = state.training_data.y.length;
  const a = a0 + n / 2;
  const b = b0 + 0.5 * (state.posterior.syy - mLm);
  const bSafe = Math.max(b, 1e-12 * b0);
  // evidence (Murphy 2012, eq. 7.92 with V0 = I / lambda; Bishop 2006, eq. 3.86 with sigma^2 integrated out)
  const lml =
    -n * HALF_LOG_2PI - 0.5 * logNu + 0.5 * p * Math.log(precision) - halfLogDet(L, p) + a0 * Math.log(b0) - a * Math.log(bSafe) + logGamma(a) - logGamma(a0) -
    n * Math.log(state.y_scale);
  return {
    posterior_state: {
      ...state,
      posterior: { ...state.posterior, a, b: bSafe },
      noise_variance: (bSafe / (a - 1)) * state.y_scale * state.y_scale,
      log_marginal_likelihood: lml,
    },
    cholPrecision: L,
    mean,
  };
}

function accumulate(basis: BasisSpec, X: readonly (readonly number[])[], ys: readonly number[], nu: readonly number[], lambda: number) {
  const p = basisSize(basis);
  const precision = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? lambda : 0)));
  const rhs = new Array<number>(p).fill(0);
  let syy = 0;
  const Phi = basisMatrix(basis, X);
  Phi.forEach((phi, i) => {
    const w = 1 / (nu[i] as number);
    const yi = ys[i] as number;
    for (let r = 0; r < p; r++) {
      const pr = (phi[r] as number) * w;
      rhs[r] = (rhs[r] as number) + pr * yi;
      const row = precision[r] as number[];
      for (let c = 0; c < p; c++) row[c] = (row[c] as number) + pr * (phi[c] as number);
    }
    syy += w * yi * yi;
  });
  return { precision, rhs, syy };
}

/**
 * Fits the conjugate NIG regression (Murphy 2012, eqs. 7.69-7.73): Lambda_n = lambda I + Phi' N^-1 Phi,
 * m_n = Lambda_n^-1 Phi' N^-1 y, a_n = a0 + n/2, b_n = b0 + (y' N^-1 y - m_n' Lambda_n m_n) / 2, with
 * N = diag(nu). Per-observation noise enters as relative variances nu_i = 1 + noise_i / s^2, where
 * s^2 is the noise variance of a first fit with nu = 1 (a documented plug-in: exact conjugacy needs
 * noise proportional to sigma^2). The rng draws the random Fourier features.
 */
export function fitBayesianLinear(X: readonly (readonly number[])[], y: readonly number[], options: BayesianLinearOptions, rng: Rng): BayesianLinearModel {
  const noise = options.noise ?? null;
  validateTrainingData({ X, y, noise });
  const lambda = options.prior_precision === undefined ? 0.01 : requirePositive(options.prior_precision, "hyperparameters.prior_precision");
  const a0 = options.a0 === undefined ? 2 : requirePositive(options.a0, "hyperparameters.a0");
  if (a0 < 1) throw new InvalidArgumentError(`a0 must be >= 1 (finite predictive variance), got ${a0}`, "hyperparameters.a0");
  const b0 = options.b0 === undefined ? 0.1 : requirePositive(options.b0, "hyperparameters.b0");
  const basis = createBasis(options.basis ?? "quadratic", X, options, rng);
  const n = y.length;
  const yc = y.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(y.reduce((s, v) => s + (v - yc) ** 2, 0) / n);
  const ys = sd > 0 ? sd : 1;
  const yStd = y.map((v) => (v - yc) / ys);
  const data = { X: X.map((r) => [...r]), y: [...y], noise: noise ? [...noise] : null };
  const base = { model_type: "BayesianLinear" as const, basis, prior: { precision: lambda, a0, b0 }, y_center: yc, y_scale: ys, training_data: data };
  const ones = new Array<number>(n).fill(1);
  const first = finish({ ...base, posterior: { ...accumulate(basis, X, yStd, ones, lambda), a: 0, b: 0 }, noise_reference: 1 }, 0);
  if (!noise || noise.every((v) => v === 0)) return first;
  const s2 = first.posterior_state.posterior.b / (first.posterior_state.posterior.a - 1);
  const nu = noise.map((v) => 1 + v / (ys * ys) / s2);
  const logNu = nu.reduce((s, v) => s + Math.log(v), 0);
  return finish({ ...base, posterior: { ...accumulate(basis, X, yStd, nu, lambda), a: 0, b: 0 }, noise_reference: s2 }, logNu);
}

/** Rebuilds a BayesianLinear model from its JSON state (no refitting). */
export function restoreBayesianLinear(state: BayesianLinearPosteriorState): BayesianLinearModel {
  if (!state || state.model_type !== "BayesianLinear") throw new InvalidArgumentError("posterior_state is not a BayesianLinear state", "posterior_state.model_type");
  const noise = state.training_data.noise;
  const logNu = noise ? noise.reduce((s, v) => s + Math.log(1 + v / (state.y_scale * state.y_scale) / state.noise_reference), 0) : 0;
  return finish(state, logNu);
}

/**
 * Adds one observation by the conjugate update (Lambda += phi phi'/nu, Lambda m += phi y/nu,
 * a += 1/2), keeping the feature map, the standardisation and the noise reference fixed.
 */
export function conditionBayesianLinear(model: BayesianLinearModel, x: readonly number[], y: number, noise?: number): BayesianLinearModel {
  const st = model.posterior_state;
  validatePoint(x, st.basis.center.length, "x");
  if (!Number.isFinite(y)) throw new InvalidArgumentError(`y must be finite, got ${y}`, "y");
  const phi = basisVector(st.basis, x);
  const nu = 1 + (noise ?? 0) / (st.y_scale * st.y_scale) / st.noise_reference;
  const yi = (y - st.y_center) / st.y_scale;
  const precision = st.posterior.precision.map((row, r) => row.map((v, c) => v + ((phi[r] as number) * (phi[c] as number)) / nu));
  const rhs = st.posterior.rhs.map((v, r) => v + ((phi[r] as number) * yi) / nu);
  const old = st.training_data;
  const n = old.y.length;
  const hasNoise = old.noise !== null || (noise ?? 0) > 0;
  const data = {
    X: [...old.X, [...x]],
    y: [...old.y, y],
    noise: hasNoise ? [...(old.noise ?? new Array<number>(n).fill(0)), noise ?? 0] : null,
  };
  let logNu = 0;
  if (data.noise) for (const v of data.noise) logNu += Math.log(1 + v / (st.y_scale * st.y_scale) / st.noise_reference);
  return finish({ ...st, posterior: { precision, rhs, syy: st.posterior.syy + (yi * yi) / nu, a: 0, b: 0 }, training_data: data }, logNu);
}

/**
 * Predictive at each point (Murphy 2012, eq. 7.76): the latent f is Student-t with 2 a_n degrees
 * of freedom, location phi' m_n and scale^2 (b_n / a_n) phi' Lambda_n^-1 phi; a new observation
 * adds 1 to the last factor. `std` and `std_with_noise` are the Student-t standard deviations.
 */
export function predictBayesianLinear(model: BayesianLinearModel, Xstar: readonly (readonly number[])[]): Prediction[] {
  const st = model.posterior_state;
  const { a, b } = st.posterior;
  const p = model.mean.length;
  const dof = 2 * a;
  const tFactor = dof > 2 ? Math.sqrt(dof / (dof - 2)) : Infinity;
  return Xstar.map((x, i) => {
    validatePoint(x, st.basis.center.length, `Xstar.${i}`);
    const phi = basisVector(st.basis, x);
    let loc = 0;
    for (let k = 0; k < p; k++) loc += (phi[k] as number) * (model.mean[k] as number);
    const v = solveLower(model.cholPrecision, p, phi);
    let q = 0;
    for (let k = 0; k < p; k++) q += (v[k] as number) * (v[k] as number);
    const s2 = b / a;
    const mean = st.y_center + st.y_scale * loc;
    const scale = st.y_scale * Math.sqrt(s2 * q);
    return {
      mean,
      std: scale * tFactor,
      std_with_noise: st.y_scale * Math.sqrt(s2 * (1 + q)) * tFactor,
      distribution: { family: "student_t" as const, mean, scale, dof },
    };
  });
}
