// StatisticalModel orchestration: checks a fit request against the data model's rules (valid
// formula, specification matching the formula, known columns, observations present, supported
// class and estimation method), routes it to core's estimator (lmer-style mixed model, lm,
// logistic glm or ARIMA; causal CUPED / DiD / ANCOVA; the seeded case or cluster bootstrap; the
// Gibbs samplers of linear mixed models), adds goodness-of-fit checks and predictions with
// uncertainty bounds, and stores the result. Large fits (or options.async) are queued for services/model-jobs.ts.

import {
  ConvergenceError,
  bootstrapLinearMixedModel,
  bootstrapRegression,
  createRng,
  fitBayesianLinearMixedModel,
  fitBayesianRandomIntercept,
  fitCausalModel,
  FormulaSyntaxError,
  InvalidArgumentError,
  chiSquareUpper,
  fitLinearMixedModel,
  fitLinearModel,
  fitLogisticRegression,
  fitLocalLevelModel,
  fitTimeSeriesModel,
  ljungBox,
  parseModelFormula,
  predictLinearMixedModel,
  predictLinearModel,
  predictLogisticRegression,
  specificationSummary,
  type BootstrapRow,
  type CausalMethod,
  type FormulaExpr,
  type LocalLevelStructure,
  type MixedPosteriorRow,
  type ModelFormula,
  type TimeStructure,
} from "@mvx/core";
import { randomUUID } from "node:crypto";
import { countObservations, loadObservationColumns, missingObservationColumns, observationColumns, rowsFromColumns } from "../db/repositories/observations.js";
import {
  findStatisticalModel,
  insertStatisticalModel,
  listStatisticalModels,
  type StatisticalModelRow,
} from "../db/repositories/statistical-models.js";
import { ApiError, NotFoundError, RuleViolationError, type ErrorDetail } from "../errors.js";
import type { CreateStatisticalModelBody } from "../routes/statistical-models/schemas.js";
import { getExperiment, type ServiceContext } from "./experiments.js";

/** Above this many observation rows a fit runs in the background (202). */
export const ASYNC_ROW_THRESHOLD = 20_000;
/** Significance level of the goodness-of-fit checks: a check passes when p >= ALPHA. */
export const GOF_ALPHA = 0.05;

export type ModelOptions = NonNullable<CreateStatisticalModelBody["options"]>;

/** What a fit needs besides the data. */
export interface FitInput {
  model_class: CreateStatisticalModelBody["model_class"];
  estimation_method?: CreateStatisticalModelBody["estimation_method"];
  specification: CreateStatisticalModelBody["specification"];
  options: ModelOptions | null | undefined;
}

export interface FitResults {
  fitted_parameters: Record<string, unknown>;
  model_diagnostics: Record<string, unknown>;
  predictions: Record<string, unknown>[];
  uncertainty_quantification: Record<string, unknown>;
}

export interface GoodnessOfFitCheck {
  check: string;
  statistic: number | null;
  df?: number;
  p_value: number | null;
  passed: boolean;
  description: string;
}

// ---------------------------------------------------------------------------------------------
// Validation (422 naming the broken rule)

/** Parses the formula; a syntax error is a 422 naming its position. */
export function parseFormulaOrFail(source: string): ModelFormula {
  try {
    return parseModelFormula(source);
  } catch (err) {
    if (err instanceof FormulaSyntaxError) {
      const message = `${err.reason} at position ${err.position}`;
      throw new RuleViolationError(`specification.formula is not a valid model formula: ${message}`, [{ path: "specification.formula", message }]);
    }
    throw err;
  }
}

const CAUSAL_METHODS: readonly CausalMethod[] = ["cuped", "did", "ancova"];

function isRandomInterceptOnly(formula: ModelFormula): boolean {
  const r = formula.random[0];
  return formula.random.length === 1 && r !== undefined && r.lhs.intercept && r.lhs.terms.length === 0 && r.groupVariables.length === 1;
}

/** Which class x estimation method pairs exist, and the options each needs. */
function checkSupported(body: CreateStatisticalModelBody, formula: ModelFormula): void {
  const options = body.options ?? {};
  if (body.model_class === "Causal") {
    const method = options.method;
    if (method === undefined || !CAUSAL_METHODS.includes(method)) {
      throw new RuleViolationError("a Causal model needs options.method: cuped, did or ancova", [{ path: "options.method", message: "one of cuped, did, ancova" }]);
    }
    if ((method === "cuped" || method === "ancova") && !options.covariate) {
      throw new RuleViolationError(`${method} needs options.covariate (the pre-period covariate column)`, [{ path: "options.covariate", message: "required" }]);
    }
    if (method === "did" && !options.cluster) {
      throw new RuleViolationError("difference-in-differences needs options.cluster (the column of the units or clusters)", [{ path: "options.cluster", message: "required" }]);
    }
    if (body.estimation_method !== "MLE") {
      throw new RuleViolationError(`Causal models are estimated by least squares (estimation_method MLE), not ${body.estimation_method}`, [
        { path: "estimation_method", message: "Causal supports MLE" },
      ]);
    }
    return;
  }
  if (body.estimation_method === "Bootstrap" && body.model_class === "TimeSeries") {
    throw new RuleViolationError(
      "Bootstrap estimation covers lm / logistic glm coefficients (case or cluster bootstrap) and linear mixed models (cluster bootstrap of the groups); time-series bootstraps are not available",
      [{ path: "estimation_method", message: "Bootstrap needs a non-TimeSeries class" }],
    );
  }
  if (body.estimation_method === "Bootstrap" && formula.random.length > 0 && options.cluster !== undefined && !formula.random.some((r) => r.group === options.cluster)) {
    const groups = [...new Set(formula.random.map((r) => r.group))];
    throw new RuleViolationError(`the mixed-model bootstrap resamples the groups of a grouping factor: options.cluster must be one of ${groups.join(", ")}`, [
      { path: "options.cluster", message: `'${options.cluster}' is not a grouping factor of the formula (${groups.join(", ")})` },
    ]);
  }
  if (body.estimation_method === "Bayesian") {
    const covers =
      "Bayesian estimation covers the Gaussian linear mixed model, from one random intercept 'y ~ x + (1 | g)' to correlated '(x | g)', " +
      "uncorrelated '(x || g)' and several grouping factors";
    if (body.model_class === "TimeSeries") {
      throw new RuleViolationError(`${covers}; time-series models are estimated by MLE`, [{ path: "estimation_method", message: "Bayesian needs a non-TimeSeries class" }]);
    }
    if (options.family === "binomial") {
      throw new RuleViolationError(`${covers}; the binomial family is not available`, [{ path: "options.family", message: "Bayesian needs a gaussian response" }]);
    }
    if (formula.random.length === 0) {
      throw new RuleViolationError(`${covers}: the formula needs at least one random-effects term`, [
        { path: "specification.formula", message: "Bayesian needs a random-effects term such as (1 | g) or (x | g)" },
      ]);
    }
  }
}

/** Term labels of a one-sided formula built from user-listed terms (unparseable entries kept as written). */
function canonicalTerms(list: readonly string[], random: boolean): string[] {
  return list.flatMap((raw) => {
    const t = raw.trim();
    if (!random && (t === "(Intercept)" || t === "1")) return [];
    const text = random && !t.startsWith("(") ? `(${t})` : t;
    try {
      const f = parseModelFormula(`~ ${text}`);
      const labels = random ? f.random.map((r) => `(${r.label})`) : f.fixed.terms.map((x) => x.label);
      return labels.length > 0 ? labels : [t];
    } catch {
      return [t];
    }
  });
}

function compareTerms(path: string, derived: readonly string[], given: readonly string[] | undefined, random: boolean): ErrorDetail | null {
  if (!given) return null;
  const want = new Set(derived);
  const got = new Set(canonicalTerms(given, random));
  const missing = [...want].filter((x) => !got.has(x));
  const extra = [...got].filter((x) => !want.has(x));
  if (missing.length === 0 && extra.length === 0) return null;
  const parts = [
    ...(missing.length ? [`the formula has ${missing.join(", ")} but the specification does not list ${missing.length === 1 ? "it" : "them"}`] : []),
    ...(extra.length ? [`the specification lists ${extra.join(", ")} but the formula does not have ${extra.length === 1 ? "it" : "them"}`] : []),
  ];
  return { path, message: `${parts.join("; ")} (formula terms: [${derived.join(", ")}])` };
}

/** random_effects / fixed_effects, when given, must equal the formula's; TimeSeries needs time_structure. */
function checkSpecification(body: CreateStatisticalModelBody, formula: ModelFormula): void {
  const summary = specificationSummary(formula);
  const details = [
    compareTerms("specification.fixed_effects", summary.fixed_effects, body.specification.fixed_effects, false),
    compareTerms("specification.random_effects", summary.random_effects, body.specification.random_effects, true),
  ].filter((d): d is ErrorDetail => d !== null);
  if (details.length > 0) {
    throw new RuleViolationError(`the specification does not match its formula: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}`, details);
  }
  if (!summary.response) {
    throw new RuleViolationError("the formula needs a response on the left of '~'", [{ path: "specification.formula", message: "no response" }]);
  }
  if (body.model_class === "TimeSeries") {
    if (!body.specification.time_structure) {
      throw new RuleViolationError("a TimeSeries model needs specification.time_structure {time_column, order: [p, d, q]}", [
        { path: "specification.time_structure", message: "required for TimeSeries" },
      ]);
    }
    const ts = body.specification.time_structure as { model?: string; order?: unknown };
    if (ts.model !== "local_level" && ts.order === undefined) {
      throw new RuleViolationError("an ARIMA TimeSeries model needs specification.time_structure.order [p, d, q] (or model: \"local_level\")", [
        { path: "specification.time_structure.order", message: "required unless model is \"local_level\"" },
      ]);
    }
    if (formula.random.length > 0) {
      throw new RuleViolationError("random-effects terms are not allowed in a TimeSeries model", [
        { path: "specification.formula", message: `remove (${formula.random[0]!.label})` },
      ]);
    }
  }
}

function namesOf(e: FormulaExpr, out: Set<string>): void {
  switch (e.kind) {
    case "name":
      out.add(e.name);
      return;
    case "number":
      return;
    case "call":
      e.args.forEach((a) => namesOf(a, out));
      return;
    case "binary":
      namesOf(e.left, out);
      namesOf(e.right, out);
      return;
    case "unary":
      namesOf(e.operand, out);
      return;
    case "paren":
      namesOf(e.expr, out);
      return;
  }
}

/** Every data column a formula reads (response, fixed terms, random left sides, grouping factors). */
export function formulaColumns(formula: ModelFormula): string[] {
  const out = new Set<string>();
  const vars = [
    ...(formula.fixed.response ? [formula.fixed.response] : []),
    ...formula.fixed.variables,
    ...formula.random.flatMap((r) => [...r.lhs.variables, ...r.groupVariables]),
  ];
  for (const v of vars) namesOf(v.expr, out);
  return [...out];
}

/** Every data column a fit reads: the formula's, the time column of a TimeSeries, options.covariate and options.cluster. */
export function fitColumns(input: Pick<FitInput, "model_class" | "specification"> & { options?: ModelOptions | null }, formula: ModelFormula): string[] {
  const out = new Set(formulaColumns(formula));
  const timeColumn = input.model_class === "TimeSeries" ? input.specification.time_structure?.time_column : undefined;
  if (timeColumn !== undefined) out.add(timeColumn);
  for (const key of ["covariate", "cluster"] as const) {
    const col = input.options?.[key];
    if (col !== undefined) out.add(col);
  }
  return [...out];
}

function checkColumns(body: CreateStatisticalModelBody, formula: ModelFormula, columns: readonly string[]): void {
  const known = new Set(columns);
  const details: ErrorDetail[] = formulaColumns(formula)
    .filter((c) => !known.has(c))
    .map((c) => ({ path: "specification.formula", message: `'${c}' is not a column of the observations` }));
  const timeColumn = body.model_class === "TimeSeries" ? body.specification.time_structure?.time_column : undefined;
  if (timeColumn !== undefined && !known.has(timeColumn)) {
    details.push({ path: "specification.time_structure.time_column", message: `'${timeColumn}' is not a column of the observations` });
  }
  for (const key of ["covariate", "cluster"] as const) {
    const col = body.options?.[key];
    if (col !== undefined && !known.has(col)) details.push({ path: `options.${key}`, message: `'${col}' is not a column of the observations` });
  }
  if (details.length > 0) {
    const names = details.map((d) => /'(.*)'/.exec(d.message)?.[1]).join(", ");
    throw new RuleViolationError(`unknown columns: ${names} (the observations have: ${[...known].sort().join(", ") || "none"})`, details);
  }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics helpers (small tests not in core yet)

function finite(x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return out;
}

/** Jarque–Bera normality test of residuals (Jarque & Bera 1987; R: tseries::jarque.bera.test). */
export function jarqueBera(x: ArrayLike<number>): GoodnessOfFitCheck | null {
  const v = finite(x);
  const n = v.length;
  if (n < 8) return null;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const a of v) {
    const d = a - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return null;
  const skew = m3 / m2 ** 1.5;
  const kurt = m4 / (m2 * m2);
  const statistic = (n / 6) * (skew * skew + ((kurt - 3) * (kurt - 3)) / 4);
  const p = chiSquareUpper(statistic, 2);
  return {
    check: "residual_normality_jarque_bera",
    statistic,
    df: 2,
    p_value: p,
    passed: p >= GOF_ALPHA,
    description: "Jarque-Bera test that the residuals are normal (skewness 0, kurtosis 3)",
  };
}

/** Ljung–Box test of residual autocorrelation (R: Box.test(resid, lag, "Ljung-Box", fitdf)). */
function ljungBoxCheck(residuals: ArrayLike<number>, fitdf: number, description: string, seasonalPeriod?: number): GoodnessOfFitCheck | null {
  const n = finite(residuals).length;
  // Box & Jenkins' customary lag: 10, or two seasons; at most a quarter of the series.
  let lag = Math.min(seasonalPeriod && seasonalPeriod > 1 ? 2 * seasonalPeriod : 10, Math.floor(n / 4));
  lag = Math.max(lag, fitdf + 1);
  if (lag >= n || lag < 1) return null;
  const r = ljungBox(residuals, lag, fitdf);
  return { check: "residual_autocorrelation_ljung_box", statistic: r.statistic, df: r.df, p_value: r.p_value, passed: r.p_value >= GOF_ALPHA, description: `${description} (lag ${lag})` };
}

/** Hosmer–Lemeshow test of a logistic fit over g groups of equal size by fitted probability (Hosmer & Lemeshow 2000, §5.2.2). */
export function hosmerLemeshow(y: readonly number[], p: readonly number[], g = 10): GoodnessOfFitCheck | null {
  const n = y.length;
  if (n < 2 * g) return null;
  const order = [...p.keys()].sort((a, b) => p[a]! - p[b]!);
  let statistic = 0;
  for (let k = 0; k < g; k++) {
    const idx = order.slice(Math.floor((k * n) / g), Math.floor(((k + 1) * n) / g));
    const obs = idx.reduce((s, i) => s + y[i]!, 0);
    const exp = idx.reduce((s, i) => s + p[i]!, 0);
    const m = idx.length;
    const denom = exp * (1 - exp / m);
    if (denom > 0) statistic += ((obs - exp) * (obs - exp)) / denom;
  }
  const pValue = chiSquareUpper(statistic, g - 2);
  return {
    check: "hosmer_lemeshow",
    statistic,
    df: g - 2,
    p_value: pValue,
    passed: pValue >= GOF_ALPHA,
    description: "Hosmer-Lemeshow test over deciles of fitted probability",
  };
}

function quantile7(sorted: readonly number[], prob: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * prob;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** R's summary() five numbers plus mean and sd of the finite residuals. */
function summariseResiduals(x: ArrayLike<number>): Record<string, number> {
  const s = finite(x).sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { min: s[0] ?? NaN, q1: quantile7(s, 0.25), median: quantile7(s, 0.5), q3: quantile7(s, 0.75), max: s[n - 1] ?? NaN, mean, sd };
}

function gof(checks: (GoodnessOfFitCheck | null)[]): { goodness_of_fit: GoodnessOfFitCheck[]; passed: boolean } {
  const list = checks.filter((c): c is GoodnessOfFitCheck => c !== null);
  return { goodness_of_fit: list, passed: list.every((c) => c.passed) };
}

function covarianceOf(terms: readonly string[], cov: readonly ArrayLike<number>[]): { terms: string[]; matrix: number[][] } {
  return { terms: [...terms], matrix: cov.map((r) => Array.from(r)) };
}

// ---------------------------------------------------------------------------------------------
// Fitting

/** Fits a checked request to rows (ids are the observation ids of the rows); pure apart from the maths' CPU time. */
export function fitSpecification(
  input: FitInput,
  rows: Record<string, unknown>[],
  ids: readonly number[],
  onProgress?: (done: number) => void,
): FitResults {
  const options = input.options ?? {};
  const level = options.level ?? 0.95;
  const formula = parseFormulaOrFail(input.specification.formula);
  if (input.model_class === "Causal") return fitCausal(input.specification.formula, rows, options, level);
  if (input.model_class === "TimeSeries") return fitTimeSeries(input, rows, level);
  if (input.estimation_method === "Bayesian") return fitBayesian(input.specification.formula, rows, options, level, onProgress);
  if (input.estimation_method === "Bootstrap") {
    if (formula.random.length > 0) return withMixedBootstrap(fitMixed(formula, rows, ids, options, level), formula, rows, options, level, onProgress);
    const base = options.family === "binomial" ? fitLogistic(formula, rows, ids, level) : fitLinear(formula, rows, ids, level);
    return withBootstrap(base, formula, rows, options, level, onProgress);
  }
  if (formula.random.length > 0) return fitMixed(formula, rows, ids, options, level);
  if (options.family === "binomial") return fitLogistic(formula, rows, ids, level);
  return fitLinear(formula, rows, ids, level);
}

/** Per-row predictions: the fitted mean with its confidence interval, and the prediction interval. */
function rowPredictions(
  conf: readonly { row: number; estimate: number; std_error: number; lower: number; upper: number }[],
  pred: readonly { lower: number; upper: number }[],
  ids: readonly number[],
): Record<string, unknown>[] {
  return conf.map((c, k) => ({
    row: c.row,
    observation_id: ids[c.row] ?? null,
    estimate: c.estimate,
    std_error: c.std_error,
    lower: c.lower,
    upper: c.upper,
    prediction_lower: pred[k]!.lower,
    prediction_upper: pred[k]!.upper,
  }));
}

function fitLinear(formula: ModelFormula, rows: Record<string, unknown>[], ids: readonly number[], level: number): FitResults {
  const fit = fitLinearModel(formula, rows, { level });
  const conf = predictLinearModel(fit, rows, { interval: "confidence", level });
  const pred = predictLinearModel(fit, rows, { interval: "prediction", level });
  const checks = gof([
    jarqueBera(fit.residuals),
    ljungBoxCheck(fit.residuals, 0, "Ljung-Box test that the residuals, in observation order, are uncorrelated"),
  ]);
  return {
    fitted_parameters: { model: "lm", fixed_effects: fit.fixed_effects, aliased: fit.aliased, sigma: fit.sigma, df_residual: fit.df_residual },
    model_diagnostics: {
      aic: fit.aic,
      bic: fit.bic,
      r_squared: fit.r_squared,
      adj_r_squared: fit.adj_r_squared,
      log_likelihood: fit.log_likelihood,
      f_statistic: fit.f_statistic,
      nobs: fit.nobs,
      dropped_rows: fit.dropped_rows,
      residual_analysis: fit.residual_analysis,
      ...checks,
    },
    predictions: rowPredictions(conf, pred, ids),
    uncertainty_quantification: {
      level,
      coefficient_intervals: "Wald, Student t on the residual df (R: confint.lm)",
      prediction_intervals:
        "fitted values of the data rows: lower/upper = confidence interval of the mean, prediction_lower/prediction_upper = prediction interval (R: predict.lm)",
      sigma: fit.sigma,
      df_residual: fit.df_residual,
      covariance: covarianceOf(fit.fixed_effects.map((r) => r.term), fit.covariance),
    },
  };
}

function fitLogistic(formula: ModelFormula, rows: Record<string, unknown>[], ids: readonly number[], level: number): FitResults {
  const fit = fitLogisticRegression(formula, rows, { level });
  const preds = predictLogisticRegression(fit, rows, { level });
  const response = formula.fixed.response?.expr;
  let hl: GoodnessOfFitCheck | null = null;
  if (response?.kind === "name") {
    const y: number[] = [];
    const p: number[] = [];
    for (const pr of preds) {
      const v = Number(rows[pr.row]![response.name]);
      if (v === 0 || v === 1) {
        y.push(v);
        p.push(pr.estimate);
      }
    }
    if (y.length === preds.length) hl = hosmerLemeshow(y, p);
  }
  const checks = gof([hl]);
  return {
    fitted_parameters: { model: "glm-binomial", fixed_effects: fit.fixed_effects, aliased: fit.aliased, success_level: fit.success_level },
    model_diagnostics: {
      aic: fit.aic,
      bic: fit.bic,
      r_squared: fit.null_deviance > 0 ? 1 - fit.deviance / fit.null_deviance : null,
      r_squared_kind: "McFadden",
      log_likelihood: fit.log_likelihood,
      deviance: fit.deviance,
      null_deviance: fit.null_deviance,
      df_residual: fit.df_residual,
      iterations: fit.iterations,
      converged: fit.converged,
      warnings: fit.warnings,
      nobs: fit.nobs,
      dropped_rows: fit.dropped_rows,
      residual_analysis: { deviance: fit.deviance, df_residual: fit.df_residual },
      ...checks,
    },
    predictions: preds.map((p) => ({ row: p.row, observation_id: ids[p.row] ?? null, estimate: p.estimate, lower: p.lower, upper: p.upper, link: p.link, link_std_error: p.link_std_error })),
    uncertainty_quantification: {
      level,
      coefficient_intervals: "Wald, standard normal (R: confint.default)",
      prediction_intervals: "probabilities: Wald interval on the logit scale mapped through plogis (R: predict.glm type = 'link')",
      covariance: covarianceOf(fit.fixed_effects.map((r) => r.term), fit.covariance),
    },
  };
}

function fitMixed(formula: ModelFormula, rows: Record<string, unknown>[], ids: readonly number[], options: ModelOptions, level: number): FitResults {
  const fit = fitLinearMixedModel(formula, rows, {
    reml: options.reml !== false,
    level,
    ...(options.p_value_method ? { pValueMethod: options.p_value_method } : {}),
  });
  const conf = predictLinearMixedModel(fit, rows, { interval: "confidence", level });
  const pred = predictLinearMixedModel(fit, rows, { interval: "prediction", level });
  const checks = gof([
    jarqueBera(fit.residuals),
    {
      check: "non_singular_fit",
      statistic: null,
      p_value: null,
      passed: !fit.singular,
      description: "no random-effect standard deviation is estimated at (nearly) zero (lme4: isSingular, tol 1e-4)",
    },
    {
      check: "optimizer_converged",
      statistic: fit.optimizer.evaluations,
      p_value: null,
      passed: fit.optimizer.converged,
      description: "the (RE)ML optimiser converged",
    },
  ]);
  return {
    fitted_parameters: {
      model: "lmer",
      reml: fit.reml,
      fixed_effects: fit.fixed_effects,
      p_value_method: fit.p_value_method,
      variance_components: fit.variance_components.map((v) => ({ group: v.group, term: v.term, sd: v.sd, variance: v.variance })),
      correlations: fit.correlations,
      random_effects: fit.random_effects,
      theta: fit.theta,
      sigma: fit.sigma,
      ngroups: fit.ngroups,
      aliased: fit.aliased,
    },
    model_diagnostics: {
      aic: fit.aic,
      bic: fit.bic,
      r_squared: fit.r2_conditional,
      r_squared_marginal: fit.r2_marginal,
      r_squared_conditional: fit.r2_conditional,
      r_squared_kind: "Nakagawa-Schielzeth conditional",
      log_likelihood: fit.log_likelihood,
      criterion: fit.criterion,
      criterion_kind: fit.reml ? "REML" : "deviance",
      df: fit.df,
      nobs: fit.nobs,
      dropped_rows: fit.dropped_rows,
      singular: fit.singular,
      optimizer: fit.optimizer,
      residual_analysis: fit.residual_analysis,
      ...checks,
    },
    predictions: rowPredictions(conf, pred, ids),
    uncertainty_quantification: {
      level,
      coefficient_intervals: fit.p_value_method === "normal" ? "Wald, standard normal (lme4: confint(method = 'Wald'))" : "Wald, Student t on n - p df",
      prediction_intervals:
        "fitted values including the conditional modes of each row's groups; lower/upper from vcov(beta) (fixed-effect uncertainty, normal quantiles), prediction_lower/prediction_upper widened by sigma^2",
      sigma: fit.sigma,
      covariance: covarianceOf(fit.fixed_effects.map((r) => r.term), fit.covariance),
    },
  };
}

/** Future time labels when the time column is numeric and regularly spaced at its end. */
function futureTime(rows: Record<string, unknown>[], timeColumn: string): (step: number) => { time?: number } {
  const times = rows.map((r) => Number(r[timeColumn])).filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  const step = times.length >= 2 ? times[times.length - 1]! - times[times.length - 2]! : NaN;
  const last = times[times.length - 1];
  return (h) => (last !== undefined && step > 0 ? { time: Number((last + h * step).toPrecision(12)) } : {});
}

/** The local-level model (core: fitLocalLevelModel; R: StructTS(y, type = "level"), predict). */
function fitLocalLevelSeries(input: FitInput, rows: Record<string, unknown>[], level: number): FitResults {
  const options = input.options ?? {};
  const ts = input.specification.time_structure as unknown as LocalLevelStructure;
  const horizon = options.forecast_horizon;
  const fit = fitLocalLevelModel(input.specification.formula, rows, ts, { ...(horizon ? { forecast_horizon: horizon } : {}), level });
  const checks = gof([
    ljungBoxCheck(fit.residuals, 1, "Ljung-Box test that the standardised innovations are uncorrelated (fitdf 1, Durbin & Koopman: hyperparameters - 1)"),
    jarqueBera(fit.residuals),
  ]);
  const at = futureTime(rows, ts.time_column);
  const k = 2;
  return {
    fitted_parameters: {
      model: "local_level",
      coefficients: [
        { term: "sigma2_level", estimate: fit.sigma2_level },
        { term: "sigma2_irregular", estimate: fit.sigma2_irregular },
      ],
      filtered_level: Array.from(fit.filtered),
      smoothed_level: Array.from(fit.smoothed),
    },
    model_diagnostics: {
      // R: fit$loglik (all non-missing observations, prior P0 = 1e6 var(y)/100); AIC/BIC count the two variances.
      aic: -2 * fit.log_likelihood + 2 * k,
      bic: -2 * fit.log_likelihood + Math.log(fit.nobs) * k,
      r_squared: null,
      log_likelihood: fit.log_likelihood,
      nobs: fit.nobs,
      optimizer: fit.optimizer,
      residual_analysis: summariseResiduals(fit.residuals),
      ...checks,
    },
    predictions: fit.forecasts.map((f) => ({ step: f.step, ...at(f.step), estimate: f.estimate, std_error: f.std_error, lower: f.lower, upper: f.upper })),
    uncertainty_quantification: {
      level,
      coefficient_intervals: "none (variances by ML; R's StructTS reports no standard errors)",
      prediction_intervals: "forecasts: estimate +- normal quantile x forecast standard error (R: predict.StructTS)",
      forecast_horizon: horizon ?? 0,
    },
  };
}

function fitTimeSeries(input: FitInput, rows: Record<string, unknown>[], level: number): FitResults {
  if ((input.specification.time_structure as { model?: string } | undefined)?.model === "local_level") return fitLocalLevelSeries(input, rows, level);
  const options = input.options ?? {};
  const ts = input.specification.time_structure as TimeStructure;
  const horizon = options.forecast_horizon;
  const fit = fitTimeSeriesModel(input.specification.formula, rows, ts, {
    ...(horizon ? { forecast_horizon: horizon } : {}),
    ...(options.forecast_rows ? { forecast_rows: options.forecast_rows } : {}),
    level,
  });
  const [p, , q] = ts.order;
  const [P, , Q] = ts.seasonal?.order ?? [0, 0, 0];
  const fitdf = p + q + P + Q;
  const checks = gof([
    ljungBoxCheck(fit.residuals, fitdf, `Ljung-Box test that the innovations are uncorrelated (fitdf ${fitdf})`, ts.seasonal?.period),
    jarqueBera(fit.residuals),
  ]);
  // Future time labels when the time column is numeric and regularly spaced at its end.
  const times = rows.map((r) => Number(r[ts.time_column])).filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  const step = times.length >= 2 ? times[times.length - 1]! - times[times.length - 2]! : NaN;
  const last = times[times.length - 1];
  return {
    fitted_parameters: { model: "arima", order: ts.order, seasonal: ts.seasonal ?? null, coefficients: fit.coefficients, sigma2: fit.sigma2 },
    model_diagnostics: {
      aic: fit.aic,
      bic: fit.bic,
      r_squared: null,
      log_likelihood: fit.log_likelihood,
      sigma2: fit.sigma2,
      nobs: fit.nobs,
      optimizer: fit.optimizer,
      residual_analysis: summariseResiduals(fit.residuals),
      ...checks,
    },
    predictions: fit.forecasts.map((f) => ({
      step: f.step,
      ...(last !== undefined && step > 0 ? { time: Number((last + f.step * step).toPrecision(12)) } : {}),
      estimate: f.estimate,
      std_error: f.std_error,
      lower: f.lower,
      upper: f.upper,
    })),
    uncertainty_quantification: {
      level,
      coefficient_intervals: "standard errors from the Hessian of the exact likelihood (R: arima var.coef)",
      prediction_intervals: "forecasts: estimate +- normal quantile x forecast standard error (R: predict.Arima)",
      forecast_horizon: horizon ?? 0,
      covariance: covarianceOf(fit.coefficients.map((c) => c.term), fit.covariance),
    },
  };
}

/** Causal effect: CUPED, ANCOVA or difference-in-differences (core stats/causal). */
function fitCausal(formula: string, rows: Record<string, unknown>[], options: ModelOptions, level: number): FitResults {
  const fit = fitCausalModel(formula, rows, {
    method: options.method as CausalMethod,
    ...(options.covariate ? { covariate: options.covariate } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    level,
  });
  const e = fit.effect;
  const causal = {
    method: fit.method,
    effect_term: fit.effect_term,
    effect: e.estimate,
    std_error: e.std_error,
    statistic: e.statistic,
    p_value: e.p_value,
    ci_lower: e.ci_lower,
    ci_upper: e.ci_upper,
    unadjusted_std_error: fit.unadjusted_std_error,
    variance_reduction: fit.variance_reduction,
    variance_reduction_baseline:
      fit.method === "did" ? "post-period comparison of treated and control (same clustering)" : fit.method === "cuped" ? "1 - var(y_cuped) / var(y)" : "lm(y ~ treatment)",
    standard_errors: fit.standard_errors,
    ...(fit.theta !== undefined ? { theta: fit.theta } : {}),
    ...(fit.n_clusters !== undefined ? { n_clusters: fit.n_clusters } : {}),
    ...fit.details,
  };
  return {
    fitted_parameters: { model: `causal-${fit.method}`, fixed_effects: fit.fixed_effects, causal },
    model_diagnostics: {
      aic: null,
      bic: null,
      r_squared: null,
      log_likelihood: null,
      nobs: fit.nobs,
      dropped_rows: fit.dropped_rows,
      residual_analysis: fit.residuals.length > 0 ? summariseResiduals(fit.residuals) : null,
      ...gof([fit.residuals.length > 0 ? jarqueBera(fit.residuals) : null]),
    },
    predictions: [{ term: fit.effect_term, estimate: e.estimate, lower: e.ci_lower, upper: e.ci_upper }],
    uncertainty_quantification: {
      level,
      coefficient_intervals: fit.standard_errors,
      prediction_intervals: "predictions holds the treatment effect with its interval",
      covariance: covarianceOf(fit.fixed_effects.map((r) => r.term), fit.covariance),
    },
  };
}

/** A fixed-effects row from a bootstrap row: bootstrap SE, z against it, BCa interval (percentile where BCa is undefined). */
function bootstrapFixedEffect(r: BootstrapRow): Record<string, unknown> {
  const statistic = r.estimate / r.std_error;
  return {
    term: r.term,
    estimate: r.estimate,
    std_error: r.std_error,
    statistic,
    p_value: chiSquareUpper(statistic * statistic, 1), // = 2 P(Z > |z|)
    ci_lower: r.bca_lower ?? r.percentile_lower,
    ci_upper: r.bca_upper ?? r.percentile_upper,
  };
}

/** The seeded stream, replicates, resampled cluster, level and progress of a bootstrap. */
function bootstrapRun(options: ModelOptions, level: number, onProgress?: (done: number) => void) {
  return {
    rng: createRng(options.seed ?? 1),
    replicates: options.replicates ?? 1000,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    level,
    ...(onProgress ? { onProgress } : {}),
  };
}

/** Replaces the Wald standard errors and intervals of an lm / glm fit by the bootstrap's (BCa, else percentile). */
function withBootstrap(
  base: FitResults,
  formula: ModelFormula,
  rows: Record<string, unknown>[],
  options: ModelOptions,
  level: number,
  onProgress?: (done: number) => void,
): FitResults {
  const analytic = base.fitted_parameters.fixed_effects as { term: string }[];
  const boot = bootstrapRegression(formula, rows, {
    family: options.family === "binomial" ? "binomial" : "gaussian",
    ...bootstrapRun(options, level, onProgress),
  });
  return {
    ...base,
    fitted_parameters: { ...base.fitted_parameters, fixed_effects: boot.rows.map(bootstrapFixedEffect), analytic_fixed_effects: analytic, bootstrap: { ...boot, seed: options.seed ?? 1 } },
    uncertainty_quantification: {
      ...base.uncertainty_quantification,
      coefficient_intervals: `${boot.kind} bootstrap, ${boot.replicates} replicates: std_error = sd of the replicates, interval BCa (Efron 1987; percentile where BCa is undefined); statistic and p_value are estimate / bootstrap SE against the normal`,
    },
  };
}

/**
 * Replaces the Wald standard errors and intervals of an lmer fit by those of the cluster bootstrap
 * of the groups of one grouping factor (core: bootstrapLinearMixedModel), and adds bootstrap
 * standard errors and intervals to the variance components and correlations.
 */
function withMixedBootstrap(
  base: FitResults,
  formula: ModelFormula,
  rows: Record<string, unknown>[],
  options: ModelOptions,
  level: number,
  onProgress?: (done: number) => void,
): FitResults {
  const boot = bootstrapLinearMixedModel(formula, rows, { reml: options.reml !== false, ...bootstrapRun(options, level, onProgress) });
  const byTerm = new Map(boot.rows.map((r) => [r.term, r]));
  const interval = (r: BootstrapRow | undefined) =>
    r === undefined ? {} : { bootstrap_std_error: r.std_error, ci_lower: r.bca_lower ?? r.percentile_lower, ci_upper: r.bca_upper ?? r.percentile_upper };
  const fp = base.fitted_parameters;
  const variance_components = (fp.variance_components as { group: string; term: string | null }[]).map((v) => ({
    ...v,
    ...interval(v.group === "Residual" ? byTerm.get("sigma") : byTerm.get(`sd_${v.term}|${v.group}`)),
  }));
  const correlations = (fp.correlations as { group: string; term1: string; term2: string }[]).map((c) => ({
    ...c,
    ...interval(byTerm.get(`cor_${c.term2}.${c.term1}|${c.group}`)),
  }));
  return {
    ...base,
    fitted_parameters: {
      ...fp,
      fixed_effects: boot.rows.filter((r) => r.kind === "fixed").map(bootstrapFixedEffect),
      analytic_fixed_effects: fp.fixed_effects,
      variance_components,
      correlations,
      bootstrap: { ...boot, seed: options.seed ?? 1 },
    },
    uncertainty_quantification: {
      ...base.uncertainty_quantification,
      coefficient_intervals:
        `nonparametric cluster bootstrap of the groups of '${boot.cluster}' (whole groups drawn with replacement, the model refitted by ${boot.reml ? "REML" : "ML"}), ` +
        `${boot.replicates} replicates: std_error = sd of the replicates, interval BCa (jackknife over groups; percentile where BCa is undefined); ` +
        "variance components and correlations carry bootstrap_std_error, ci_lower and ci_upper (of the sd / corr); statistic and p_value are estimate / bootstrap SE against the normal",
    },
  };
}

/** Diagnostics of a Gibbs fit: no likelihood-based criteria; convergence checks as goodness of fit. */
function mcmcDiagnostics(fit: { nobs: number; dropped_rows: number; max_rhat: number; min_ess: number }): FitResults["model_diagnostics"] {
  return {
    aic: null,
    bic: null,
    r_squared: null,
    log_likelihood: null,
    nobs: fit.nobs,
    dropped_rows: fit.dropped_rows,
    residual_analysis: null,
    ...gof([
      { check: "split_rhat", statistic: fit.max_rhat, p_value: null, passed: fit.max_rhat < 1.01, description: "largest split R-hat below 1.01 (Gelman et al., BDA3 section 11.4)" },
      { check: "effective_sample_size", statistic: fit.min_ess, p_value: null, passed: fit.min_ess >= 400, description: "smallest effective sample size at least 400 (BDA3 section 11.5)" },
    ]),
  };
}

/**
 * Posterior of a Gaussian linear mixed model by Gibbs sampling (core stats/bayes): `(1 | g)` alone
 * by the random-intercept sampler (its stored results unchanged), any other random-effects
 * structure by the blocked sampler of the general model.
 */
function fitBayesian(formula: string, rows: Record<string, unknown>[], options: ModelOptions, level: number, onProgress?: (done: number) => void): FitResults {
  const parsed = parseFormulaOrFail(formula);
  if (!isRandomInterceptOnly(parsed)) return fitBayesianMixed(parsed, rows, options, level, onProgress);
  const fit = fitBayesianRandomIntercept(formula, rows, {
    rng: createRng(options.seed ?? 1),
    chains: options.chains ?? 4,
    draws: options.draws ?? 1000,
    level,
    ...(onProgress ? { onProgress } : {}),
  });
  const isFixed = (t: string) => t !== "sigma" && t !== "sd_(Intercept)";
  const fixed_effects = fit.parameters
    .filter((p) => isFixed(p.term))
    .map((p) => ({ term: p.term, estimate: p.mean, std_error: p.sd, statistic: null, p_value: null, ci_lower: p.lower, ci_upper: p.upper }));
  const tau = fit.parameters.find((p) => p.term === "sd_(Intercept)")!;
  const sigma = fit.parameters.find((p) => p.term === "sigma")!;
  return {
    fitted_parameters: {
      model: "gibbs-random-intercept",
      fixed_effects,
      variance_components: [
        { group: fit.group, term: "(Intercept)", sd: tau.mean, variance: tau.mean ** 2 },
        { group: "Residual", term: null, sd: sigma.mean, variance: sigma.mean ** 2 },
      ],
      correlations: [],
      posterior_summary: { ...fit, seed: options.seed ?? 1, prior: "flat on beta; inverse-gamma(0.001, 0.001) on sigma^2 and tau^2" },
      ngroups: { [fit.group]: fit.ngroups },
    },
    model_diagnostics: mcmcDiagnostics(fit),
    predictions: [],
    uncertainty_quantification: {
      level,
      coefficient_intervals: "equal-tailed posterior credible intervals (estimate = posterior mean, std_error = posterior sd)",
      prediction_intervals: "none: Bayesian fits report no per-row predictions yet",
    },
  };
}

/** Posterior of `y ~ fixed + (terms | g) + ...` by the blocked Gibbs sampler (core stats/bayes/gibbs-linear-mixed-model.ts). */
function fitBayesianMixed(formula: ModelFormula, rows: Record<string, unknown>[], options: ModelOptions, level: number, onProgress?: (done: number) => void): FitResults {
  const fit = fitBayesianLinearMixedModel(formula, rows, {
    rng: createRng(options.seed ?? 1),
    chains: options.chains ?? 4,
    draws: options.draws ?? 1000,
    level,
    ...(onProgress ? { onProgress } : {}),
  });
  const interval = (p: MixedPosteriorRow) => ({ std_error: p.sd, ci_lower: p.lower, ci_upper: p.upper });
  const fixed_effects = fit.parameters
    .filter((p) => p.kind === "fixed")
    .map((p) => ({ term: p.term, estimate: p.mean, std_error: p.sd, statistic: null, p_value: null, ci_lower: p.lower, ci_upper: p.upper }));
  const sigma = fit.parameters.find((p) => p.kind === "sigma")!;
  const variance_components = [
    ...fit.parameters.filter((p) => p.kind === "sd").map((p) => ({ group: p.group, term: p.var1, sd: p.mean, variance: p.mean ** 2, ...interval(p) })),
    { group: "Residual", term: null, sd: sigma.mean, variance: sigma.mean ** 2, ...interval(sigma) },
  ];
  const correlations = fit.parameters
    .filter((p) => p.kind === "cor")
    .map((p) => ({ group: p.group, term1: p.var1, term2: p.var2, corr: p.mean, ...interval(p) }));
  return {
    fitted_parameters: {
      model: "gibbs-linear-mixed-model",
      fixed_effects,
      variance_components,
      correlations,
      posterior_summary: {
        parameters: fit.parameters,
        chains: fit.chains,
        draws: fit.draws,
        warmup: fit.warmup,
        level: fit.level,
        max_rhat: fit.max_rhat,
        min_ess: fit.min_ess,
        random_terms: fit.random_terms,
        sd_prior_scales: fit.sd_prior_scales,
        seed: options.seed ?? 1,
        prior: fit.prior,
      },
      ngroups: fit.ngroups,
    },
    model_diagnostics: mcmcDiagnostics(fit),
    predictions: [],
    uncertainty_quantification: {
      level,
      coefficient_intervals:
        "equal-tailed posterior credible intervals (estimate = posterior mean, std_error = posterior sd); variance components and correlations " +
        "carry the posterior mean of the sd / correlation with its posterior sd (std_error) and credible interval (variance = sd^2 of that mean)",
      prediction_intervals: "none: Bayesian fits report no per-row predictions yet",
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Orchestration

function iso(ctx: ServiceContext): string {
  return new Date(ctx.clock()).toISOString();
}

/** Something that runs queued fits (services/model-jobs.ts). */
export interface ModelJobQueue {
  enqueue(id: string): void;
}

/**
 * Checks and fits a request: small data is fitted at once and stored as completed (201); large
 * data or options.async is stored as queued and handed to the job runner (202). Bad requests are
 * a 422 and store nothing.
 */
export async function createStatisticalModel(
  ctx: ServiceContext,
  jobs: ModelJobQueue,
  experimentId: string,
  body: CreateStatisticalModelBody,
): Promise<{ model: StatisticalModelRow; queued: boolean }> {
  await getExperiment(ctx, experimentId);
  const formula = parseFormulaOrFail(body.specification.formula);
  checkSupported(body, formula);
  checkSpecification(body, formula);
  const n = await countObservations(ctx.db, experimentId);
  if (n === 0) {
    throw new RuleViolationError(`experiment ${experimentId} has no observations; POST them to /v1/experiments/${experimentId}/observations first`, [
      { path: "observations", message: "no observations" },
    ]);
  }
  const columns = fitColumns(body, formula);
  // The full column list (a scan of every row's keys) only when some column is missing, for the message.
  if ((await missingObservationColumns(ctx.db, experimentId, columns)).length > 0) checkColumns(body, formula, await observationColumns(ctx.db, experimentId));
  const now = iso(ctx);
  const base = {
    id: randomUUID(),
    experiment_id: experimentId,
    model_class: body.model_class,
    specification: body.specification,
    estimation_method: body.estimation_method,
    options: body.options ?? null,
    fitted_parameters: null,
    model_diagnostics: null,
    predictions: null,
    uncertainty_quantification: null,
    computed_at: null,
    error: null,
    created_at: now,
  };
  if (body.options?.async === true || n > ASYNC_ROW_THRESHOLD) {
    const model: StatisticalModelRow = { ...base, status: "queued", progress: 0 };
    await insertStatisticalModel(ctx.db, model);
    jobs.enqueue(model.id);
    return { model, queued: true };
  }
  const data = await loadObservationColumns(ctx.db, experimentId, columns);
  const results = fitSpecification(
    { model_class: body.model_class, estimation_method: body.estimation_method, specification: body.specification, options: body.options },
    rowsFromColumns(data),
    Array.from(data.ids),
  );
  const model: StatisticalModelRow = { ...base, ...results, computed_at: iso(ctx), status: "completed", progress: 1 };
  await insertStatisticalModel(ctx.db, model);
  return { model, queued: false };
}

export async function getStatisticalModel(ctx: ServiceContext, id: string): Promise<StatisticalModelRow> {
  const found = await findStatisticalModel(ctx.db, id);
  if (!found) throw new NotFoundError(`statistical model ${id} not found`);
  return found;
}

export async function listExperimentModels(ctx: ServiceContext, experimentId: string): Promise<StatisticalModelRow[]> {
  await getExperiment(ctx, experimentId);
  return listStatisticalModels(ctx.db, experimentId);
}

/** The message stored for a failed background fit: the rule broken, or a generic internal error. */
export function failureMessage(err: unknown): { message: string; unexpected: boolean } {
  if (err instanceof ApiError || err instanceof InvalidArgumentError) return { message: err.message, unexpected: false };
  if (err instanceof ConvergenceError) return { message: `the fit did not converge: ${err.message}`, unexpected: false };
  return { message: "internal error while fitting", unexpected: true };
}
