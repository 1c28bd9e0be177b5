// mvx edge worker: the Hono app (routing only) and the ExperimentState Durable Object it fronts.
// Routes: GET /health, POST /v1/assign, POST /v1/rewards, GET /v1/experiments/:id/arms,
// PUT /internal/experiments/:id/allocation (API.md, docs/sync-protocol.md).

import { Hono } from "hono";
import type { AppEnv } from "./app-env.js";
import type { Env } from "./env.js";
import { resolveSecrets } from "./env.js";
import { ApiError, notFound, onError } from "./http/errors.js";
import { armRoutes } from "./routes/arms.js";
import { assignRoutes } from "./routes/assign.js";
import { internalRoutes } from "./routes/internal.js";
import { rewardRoutes } from "./routes/rewards.js";

export { ExperimentState } from "./state/experiment-state.js";

const app = new Hono<AppEnv>();

// A Worker has no start-up hook: a missing secret in production is reported on every request.
app.use("*", async (c, next) => {
  const resolution = resolveSecrets(c.env);
  if (!resolution.ok) {
    throw new ApiError(
      503,
      "missing_secret",
      `MVX_ENV=production and ${resolution.missing.join(", ")} ${resolution.missing.length > 1 ? "are" : "is"} not set`,
      resolution.missing.map((name) => ({ path: name, message: "secret not set" })),
    );
  }
  c.set("secrets", resolution.secrets);
  await next();
});

app.get("/health", (c) => c.json({ status: "ok" }, 200));
// Deep health: one Durable Object round trip (worker -> object RPC -> worker), nothing stored.
app.get("/health/do", async (c) => {
  const stub = c.env.EXPERIMENTS.get(c.env.EXPERIMENTS.idFromName("__health"));
  await stub.ping();
  return c.json({ status: "ok", durable_object: "ok" }, 200);
});
app.route("/", assignRoutes);
app.route("/", rewardRoutes);
app.route("/", armRoutes);
app.route("/", internalRoutes);
app.notFound(notFound);
app.onError(onError);

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
