// /v1/experiments/:id/statistical-models and /v1/statistical-models/:id (API.md "Observations and
// statistical models"): fit a model to the experiment's observations (201 with the results, or
// 202 {id, status: "queued"} for a background fit), list an experiment's models, read one
// (status, progress, results once completed). Also registers the observation routes.

import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { StatisticalModelRow } from "../../db/repositories/statistical-models.js";
import type { ServiceContext } from "../../services/experiments.js";
import { modelJobRunner } from "../../services/model-jobs.js";
import { createStatisticalModel, getStatisticalModel, listExperimentModels } from "../../services/statistical-models.js";
import { registerObservationRoutes } from "../observations/index.js";
import { bearerSecurity, errorResponses, IdParamSchema, json } from "../schemas.js";
import { CreateStatisticalModelSchema, StatisticalModelSchema, type StatisticalModelView } from "./schemas.js";

const tags = ["statistical-models"];
const createModelRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/statistical-models",
  tags,
  summary: "Fit a statistical model to the experiment's observations",
  description:
    "Formulas in R/lme4 notation. Random-effects terms -> linear mixed model (lme4::lmer; REML unless options.reml is false); " +
    "none -> lm (or logistic regression with options.family = binomial); TimeSeries -> ARIMA (R: arima) with " +
    "specification.time_structure and options.forecast_horizon. Estimation: MLE; Bootstrap (options.replicates, options.seed): " +
    "a case bootstrap of lm / logistic glm rows, or with options.cluster of whole clusters; for formulas with random terms a " +
    "nonparametric cluster bootstrap of the groups of the first grouping factor (or options.cluster), refitting the mixed model " +
    "(percentile and BCa intervals for fixed effects and variance components); TimeSeries models cannot be bootstrapped. " +
    "Bayesian (options.chains, options.draws, options.seed): seeded Gibbs sampling of the Gaussian linear mixed model with any " +
    "random-effects terms ((1 | g), correlated (x | g), uncorrelated (x || g), several grouping factors); posterior means, sds, " +
    "credible intervals, split R-hat and effective sample sizes for the fixed effects, every random-effect sd and correlation, and sigma " +
    "(no TimeSeries, no binomial family). More than 20,000 rows or options.async answer 202 and fit in the " +
    "background (poll GET /v1/statistical-models/{id}). Goodness-of-fit checks are stored in model_diagnostics.goodness_of_fit " +
    "and flagged by model_diagnostics.passed, never hidden.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: { required: true, content: { "application/json": { schema: CreateStatisticalModelSchema } } } },
  responses: {
    201: json(StatisticalModelSchema, "The fitted model"),
    202: json(StatisticalModelSchema, "Queued for a background fit: {id, status: queued, ...}"),
    ...errorResponses(400, 401, 404, 413, 415, 422),
  },
});

const listModelsRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/statistical-models",
  tags,
  summary: "The experiment's statistical models, newest first",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(z.object({ items: z.array(StatisticalModelSchema) }), "The models"), ...errorResponses(400, 401, 404) },
});

const getModelRoute = createRoute({
  method: "get",
  path: "/v1/statistical-models/{id}",
  tags,
  summary: "A statistical model: status, progress and, once completed, the results",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(StatisticalModelSchema, "The model"), ...errorResponses(400, 401, 404) },
});

/** The API view of a stored model (all columns; JSON columns as stored). */
function view(m: StatisticalModelRow): StatisticalModelView {
  return m as unknown as StatisticalModelView;
}

export function registerStatisticalModelRoutes(app: OpenAPIHono, ctx: ServiceContext): void {
  const jobs = modelJobRunner(ctx.db, ctx.clock);
  registerObservationRoutes(app, ctx);

  app.openapi(createModelRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { model, queued } = await createStatisticalModel(ctx, jobs, id, c.req.valid("json"));
    return queued ? c.json(view(model), 202) : c.json(view(model), 201);
  });

  app.openapi(listModelsRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ items: (await listExperimentModels(ctx, id)).map(view) }, 200);
  });

  app.openapi(getModelRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(view(await getStatisticalModel(ctx, id)), 200);
  });
}
