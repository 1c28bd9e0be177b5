// Ordinary least squares as R's lm(): QR with R's limited pivoting (aliased coefficients are
// reported as NaN, R's NA), t tests on the residual df, confint.lm intervals, summary.lm's
// residual standard error, R², adjusted R² and overall F test, and logLik.lm / AIC / BIC with
// df = rank + 1 (the residual variance counts as a parameter).

import { InvalidArgumentError } from "../../errors.js";
import { fisherUpper } from "../../power/distributions/fisher-f.js";
import { coefficientTable, type CoefficientRow } from "../inference/coefficient-table.js";
import { residualSummary, type ResidualSummary } from "../inference/residual-summary.js";
import type { DataRows } from "../formula/model-frame.js";
import type { MatrixEncoding } from "../formula/model-matrix.js";
import type { ModelFormula } from "../formula/model-formula.js";
import { numericResponse, prepareModelData } from "../formula/model-data.js";
import { householderQr, qrQty, qrSolveUpper, qrUnscaledCovariance } from "./householder-qr.js";

export interface LinearModelOptions {
  /** Confidence level of the coefficient intervals (default 0.95). */
  readonly level?: number;
}

export interface LinearModelFit {
  readonly formula: string;
  readonly fixed_effects: CoefficientRow[];
  /** Names of aliased (linearly dependent) columns, whose rows hold NaN (R's NA). */
  readonly aliased: string[];
  readonly sigma: number;
  readonly r_squared: number;
  readonly adj_r_squared: number;
  /** Overall F test against the intercept-only (or empty) model; null when there is nothing to test. */
  readonly f_statistic: { readonly value: number; readonly df1: number; readonly df2: number; readonly p_value: number } | null;
  readonly log_likelihood: number;
  readonly aic: number;
  readonly bic: number;
  readonly df_residual: number;
  readonly rank: number;
  readonly nobs: number;
  readonly dropped_rows: number;
  readonly residual_analysis: ResidualSummary;
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
  /** Coefficients by model-matrix column (NaN when aliased). */
  readonly coefficients: Float64Array;
  /** Covariance of the coefficients by column, sigma² (X'X)^{-1} (NaN rows/columns when aliased). */
  readonly covariance: Float64Array[];
  readonly encoding: MatrixEncoding;
  readonly model: ModelFormula;
}

/** Fits a linear model by least squares (R: lm(formula, data) with summary.lm, confint, logLik, AIC, BIC). */
export function fitLinearModel(formula: string | ModelFormula, rows: DataRows, options: LinearModelOptions = {}): LinearModelFit {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  const data = prepareModelData(formula, rows, { allowRandom: false });
  const y = numericResponse(data);
  const { X } = data;
  const n = X.n;
  const p = X.p;
  const qr = householderQr(X.columns);
  const rank = qr.rank;
  const qty = qrQty(qr, Float64Array.from(y));
  const bPiv = qrSolveUpper(qr, qty);
  const coefficients = new Float64Array(p).fill(NaN);
  for (let j = 0; j < rank; j++) coefficients[qr.pivot[j]!] = bPiv[j]!;
  const fitted = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    const b = coefficients[j]!;
    if (Number.isNaN(b)) continue;
    const col = X.columns[j]!;
    for (let i = 0; i < n; i++) fitted[i]! += b * col[i]!;
  }
  const residuals = new Float64Array(n);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    residuals[i] = y[i]! - fitted[i]!;
    rss += residuals[i]! ** 2;
  }
  const dfResidual = n - rank;
  const sigma2 = dfResidual > 0 ? rss / dfResidual : NaN;
  const unscaled = qrUnscaledCovariance(qr);
  const covariance = Array.from({ length: p }, () => new Float64Array(p).fill(NaN));
  for (let a = 0; a < rank; a++) {
    for (let b = 0; b < rank; b++) covariance[qr.pivot[a]!]![qr.pivot[b]!] = sigma2 * unscaled[a]![b]!;
  }
  const se = Float64Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j]![j]!));
  const fixed_effects = coefficientTable(X.columnNames, coefficients, se, { kind: "t", df: dfResidual }, level);
  const aliased = X.columnNames.filter((_, j) => Number.isNaN(coefficients[j]!));

  // summary.lm: R², adjusted R², F statistic.
  const intercept = data.formula.fixed.intercept;
  const dfInt = intercept ? 1 : 0;
  let mss = 0;
  if (intercept) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += fitted[i]!;
    mean /= n;
    for (let i = 0; i < n; i++) mss += (fitted[i]! - mean) ** 2;
  } else {
    for (let i = 0; i < n; i++) mss += fitted[i]! ** 2;
  }
  const r_squared = mss / (mss + rss);
  const adj_r_squared = 1 - (1 - r_squared) * ((n - dfInt) / dfResidual);
  const df1 = rank - dfInt;
  const f_statistic =
    df1 > 0 && dfResidual > 0
      ? (() => {
          const value = mss / df1 / sigma2;
          return { value, df1, df2: dfResidual, p_value: fisherUpper(value, df1, dfResidual) };
        })()
      : null;

  // logLik.lm (unit weights): 0.5 * (-N * (log(2 pi) + 1 - log(N) + log(sum(res^2)))), df = rank + 1.
  const log_likelihood = 0.5 * -n * (Math.log(2 * Math.PI) + 1 - Math.log(n) + Math.log(rss));
  const df = rank + 1;
  return {
    formula: data.formula.source,
    fixed_effects,
    aliased,
    sigma: Math.sqrt(sigma2),
    r_squared,
    adj_r_squared,
    f_statistic,
    log_likelihood,
    aic: -2 * log_likelihood + 2 * df,
    bic: -2 * log_likelihood + Math.log(n) * df,
    df_residual: dfResidual,
    rank,
    nobs: n,
    dropped_rows: data.frame.dropped,
    residual_analysis: residualSummary(residuals),
    fitted,
    residuals,
    coefficients,
    covariance,
    encoding: data.encoding,
    model: data.formula,
  };
}
