// createApp(): the control plane's Hono application — middleware (bearer auth on /v1/*, body
// limit), the routes, the OpenAPI 3.1 document and its browsable UI, and the one onError /
// notFound pair that turns every failure into API.md's error body.

import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "./db/client.js";
import type { Env } from "./env.js";
import { PayloadTooLargeError, UnauthorizedError, errorBody, toErrorResponse, validationErrorFromZod } from "./errors.js";
import { registerBanditRoutes } from "./routes/bandits/index.js";
import { registerBayesianModelRoutes } from "./routes/bayesian-models/index.js";
import { registerExperimentRoutes } from "./routes/experiments/index.js";
import { registerEdgeEventRoutes } from "./routes/internal/edge-events.js";
import { docsRoutes } from "./routes/docs/index.js";
import { registerPowerRoutes } from "./routes/power/index.js";
import { registerStatisticalModelRoutes } from "./routes/statistical-models/index.js";
import { registerNetworkGraphRoutes } from "./routes/network-graphs/index.js";
import type { Clock, ServiceContext } from "./services/experiments.js";

export interface AppOptions {
  db: Db;
  env: Pick<Env, "MVX_API_KEY" | "MVX_SYNC_SECRET" | "MVX_MAX_BODY_BYTES">;
  /** The outbox dispatcher (or anything with kick()): woken after an allocation push is enqueued. */
  outbox?: { kick(): void };
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: Clock;
  /** Where unexpected errors are reported (console.error by default). */
  logError?: (message: string, err: unknown) => void;
  /** Seed source of randomised designs created without a seed (crypto by default). */
  randomSeed?: () => number;
}

const VALIDATION_TARGETS: Record<string, string> = {
  json: "request body",
  query: "query string",
  param: "path",
  header: "headers",
  form: "form body",
};

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Constant-time comparison of a presented key with the configured one. */
function keyMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}


const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

export function createApp(opts: AppOptions): OpenAPIHono {
  const clock = opts.clock ?? Date.now;
  const maxBodyBytes = opts.env.MVX_MAX_BODY_BYTES;
  const logError = opts.logError ?? ((m: string, e: unknown) => console.error(m, e));
  const outbox = opts.outbox;
  const ctx: ServiceContext = {
    db: opts.db,
    clock,
    onEnqueue: () => outbox?.kick(),
    ...(opts.randomSeed ? { randomSeed: opts.randomSeed } : {}),
  };
  const expectedKey = opts.env.MVX_API_KEY;

  const app = new OpenAPIHono({
    // Schema failures of body, query and path become 400 validation_error with zod's paths.
    defaultHook: (result) => {
      if (!result.success) throw validationErrorFromZod(result.error, VALIDATION_TARGETS[result.target] ?? result.target);
    },
  });

  app.onError((err, c) => {
    const mapped = toErrorResponse(err, maxBodyBytes);
    if (mapped.unexpected) logError(`mvx control plane: unexpected error on ${c.req.method} ${c.req.path}`, err);
    if (mapped.status === 401) c.header("WWW-Authenticate", 'Bearer realm="mvx"');
    return c.json(mapped.body, mapped.status);
  });

  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));

  app.use("/v1/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match || !keyMatches(match[1] as string, expectedKey)) throw new UnauthorizedError();
    await next();
  });

  app.use(
    "*",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new PayloadTooLargeError(maxBodyBytes);
      },
    }),
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "MVX_API_KEY",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "syncSignature", {
    type: "apiKey",
    in: "header",
    name: "X-MVX-Signature",
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256(MVX_SYNC_SECRET, "<t>.<raw body>")>',
  });

  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["system"],
      summary: "Liveness (open)",
      responses: { 200: { description: "The service is up", content: { "application/json": { schema: HealthSchema } } } },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  registerExperimentRoutes(app, ctx);
  registerBanditRoutes(app, ctx);
  registerBayesianModelRoutes(app, ctx);
  registerPowerRoutes(app);
  registerStatisticalModelRoutes(app, ctx);
  registerNetworkGraphRoutes(app, ctx);
  registerEdgeEventRoutes(app, { db: opts.db, clock, syncSecret: opts.env.MVX_SYNC_SECRET });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "mvx control plane",
      version: "0.1.0",
      description: "Multivariate experiments, power analysis, bandits and the edge sync of mvx. Every /v1 route needs `Authorization: Bearer <MVX_API_KEY>`.",
    },
  });
  app.route("/", docsRoutes());

  return app;
}
