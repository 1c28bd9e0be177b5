// Seeded blocked Gibbs sampler of the Gaussian linear mixed model
//   y = X beta + sum_t Z_t b_t + e,  b_{t,j} ~ N(0, Sigma_t) i.i.d. over the levels j of term t,
//   e ~ N(0, sigma^2 I),
// with any number of random-effects terms, each a vector of k_t correlated effects per level of
// its grouping factor (Gelman et al., BDA3, chapter 15; Zhao, Staudenmayer, Coull & Wand 2006,
// "General design Bayesian generalized linear mixed models", Statistical Science 21(1)).
//
// Priors. beta: flat. sigma^2: inverse-gamma(0.001, 0.001), as gibbs-random-intercept.ts.
// Sigma_t: the hierarchical inverse-Wishart of Huang & Wand (2013, "Simple marginally
// noninformative prior distributions for covariance matrices", Bayesian Analysis 8(2)):
//   Sigma_t | a ~ IW(nu + k - 1, 2 nu diag(1/a_1, ..., 1/a_k)),  a_r ~ IG(1/2, 1/A_r^2),
// which makes every standard deviation half-t(nu, A_r) and, for nu = 2 (the default), every
// correlation uniform on (-1, 1), while keeping all full conditionals conjugate. A k = 1 term
// (one random intercept, or each part of an uncorrelated `(x || g)`) gets an inverse-gamma
// variance given a, i.e. a half-t sd. The scales are set from the data, weakly informative in
// the sense of Gelman (2006) and Chung et al. (2015): A_r = 10 sd(y) / rms(z_r), the sd a random
// coefficient on column z_r would need to move y by ten of its standard deviations.
//
// Full conditionals, sampled in this order every iteration:
//   for each grouping factor f (its terms' effects stacked into u_j of size K per level j):
//     (beta, u_f) | rest jointly: beta with u_f integrated out, then u_f | beta. With
//     C_j = Z_j'Z_j + sigma^2 Psi^{-1} (Psi = blockdiag Sigma_t over the factor's terms) and
//     y* = y - (the other factors' Z b):
//       beta ~ N(A^{-1} c, sigma^2 A^{-1}), A = X'X - sum_j X_j'Z_j C_j^{-1} Z_j'X_j,
//                                           c = X'y* - sum_j X_j'Z_j C_j^{-1} Z_j'y*;
//       u_j ~ N(C_j^{-1} Z_j'(y*_j - X_j beta), sigma^2 C_j^{-1})  (k x k solves per level);
//     with one grouping factor this is a single block draw of all location parameters.
//   sigma^2 | rest ~ IG(0.001 + n/2, 0.001 + SSR/2);
//   a_r | Sigma_t ~ IG((nu + k)/2, nu (Sigma_t^{-1})_rr + 1/A_r^2);
//   Sigma_t | b, a ~ IW(nu + k - 1 + J_t, 2 nu diag(1/a) + sum_j b_tj b_tj').
// Everything is done on cross-products formed once — X'X, per level Z_j'Z_j and Z_j'X_j, and
// for two grouping factors Z_f'Z_g over the (level, level) cells that have rows — so an
// iteration never passes over the rows: O(J K^2 (K + p)) per factor plus the cells. The
// residual sum of squares comes from the same cross-products, expanded about the
// least-squares fit (e0 = y - X beta0, sampling delta = beta - beta0) to avoid cancellation.
// Several chains from dispersed starts; warm-up discarded; split R-hat and ESS per parameter.

import { InvalidArgumentError } from "../../errors.js";
import { gammaDraw } from "../../bandit/sampling.js";
import { normalDraw, type Rng } from "../../random/rng.js";
import { backwardSolveTransposed, choleskyInPlace, choleskyInverse, forwardSolve } from "../matrix/dense-cholesky.js";
import type { GibbsOptions, GibbsResult, PosteriorRow } from "./gibbs-random-intercept.js";
import { inverseWishartDraw } from "./inverse-wishart-draw.js";
import { summarizeDraws } from "./posterior-summary.js";

/** One random-effects term: k effects per level of a grouping factor. */
export interface GibbsRandomTerm {
  /** Grouping factor's name; terms with the same name share one factor (same level codes). */
  readonly group: string;
  /** Names of the term's k columns: `(Intercept)`, `Days`. */
  readonly columnNames: readonly string[];
  /** Level (0..levels-1) of every row. */
  readonly codes: ArrayLike<number>;
  readonly levels: number;
  /** The k per-row columns of the term's model matrix. */
  readonly z: readonly Float64Array[];
}

/** The random-intercept sampler's options (its inverse-gamma prior applies to sigma^2 only here), and the random-effect prior. */
export interface MixedGibbsOptions extends GibbsOptions {
  /** Huang–Wand nu: half-t degrees of freedom of every random-effect sd (default 2: uniform correlations). */
  readonly prior_df?: number;
  /** A_r = prior_sd_scale * sd(y) / rms(z_r) (default 10). */
  readonly prior_sd_scale?: number;
  /** Return every kept draw (`samples`, by parameter then chain). */
  readonly keep_draws?: boolean;
}

export type MixedParameterKind = "fixed" | "sd" | "cor" | "sigma";

/** A posterior row with what it describes: `sd_(Intercept)|Subject`, `cor_(Intercept).Days|Subject`. */
export interface MixedPosteriorRow extends PosteriorRow {
  readonly kind: MixedParameterKind;
  /** Grouping factor (sd, cor); null for fixed effects and sigma. */
  readonly group: string | null;
  /** Column of an sd, first column of a correlation. */
  readonly var1: string | null;
  /** Second column of a correlation. */
  readonly var2: string | null;
}

export interface MixedGibbsResult extends GibbsResult {
  readonly parameters: MixedPosteriorRow[];
  /** Prior in words (for the stored result). */
  readonly prior: string;
  /** Half-t scale A_r of every random-effect sd, in the order of the sd rows. */
  readonly sd_prior_scales: number[];
  /** Kept draws by parameter (as `parameters`), then chain (only with keep_draws). */
  readonly samples?: number[][][];
}

interface Factor {
  readonly K: number;
  readonly J: number;
  readonly codes: ArrayLike<number>;
  readonly z: readonly Float64Array[];
  /** The factor's terms (indexes into the term list) and their offsets within the K effects. */
  readonly slices: readonly { readonly t: number; readonly off: number; readonly k: number }[];
  readonly ZtZ: Float64Array; // J x K x K
  readonly ZtX: Float64Array; // J x K x p
  readonly Zte0: Float64Array; // J x K: Z_j' e0 (e0 = y minus the least-squares fit)
  readonly Zty: Float64Array; // J x K: Z_j' y*
  readonly chol: Float64Array; // J x K x K: Cholesky factors of C_j
  readonly G: Float64Array; // J x K x (p + 1): C_j^{-1} [Z_j'X_j | Z_j'y*]
  readonly u: Float64Array; // J x K: current effects
}

/** Cross-products Z_f'Z_g of two grouping factors f < g over the cells (level of f, level of g) that have rows. */
interface FactorPair {
  readonly f: number;
  readonly g: number;
  readonly cellF: Int32Array;
  readonly cellG: Int32Array;
  /** cells x K_f x K_g. */
  readonly block: Float64Array;
}

interface Model {
  readonly p: number;
  readonly XtX: Float64Array;
  /** X' e0. */
  readonly Xte: Float64Array;
  readonly e0e0: number;
  readonly factors: readonly Factor[];
  readonly pairs: readonly FactorPair[];
}

/** X'y* and Z_j'y* of factor fi for y* = e0 - (the other factors' Z u), from the cross-products. */
function otherFactorsOut(m: Model, fi: number, Xtys: Float64Array): void {
  const { p, factors } = m;
  const f = factors[fi]!;
  Xtys.set(m.Xte);
  f.Zty.set(f.Zte0);
  for (const g of factors) {
    if (g === f) continue;
    for (let j = 0; j < g.J; j++) {
      for (let a = 0; a < g.K; a++) {
        const ua = g.u[j * g.K + a]!;
        const zx = (j * g.K + a) * p;
        for (let b = 0; b < p; b++) Xtys[b]! -= g.ZtX[zx + b]! * ua;
      }
    }
  }
  for (const pr of m.pairs) {
    if (pr.f !== fi && pr.g !== fi) continue;
    // Z_f'Z_g u_g off factor f's Z'y*, or (Z_f'Z_g)' u_f off factor g's.
    const mine = pr.f === fi;
    const { cellF, cellG, block } = pr;
    const FK = factors[pr.f]!.K;
    const GK = factors[pr.g]!.K;
    const target = mine ? factors[pr.f]!.Zty : factors[pr.g]!.Zty;
    const source = mine ? factors[pr.g]!.u : factors[pr.f]!.u;
    const cells = cellF.length;
    for (let cell = 0; cell < cells; cell++) {
      const o = cell * FK * GK;
      const jf = cellF[cell]! * FK;
      const jg = cellG[cell]! * GK;
      for (let a = 0; a < FK; a++) {
        for (let b = 0; b < GK; b++) {
          const w = block[o + a * GK + b]!;
          if (mine) target[jf + a]! -= w * source[jg + b]!;
          else target[jg + b]! -= w * source[jf + a]!;
        }
      }
    }
  }
}

/**
 * The joint draw of (delta, u_f) given sigma2, the covariances and the other factors (folded
 * into Xtys and f.Zty): delta with u_f integrated out (Schur complement over the levels), then
 * every u_j given delta.
 */
function drawLocation(
  m: Model,
  fi: number,
  Xtys: Float64Array,
  Prec: readonly Float64Array[],
  sigma2: number,
  rng: Rng,
  delta: Float64Array,
  work: { Amat: Float64Array; cvec: Float64Array; z: Float64Array },
): void {
  const { p } = m;
  const f = m.factors[fi]!;
  const { K, J } = f;
  const { Amat, cvec, z } = work;
  Amat.set(m.XtX);
  cvec.set(Xtys);
  const q = p + 1;
  const ch = f.chol;
  for (let j = 0; j < J; j++) {
    // C_j = Z_j'Z_j + sigma2 Psi^{-1}; G_j = C_j^{-1} [Z_j'X_j | Z_j'y*].
    const co = j * K * K;
    for (let r = 0; r < K * K; r++) ch[co + r] = f.ZtZ[co + r]!;
    for (const sl of f.slices) {
      const P0 = Prec[sl.t]!;
      for (let a = 0; a < sl.k; a++) for (let b = 0; b < sl.k; b++) ch[co + (sl.off + a) * K + sl.off + b]! += sigma2 * P0[a * sl.k + b]!;
    }
    if (!choleskyInPlace(ch, K, co)) throw new InvalidArgumentError("a random-effects precision block is not positive definite", "specification.formula");
    const go = j * K * q;
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < p; b++) f.G[go + a * q + b] = f.ZtX[(j * K + a) * p + b]!;
      f.G[go + a * q + p] = f.Zty[j * K + a]!;
    }
    forwardSolve(ch, K, f.G, q, co, go);
    backwardSolveTransposed(ch, K, f.G, q, co, go);
    // A -= X_j'Z_j G_j[:, :p]; c -= X_j'Z_j G_j[:, p].
    for (let a = 0; a < K; a++) {
      const zx = (j * K + a) * p;
      for (let r = 0; r < p; r++) {
        const w = f.ZtX[zx + r]!;
        if (w === 0) continue;
        for (let s = 0; s < p; s++) Amat[r * p + s]! -= w * f.G[go + a * q + s]!;
        cvec[r]! -= w * f.G[go + a * q + p]!;
      }
    }
  }
  if (!choleskyInPlace(Amat, p)) throw new InvalidArgumentError("the fixed-effects precision is not positive definite", "specification.formula");
  forwardSolve(Amat, p, cvec, 1);
  backwardSolveTransposed(Amat, p, cvec, 1);
  for (let a = 0; a < p; a++) z[a] = normalDraw(rng);
  backwardSolveTransposed(Amat, p, z, 1);
  const sd = Math.sqrt(sigma2);
  for (let a = 0; a < p; a++) delta[a] = cvec[a]! + sd * z[a]!;
  // u_j | delta: mean G_j[:, p] - G_j[:, :p] delta, covariance sigma2 C_j^{-1}.
  for (let j = 0; j < J; j++) {
    for (let a = 0; a < K; a++) z[a] = normalDraw(rng);
    backwardSolveTransposed(ch, K, z, 1, j * K * K, 0);
    const go = j * K * q;
    for (let a = 0; a < K; a++) {
      let mean = f.G[go + a * q + p]!;
      for (let b = 0; b < p; b++) mean -= f.G[go + a * q + b]! * delta[b]!;
      f.u[j * K + a] = mean + sd * z[a]!;
    }
  }
}

/** ||e0 - X delta - sum_f Z_f u_f||^2 from the cross-products (no pass over the rows). */
function residualSumOfSquares(m: Model, delta: Float64Array): number {
  const { p, XtX, Xte } = m;
  let ssr = m.e0e0;
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += XtX[a * p + b]! * delta[b]!;
    ssr += delta[a]! * (s - 2 * Xte[a]!);
  }
  for (const f of m.factors) {
    const K = f.K;
    for (let j = 0; j < f.J; j++) {
      for (let a = 0; a < K; a++) {
        const ua = f.u[j * K + a]!;
        let s = -2 * f.Zte0[j * K + a]!;
        for (let b = 0; b < K; b++) s += f.ZtZ[(j * K + a) * K + b]! * f.u[j * K + b]!;
        const zx = (j * K + a) * p;
        for (let b = 0; b < p; b++) s += 2 * f.ZtX[zx + b]! * delta[b]!;
        ssr += ua * s;
      }
    }
  }
  for (const pr of m.pairs) {
    const { cellF, cellG, block } = pr;
    const FK = m.factors[pr.f]!.K;
    const GK = m.factors[pr.g]!.K;
    const Fu = m.factors[pr.f]!.u;
    const Gu = m.factors[pr.g]!.u;
    const cells = cellF.length;
    let cross = 0;
    for (let cell = 0; cell < cells; cell++) {
      const o = cell * FK * GK;
      const jf = cellF[cell]! * FK;
      const jg = cellG[cell]! * GK;
      for (let a = 0; a < FK; a++) for (let b = 0; b < GK; b++) cross += Fu[jf + a]! * block[o + a * GK + b]! * Gu[jg + b]!;
    }
    ssr += 2 * cross;
  }
  return ssr > 0 ? ssr : 0;
}

/** a_r | Sigma (Huang–Wand), then Sigma | b, a ~ IW(nu + k - 1 + J, 2 nu diag(1/a) + sum_j b_j b_j'). */
function drawCovariance(f: Factor, off: number, k: number, prec: Float64Array, A: readonly number[], nu: number, rng: Rng) {
  const S = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    const ar = (nu * prec[r * k + r]! + 1 / A[r]! ** 2) / gammaDraw(rng, (nu + k) / 2);
    S[r * k + r] = (2 * nu) / ar;
  }
  for (let j = 0; j < f.J; j++) {
    const base = j * f.K + off;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) S[a * k + b]! += f.u[base + a]! * f.u[base + b]!;
  }
  return inverseWishartDraw(rng, nu + k - 1 + f.J, S, k);
}

/**
 * Gibbs sampling of (beta, b, Sigma_t, sigma^2) given the fixed-effects columns X (n x p, by
 * column, full column rank), the response y and the random-effects terms. Reports beta by
 * `terms`, then for every random-effects term its sds and correlations, then `sigma`.
 */
export function gibbsLinearMixedModel(
  X: readonly Float64Array[],
  terms: readonly string[],
  y: ArrayLike<number>,
  random: readonly GibbsRandomTerm[],
  options: MixedGibbsOptions,
): MixedGibbsResult {
  const rng = options.rng;
  const M = options.chains ?? 4;
  const D = options.draws ?? 1000;
  const W = options.warmup ?? D;
  const a0 = options.prior_shape ?? 0.001;
  const r0 = options.prior_rate ?? 0.001;
  const nu = options.prior_df ?? 2;
  const scaleMult = options.prior_sd_scale ?? 10;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(M) || M < 2) throw new InvalidArgumentError("options.chains must be an integer >= 2", "options.chains");
  if (!Number.isInteger(D) || D < 100) throw new InvalidArgumentError("options.draws must be an integer >= 100", "options.draws");
  if (!Number.isInteger(W) || W < 0) throw new InvalidArgumentError("options.warmup must be a non-negative integer", "options.warmup");
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  if (!(nu > 0) || !(scaleMult > 0)) throw new InvalidArgumentError("the random-effect sd prior needs prior_df > 0 and prior_sd_scale > 0", "options");
  if (random.length === 0) throw new InvalidArgumentError("the mixed model needs at least one random-effects term", "specification.formula");
  const n = y.length;
  const p = X.length;
  for (const t of random) {
    if (t.levels < 2) throw new InvalidArgumentError(`the grouping factor '${t.group}' needs at least 2 levels`, "specification.formula");
  }

  // Least-squares fit beta0: the sampler works with e0 = y - X beta0 and delta = beta - beta0.
  const XtX = new Float64Array(p * p);
  const Xty = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const xa = X[a]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += xa[i]! * y[i]!;
    Xty[a] = s;
    for (let b = 0; b <= a; b++) {
      const xb = X[b]!;
      let q = 0;
      for (let i = 0; i < n; i++) q += xa[i]! * xb[i]!;
      XtX[a * p + b] = q;
      XtX[b * p + a] = q;
    }
  }
  const LX = Float64Array.from(XtX);
  if (!choleskyInPlace(LX, p)) throw new InvalidArgumentError("the fixed-effects columns are linearly dependent", "specification.formula");
  const beta0 = Float64Array.from(Xty);
  forwardSolve(LX, p, beta0, 1);
  backwardSolveTransposed(LX, p, beta0, 1);
  const e0 = new Float64Array(n);
  let ybar = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += X[a]![i]! * beta0[a]!;
    e0[i] = y[i]! - f;
    ybar += y[i]! / n;
  }
  let yvar = 0;
  let e0e0 = 0;
  for (let i = 0; i < n; i++) {
    yvar += (y[i]! - ybar) ** 2 / (n - 1);
    e0e0 += e0[i]! ** 2;
  }
  const Xte = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[a]![i]! * e0[i]!;
    Xte[a] = s;
  }
  const residVar = Math.max(e0e0 / Math.max(n - p, 1), 1e-12 * yvar, Number.MIN_VALUE);
  const ysd = Math.sqrt(yvar > 0 ? yvar : residVar);

  // Grouping factors: terms sharing a group name share the factor.
  const factorOf = new Map<string, number>();
  const specs: { codes: ArrayLike<number>; J: number; z: Float64Array[]; slices: { t: number; off: number; k: number }[] }[] = [];
  random.forEach((t, ti) => {
    let f = factorOf.get(t.group);
    if (f === undefined) {
      f = specs.length;
      factorOf.set(t.group, f);
      specs.push({ codes: t.codes, J: t.levels, z: [], slices: [] });
    }
    const s = specs[f]!;
    s.slices.push({ t: ti, off: s.z.length, k: t.z.length });
    s.z.push(...t.z);
  });
  const factors: Factor[] = specs.map((s) => {
    const K = s.z.length;
    const J = s.J;
    const ZtZ = new Float64Array(J * K * K);
    const ZtX = new Float64Array(J * K * p);
    const Zte0 = new Float64Array(J * K);
    for (let i = 0; i < n; i++) {
      const j = s.codes[i]!;
      for (let a = 0; a < K; a++) {
        const za = s.z[a]![i]!;
        if (za === 0) continue;
        Zte0[j * K + a]! += za * e0[i]!;
        for (let b = 0; b < K; b++) ZtZ[(j * K + a) * K + b]! += za * s.z[b]![i]!;
        for (let c = 0; c < p; c++) ZtX[(j * K + a) * p + c]! += za * X[c]![i]!;
      }
    }
    return {
      K,
      J,
      codes: s.codes,
      z: s.z,
      slices: s.slices,
      ZtZ,
      ZtX,
      Zte0,
      Zty: Float64Array.from(Zte0),
      chol: new Float64Array(J * K * K),
      G: new Float64Array(J * K * (p + 1)),
      u: new Float64Array(J * K),
    };
  });
  const pairs: FactorPair[] = [];
  for (let fi = 0; fi < factors.length; fi++) {
    for (let gi = fi + 1; gi < factors.length; gi++) {
      const F = factors[fi]!;
      const G = factors[gi]!;
      const cellOf = new Map<number, number>();
      const cf: number[] = [];
      const cg: number[] = [];
      const rowCell = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const key = F.codes[i]! * G.J + G.codes[i]!;
        let cell = cellOf.get(key);
        if (cell === undefined) {
          cell = cf.length;
          cellOf.set(key, cell);
          cf.push(F.codes[i]!);
          cg.push(G.codes[i]!);
        }
        rowCell[i] = cell;
      }
      const KK = F.K * G.K;
      const block = new Float64Array(cf.length * KK);
      for (let i = 0; i < n; i++) {
        const o = rowCell[i]! * KK;
        for (let a = 0; a < F.K; a++) {
          const za = F.z[a]![i]!;
          if (za === 0) continue;
          for (let b = 0; b < G.K; b++) block[o + a * G.K + b]! += za * G.z[b]![i]!;
        }
      }
      pairs.push({ f: fi, g: gi, cellF: Int32Array.from(cf), cellG: Int32Array.from(cg), block });
    }
  }

  // Half-t scales A_r = scaleMult sd(y) / rms(z_r).
  const A = random.map((t) =>
    t.z.map((col) => {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += col[i]! * col[i]!;
      const rms = Math.sqrt(ss / n);
      if (!(rms > 0)) throw new InvalidArgumentError(`the random-effects column '${t.columnNames[t.z.indexOf(col)]}' of '${t.group}' is zero in every row`, "specification.formula");
      return (scaleMult * ysd) / rms;
    }),
  );

  // Parameter layout: fixed, then per term its sds and correlations, then sigma.
  const names: { term: string; kind: MixedParameterKind; group: string | null; var1: string | null; var2: string | null }[] = terms.map((term) => ({
    term,
    kind: "fixed",
    group: null,
    var1: null,
    var2: null,
  }));
  const termOffset: number[] = [];
  for (const t of random) {
    termOffset.push(names.length);
    const k = t.z.length;
    for (let a = 0; a < k; a++) names.push({ term: `sd_${t.columnNames[a]}|${t.group}`, kind: "sd", group: t.group, var1: t.columnNames[a]!, var2: null });
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        names.push({ term: `cor_${t.columnNames[a]}.${t.columnNames[b]}|${t.group}`, kind: "cor", group: t.group, var1: t.columnNames[a]!, var2: t.columnNames[b]! });
      }
    }
  }
  names.push({ term: "sigma", kind: "sigma", group: null, var1: null, var2: null });
  const P = names.length;
  const store: number[][][] = Array.from({ length: P }, () => Array.from({ length: M }, () => []));

  const model: Model = { p, XtX, Xte, e0e0, factors, pairs };
  const termFactor = random.map((t) => factorOf.get(t.group)!);
  const termOff = random.map((_, ti) => factors[termFactor[ti]!]!.slices.find((s) => s.t === ti)!.off);
  const work = { Amat: new Float64Array(p * p), cvec: new Float64Array(p), z: new Float64Array(Math.max(p, ...factors.map((f) => f.K))) };
  const delta = new Float64Array(p);
  const Xtys = Float64Array.from(Xte);
  const total = M * (W + D);

  for (let c = 0; c < M; c++) {
    // Dispersed starts: variances scaled by 4^{+-1} around the least-squares residual variance;
    // each random-effect variance so that its column's contribution has the reciprocal scale.
    const scale = 4 ** ((2 * c) / (M - 1) - 1);
    let sigma2 = residVar * scale;
    const Sigma: Float64Array[] = random.map((t, ti) => {
      const k = t.z.length;
      const s = new Float64Array(k * k);
      for (let a = 0; a < k; a++) s[a * k + a] = (residVar / scale) * (A[ti]![a]! / (scaleMult * ysd)) ** 2;
      return s;
    });
    const Prec: Float64Array[] = Sigma.map((s, ti) => {
      const k = random[ti]!.z.length;
      const l = Float64Array.from(s);
      choleskyInPlace(l, k);
      return choleskyInverse(l, k);
    });
    for (const f of factors) {
      f.u.fill(0);
      f.Zty.set(f.Zte0);
    }
    for (let it = 0; it < W + D; it++) {
      for (let fi = 0; fi < factors.length; fi++) {
        if (factors.length > 1) otherFactorsOut(model, fi, Xtys);
        drawLocation(model, fi, Xtys, Prec, sigma2, rng, delta, work);
      }
      const ssr = residualSumOfSquares(model, delta);
      sigma2 = (r0 + ssr / 2) / gammaDraw(rng, a0 + n / 2);
      for (let ti = 0; ti < random.length; ti++) {
        const draw = drawCovariance(factors[termFactor[ti]!]!, termOff[ti]!, random[ti]!.z.length, Prec[ti]!, A[ti]!, nu, rng);
        Sigma[ti] = draw.sigma;
        Prec[ti] = draw.precision;
      }
      if (it >= W) {
        for (let a = 0; a < p; a++) store[a]![c]!.push(beta0[a]! + delta[a]!);
        random.forEach((t, ti) => {
          const k = t.z.length;
          const s = Sigma[ti]!;
          let idx = termOffset[ti]!;
          for (let a = 0; a < k; a++) store[idx++]![c]!.push(Math.sqrt(s[a * k + a]!));
          for (let a = 0; a < k; a++) {
            for (let b = a + 1; b < k; b++) store[idx++]![c]!.push(s[a * k + b]! / Math.sqrt(s[a * k + a]! * s[b * k + b]!));
          }
        });
        store[P - 1]![c]!.push(Math.sqrt(sigma2));
      }
      options.onProgress?.((c * (W + D) + it + 1) / total);
    }
  }

  const parameters: MixedPosteriorRow[] = names.map((nm, k) => ({ ...summarizeDraws(nm.term, store[k]!, level), kind: nm.kind, group: nm.group, var1: nm.var1, var2: nm.var2 }));
  return {
    parameters,
    chains: M,
    draws: D,
    warmup: W,
    level,
    max_rhat: Math.max(...parameters.map((r) => r.rhat)),
    min_ess: Math.min(...parameters.map((r) => r.ess)),
    prior:
      `flat on the fixed effects; inverse-gamma(${a0}, ${r0}) on sigma^2; per random-effects term Huang-Wand hierarchical inverse-Wishart ` +
      `(Sigma | a ~ IW(${nu} + k - 1, ${2 * nu} diag(1/a)), a_r ~ IG(1/2, 1/A_r^2)): each sd half-t(${nu}, A_r)` +
      `${nu === 2 ? ", each correlation uniform on (-1, 1)" : ""}, A_r = ${scaleMult} sd(y) / rms(z_r)`,
    sd_prior_scales: A.flat(),
    ...(options.keep_draws ? { samples: store } : {}),
  };
}
