// The DirichletProcess surrogate: a Dirichlet-process mixture of linear experts with Gaussian
// covariate densities (the DP-GLM of Hannah, Blei & Powell 2011, JMLR 12), fitted by mean-field
// variational inference with a truncated stick-breaking representation (Blei & Jordan 2006,
// "Variational inference for Dirichlet process mixtures"). Each component k has
//   x_d | k ~ N(mu_kd, 1/tau_kd)            (mu, tau) ~ Normal-Gamma(0, kappa0, ax0, bx0)
//   y | x, k ~ N([1, x]' w_k, sigma_k^2)    (w, sigma^2) ~ NIG(0, I/lambda, c0, e0)
// on standardised inputs and targets; the predictive at x is a Gaussian mixture whose weights are
// the components' responsibilities for x, which captures multimodal / regime-switching responses.
// Seeded: the rng only drives the k-means++ initialisation. Per-observation noise is not used.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { cholesky, choleskySolve, solveLower } from "./cholesky.js";
import { digamma, logGamma } from "./log-gamma.js";
import { requirePositive, validatePoint, validateTrainingData } from "./training-data.js";
import type { Prediction } from "./types.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of `fitDirichletProcess` (the model's `hyperparameters`). */
export interface DirichletProcessOptions {
  /** Truncation level T of the stick-breaking representation (default 10). */
  readonly truncation?: number;
  /** DP concentration alpha (default 1). */
  readonly concentration?: number;
  /** Coordinate-ascent iterations (default 300) and tolerance on responsibilities (default 1e-7). */
  readonly max_iterations?: number;
  readonly tolerance?: number;
}

/** Variational factors of one component (standardised units). */
export interface DpComponent {
  /** q(v_k) = Beta(gamma1, gamma2) (gamma2 = 0 for the last component, where v_T = 1). */
  readonly gamma1: number;
  readonly gamma2: number;
  /** q(mu_d, tau_d) = NormalGamma(m_d, kappa, a, b_d). */
  readonly x: { readonly m: number[]; readonly kappa: number; readonly a: number; readonly b: number[] };
  /** q(w, sigma^2) = NIG: precision Lambda, mean, shape c and rate e. */
  readonly regression: { readonly precision: number[][]; readonly mean: number[]; readonly c: number; readonly e: number };
}

/** The plain-JSON posterior of a DirichletProcess model. */
export interface DirichletProcessPosteriorState {
  readonly model_type: "DirichletProcess";
  readonly truncation: number;
  readonly concentration: number;
  readonly x_center: number[];
  readonly x_scale: number[];
  readonly y_center: number;
  readonly y_scale: number;
  readonly components: DpComponent[];
  /** Expected number of observations per component. */
  readonly counts: number[];
  readonly iterations: number;
  readonly converged: boolean;
  /** Variational fits report no marginal likelihood. */
  readonly log_marginal_likelihood: null;
  readonly training_data: { readonly X: number[][]; readonly y: number[]; readonly noise: number[] | null };
}

interface Prepared {
  state: DirichletProcessPosteriorState;
  chol: Float64Array[];
  logWeights: number[]; // log E[pi_k]
}

/** A fitted DirichletProcess model. */
export interface DirichletProcessModel {
  readonly posterior_state: DirichletProcessPosteriorState;
  readonly chol: readonly Float64Array[];
  readonly logWeights: readonly number[];
}

// Prior constants (standardised units): cluster centres vague, cluster widths ~0.5 sd, expert
// weights N(0, 10 sigma^2), expert noise E[sigma^2] = 0.05.
const KAPPA0 = 0.01;
const AX0 = 2;
const BX0 = 0.5;
const LAMBDA = 0.1;
const C0 = 2;
const E0 = 0.05;

function options(o: DirichletProcessOptions) {
  const T = o.truncation ?? 10;
  if (!Number.isInteger(T) || T < 1 || T > 100) throw new InvalidArgumentError(`truncation must be an integer in [1, 100], got ${T}`, "hyperparameters.truncation");
  const alpha = o.concentration === undefined ? 1 : requirePositive(o.concentration, "hyperparameters.concentration");
  return { T, alpha, maxIter: o.max_iterations ?? 300, tol: o.tolerance ?? 1e-7 };
}

function standardise(values: readonly number[]): { c: number; s: number } {
  const n = values.length;
  const c = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - c) ** 2, 0) / n);
  return { c, s: sd > 0 ? sd : 1 };
}

// M-step: variational factors from responsibilities R (n x T) on standardised data Z, ys.
function mStep(Z: number[][], ys: number[], R: number[][], T: number, alpha: number): { components: DpComponent[]; counts: number[] } {
  const n = Z.length;
  const d = (Z[0] as number[]).length;
  const p = d + 1;
  const counts = new Array<number>(T).fill(0);
  for (const r of R) for (let k = 0; k < T; k++) counts[k] = (counts[k] as number) + (r[k] as number);
  const components: DpComponent[] = [];
  let tail = counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < T; k++) {
    const Nk = counts[k] as number;
    tail -= Nk;
    const gamma1 = k < T - 1 ? 1 + Nk : 1;
    const gamma2 = k < T - 1 ? alpha + Math.max(0, tail) : 0;
    // Normal-Gamma per input dimension
    const m: number[] = [];
    const b: number[] = [];
    const kappa = KAPPA0 + Nk;
    const a = AX0 + Nk / 2;
    for (let j = 0; j < d; j++) {
      let sx = 0;
      for (let i = 0; i < n; i++) sx += (R[i] as number[])[k]! * (Z[i] as number[])[j]!;
      const xbar = Nk > 1e-300 ? sx / Nk : 0;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (R[i] as number[])[k]! * ((Z[i] as number[])[j]! - xbar) ** 2;
      m.push((Nk * xbar) / kappa);
      b.push(BX0 + 0.5 * ss + (KAPPA0 * Nk * xbar * xbar) / (2 * kappa));
    }
    // NIG linear expert on [1, z]
    const precision = Array.from({ length: p }, (_, r) => Array.from({ length: p }, (_, c) => (r === c ? LAMBDA : 0)));
    const rhs = new Array<number>(p).fill(0);
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const w = (R[i] as number[])[k]!;
      if (w === 0) continue;
      const phi = [1, ...(Z[i] as number[])];
      const yi = ys[i] as number;
      for (let r = 0; r < p; r++) {
        rhs[r] = rhs[r]! + w * phi[r]! * yi;
        for (let c = 0; c < p; c++) (precision[r] as number[])[c] = (precision[r] as number[])[c]! + w * phi[r]! * phi[c]!;
      }
      syy += w * yi * yi;
    }
    const L = cholesky(Float64Array.from(precision.flat()), p) as Float64Array;
    const mean = Array.from(choleskySolve(L, p, rhs));
    let mLm = 0;
    for (let r = 0; r < p; r++) mLm += mean[r]! * rhs[r]!;
    components.push({
      gamma1,
      gamma2,
      x: { m, kappa, a, b },
      regression: { precision, mean, c: C0 + Nk / 2, e: E0 + 0.5 * Math.max(0, syy - mLm) },
    });
  }
  return { components, counts };
}

function componentFactors(components: readonly DpComponent[]): Float64Array[] {
  return components.map((c) => {
    const p = c.regression.mean.length;
    const L = cholesky(Float64Array.from(c.regression.precision.flat()), p);
    if (!L) throw new InvalidArgumentError("a component's precision is not positive-definite", "posterior_state.components");
    return L;
  });
}

function prepare(state: DirichletProcessPosteriorState): Prepared {
  const chol = componentFactors(state.components);
  // log E[pi_k] = log E[v_k] + sum_{j<k} log E[1 - v_j]
  const logWeights: number[] = [];
  let acc = 0;
  for (const c of state.components) {
    const tot = c.gamma1 + c.gamma2;
    logWeights.push(acc + (c.gamma2 === 0 ? 0 : Math.log(c.gamma1 / tot)));
    acc += c.gamma2 === 0 ? -Infinity : Math.log(c.gamma2 / tot);
  }
  return { state, chol, logWeights };
}

// E-step: responsibilities of each point (standardised z, y) under the variational factors.
function responsibilities(components: DpComponent[], chol: Float64Array[], z: number[], y: number): number[] {
  const T = components.length;
  const logRho = new Array<number>(T);
  let elogOneMinus = 0;
  for (let k = 0; k < T; k++) {
    const c = components[k] as DpComponent;
    let elogPi = elogOneMinus;
    if (c.gamma2 > 0) {
      const dg = digamma(c.gamma1 + c.gamma2);
      elogPi += digamma(c.gamma1) - dg;
      elogOneMinus += digamma(c.gamma2) - dg;
    }
    let lx = 0;
    const eLogTau = digamma(c.x.a);
    for (let j = 0; j < z.length; j++) {
      const bj = c.x.b[j] as number;
      lx += -0.5 * LOG_2PI + 0.5 * (eLogTau - Math.log(bj)) - 0.5 * ((c.x.a / bj) * (z[j]! - c.x.m[j]!) ** 2 + 1 / c.x.kappa);
    }
    const phi = [1, ...z];
    const p = phi.length;
    let mu = 0;
    for (let r = 0; r < p; r++) mu += phi[r]! * c.regression.mean[r]!;
    const v = solveLower(chol[k] as Float64Array, p, phi);
    let q = 0;
    for (let r = 0; r < p; r++) q += v[r]! * v[r]!;
    const { c: cc, e } = c.regression;
    const ly = -0.5 * LOG_2PI + 0.5 * (digamma(cc) - Math.log(e)) - 0.5 * ((cc / e) * (y - mu) ** 2 + q);
    logRho[k] = elogPi + lx + ly;
  }
  const mx = Math.max(...logRho);
  const w = logRho.map((v) => Math.exp(v - mx));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

// Seeded k-means++ (Arthur & Vassilvitskii 2007) plus a few Lloyd steps on (z, y): hard initial responsibilities.
function initialResponsibilities(Z: number[][], ys: number[], T: number, rng: Rng): number[][] {
  const n = Z.length;
  const pts = Z.map((z, i) => [...z, ys[i] as number]);
  const k0 = Math.max(1, Math.min(T, n, Math.ceil(Math.sqrt(n / 2))));
  const dist2 = (a: number[], b: number[]) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);
  const centres: number[][] = [pts[Math.floor(rng() * n)] as number[]];
  while (centres.length < k0) {
    const dmin = pts.map((p) => Math.min(...centres.map((c) => dist2(p, c))));
    const tot = dmin.reduce((a, b) => a + b, 0);
    if (!(tot > 0)) break;
    let u = rng() * tot;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= dmin[i] as number;
      if (u <= 0) {
        pick = i;
        break;
      }
    }
    centres.push([...(pts[pick] as number[])]);
  }
  let assign = new Array<number>(n).fill(0);
  for (let it = 0; it < 10; it++) {
    assign = pts.map((p) => {
      let best = 0;
      for (let k = 1; k < centres.length; k++) if (dist2(p, centres[k] as number[]) < dist2(p, centres[best] as number[])) best = k;
      return best;
    });
    for (let k = 0; k < centres.length; k++) {
      const members = pts.filter((_, i) => assign[i] === k);
      if (members.length) centres[k] = (centres[k] as number[]).map((_, j) => members.reduce((s, m) => s + m[j]!, 0) / members.length);
    }
  }
  return assign.map((a) => Array.from({ length: T }, (_, k) => (k === a ? 1 : 0)));
}

function runVi(
  Z: number[][],
  ys: number[],
  R0: number[][],
  o: ReturnType<typeof options>,
): { components: DpComponent[]; counts: number[]; iterations: number; converged: boolean } {
  let R = R0;
  let fit = mStep(Z, ys, R, o.T, o.alpha);
  let iterations = 0;
  let converged = false;
  while (iterations < o.maxIter) {
    iterations++;
    const chol = componentFactors(fit.components);
    const Rn = Z.map((z, i) => responsibilities(fit.components, chol, z, ys[i] as number));
    let delta = 0;
    for (let i = 0; i < Rn.length; i++) for (let k = 0; k < o.T; k++) delta = Math.max(delta, Math.abs(Rn[i]![k]! - R[i]![k]!));
    R = Rn;
    fit = mStep(Z, ys, R, o.T, o.alpha);
    if (delta < o.tol) {
      converged = true;
      break;
    }
  }
  return { ...fit, iterations, converged };
}

function toModel(state: DirichletProcessPosteriorState): DirichletProcessModel {
  const p = prepare(state);
  return { posterior_state: state, chol: p.chol, logWeights: p.logWeights };
}

/**
 * Fits the DP mixture of linear experts by coordinate-ascent variational inference (Blei & Jordan
 * 2006, §4; Hannah, Blei & Powell 2011, §3) from a seeded k-means++ initialisation; deterministic
 * for a given rng state.
 */
export function fitDirichletProcess(
  X: readonly (readonly number[])[],
  y: readonly number[],
  opts: DirichletProcessOptions,
  rng: Rng,
): DirichletProcessModel {
  validateTrainingData({ X, y, noise: null });
  const o = options(opts);
  const d = (X[0] as readonly number[]).length;
  const xs = Array.from({ length: d }, (_, j) => standardise(X.map((r) => r[j] as number)));
  const yst = standardise(y);
  const Z = X.map((r) => r.map((v, j) => (v - xs[j]!.c) / xs[j]!.s));
  const ys = y.map((v) => (v - yst.c) / yst.s);
  const fit = runVi(Z, ys, initialResponsibilities(Z, ys, o.T, rng), o);
  return toModel({
    model_type: "DirichletProcess",
    truncation: o.T,
    concentration: o.alpha,
    x_center: xs.map((s) => s.c),
    x_scale: xs.map((s) => s.s),
    y_center: yst.c,
    y_scale: yst.s,
    components: fit.components,
    counts: fit.counts,
    iterations: fit.iterations,
    converged: fit.converged,
    log_marginal_likelihood: null,
    training_data: { X: X.map((r) => [...r]), y: [...y], noise: null },
  });
}

/** Rebuilds a DirichletProcess model from its JSON state (no refitting). */
export function restoreDirichletProcess(state: DirichletProcessPosteriorState): DirichletProcessModel {
  if (!state || state.model_type !== "DirichletProcess") throw new InvalidArgumentError("posterior_state is not a DirichletProcess state", "posterior_state.model_type");
  return toModel(state);
}

/**
 * Adds one observation at fixed standardisation and priors: the new point's responsibilities
 * come from the current factors, then coordinate ascent resumes from there (no rng needed).
 */
export function conditionDirichletProcess(model: DirichletProcessModel, x: readonly number[], y: number): DirichletProcessModel {
  const st = model.posterior_state;
  validatePoint(x, st.x_center.length, "x");
  if (!Number.isFinite(y)) throw new InvalidArgumentError(`y must be finite, got ${y}`, "y");
  const X = [...st.training_data.X, [...x]];
  const yy = [...st.training_data.y, y];
  const Z = X.map((r) => r.map((v, j) => (v - st.x_center[j]!) / st.x_scale[j]!));
  const ys = yy.map((v) => (v - st.y_center) / st.y_scale);
  const R0 = Z.map((z, i) => responsibilities(st.components, model.chol as Float64Array[], z, ys[i] as number));
  const fit = runVi(Z, ys, R0, { T: st.truncation, alpha: st.concentration, maxIter: 100, tol: 1e-7 });
  return toModel({ ...st, ...fit, training_data: { X, y: yy, noise: null } });
}

/**
 * Predictive at each point: a Gaussian mixture over components with weights
 * E[pi_k] St(x; NG predictive of component k) (normalised), component means [1, z]' m_k, latent
 * variances E[sigma_k^2] phi' Lambda_k^-1 phi and noise E[sigma_k^2] (plug-in posterior means,
 * Hannah et al. 2011, eq. 7). `std` is the mixture's latent std, `std_with_noise` adds the noise.
 */
export function predictDirichletProcess(model: DirichletProcessModel, Xstar: readonly (readonly number[])[]): Prediction[] {
  const st = model.posterior_state;
  const d = st.x_center.length;
  return Xstar.map((x, i) => {
    validatePoint(x, d, `Xstar.${i}`);
    const z = x.map((v, j) => (v - st.x_center[j]!) / st.x_scale[j]!);
    const logw: number[] = [];
    const mus: number[] = [];
    const lat: number[] = [];
    const noi: number[] = [];
    st.components.forEach((c, k) => {
      // Normal-Gamma posterior predictive of each coordinate: Student-t_{2a}(m, b (kappa+1) / (a kappa))
      let lx = model.logWeights[k] as number;
      const nu = 2 * c.x.a;
      for (let j = 0; j < d; j++) {
        const s2 = (c.x.b[j]! * (c.x.kappa + 1)) / (c.x.a * c.x.kappa);
        const t2 = (z[j]! - c.x.m[j]!) ** 2 / s2;
        lx += logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI * s2) - ((nu + 1) / 2) * Math.log1p(t2 / nu);
      }
      logw.push(lx);
      const phi = [1, ...z];
      let mu = 0;
      for (let r = 0; r < phi.length; r++) mu += phi[r]! * c.regression.mean[r]!;
      const v = solveLower(model.chol[k] as Float64Array, phi.length, phi);
      let q = 0;
      for (let r = 0; r < phi.length; r++) q += v[r]! * v[r]!;
      const es2 = c.regression.e / (c.regression.c - 1);
      mus.push(st.y_center + st.y_scale * mu);
      lat.push(st.y_scale * st.y_scale * es2 * q);
      noi.push(st.y_scale * st.y_scale * es2);
    });
    const mx = Math.max(...logw);
    let w = logw.map((v) => (Number.isFinite(v) ? Math.exp(v - mx) : 0));
    const s = w.reduce((a, b) => a + b, 0);
    w = w.map((v) => v / s);
    let mean = 0;
    for (let k = 0; k < w.length; k++) mean += w[k]! * mus[k]!;
    let vLat = 0;
    let vNoisy = 0;
    for (let k = 0; k < w.length; k++) {
      vLat += w[k]! * (lat[k]! + (mus[k]! - mean) ** 2);
      vNoisy += w[k]! * (lat[k]! + noi[k]! + (mus[k]! - mean) ** 2);
    }
    const keep = w.map((v, k) => (v > 1e-12 ? k : -1)).filter((k) => k >= 0);
    const tot = keep.reduce((a, k) => a + w[k]!, 0);
    return {
      mean,
      std: Math.sqrt(vLat),
      std_with_noise: Math.sqrt(vNoisy),
      distribution: {
        family: "mixture" as const,
        weights: keep.map((k) => w[k]! / tot),
        means: keep.map((k) => mus[k]!),
        stds: keep.map((k) => Math.sqrt(lat[k]!)),
      },
    };
  });
}
