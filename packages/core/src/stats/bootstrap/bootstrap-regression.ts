// The case or cluster bootstrap of lm / logistic glm coefficients done as R's boot() would with
// lm / glm refits (Davison & Hinkley 1997, §6.2.4 "resampling cases", §3.8 clusters), but
// without rebuilding the model: the model frame and model matrix are built once, a replicate
// turns its draws into multiplicity weights over the rows (a row drawn k times counts k times),
// and the coefficients are refitted by weighted least squares (lm) or weighted IRLS from glm's
// own starting values (glm, binomial logit), so that even a separated resample ends where glm's
// 25 iterations would. Factor levels are those of the full data; a
// level missing from a replicate makes its column aliased (NaN, counted as a failed replicate).
// BCa takes its acceleration from the leave-one-unit-out estimates: exact downdates for lm,
// R's one-step approximation (lm.influence on the glm) for single rows of a logistic fit, and
// exact refits for clusters.

import { ConvergenceError, InvalidArgumentError } from "../../errors.js";
import type { DataRows } from "../formula/model-frame.js";
import type { ModelFormula } from "../formula/model-formula.js";
import { prepareModelData } from "../formula/model-data.js";
import { fitLinearModel } from "../linear/fit-linear-model.js";
import { fitLogisticRegression } from "../linear/fit-logistic-regression.js";
import { bootstrapSettings, type BootstrapOptions, type BootstrapResult } from "./bootstrap-coefficients.js";
import { summariseReplicates } from "./bootstrap-summary.js";
import { drawUnits, resamplingUnits } from "./bootstrap-units.js";
import { WeightedLeastSquares } from "./weighted-least-squares.js";

export interface RegressionBootstrapOptions extends BootstrapOptions {
  /** gaussian: lm (default); binomial: logistic regression (glm, logit link). */
  readonly family?: "gaussian" | "binomial";
}

const EPS = 2.220446049250313e-16;

/** A refit of the coefficients under row weights; NaN coefficients for aliased columns. */
interface WeightedFit {
  fit(weights: Float64Array): Float64Array;
  /** Working residual and weight of row i at the last fit (for the leave-one-out update). */
  residual(coefficients: Float64Array, i: number): { residual: number; weight: number };
}

function linearRefit(solver: WeightedLeastSquares, X: readonly Float64Array[], y: Float64Array): WeightedFit {
  return {
    fit: (w) => solver.solve(y, w),
    residual: (beta, i) => {
      let eta = 0;
      for (let j = 0; j < X.length; j++) if (!Number.isNaN(beta[j]!)) eta += beta[j]! * X[j]![i]!;
      return { residual: y[i]! - eta, weight: 1 };
    },
  };
}

/** IRLS for the binomial logit under prior weights, glm.fit's convergence rule (R: glm.fit with weights). */
function logisticRefit(solver: WeightedLeastSquares, X: readonly Float64Array[], y: Float64Array, epsilon = 1e-8, maxit = 25): WeightedFit {
  const n = y.length;
  const p = X.length;
  const eta = new Float64Array(n);
  const z = new Float64Array(n);
  const wk = new Float64Array(n);
  const thresh = -Math.log(EPS);
  const linkinv = (e: number) => {
    const v = e < -thresh ? EPS : e > thresh ? 1 / EPS : Math.exp(e);
    return v / (1 + v);
  };
  const muEta = (e: number) => {
    const o = 1 + Math.exp(e);
    return Math.max(Math.exp(e) / (o * o), EPS);
  };
  const linear = (beta: Float64Array, w: Float64Array) => {
    eta.fill(0);
    for (let j = 0; j < p; j++) {
      const bj = beta[j]!;
      if (Number.isNaN(bj) || bj === 0) continue;
      const c = X[j]!;
      for (let i = 0; i < n; i++) if (w[i]! > 0) eta[i]! += bj * c[i]!;
    }
  };
  const deviance = (w: Float64Array) => {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (!(wi > 0)) continue;
      const m = linkinv(eta[i]!);
      const yi = y[i]!;
      d += wi * 2 * ((yi > 0 ? yi * Math.log(yi / m) : 0) + (yi < 1 ? (1 - yi) * Math.log((1 - yi) / (1 - m)) : 0));
    }
    return d;
  };
  return {
    fit: (w) => {
      // glm.fit's start: mustart = (y + 0.5) / 2 on the (repeated) rows, eta = logit(mustart).
      let beta: Float64Array = new Float64Array(p);
      for (let i = 0; i < n; i++) {
        const m = (y[i]! + 0.5) / 2;
        eta[i] = Math.log(m / (1 - m));
      }
      let devOld = deviance(w);
      for (let it = 1; it <= maxit; it++) {
        for (let i = 0; i < n; i++) {
          const wi = w[i]!;
          if (!(wi > 0)) {
            wk[i] = 0;
            continue;
          }
          const e = eta[i]!;
          const mu = linkinv(e);
          const me = muEta(e);
          z[i] = e + (y[i]! - mu) / me;
          wk[i] = (wi * me * me) / (mu * (1 - mu));
        }
        beta = solver.solve(z, wk);
        linear(beta, w);
        const dev = deviance(w);
        if (!Number.isFinite(dev)) throw new ConvergenceError("glm: the deviance became infinite during IRLS");
        if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) break;
        devOld = dev;
      }
      return beta;
    },
    residual: (beta, i) => {
      let e = 0;
      for (let j = 0; j < p; j++) if (!Number.isNaN(beta[j]!)) e += beta[j]! * X[j]![i]!;
      const mu = linkinv(e);
      const me = muEta(e);
      return { residual: (y[i]! - mu) / me, weight: (me * me) / (mu * (1 - mu)) };
    },
  };
}

/**
 * Case (rows) or cluster (options.cluster) bootstrap of the coefficients of lm or a logistic glm
 * (R: boot::boot(data, function(d, i) coef(lm(formula, d[i, ])), R) with boot.ci(type =
 * c("perc", "bca")); clusters resampled whole). Estimates are lm's / glm's on the full data.
 */
export function bootstrapRegression(formula: string | ModelFormula, rows: DataRows, options: RegressionBootstrapOptions): BootstrapResult {
  const { R, level } = bootstrapSettings(options);
  const family = options.family ?? "gaussian";
  const units = resamplingUnits(rows, options.cluster);
  const G = units.count;
  if (G < 3) throw new InvalidArgumentError("the bootstrap needs at least 3 resampling units", options.cluster ? "options.cluster" : "rows");
  const data = prepareModelData(formula, rows, { allowRandom: false });
  const X = data.X.columns;
  const n = data.X.n;
  const p = data.X.p;
  const terms = data.X.columnNames;
  const intercept = data.X.assign[0] === 0;
  let y: Float64Array;
  let theta: Float64Array;
  let solver: WeightedLeastSquares;
  let refit: WeightedFit;
  if (family === "binomial") {
    const full = fitLogisticRegression(data.formula, rows);
    theta = full.coefficients;
    const resp = data.response;
    y = resp.kind === "factor" ? Float64Array.from(resp.codes) : Float64Array.from(resp.values);
    solver = new WeightedLeastSquares(X, intercept, 1e-11);
    refit = logisticRefit(solver, X, y);
  } else {
    const full = fitLinearModel(data.formula, rows);
    theta = full.coefficients;
    const resp = data.response;
    if (resp.kind !== "numeric") throw new InvalidArgumentError(`the response '${resp.label}' must be numeric`, "specification.formula");
    y = resp.values;
    solver = new WeightedLeastSquares(X, intercept);
    refit = linearRefit(solver, X, y);
  }
  // Input row -> model-frame row (-1 when the row was dropped for a missing value).
  const frameRow = new Int32Array(rows.length).fill(-1);
  data.frame.rowIndex.forEach((r, k) => (frameRow[r] = k));

  const total = R + G;
  const reps = Array.from({ length: p }, () => new Float64Array(R));
  const draws = new Int32Array(G);
  const w = new Float64Array(n);
  let failed = 0;
  const safeFit = (weights: Float64Array): Float64Array => {
    try {
      return refit.fit(weights);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError || err instanceof ConvergenceError)) throw err;
      return new Float64Array(p).fill(NaN);
    }
  };
  for (let b = 0; b < R; b++) {
    drawUnits(options.rng, G, draws);
    w.fill(0);
    for (let g = 0; g < G; g++) {
      const u = draws[g]!;
      for (let k = units.offsets[u]!; k < units.offsets[u + 1]!; k++) {
        const r = frameRow[units.members[k]!]!;
        if (r >= 0) w[r]! += 1;
      }
    }
    const est = safeFit(w);
    let ok = true;
    for (let j = 0; j < p; j++) {
      reps[j]![b] = est[j]!;
      if (!Number.isFinite(est[j]!)) ok = false;
    }
    if (!ok) failed++;
    options.onProgress?.((b + 1) / total);
  }

  // Jackknife: leave one resampling unit out.
  const jack = Array.from({ length: p }, () => new Float64Array(G));
  w.fill(1);
  const fullFit = safeFit(w); // keeps the full-data factorisation in the solver
  // Single rows are left out by a rank-one downdate of the full-data factorisation when there is one.
  const downdate = options.cluster === undefined && solver.factorised;
  for (let g = 0; g < G; g++) {
    let est: Float64Array | null = null;
    const from = units.offsets[g]!;
    const to = units.offsets[g + 1]!;
    if (downdate) {
      const r = frameRow[units.members[from]!]!;
      if (r < 0) est = theta;
      else {
        const { residual, weight } = refit.residual(fullFit, r);
        const moved = solver.dropOne(fullFit, r, residual, weight);
        // The downdate moves the full-data fit; its change is carried over to the reported estimate.
        if (moved) est = Float64Array.from(moved, (v, j) => theta[j]! + (v - fullFit[j]!));
      }
    }
    if (est === null) {
      const lo = new Float64Array(w);
      for (let k = from; k < to; k++) {
        const r = frameRow[units.members[k]!]!;
        if (r >= 0) lo[r] = 0;
      }
      est = safeFit(lo);
      if (downdate) safeFit(w); // re-establishes the full-data factorisation
    }
    for (let j = 0; j < p; j++) jack[j]![g] = est[j]!;
    if (g % 64 === 63 || g === G - 1) options.onProgress?.((R + g + 1) / total);
  }
  const out = terms.map((term, j) => summariseReplicates(term, theta[j]!, reps[j]!, jack[j]!, level));
  return { kind: options.cluster !== undefined ? "cluster" : "case", replicates: R, failed_replicates: failed, resampling_units: G, level, rows: out };
}
