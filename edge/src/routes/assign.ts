// POST /v1/assign: validate -> the experiment's Durable Object -> the decision, or a clear
// "not assigned" answer (paused, not running, unknown) that lets a client fall back to its default.

import { Hono } from "hono";
import { experimentStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { BODY_LIMITS, limitBody, parseJson, validate } from "../http/request.js";
import { assignSchema } from "../schemas.js";

export const assignRoutes = new Hono<AppEnv>();

assignRoutes.post("/v1/assign", limitBody(BODY_LIMITS.assign), async (c) => {
  const input = validate(assignSchema, parseJson(await c.req.text()));
  const result = await experimentStub(c.env, input.experiment_id).assign(input);
  switch (result.outcome) {
    case "assigned":
      return c.json(result.decision, 200);
    case "not_assigned":
      return c.json(result.answer, 200);
    case "experiment_not_found":
      throw new ApiError(404, "experiment_not_found", `experiment ${input.experiment_id} has no allocation at the edge`, [], {
        assigned: false,
        experiment_id: input.experiment_id,
        unit_id: input.unit_id,
      });
  }
});
