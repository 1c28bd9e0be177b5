// Predictions of a fitted linear model on new rows with confidence or prediction intervals
// (R: predict.lm(fit, newdata, interval = "confidence" | "prediction", level)).

import { InvalidArgumentError } from "../../errors.js";
import { evaluateOnNewRows, type DataRows } from "../formula/model-frame.js";
import { applyMatrixEncoding, type DesignMatrix } from "../formula/model-matrix.js";
import { waldCritical } from "../inference/coefficient-table.js";
import type { LinearModelFit } from "./fit-linear-model.js";

export type IntervalKind = "confidence" | "prediction" | "none";

/** One prediction (API.md `predictions`): the input row index, estimate and interval bounds. */
export interface PredictionRow {
  /** Index of the row in the input (rows with a missing predictor are skipped). */
  readonly row: number;
  readonly estimate: number;
  readonly std_error: number;
  readonly lower: number;
  readonly upper: number;
}

/** x0' b and x0' V x0 for every row of a design matrix; aliased (NaN) coefficients are skipped as R does. */
export function linearPredictor(X: DesignMatrix, coefficients: ArrayLike<number>, covariance: readonly ArrayLike<number>[]): { fit: Float64Array; variance: Float64Array } {
  const n = X.n;
  const used = [...Array(X.p).keys()].filter((j) => !Number.isNaN(coefficients[j]!));
  const fit = new Float64Array(n);
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    let v = 0;
    for (const a of used) {
      const xa = X.columns[a]![i]!;
      f += xa * coefficients[a]!;
      for (const b of used) v += xa * covariance[a]![b]! * X.columns[b]![i]!;
    }
    fit[i] = f;
    variance[i] = v;
  }
  return { fit, variance };
}

/** Predicts on new rows (R: predict(fit, newdata, interval, level = 0.95)). */
export function predictLinearModel(fit: LinearModelFit, rows: DataRows, options: { interval?: IntervalKind; level?: number } = {}): PredictionRow[] {
  const interval = options.interval ?? "confidence";
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  const frame = evaluateOnNewRows(fit.encoding.terms.variables, fit.encoding.variableKinds, rows);
  const X = applyMatrixEncoding(fit.encoding, frame);
  const { fit: est, variance } = linearPredictor(X, fit.coefficients, fit.covariance);
  const crit = waldCritical(level, { kind: "t", df: fit.df_residual });
  const s2 = fit.sigma ** 2;
  return [...est].map((e, i) => {
    const se = Math.sqrt(variance[i]!);
    const half = interval === "none" ? NaN : crit * Math.sqrt(variance[i]! + (interval === "prediction" ? s2 : 0));
    return { row: frame.rowIndex[i]!, estimate: e, std_error: se, lower: e - half, upper: e + half };
  });
}
