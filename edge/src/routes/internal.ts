// Routes for the control plane only, signed with MVX_SYNC_SECRET (docs/sync-protocol.md):
// PUT /internal/experiments/:id/allocation applies an allocation push when its version is newer;
// a sharded experiment's push is fanned out to every shard it ever had (each applies it by version).

import { Hono } from "hono";
import { experimentStub, forgetRouting, shardStub, type AppEnv } from "../app-env.js";
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
  const { applied, version, fan_out } = await experimentStub(c.env, experimentId).applyAllocation(allocation);
  if (fan_out > 0) {
    await Promise.all(Array.from({ length: fan_out }, (_, k) => shardStub(c.env, experimentId, k).applyAllocation(allocation, k)));
    forgetRouting(experimentId);
  }
  return c.json({ applied, version }, 200);
});
