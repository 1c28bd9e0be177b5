// Logistic regression by iteratively reweighted least squares as R's glm(family = binomial)
// (glm.fit: mustart = (y + 0.5) / 2, convergence when |dev - dev_old| / (|dev| + 0.1) < 1e-8,
// at most 25 iterations); standard errors from the last weighted QR as summary.glm, Wald z
// tests and confint.default intervals, deviance, null deviance, logLik, AIC and BIC.

import { ConvergenceError, InvalidArgumentError } from "../../errors.js";
import { coefficientTable, type CoefficientRow } from "../inference/coefficient-table.js";
import type { DataRows } from "../formula/model-frame.js";
import type { MatrixEncoding } from "../formula/model-matrix.js";
import type { ModelFormula } from "../formula/model-formula.js";
import { prepareModelData } from "../formula/model-data.js";
import { householderQr, qrQty, qrSolveUpper, qrUnscaledCovariance } from "./householder-qr.js";

export interface LogisticRegressionOptions {
  readonly level?: number;
  /** glm.control(epsilon) (default 1e-8). */
  readonly epsilon?: number;
  /** glm.control(maxit) (default 25). */
  readonly maxIterations?: number;
}

export interface LogisticRegressionFit {
  readonly formula: string;
  readonly fixed_effects: CoefficientRow[];
  readonly aliased: string[];
  readonly deviance: number;
  readonly null_deviance: number;
  readonly df_residual: number;
  readonly df_null: number;
  readonly log_likelihood: number;
  readonly aic: number;
  readonly bic: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly nobs: number;
  readonly dropped_rows: number;
  /** "fitted probabilities numerically 0 or 1 occurred" (possible separation), as glm.fit warns. */
  readonly warnings: string[];
  readonly coefficients: Float64Array;
  readonly covariance: Float64Array[];
  readonly fitted: Float64Array;
  readonly encoding: MatrixEncoding;
  readonly model: ModelFormula;
  /** The level coded 1 when the response is a factor. */
  readonly success_level: string | null;
}

const EPS = 2.220446049250313e-16;

function linkinv(eta: number): number {
  // binomial()$linkinv clamps to [eps, 1 - eps].
  const thresh = -Math.log(EPS);
  const e = eta < -thresh ? EPS : eta > thresh ? 1 / EPS : Math.exp(eta);
  return e / (1 + e);
}

function muEta(eta: number): number {
  const opexp = 1 + Math.exp(eta);
  return Math.max(Math.exp(eta) / (opexp * opexp), EPS);
}

function binomialDeviance(y: Float64Array, mu: Float64Array): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const m = mu[i]!;
    d += 2 * ((yi > 0 ? yi * Math.log(yi / m) : 0) + (yi < 1 ? (1 - yi) * Math.log((1 - yi) / (1 - m)) : 0));
  }
  return d;
}

/** Fits a logistic regression (R: glm(formula, family = binomial, data); summary.glm; confint.default). */
export function fitLogisticRegression(formula: string | ModelFormula, rows: DataRows, options: LogisticRegressionOptions = {}): LogisticRegressionFit {
  const level = options.level ?? 0.95;
  const epsilon = options.epsilon ?? 1e-8;
  const maxit = options.maxIterations ?? 25;
  const data = prepareModelData(formula, rows, { allowRandom: false });
  const resp = data.response;
  const { X } = data;
  const n = X.n;
  const p = X.p;
  const y = new Float64Array(n);
  let successLevel: string | null = null;
  if (resp.kind === "factor") {
    if (resp.levels.length !== 2) {
      throw new InvalidArgumentError(`the response '${resp.label}' must have two levels for logistic regression (has ${resp.levels.length})`, "specification.formula");
    }
    successLevel = resp.levels[1]!;
    for (let i = 0; i < n; i++) y[i] = resp.codes[i]!; // first level = failure, as glm
  } else {
    for (let i = 0; i < n; i++) {
      const v = resp.values[i]!;
      if (v < 0 || v > 1) throw new InvalidArgumentError(`the response '${resp.label}' must be 0/1 (row value ${v})`, "specification.formula");
      y[i] = v;
    }
  }
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = (y[i]! + 0.5) / 2;
    eta[i] = Math.log(mu[i]! / (1 - mu[i]!));
  }
  let devOld = binomialDeviance(y, mu);
  let dev = devOld;
  let converged = false;
  let iterations = 0;
  let qr = householderQr([]);
  let coefPiv: Float64Array = new Float64Array(0);
  for (iterations = 1; iterations <= maxit; iterations++) {
    const sw = new Float64Array(n);
    const zw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const me = muEta(eta[i]!);
      const varMu = mu[i]! * (1 - mu[i]!);
      const z = eta[i]! + (y[i]! - mu[i]!) / me;
      const w = Math.sqrt((me * me) / varMu);
      sw[i] = w;
      zw[i] = z * w;
    }
    const cols = X.columns.map((c) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = c[i]! * sw[i]!;
      return out;
    });
    qr = householderQr(cols, Math.min(1e-7, epsilon / 1000));
    coefPiv = qrSolveUpper(qr, qrQty(qr, zw));
    eta.fill(0);
    for (let j = 0; j < qr.rank; j++) {
      const c = X.columns[qr.pivot[j]!]!;
      const b = coefPiv[j]!;
      for (let i = 0; i < n; i++) eta[i]! += b * c[i]!;
    }
    for (let i = 0; i < n; i++) mu[i] = linkinv(eta[i]!);
    dev = binomialDeviance(y, mu);
    if (!Number.isFinite(dev)) throw new ConvergenceError("glm: the deviance became infinite during IRLS");
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devOld = dev;
  }
  iterations = Math.min(iterations, maxit);
  const rank = qr.rank;
  const coefficients = new Float64Array(p).fill(NaN);
  for (let j = 0; j < rank; j++) coefficients[qr.pivot[j]!] = coefPiv[j]!;
  const unscaled = qrUnscaledCovariance(qr);
  const covariance = Array.from({ length: p }, () => new Float64Array(p).fill(NaN));
  for (let a = 0; a < rank; a++) for (let b = 0; b < rank; b++) covariance[qr.pivot[a]!]![qr.pivot[b]!] = unscaled[a]![b]!;
  const se = Float64Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j]![j]!));
  const fixed_effects = coefficientTable(X.columnNames, coefficients, se, { kind: "normal" }, level);

  const intercept = data.formula.fixed.intercept;
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i]!;
  ybar /= n;
  const nullMu = new Float64Array(n).fill(intercept ? ybar : 0.5);
  const null_deviance = binomialDeviance(y, nullMu);
  // binomial()$aic for 0/1 responses with unit weights: -2 sum log dbinom(y, 1, mu) = deviance.
  let aicTerm = 0;
  for (let i = 0; i < n; i++) aicTerm += -2 * Math.log(y[i]! === 1 ? mu[i]! : y[i]! === 0 ? 1 - mu[i]! : NaN);
  const log_likelihood = -aicTerm / 2;
  const warnings: string[] = [];
  if (!converged) warnings.push("glm.fit: algorithm did not converge");
  if ([...mu].some((m) => m > 1 - 10 * EPS || m < 10 * EPS)) warnings.push("glm.fit: fitted probabilities numerically 0 or 1 occurred");
  return {
    formula: data.formula.source,
    fixed_effects,
    aliased: X.columnNames.filter((_, j) => Number.isNaN(coefficients[j]!)),
    deviance: dev,
    null_deviance,
    df_residual: n - rank,
    df_null: n - (intercept ? 1 : 0),
    log_likelihood,
    aic: aicTerm + 2 * rank,
    bic: aicTerm + Math.log(n) * rank,
    iterations,
    converged,
    nobs: n,
    dropped_rows: data.frame.dropped,
    warnings,
    coefficients,
    covariance,
    fitted: mu,
    encoding: data.encoding,
    model: data.formula,
    success_level: successLevel,
  };
}
