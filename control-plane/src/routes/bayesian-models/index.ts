// Bayesian-optimisation routes (API.md "Bayesian optimisation"): create a BayesianModel for an
// experiment, add observations (sequential posterior updates), suggest the next points, predict,
// and read a model with its iterations or an experiment's models.

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  addObservations,
  createBayesianModel,
  getBayesianModel,
  listExperimentBayesianModels,
  predictForModel,
  suggestForModel,
} from "../../services/bayesian-models.js";
import { setModelActive } from "../../services/bo-loop.js";
import type { ServiceContext } from "../../services/experiments.js";
import { bearerSecurity, body, errorResponses, IdParamSchema, json } from "../schemas.js";
import {
  BayesianModelListSchema,
  BayesianModelSchema,
  CreateBayesianModelSchema,
  ObservationsBodySchema,
  ObservationsResponseSchema,
  PatchBayesianModelSchema,
  PredictBodySchema,
  PredictResponseSchema,
  SuggestBodySchema,
  SuggestResponseSchema,
} from "./schemas.js";

const tags = ["bayesian-models"];

const createModelRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/bayesian-models",
  tags,
  summary: "Create a Bayesian-optimisation model with an initial space-filling design as next_points",
  description:
    "422 when a parameter's bounds are not a valid range (min < max; min > 0 on log scale), names repeat, the acquisition " +
    "function does not match the model type, the kernel is unknown or a hyperparameter is invalid. The goal and options " +
    "are reported at the top level (stored with the hyperparameters).",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(CreateBayesianModelSchema) },
  responses: { 201: json(BayesianModelSchema, "The new model"), ...errorResponses(400, 401, 404, 413, 415, 422) },
});

const listModelsRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/bayesian-models",
  tags,
  summary: "The experiment's Bayesian models, newest first (without iterations)",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(BayesianModelListSchema, "The models"), ...errorResponses(400, 401, 404) },
});

const getModelRoute = createRoute({
  method: "get",
  path: "/v1/bayesian-models/{id}",
  tags,
  summary: "A model with posterior_state, next_points, convergence_metrics and its iterations in order",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(BayesianModelSchema, "The model"), ...errorResponses(400, 401, 404) },
});

const patchModelRoute = createRoute({
  method: "patch",
  path: "/v1/bayesian-models/{id}",
  tags,
  summary: "Serve the model at the edge (active: true) or stop serving it (active: false)",
  description:
    "An active model's next_points are served as the experiment's combinations bo-<round>-<k> (variable_values = the point, " +
    "equal traffic) while the experiment runs; the BO loop (every MVX_BO_LOOP_INTERVAL_MS) observes each round's mean rewards " +
    "(standard error squared as noise_variance) once every point has options.min_rewards_per_point rewards (default 30) or " +
    "the round is older than options.max_round_seconds, and pushes the next suggestions. Rounds are recorded in " +
    "convergence_metrics.bo_loop. 409 when another model of the experiment is active; 422 without next_points.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(PatchBayesianModelSchema) },
  responses: { 200: json(BayesianModelSchema, "The model (without iterations)"), ...errorResponses(400, 401, 404, 409, 415, 422) },
});

const observationsRoute = createRoute({
  method: "post",
  path: "/v1/bayesian-models/{id}/observations",
  tags,
  summary: "Add observations: one OptimizationIteration each, sequential posterior update, fresh next_points",
  description:
    "The surrogate is restored from the stored posterior_state and updated observation by observation; hyperparameters " +
    "are then refitted warm-started unless fixed (optimize: false). 422 for a point with an unknown or missing parameter " +
    "or a value outside the bounds; 409 when an observation's iteration_number is not the next one or a concurrent " +
    "update stored these iteration numbers first.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(ObservationsBodySchema) },
  responses: { 200: json(ObservationsResponseSchema, "The updated posterior and the new iterations"), ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
});

const suggestRoute = createRoute({
  method: "post",
  path: "/v1/bayesian-models/{id}/suggest",
  tags,
  summary: "The next count points (1..20) maximising the acquisition function; stored as next_points",
  description: "Seeded by the model (options.seed or its id) and its number of observations: the same state gives the same points.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: { required: false, content: { "application/json": { schema: SuggestBodySchema } } } },
  responses: { 200: json(SuggestResponseSchema, "The suggestions"), ...errorResponses(400, 401, 404, 409, 415, 422) },
});

const predictRoute = createRoute({
  method: "post",
  path: "/v1/bayesian-models/{id}/predict",
  tags,
  summary: "Latent mean and std, and std_with_noise, at points in parameter units (objective's units)",
  description: "422 before any observation, or for a point with an unknown or missing parameter.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(PredictBodySchema) },
  responses: { 200: json(PredictResponseSchema, "One prediction per point"), ...errorResponses(400, 401, 404, 413, 415, 422) },
});

export function registerBayesianModelRoutes(app: OpenAPIHono, ctx: ServiceContext): void {
  app.openapi(createModelRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await createBayesianModel(ctx, id, c.req.valid("json")), 201);
  });

  app.openapi(listModelsRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ items: await listExperimentBayesianModels(ctx, id) }, 200);
  });

  app.openapi(getModelRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await getBayesianModel(ctx, id), 200);
  });

  app.openapi(patchModelRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await setModelActive(ctx, id, c.req.valid("json").active), 200);
  });

  app.openapi(observationsRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await addObservations(ctx, id, c.req.valid("json")), 200);
  });

  app.openapi(suggestRoute, async (c) => {
    const { id } = c.req.valid("param");
    // an empty POST (no body) asks for one point
    return c.json(await suggestForModel(ctx, id, c.req.valid("json").count ?? 1), 200);
  });

  app.openapi(predictRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await predictForModel(ctx, id, c.req.valid("json").points), 200);
  });
}
