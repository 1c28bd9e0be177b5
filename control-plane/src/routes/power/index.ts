// POST /v1/power (API.md): the stateless power calculator of @mvx/core for two proportions, two
// means and one-way ANOVA; whichever of n_per_group, power and the effect is left out is solved for.

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { PowerRequestSchema, PowerResponseSchema, computePower } from "../../services/power.js";
import { bearerSecurity, errorResponses } from "../schemas.js";

const powerRoute = createRoute({
  method: "post",
  path: "/v1/power",
  tags: ["power"],
  summary: "Solve for sample size, power or effect (two proportions, two means, ANOVA)",
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: PowerRequestSchema } } } },
  responses: {
    200: {
      description: "n_per_group (unrounded), total_n, power and the effect fields",
      content: { "application/json": { schema: PowerResponseSchema } },
    },
    ...errorResponses(400, 401, 413, 415, 422),
  },
});

export function registerPowerRoutes(app: OpenAPIHono): void {
  app.openapi(powerRoute, (c) => c.json(computePower(c.req.valid("json")), 200));
}
