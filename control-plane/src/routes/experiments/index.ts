// /v1/experiments routes (API.md "Experiments"): create, list, read, edit, power analysis,
// lifecycle transitions, sync status, the logged assignments, results and their summary, and the
// factorial effects of the results.

import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { ExperimentRecord } from "../../db/repositories/experiments.js";
import { listAssignments, listResults, summarize } from "../../db/repositories/events.js";
import { syncStatus } from "../../db/repositories/outbox.js";
import {
  createExperiment,
  getExperiment,
  listExperimentsPage,
  patchExperiment,
  storePowerAnalysis,
  transition,
  type ServiceContext,
} from "../../services/experiments.js";
import { experimentEffects } from "../../services/effects.js";
import { analyseExperimentPower } from "../../services/power.js";
import { bearerSecurity, body, errorResponses, IdParamSchema, json, pageOf, PageQuerySchema } from "../schemas.js";
import {
  AssignmentSchema,
  CreateExperimentSchema,
  EffectsQuerySchema,
  EffectsSchema,
  ExperimentSchema,
  ListExperimentsQuerySchema,
  PatchExperimentSchema,
  PowerAnalysisRequestSchema,
  ResultSchema,
  SummarySchema,
  SyncStatusSchema,
  TransitionSchema,
} from "./schemas.js";

const tags = ["experiments"];

const createExperimentRoute = createRoute({
  method: "post",
  path: "/v1/experiments",
  tags,
  summary: "Create a multivariate experiment (Draft) and generate its combinations",
  security: bearerSecurity,
  request: { body: body(CreateExperimentSchema) },
  responses: { 201: json(ExperimentSchema, "The new experiment"), ...errorResponses(400, 401, 413, 415, 422) },
});

const listExperimentsRoute = createRoute({
  method: "get",
  path: "/v1/experiments",
  tags,
  summary: "List experiments, newest first",
  security: bearerSecurity,
  request: { query: ListExperimentsQuerySchema.extend(PageQuerySchema.shape) },
  responses: { 200: json(pageOf(ExperimentSchema), "A page of experiments"), ...errorResponses(400, 401) },
});

const getExperimentRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}",
  tags,
  summary: "Read an experiment",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(ExperimentSchema, "The experiment"), ...errorResponses(400, 401, 404) },
});

const patchExperimentRoute = createRoute({
  method: "patch",
  path: "/v1/experiments/{id}",
  tags,
  summary: "Edit an experiment (design fields only while Draft)",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(PatchExperimentSchema) },
  responses: { 200: json(ExperimentSchema, "The edited experiment"), ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
});

const powerAnalysisRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/power-analysis",
  tags,
  summary: "Compute and store the sample size the design needs",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(PowerAnalysisRequestSchema) },
  responses: { 200: json(ExperimentSchema, "The experiment with its power_analysis"), ...errorResponses(400, 401, 404, 415, 422) },
});

const transitionRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/transition",
  tags,
  summary: "Change the status; pushes the allocation to the edge",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(TransitionSchema) },
  responses: { 200: json(ExperimentSchema, "The experiment in its new status"), ...errorResponses(400, 401, 404, 409, 415, 422) },
});

const syncRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/sync",
  tags,
  summary: "State of the allocation pushes to the edge",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(SyncStatusSchema, "Pending and delivered pushes"), ...errorResponses(400, 401, 404) },
});

const assignmentsRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/assignments",
  tags,
  summary: "Decisions the edge logged for this experiment",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: { 200: json(pageOf(AssignmentSchema), "A page of assignments"), ...errorResponses(400, 401, 404) },
});

const resultsRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/results",
  tags,
  summary: "Reward events the edge logged for this experiment",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: { 200: json(pageOf(ResultSchema), "A page of results"), ...errorResponses(400, 401, 404) },
});

const summaryRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/summary",
  tags,
  summary: "Assignments, rewards, reward sum and mean per combination",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(SummarySchema, "Per-combination counts"), ...errorResponses(400, 401, 404) },
});

const effectsRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/effects",
  tags,
  summary: "Main effects and interactions of the results: estimates, ANOVA and alias chains",
  description:
    "Per combination, the results of `metric` are reduced to n, sum and sum of squares; the design's effect coding " +
    "(-1/+1 for two-level variables, polynomial or Helmert contrasts for more levels, products for the requested " +
    "interactions) is fitted by least squares on the combinations' means weighted by n, which equals OLS on the raw " +
    "results (R's lm(y ~ A * B) with contr.helmert). Estimates are sum-to-zero coefficients (`difference` = the " +
    "high - low difference for two-level terms); the ANOVA is sequential (type I). In a fraction each estimate is " +
    "that of its alias chain. 422 when there are too few results or a combination a term needs has none.",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: EffectsQuerySchema },
  responses: { 200: json(EffectsSchema, "The effects analysis"), ...errorResponses(400, 401, 404, 422) },
});

/** The API view of an experiment (all columns of the aggregate). */
function view(e: ExperimentRecord): z.infer<typeof ExperimentSchema> {
  return e;
}

export function registerExperimentRoutes(app: OpenAPIHono, ctx: ServiceContext): void {
  app.openapi(createExperimentRoute, async (c) => {
    const input = c.req.valid("json");
    const created = await createExperiment(ctx, input);
    return c.json(view(created), 201);
  });

  app.openapi(listExperimentsRoute, async (c) => {
    const { status, limit, offset } = c.req.valid("query");
    const page = await listExperimentsPage(ctx, { status, limit, offset });
    return c.json({ items: page.items.map(view), total: page.total, limit, offset }, 200);
  });

  app.openapi(getExperimentRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(view(await getExperiment(ctx, id)), 200);
  });

  app.openapi(patchExperimentRoute, async (c) => {
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    return c.json(view(await patchExperiment(ctx, id, patch)), 200);
  });

  app.openapi(powerAnalysisRoute, async (c) => {
    const { id } = c.req.valid("param");
    const req = c.req.valid("json");
    const experiment = await getExperiment(ctx, id);
    const analysis = analyseExperimentPower(experiment, req, new Date(ctx.clock()).toISOString());
    return c.json(view(await storePowerAnalysis(ctx, id, analysis)), 200);
  });

  app.openapi(transitionRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { status } = c.req.valid("json");
    return c.json(view(await transition(ctx, id, status)), 200);
  });

  app.openapi(syncRoute, async (c) => {
    const { id } = c.req.valid("param");
    const experiment = await getExperiment(ctx, id);
    const status = await syncStatus(ctx.db, id);
    return c.json({ experiment_id: id, allocation_version: experiment.allocation_version, ...status }, 200);
  });

  app.openapi(assignmentsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    await getExperiment(ctx, id);
    const page = await listAssignments(ctx.db, id, { limit, offset });
    return c.json({ items: page.items, total: page.total, limit, offset }, 200);
  });

  app.openapi(resultsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    await getExperiment(ctx, id);
    const page = await listResults(ctx.db, id, { limit, offset });
    return c.json({ items: page.items, total: page.total, limit, offset }, 200);
  });

  app.openapi(effectsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    return c.json(await experimentEffects(ctx, id, query), 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const { id } = c.req.valid("param");
    const experiment = await getExperiment(ctx, id);
    const counts = await summarize(ctx.db, id);
    const byId = new Map(counts.map((r) => [r.combination_id, r]));
    const known = new Set(experiment.combinations.map((x) => x.combination_id));
    const rows = [
      ...experiment.combinations.map((x) => ({
        combination_id: x.combination_id as string | null,
        variable_values: x.variable_values as Record<string, unknown> | null,
        counts: byId.get(x.combination_id),
      })),
      // Logged rows of combinations no longer in the design (or without one) are shown too.
      ...counts
        .filter((r) => r.combination_id === null || !known.has(r.combination_id))
        .map((r) => ({ combination_id: r.combination_id, variable_values: null, counts: r })),
    ];
    return c.json(
      {
        experiment_id: id,
        combinations: rows.map(({ combination_id, variable_values, counts: n }) => ({
          combination_id,
          variable_values,
          assignments: n?.assignments ?? 0,
          rewards: n?.rewards ?? 0,
          reward_sum: n?.reward_sum ?? 0,
          mean: n && n.rewards > 0 ? n.reward_sum / n.rewards : null,
        })),
      },
      200,
    );
  });
}
