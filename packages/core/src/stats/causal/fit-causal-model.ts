// Causal effect estimators for experiments: CUPED and ANCOVA (`y ~ treatment` with a pre-period
// covariate) and difference-in-differences (`y ~ treated * post`) with cluster-robust CR1
// standard errors. Each reports the effect, its standard error and the variance reduction
// against the unadjusted comparison.

import { InvalidArgumentError } from "../../errors.js";
import { coefficientTable, type CoefficientRow } from "../inference/coefficient-table.js";
import type { DataRows } from "../formula/model-frame.js";
import { prepareModelData, numericResponse } from "../formula/model-data.js";
import { parseModelFormula, type ModelFormula } from "../formula/model-formula.js";
import { fitLinearModel } from "../linear/fit-linear-model.js";
import { clusterRobustCovariance } from "./cluster-robust-covariance.js";
import { cupedEstimate } from "./cuped.js";

export type CausalMethod = "cuped" | "did" | "ancova";

export interface CausalModelOptions {
  readonly method: CausalMethod;
  /** CUPED / ANCOVA: the pre-period covariate column. */
  readonly covariate?: string;
  /** DiD (required) : the cluster column of the CR1 standard errors. */
  readonly cluster?: string;
  readonly level?: number;
}

export interface CausalFit {
  readonly method: CausalMethod;
  /** Column name of the effect: the treatment indicator, or the treated:post interaction. */
  readonly effect_term: string;
  readonly effect: CoefficientRow;
  /** Coefficient rows of the regression (CUPED: the adjusted difference in means only). */
  readonly fixed_effects: CoefficientRow[];
  readonly unadjusted_std_error: number;
  /** 1 - Var(adjusted estimate) / Var(unadjusted estimate) (CUPED: 1 - var(y_cv)/var(y)). */
  readonly variance_reduction: number;
  readonly standard_errors: string;
  readonly theta?: number;
  readonly n_clusters?: number;
  readonly covariance: Float64Array[];
  readonly nobs: number;
  readonly dropped_rows: number;
  readonly residuals: Float64Array;
  readonly details: Record<string, number>;
}

const COLUMN = /^[A-Za-z.][A-Za-z0-9._]*$/;

function column(name: string | undefined, path: string, what: string): string {
  if (name === undefined) throw new InvalidArgumentError(`${what} needs ${path}`, path);
  if (!COLUMN.test(name)) throw new InvalidArgumentError(`${path} must be a column name, got '${name}'`, path);
  return name;
}

function singleTreatmentTerm(f: ModelFormula, method: string): string {
  if (!f.fixed.intercept || f.fixed.terms.length !== 1 || f.random.length > 0) {
    throw new InvalidArgumentError(`${method} needs a formula of the form 'y ~ treatment' (one term, an intercept, no random terms)`, "specification.formula");
  }
  return f.fixed.terms[0]!.label;
}

/** Fits a causal model (CUPED: Deng et al. 2013; ANCOVA: R lm; DiD: R lm + sandwich::vcovCL HC1). */
export function fitCausalModel(formula: string, rows: DataRows, options: CausalModelOptions): CausalFit {
  const level = options.level ?? 0.95;
  const f = parseModelFormula(formula);
  switch (options.method) {
    case "cuped":
    case "ancova":
      return adjusted(f, rows, options, level);
    case "did":
      return differenceInDifferences(f, rows, options, level);
    default:
      throw new InvalidArgumentError(`options.method must be cuped, did or ancova`, "options.method");
  }
}

function adjusted(f: ModelFormula, rows: DataRows, options: CausalModelOptions, level: number): CausalFit {
  const method = options.method;
  singleTreatmentTerm(f, method);
  const cov = column(options.covariate, "options.covariate", method === "cuped" ? "CUPED" : "ANCOVA");
  const full = parseModelFormula(`${f.source} + ${cov}`);
  const data = prepareModelData(full, rows, { allowRandom: false });
  if (data.X.p !== 3) throw new InvalidArgumentError("the treatment must be a two-level indicator (0/1 or a two-level factor)", "specification.formula");
  const treatCol = data.X.columns[1]!;
  for (const v of treatCol) if (v !== 0 && v !== 1) throw new InvalidArgumentError("the treatment column must be 0/1", "specification.formula");
  const effectTerm = data.X.columnNames[1]!;
  const used = Array.from(data.frame.rowIndex, (i) => rows[i]!);
  if (method === "cuped") {
    const y = Array.from(numericResponse(data));
    const x = Array.from(data.X.columns[2]!);
    const r = cupedEstimate(y, x, Array.from(treatCol, (v) => v === 1), level);
    const row: CoefficientRow = {
      term: effectTerm, estimate: r.effect, std_error: r.std_error, statistic: r.statistic, p_value: r.p_value, ci_lower: r.ci_lower, ci_upper: r.ci_upper,
    };
    return {
      method, effect_term: effectTerm, effect: row, fixed_effects: [row], unadjusted_std_error: r.unadjusted_std_error,
      variance_reduction: r.variance_reduction, standard_errors: "Welch, sqrt(var1/n1 + var0/n0) of the CUPED-adjusted outcome; normal interval",
      theta: r.theta, covariance: [Float64Array.of(r.std_error ** 2)], nobs: y.length, dropped_rows: data.frame.dropped,
      residuals: new Float64Array(0),
      details: { unadjusted_effect: r.unadjusted_effect, control_mean: r.control_mean, treatment_mean: r.treatment_mean, n_control: r.n_control, n_treatment: r.n_treatment },
    };
  }
  const fit = fitLinearModel(full, rows, { level });
  const base = fitLinearModel(f, used, { level });
  const effect = fit.fixed_effects[1]!;
  const unadj = base.fixed_effects[1]!.std_error;
  return {
    method, effect_term: effectTerm, effect, fixed_effects: fit.fixed_effects, unadjusted_std_error: unadj,
    variance_reduction: 1 - (effect.std_error / unadj) ** 2, standard_errors: "OLS (R: summary.lm), t on the residual df",
    covariance: fit.covariance, nobs: fit.nobs, dropped_rows: fit.dropped_rows, residuals: fit.residuals,
    details: { unadjusted_effect: base.fixed_effects[1]!.estimate, covariate_coefficient: fit.fixed_effects[2]!.estimate },
  };
}

function clusterOf(rows: DataRows, rowIndex: Int32Array, name: string): string[] {
  return Array.from(rowIndex, (i) => {
    const v = rows[i]![name];
    if (v === null || v === undefined || v === "") throw new InvalidArgumentError(`row ${i} has no value in the cluster column '${name}'`, "options.cluster");
    return String(v);
  });
}

/** OLS with CR1 cluster-robust covariance; coefficient rows use t on G - 1 df (Stata's convention). */
function clusteredLm(f: ModelFormula, rows: DataRows, cluster: string, level: number) {
  const fit = fitLinearModel(f, rows, { level });
  if (fit.aliased.length > 0) throw new InvalidArgumentError(`aliased coefficients (${fit.aliased.join(", ")}): the design cannot identify them`, "specification.formula");
  const data = prepareModelData(f, rows, { allowRandom: false });
  const s2 = fit.sigma ** 2;
  const bread = fit.covariance.map((r) => r.map((v) => v / s2));
  const { covariance, clusters } = clusterRobustCovariance(data.X.columns, fit.residuals, clusterOf(rows, data.frame.rowIndex, cluster), bread);
  const se = covariance.map((r, j) => Math.sqrt(r[j]!));
  const table = coefficientTable(data.X.columnNames, fit.coefficients, se, { kind: "t", df: clusters - 1 }, level);
  return { fit, data, covariance, clusters, table };
}

function differenceInDifferences(f: ModelFormula, rows: DataRows, options: CausalModelOptions, level: number): CausalFit {
  const cluster = column(options.cluster, "options.cluster", "difference-in-differences");
  const inter = f.fixed.terms.filter((t) => t.order === 2);
  if (f.random.length > 0 || inter.length !== 1 || f.fixed.terms.length !== 3) {
    throw new InvalidArgumentError("difference-in-differences needs a formula of the form 'y ~ treated * post'", "specification.formula");
  }
  const m = clusteredLm(f, rows, cluster, level);
  const names = m.data.X.columnNames;
  const k = names.findIndex((n) => n.includes(":"));
  if (k < 0 || names.length !== 4) throw new InvalidArgumentError("treated and post must be 0/1 indicators (or two-level factors)", "specification.formula");
  // Baseline of variance_reduction: the post-period comparison of treated and control units.
  const [treatedLabel, postLabel] = inter[0]!.label.split(":") as [string, string];
  const postTerm = f.fixed.terms.findIndex((t) => t.label === postLabel) + 1;
  const postCol = m.data.X.columns[m.data.X.assign.indexOf(postTerm)]!;
  const postRows = Array.from(m.data.frame.rowIndex, (i) => rows[i]!).filter((_, j) => postCol[j] === 1);
  let postSe = NaN;
  try {
    const post = clusteredLm(parseModelFormula(`${f.fixed.response!.label} ~ ${treatedLabel}`), postRows, cluster, level);
    postSe = post.table[1]!.std_error;
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
  }
  const effect = m.table[k]!;
  return {
    method: "did", effect_term: names[k]!, effect, fixed_effects: m.table, unadjusted_std_error: postSe,
    variance_reduction: 1 - (effect.std_error / postSe) ** 2,
    standard_errors: "cluster-robust CR1 (R: sandwich::vcovCL(type = 'HC1'); Stata: vce(cluster)), t on G - 1 df",
    n_clusters: m.clusters, covariance: m.covariance, nobs: m.fit.nobs, dropped_rows: m.fit.dropped_rows, residuals: m.fit.residuals,
    details: {},
  };
}
