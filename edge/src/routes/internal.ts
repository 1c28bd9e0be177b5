// Routes for the control plane only, signed with MVX_SYNC_SECRET (docs/sync-protocol.md):
// PUT /internal/experiments/:id/allocation applies an allocation push when its version is newer.

import { Hono } from "hono";
import { experimentStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { BODY_LIMITS, limitBody, parseJson, readSignedBody, validate } from "../http/request.js";
import { allocationSchema, experimentIdParam } from "../schemas.js";

export const internalRoutes = new Hono<AppEnv>();

internalRoutes.put("/internal/experiments/:id/allocation", limitBody(BODY_LIMITS.allocation), async (c) => {
  const raw = await readSignedBody(c, [c.var.secrets.sync]);
  const experimentId = validate(experimentIdParam, c.req.param("id"));
  const allocation = validate(allocationSchema, parseJson(raw));
  if (allocation.experiment_id !== experimentId) {
    throw new ApiError(400, "experiment_id_mismatch", "body experiment_id differs from the path's experiment id", [
      { path: "experiment_id", message: `expected "${experimentId}"` },
    ]);
  }
  return c.json(await experimentStub(c.env, experimentId).applyAllocation(allocation), 200);
});
