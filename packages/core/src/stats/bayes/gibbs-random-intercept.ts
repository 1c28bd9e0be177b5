// Seeded Gibbs sampler for the linear model with a random intercept,
// y_ij = x_ij' beta + b_j + e_ij, b_j ~ N(0, tau^2), e_ij ~ N(0, sigma^2), with a flat prior on
// beta and conjugate inverse-gamma priors on sigma^2 and tau^2 (Gelman et al., BDA3, sections
// 5.4 and 15.4; the hierarchical normal model is the case x_ij = 1). beta is drawn with b
// integrated out, then b given beta: a blocked draw of (beta, b). Several chains from spread
// starting points, warm-up discarded, posterior summaries with split R-hat and effective sizes.

import { InvalidArgumentError } from "../../errors.js";
import { gammaDraw } from "../../bandit/sampling.js";
import { normalDraw, type Rng } from "../../random/rng.js";
import { backwardSolveTransposed, choleskyInPlace, forwardSolve } from "../matrix/dense-cholesky.js";
import { summarizeDraws } from "./posterior-summary.js";

export interface GibbsOptions {
  readonly rng: Rng;
  /** Chains (default 4, at least 2). */
  readonly chains?: number;
  /** Kept draws per chain (default 1000). */
  readonly draws?: number;
  /** Warm-up draws per chain, discarded (default: draws). */
  readonly warmup?: number;
  /** Inverse-gamma(shape, rate) prior of sigma^2 and of tau^2 (default 0.001, 0.001). */
  readonly prior_shape?: number;
  readonly prior_rate?: number;
  readonly level?: number;
  readonly onProgress?: (done: number) => void;
}

export interface PosteriorRow {
  readonly term: string;
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
  readonly rhat: number;
  readonly ess: number;
}

export interface GibbsResult {
  readonly parameters: PosteriorRow[];
  readonly chains: number;
  readonly draws: number;
  readonly warmup: number;
  readonly level: number;
  readonly max_rhat: number;
  readonly min_ess: number;
}

/**
 * Gibbs sampling of (beta, b, sigma^2, tau^2) given the fixed-effects columns X (n x p, by
 * column), the response y and each row's group index (0..J-1). Reports beta by `terms`, then
 * `sd_(Intercept)` (tau) and `sigma`, like lme4's fixed effects and variance components.
 */
export function gibbsRandomIntercept(
  X: readonly Float64Array[],
  terms: readonly string[],
  y: ArrayLike<number>,
  group: ArrayLike<number>,
  groups: number,
  options: GibbsOptions,
): GibbsResult {
  const rng = options.rng;
  const M = options.chains ?? 4;
  const D = options.draws ?? 1000;
  const W = options.warmup ?? D;
  const a0 = options.prior_shape ?? 0.001;
  const r0 = options.prior_rate ?? 0.001;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(M) || M < 2) throw new InvalidArgumentError("options.chains must be an integer >= 2", "options.chains");
  if (!Number.isInteger(D) || D < 100) throw new InvalidArgumentError("options.draws must be an integer >= 100", "options.draws");
  if (groups < 2) throw new InvalidArgumentError("the random intercept needs at least 2 groups", "specification.formula");
  const n = y.length;
  const p = X.length;
  // Cross-products: X'X, X'y, and per group the column sums s_j = X_j'1 and t_j = sum of y.
  const XtX = new Float64Array(p * p);
  const Xty = new Float64Array(p);
  const sj = new Float64Array(groups * p);
  const tj = new Float64Array(groups);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    tj[g]! += y[i]!;
    for (let a = 0; a < p; a++) {
      const xa = X[a]![i]!;
      Xty[a]! += xa * y[i]!;
      sj[g * p + a]! += xa;
      for (let b = 0; b < p; b++) XtX[a * p + b]! += xa * X[b]![i]!;
    }
  }
  const check = Float64Array.from(XtX);
  if (!choleskyInPlace(check, p)) throw new InvalidArgumentError("the fixed-effects columns are linearly dependent", "specification.formula");
  const L = new Float64Array(p * p);
  const nj = new Float64Array(groups);
  for (let i = 0; i < n; i++) nj[group[i]!]! += 1;
  let ybar = 0;
  let yvar = 0;
  for (let i = 0; i < n; i++) ybar += y[i]! / n;
  for (let i = 0; i < n; i++) yvar += (y[i]! - ybar) ** 2 / (n - 1);

  const K = p + 2;
  const store: number[][][] = Array.from({ length: K }, () => Array.from({ length: M }, () => []));
  const resid = new Float64Array(n);
  const rhs = new Float64Array(p);
  const z = new Float64Array(p);
  for (let c = 0; c < M; c++) {
    // Spread starting points: variances scaled by 4^{+-1} around the response variance.
    const scale = 4 ** ((2 * c) / (M - 1) - 1);
    let sigma2 = yvar * scale;
    let tau2 = yvar / scale;
    const b = Float64Array.from({ length: groups }, () => Math.sqrt(tau2) * normalDraw(rng));
    const beta = new Float64Array(p);
    for (let it = 0; it < W + D; it++) {
      // beta | sigma2, tau2 with b integrated out (a blocked draw of (beta, b), which mixes far
      // better than beta | b): V_j^{-1} = (I - gamma_j / n_j 11') / sigma2,
      // gamma_j = n_j tau2 / (sigma2 + n_j tau2), so X'V^{-1}X and X'V^{-1}y need only group sums.
      L.set(XtX);
      rhs.set(Xty);
      for (let j = 0; j < groups; j++) {
        const w = tau2 / (sigma2 + nj[j]! * tau2);
        for (let a = 0; a < p; a++) {
          const sa = sj[j * p + a]!;
          rhs[a]! -= w * sa * tj[j]!;
          for (let bcol = 0; bcol < p; bcol++) L[a * p + bcol]! -= w * sa * sj[j * p + bcol]!;
        }
      }
      // L L' = sigma2 X'V^{-1}X; mean = (L L')^{-1} (sigma2 X'V^{-1}y); covariance sigma2 (L L')^{-1}.
      if (!choleskyInPlace(L, p)) throw new InvalidArgumentError("the fixed-effects precision is not positive definite", "specification.formula");
      forwardSolve(L, p, rhs, 1);
      backwardSolveTransposed(L, p, rhs, 1);
      for (let a = 0; a < p; a++) z[a] = normalDraw(rng);
      backwardSolveTransposed(L, p, z, 1);
      const sd = Math.sqrt(sigma2);
      for (let a = 0; a < p; a++) beta[a] = rhs[a]! + sd * z[a]!;
      // b_j | beta, sigma2, tau2: precision n_j / sigma2 + 1 / tau2.
      const sums = new Float64Array(groups);
      for (let i = 0; i < n; i++) {
        let f = 0;
        for (let a = 0; a < p; a++) f += X[a]![i]! * beta[a]!;
        resid[i] = y[i]! - f;
        sums[group[i]!]! += resid[i]!;
      }
      let bb = 0;
      for (let j = 0; j < groups; j++) {
        const prec = nj[j]! / sigma2 + 1 / tau2;
        b[j] = sums[j]! / sigma2 / prec + normalDraw(rng) / Math.sqrt(prec);
        bb += b[j]! * b[j]!;
      }
      // sigma2 | rest ~ IG(a0 + n/2, r0 + SSR/2); tau2 | b ~ IG(a0 + J/2, r0 + sum b^2 / 2).
      let ssr = 0;
      for (let i = 0; i < n; i++) ssr += (resid[i]! - b[group[i]!]!) ** 2;
      sigma2 = (r0 + ssr / 2) / gammaDraw(rng, a0 + n / 2);
      tau2 = (r0 + bb / 2) / gammaDraw(rng, a0 + groups / 2);
      if (it >= W) {
        for (let a = 0; a < p; a++) store[a]![c]!.push(beta[a]!);
        store[p]![c]!.push(Math.sqrt(tau2));
        store[p + 1]![c]!.push(Math.sqrt(sigma2));
      }
      options.onProgress?.((c * (W + D) + it + 1) / (M * (W + D)));
    }
  }
  const names = [...terms, "sd_(Intercept)", "sigma"];
  const parameters = names.map((term, k) => summarizeDraws(term, store[k]!, level));
  return {
    parameters,
    chains: M,
    draws: D,
    warmup: W,
    level,
    max_rhat: Math.max(...parameters.map((r) => r.rhat)),
    min_ess: Math.min(...parameters.map((r) => r.ess)),
  };
}
