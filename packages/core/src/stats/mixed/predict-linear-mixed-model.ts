// Predictions of a fitted linear mixed model on new rows (R: predict.merMod with re.form = NA
// for the population level, or NULL to add the conditional modes of known levels; a level not
// seen in the fit contributes 0, as allow.new.levels = TRUE). Intervals are Wald intervals from
// vcov(β) (fixed-effect uncertainty; normal quantiles), widened by σ² for "prediction"; lme4
// itself offers no intervals here (bootMer would be the simulation-based alternative).

import { InvalidArgumentError } from "../../errors.js";
import { coerceCell, numberLabel } from "../formula/data-values.js";
import { evaluateOnNewRows, type DataRows } from "../formula/model-frame.js";
import { applyMatrixEncoding, type DesignMatrix, type VariableKind } from "../formula/model-matrix.js";
import { waldCritical } from "../inference/coefficient-table.js";
import { linearPredictor, type IntervalKind, type PredictionRow } from "../linear/predict-linear-model.js";
import type { LinearMixedModelFit } from "./fit-linear-mixed-model.js";

export interface MixedPredictionOptions {
  /** Add the conditional modes of the rows' groups (default true; R: re.form = NULL vs NA). */
  readonly includeRandom?: boolean;
  readonly interval?: IntervalKind;
  readonly level?: number;
}

/** Predicts on new rows (R: predict(m, newdata, re.form, allow.new.levels = TRUE)) with Wald intervals. */
export function predictLinearMixedModel(fit: LinearMixedModelFit, rows: DataRows, options: MixedPredictionOptions = {}): PredictionRow[] {
  const includeRandom = options.includeRandom ?? true;
  const interval = options.interval ?? "confidence";
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  const kinds = new Map<string, VariableKind>(fit.encoding.variableKinds);
  const variables = [...fit.encoding.terms.variables];
  if (includeRandom) {
    for (const { term } of fit.random_terms) {
      for (const [k, v] of term.encoding.variableKinds) kinds.set(k, v);
      variables.push(...term.encoding.terms.variables);
    }
  }
  const frame = evaluateOnNewRows(variables, kinds, rows);
  const full = applyMatrixEncoding(fit.encoding, frame);
  const names = fit.fixed_effects.map((r) => r.term);
  const X: DesignMatrix = { ...full, p: names.length, columns: names.map((nm) => full.columns[full.columnNames.indexOf(nm)]!), columnNames: names };
  const { fit: est, variance } = linearPredictor(X, fit.coefficients, fit.covariance);
  if (includeRandom) {
    for (const { term, modes } of fit.random_terms) {
      const Z = applyMatrixEncoding(term.encoding, frame);
      const index = new Map(term.levels.map((l, i) => [l, i]));
      // Grouping values read from the rows themselves (a missing or unseen level contributes 0).
      const groupExprs = fit.model.random.flatMap((r) => r.groupVariables);
      const columns = term.groupVariables.map((g) => {
        const e = groupExprs.find((v) => v.label === g)!.expr;
        return e.kind === "name" ? e.name : e.kind === "call" && e.args[0]?.kind === "name" ? e.args[0].name : g;
      });
      for (let i = 0; i < frame.n; i++) {
        const row = rows[frame.rowIndex[i]!]!;
        const key = columns
          .map((c) => {
            const cell = coerceCell(row[c]);
            return cell === null ? "\u0000NA" : typeof cell === "number" ? numberLabel(cell) : cell;
          })
          .join(":");
        const lev = index.get(key);
        if (lev === undefined) continue;
        let s = 0;
        for (let a = 0; a < term.k; a++) s += Z.columns[a]![i]! * modes[lev * term.k + a]!;
        est[i]! += s;
      }
    }
  }
  const crit = waldCritical(level, { kind: "normal" });
  const s2 = fit.sigma ** 2;
  return [...est].map((e, i) => {
    const half = interval === "none" ? NaN : crit * Math.sqrt(variance[i]! + (interval === "prediction" ? s2 : 0));
    return { row: frame.rowIndex[i]!, estimate: e, std_error: Math.sqrt(variance[i]!), lower: e - half, upper: e + half };
  });
}
