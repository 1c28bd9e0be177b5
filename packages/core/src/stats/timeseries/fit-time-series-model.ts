// A StatisticalModel of class TimeSeries from rows (API.md: formula naming the series, e.g.
// `flow ~ 1` or `flow ~ temperature`, and time_structure {time_column, order, seasonal}): rows are
// ordered by the time column, a missing response stays missing (the Kalman filter skips it),
// right-hand-side columns become regressors (R: xreg) and the intercept becomes R's
// "intercept" when there is no differencing.

import { InvalidArgumentError } from "../../errors.js";
import { coerceCell } from "../formula/data-values.js";
import { buildModelFrame, evaluateOnNewRows, type DataRows } from "../formula/model-frame.js";
import { applyMatrixEncoding, buildModelMatrix } from "../formula/model-matrix.js";
import { parseModelFormula } from "../formula/model-formula.js";
import { fitArima, type ArimaFit } from "./fit-arima.js";
import { fitLocalLevel, type LocalLevelFit } from "./local-level.js";

export interface TimeStructure {
  readonly time_column: string;
  readonly order: readonly [number, number, number];
  readonly seasonal?: { readonly order: readonly [number, number, number]; readonly period: number };
}

/** time_structure of the local-level model (R: StructTS(x, type = "level")); no order. */
export interface LocalLevelStructure {
  readonly time_column: string;
  readonly model: "local_level";
}

export interface TimeSeriesModelOptions {
  readonly forecast_horizon?: number;
  /** Future rows holding the regressors (needed for forecasts when the formula has regressors). */
  readonly forecast_rows?: DataRows;
  readonly level?: number;
}

function compareTime(a: unknown, b: unknown): number {
  const x = coerceCell(a);
  const y = coerceCell(b);
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

/** The response of `y ~ ...` ordered by the time column, NaN where missing. */
function orderedSeries(formula: string, rows: DataRows, timeColumn: unknown) {
  const f = parseModelFormula(formula);
  if (!f.fixed.response) throw new InvalidArgumentError("the formula must name the series on the left of '~'", "specification.formula");
  if (f.random.length > 0) throw new InvalidArgumentError("random-effects terms are not allowed in a time-series model", "specification.formula");
  if (typeof timeColumn !== "string") throw new InvalidArgumentError("time_structure.time_column is required", "specification.time_structure");
  if (rows.some((r) => coerceCell(r[timeColumn]) === null)) {
    throw new InvalidArgumentError(`every row needs a value in the time column '${timeColumn}'`, "rows");
  }
  const sorted = [...rows].sort((a, b) => compareTime(a[timeColumn], b[timeColumn]));
  const responseFrame = buildModelFrame([f.fixed.response], sorted);
  // Keep missing responses as NaN at their time points.
  const y = new Float64Array(sorted.length).fill(NaN);
  const rv = responseFrame.variables.get(f.fixed.response.label)!;
  if (rv.kind !== "numeric") throw new InvalidArgumentError("the series must be numeric", "specification.formula");
  responseFrame.rowIndex.forEach((ri, k) => (y[ri] = rv.values[k]!));
  return { f, sorted, y };
}

/** Fits the local-level model to `y ~ 1` ordered by time (R: StructTS(y, type = "level")). */
export function fitLocalLevelModel(formula: string, rows: DataRows, time: LocalLevelStructure, options: TimeSeriesModelOptions = {}): LocalLevelFit {
  const { f, y } = orderedSeries(formula, rows, time?.time_column);
  if (f.fixed.terms.length > 0) throw new InvalidArgumentError("the local-level model takes no regressors: use `y ~ 1`", "specification.formula");
  return fitLocalLevel(y, { horizon: options.forecast_horizon ?? 0, ...(options.level !== undefined ? { level: options.level } : {}) });
}

/** Fits an ARIMA model to a formula's response ordered by time (R: arima(y, order, seasonal, xreg)). */
export function fitTimeSeriesModel(formula: string, rows: DataRows, time: TimeStructure, options: TimeSeriesModelOptions = {}): ArimaFit {
  const { f, sorted, y } = orderedSeries(formula, rows, time?.time_column);
  const terms = { ...f.fixed, intercept: false };
  let xreg: { names: string[]; columns: Float64Array[] } | undefined;
  let futureXreg: Float64Array[] | undefined;
  if (terms.terms.length > 0) {
    const frame = buildModelFrame(terms.variables, sorted);
    if (frame.dropped > 0) throw new InvalidArgumentError("regressors of a time-series model may not be missing", "rows");
    // Regressor columns as R's model.matrix without the intercept column (the intercept is "intercept").
    const { matrix, encoding } = buildModelMatrix({ ...f.fixed }, frame);
    const keep = matrix.columnNames.map((n, i) => [n, i] as const).filter(([n]) => n !== "(Intercept)");
    xreg = { names: keep.map(([n]) => n), columns: keep.map(([, i]) => matrix.columns[i]!) };
    if (options.forecast_horizon) {
      const future = [...(options.forecast_rows ?? [])].sort((a, b) => compareTime(a[time.time_column], b[time.time_column]));
      if (future.length < options.forecast_horizon) {
        throw new InvalidArgumentError("forecasts with regressors need forecast_rows holding their future values", "options.forecast_rows");
      }
      const nf = evaluateOnNewRows(terms.variables, encoding.variableKinds, future.slice(0, options.forecast_horizon));
      const fm = applyMatrixEncoding(encoding, nf);
      futureXreg = keep.map(([, i]) => fm.columns[i]!);
    }
  }
  const [, d] = time.order;
  const D = time.seasonal?.order[1] ?? 0;
  return fitArima(y, {
    order: time.order,
    seasonal: time.seasonal,
    xreg,
    includeMean: f.fixed.intercept && d + D === 0,
    forecast: options.forecast_horizon ? { horizon: options.forecast_horizon, xreg: futureXreg, level: options.level } : undefined,
  });
}
