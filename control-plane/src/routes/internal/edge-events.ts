// POST /internal/edge-events (docs/sync-protocol.md): the edge's decision and reward logs. Not a
// bearer route: the request must carry X-MVX-Signature made with MVX_SYNC_SECRET over the raw body
// (401 otherwise, including a timestamp more than 300 s from now).

import { SIGNATURE_HEADER, verifySignature } from "@mvx/core";
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Db } from "../../db/client.js";
import { InvalidJsonError, UnauthorizedError, validationErrorFromZod } from "../../errors.js";
import type { Clock } from "../../services/experiments.js";
import { EdgeEventsSchema, ingestEdgeEvents } from "../../services/edge-events.js";
import { errorResponses } from "../schemas.js";

const IngestResponseSchema = z
  .object({ accepted: z.number().int(), duplicates: z.number().int(), unknown: z.number().int() })
  .openapi("EdgeEventsReceipt");

export function registerEdgeEventRoutes(app: OpenAPIHono, deps: { db: Db; clock: Clock; syncSecret: string }): void {
  // Registered by hand: the signature is checked over the raw body before any parsing.
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/internal/edge-events",
    tags: ["internal"],
    summary: "Decision and reward logs from the edge (signed with MVX_SYNC_SECRET)",
    security: [{ syncSignature: [] }],
    request: { body: { required: true, content: { "application/json": { schema: EdgeEventsSchema.openapi("EdgeEvents") } } } },
    responses: {
      200: { description: "What was stored", content: { "application/json": { schema: IngestResponseSchema } } },
      ...errorResponses(400, 401, 413),
    },
  });

  app.post("/internal/edge-events", async (c) => {
    const raw = await c.req.text();
    const nowMs = deps.clock();
    const check = await verifySignature(deps.syncSecret, c.req.header(SIGNATURE_HEADER), raw, Math.floor(nowMs / 1000));
    if (!check.ok) throw new UnauthorizedError(`invalid ${SIGNATURE_HEADER}: ${check.reason}`);
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(raw);
    } catch {
      throw new InvalidJsonError();
    }
    const parsed = EdgeEventsSchema.safeParse(parsedJson);
    if (!parsed.success) throw validationErrorFromZod(parsed.error, "request body");
    const report = await ingestEdgeEvents(deps.db, parsed.data, new Date(nowMs).toISOString());
    return c.json(report, 200);
  });
}
