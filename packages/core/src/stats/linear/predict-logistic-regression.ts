// Predicted probabilities of a fitted logistic regression on new rows: the linear predictor and
// its standard error (R: predict(fit, newdata, type = "link", se.fit = TRUE)), with a Wald
// interval on the logit scale mapped to probabilities (plogis of eta ± z se).

import { InvalidArgumentError } from "../../errors.js";
import { evaluateOnNewRows, type DataRows } from "../formula/model-frame.js";
import { applyMatrixEncoding } from "../formula/model-matrix.js";
import { waldCritical } from "../inference/coefficient-table.js";
import type { LogisticRegressionFit } from "./fit-logistic-regression.js";
import { linearPredictor } from "./predict-linear-model.js";

export interface LogisticPredictionRow {
  readonly row: number;
  /** Probability of the success level. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Linear predictor (log-odds) and its standard error. */
  readonly link: number;
  readonly link_std_error: number;
}

const plogis = (x: number) => 1 / (1 + Math.exp(-x));

/** Predicts probabilities with Wald intervals built on the link scale (R: predict.glm, type = "link"). */
export function predictLogisticRegression(fit: LogisticRegressionFit, rows: DataRows, options: { level?: number } = {}): LogisticPredictionRow[] {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  const frame = evaluateOnNewRows(fit.encoding.terms.variables, fit.encoding.variableKinds, rows);
  const X = applyMatrixEncoding(fit.encoding, frame);
  const { fit: eta, variance } = linearPredictor(X, fit.coefficients, fit.covariance);
  const z = waldCritical(level, { kind: "normal" });
  return [...eta].map((e, i) => {
    const se = Math.sqrt(variance[i]!);
    return { row: frame.rowIndex[i]!, estimate: plogis(e), lower: plogis(e - z * se), upper: plogis(e + z * se), link: e, link_std_error: se };
  });
}
