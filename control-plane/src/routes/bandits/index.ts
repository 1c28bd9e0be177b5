// Bandit routes (API.md "Bandits"): create a configuration for an experiment, edit it, read it
// with its arm statistics, regret metrics and off-policy estimates, and page its allocation log.

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { allocationsPage, banditDetail, configView, createBandit, getBanditConfig, patchBandit } from "../../services/bandits.js";
import type { ServiceContext } from "../../services/experiments.js";
import { bearerSecurity, body, errorResponses, IdParamSchema, json } from "../schemas.js";
import {
  AllocationsPageSchema,
  AllocationsQuerySchema,
  BanditConfigurationSchema,
  BanditDetailSchema,
  CreateBanditSchema,
  PatchBanditSchema,
} from "./schemas.js";

const tags = ["bandits"];

const createBanditRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/bandits",
  tags,
  summary: "Create a bandit configuration (one arm per combination without arm_definitions); pushed to the edge when Running",
  description:
    "422 when the exploration rate is outside [0, 1], there are fewer than 2 arms, arm ids repeat, an arm references a " +
    "combination the experiment does not have, or a context feature is not declared in the experiment's context_schema. " +
    "409 when the experiment already has an active configuration.",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(CreateBanditSchema) },
  responses: { 201: json(BanditConfigurationSchema, "The new configuration"), ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
});

const getBanditRoute = createRoute({
  method: "get",
  path: "/v1/bandits/{id}",
  tags,
  summary: "A configuration with arm statistics, regret metrics, off-policy arm estimates and drift events",
  description:
    "Regret metrics are computed with a seeded Monte Carlo over the arms' posteriors (seed = configuration id and reward " +
    "count, so the same data give the same numbers) and stored at most once a minute. When the champion's expected loss " +
    "is at most regret_threshold the winner is declared and pushed to the edge.",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: { 200: json(BanditDetailSchema, "The configuration"), ...errorResponses(400, 401, 404) },
});

const patchBanditRoute = createRoute({
  method: "patch",
  path: "/v1/bandits/{id}",
  tags,
  summary: "Edit is_active, exploration_rate, update_frequency, regret_threshold or non_stationary_params; pushed when Running",
  security: bearerSecurity,
  request: { params: IdParamSchema, body: body(PatchBanditSchema) },
  responses: { 200: json(BanditConfigurationSchema, "The edited configuration"), ...errorResponses(400, 401, 404, 409, 415, 422) },
});

const allocationsRoute = createRoute({
  method: "get",
  path: "/v1/bandits/{id}/allocations",
  tags,
  summary: "A page of BanditAllocation records in time order (90-day rolling window)",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: AllocationsQuerySchema },
  responses: { 200: json(AllocationsPageSchema, "A page of allocations"), ...errorResponses(400, 401, 404) },
});

export function registerBanditRoutes(app: OpenAPIHono, ctx: ServiceContext): void {
  app.openapi(createBanditRoute, async (c) => {
    const { id } = c.req.valid("param");
    const created = await createBandit(ctx, id, c.req.valid("json"));
    return c.json(configView(created), 201);
  });

  app.openapi(getBanditRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await banditDetail(ctx, id), 200);
  });

  app.openapi(patchBanditRoute, async (c) => {
    const { id } = c.req.valid("param");
    await getBanditConfig(ctx, id);
    return c.json(configView(await patchBandit(ctx, id, c.req.valid("json"))), 200);
  });

  app.openapi(allocationsRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await allocationsPage(ctx, id, c.req.valid("query")), 200);
  });
}
