// Request and response schemas of the statistical-model routes (API.md "Observations and
// statistical models", "Result shapes that scripts rely on"). Shapes are checked here (400); the
// data model's rules (valid formula, specification matching the formula, known columns, data
// present, supported class and estimation method) by services/statistical-models.ts (422).

import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { ESTIMATION_METHODS, FIT_STATUSES, MODEL_CLASSES, statisticalModels } from "../../db/schema/index.js";

export const ModelClassSchema = z.enum(MODEL_CLASSES).openapi("ModelClass");
export const EstimationMethodSchema = z.enum(ESTIMATION_METHODS).openapi("EstimationMethod");
export const FitStatusSchema = z.enum(FIT_STATUSES).openapi("FitStatus");

const order = z.tuple([z.number().int().min(0).max(10), z.number().int().min(0).max(3), z.number().int().min(0).max(10)]);

export const TimeStructureSchema = z
  .strictObject({
    time_column: z.string().min(1).max(200),
    model: z.enum(["arima", "local_level"]).optional().openapi({ description: "arima (default; needs order) or local_level (R: StructTS(type = \"level\"); no order)" }),
    order: order.optional().openapi({ description: "[p, d, q] (required for arima)", example: [1, 0, 0] }),
    seasonal: z.strictObject({ order: order.openapi({ description: "[P, D, Q]" }), period: z.number().int().min(1).max(1000) }).optional(),
  })
  .openapi("TimeStructure");

export const ModelSpecificationSchema = z
  .strictObject({
    formula: z.string().min(1).max(2000).openapi({ example: "Reaction ~ Days + (Days | Subject)" }),
    random_effects: z.array(z.string().max(500)).max(100).optional().openapi({
      description: "if given, must equal the formula's random-effects terms after lme4's expansion, e.g. `(Days | Subject)`",
    }),
    fixed_effects: z.array(z.string().max(500)).max(500).optional().openapi({
      description: "if given, must equal the formula's fixed-effect term labels (R's term.labels; `(Intercept)` may be listed)",
    }),
    time_structure: TimeStructureSchema.optional(),
  })
  .openapi("ModelSpecification");

export const ModelOptionsSchema = z
  .looseObject({
    reml: z.boolean().optional().openapi({ description: "mixed models: REML (default) or ML (false)" }),
    family: z.enum(["gaussian", "binomial"]).optional().openapi({ description: "models without random terms: lm (gaussian, default) or logistic regression" }),
    level: z.number().gt(0).lt(1).optional().openapi({ description: "confidence level of intervals (default 0.95)" }),
    forecast_horizon: z.number().int().min(1).max(10_000).optional().openapi({ description: "time series: steps to forecast" }),
    forecast_rows: z.array(z.record(z.string(), z.unknown())).max(10_000).optional().openapi({
      description: "time series with regressors: future rows holding the regressors for the forecasts",
    }),
    p_value_method: z.enum(["normal", "residual-df"]).optional().openapi({ description: "mixed models: Wald z (default) or t on n - p df" }),
    async: z.boolean().optional().openapi({ description: "fit in the background (202) whatever the data size" }),
    method: z.enum(["cuped", "did", "ancova"]).optional().openapi({ description: "Causal: CUPED or ANCOVA (`y ~ treatment`, options.covariate) or difference-in-differences (`y ~ treated * post`, options.cluster)" }),
    covariate: z.string().min(1).max(200).optional().openapi({ description: "Causal cuped / ancova: the pre-period covariate column" }),
    cluster: z.string().min(1).max(200).optional().openapi({ description: "Causal did: cluster column of the CR1 standard errors; Bootstrap: resample whole clusters (mixed models: a grouping factor of the formula, default the first random term's)" }),
    replicates: z.number().int().min(20).max(100_000).optional().openapi({ description: "Bootstrap: number of replicates (default 1000)" }),
    seed: z.number().int().optional().openapi({ description: "Bootstrap / Bayesian: seed of the random stream (default 1)" }),
    chains: z.number().int().min(2).max(16).optional().openapi({ description: "Bayesian: Gibbs chains from dispersed starts (default 4)" }),
    draws: z.number().int().min(100).max(100_000).optional().openapi({ description: "Bayesian: kept draws per chain after as many warm-up draws (default 1000)" }),
  })
  .openapi("ModelOptions");

export const CreateStatisticalModelSchema = z
  .strictObject({
    model_class: ModelClassSchema,
    specification: ModelSpecificationSchema,
    estimation_method: EstimationMethodSchema,
    options: ModelOptionsSchema.optional(),
  })
  .openapi("CreateStatisticalModel");
export type CreateStatisticalModelBody = z.infer<typeof CreateStatisticalModelSchema>;

const json = z.record(z.string(), z.unknown());

export const StatisticalModelSchema = createSelectSchema(statisticalModels, {
  model_class: ModelClassSchema,
  estimation_method: EstimationMethodSchema,
  status: FitStatusSchema,
  specification: ModelSpecificationSchema,
  options: json.nullable(),
  fitted_parameters: json.nullable().openapi({
    description:
      "fixed_effects [{term, estimate, std_error, statistic, p_value, ci_lower, ci_upper}] (R term names); mixed models: " +
      "variance_components [{group, term, sd, variance}] (residual as group Residual), correlations [{group, term1, term2, corr}]; " +
      "time series: coefficients [{term, estimate, std_error}]",
  }),
  model_diagnostics: json.nullable().openapi({
    description: "aic, bic, r_squared, log_likelihood, residual_analysis, goodness_of_fit [{check, statistic, p_value, passed}], passed",
  }),
  predictions: z.array(z.unknown()).nullable().openapi({ description: "[{..., estimate, lower, upper}]" }),
  uncertainty_quantification: json.nullable(),
}).openapi("StatisticalModel");
export type StatisticalModelView = z.infer<typeof StatisticalModelSchema>;
