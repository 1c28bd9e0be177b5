// POST /v1/assign: validate -> the experiment's Durable Object -> the decision, or a clear
// "not assigned" answer (paused, not running, unknown) that lets a client fall back to its default.
// A sharded experiment's base object answers with its routing; the unit then goes to its shard
// (the routing is cached per isolate for ROUTING_TTL_MS, so most requests make one hop).

import { Hono } from "hono";
import { cachedRouting, experimentStub, rememberRouting, shardOf, shardStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { BODY_LIMITS, limitBody, parseJson, validate } from "../http/request.js";
import { assignSchema } from "../schemas.js";

export const assignRoutes = new Hono<AppEnv>();

assignRoutes.post("/v1/assign", limitBody(BODY_LIMITS.assign), async (c) => {
  const input = validate(assignSchema, parseJson(await c.req.text()));
  const cached = cachedRouting(input.experiment_id);
  let result = await (cached === null ? experimentStub(c.env, input.experiment_id) : shardStub(c.env, input.experiment_id, shardOf(cached, input.unit_id))).assign(input);
  if (result.outcome === "route") {
    rememberRouting(input.experiment_id, result.routing);
    result = await shardStub(c.env, input.experiment_id, shardOf(result.routing, input.unit_id)).assign(input);
  }
  switch (result.outcome) {
    case "assigned":
      return c.json(result.decision, 200);
    case "not_assigned":
      return c.json(result.answer, 200);
    case "invalid_context":
      throw new ApiError(400, "invalid_context", result.message, [{ path: result.path, message: result.message }]);
    case "route":
      throw new Error("a shard answered with a routing");
    case "experiment_not_found":
      throw new ApiError(404, "experiment_not_found", `experiment ${input.experiment_id} has no allocation at the edge`, [], {
        assigned: false,
        experiment_id: input.experiment_id,
        unit_id: input.unit_id,
      });
  }
});
