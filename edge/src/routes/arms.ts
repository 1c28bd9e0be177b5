// GET /v1/experiments/:id/arms (signed with MVX_WEBHOOK_SECRET or MVX_SYNC_SECRET; the empty body
// signs "<t>."): per-arm statistics as the experiment's Durable Object holds them.

import { Hono } from "hono";
import { experimentStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { readSignedBody, validate } from "../http/request.js";
import { experimentIdParam } from "../schemas.js";

export const armRoutes = new Hono<AppEnv>();

armRoutes.get("/v1/experiments/:id/arms", async (c) => {
  await readSignedBody(c, [c.var.secrets.webhook, c.var.secrets.sync]);
  const experimentId = validate(experimentIdParam, c.req.param("id"));
  const result = await experimentStub(c.env, experimentId).getArms();
  if (result.outcome === "experiment_not_found") {
    throw new ApiError(404, "experiment_not_found", `experiment ${experimentId} has no allocation at the edge`);
  }
  const { outcome: _outcome, ...body } = result;
  return c.json(body, 200);
});
