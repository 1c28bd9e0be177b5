// /v1/experiments/:id/observations (API.md "Observations and statistical models"): import rows as
// JSON {rows: [...]} or text/csv with a header (one transaction; 400 naming the row and column or
// the CSV line), and page through them.

import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../errors.js";
import type { ServiceContext } from "../../services/experiments.js";
import { importObservations, pageObservations, rowsFromCsv } from "../../services/observations.js";
import { IdParamSchema, PageQuerySchema, bearerSecurity, errorResponses, pageOf } from "../schemas.js";

const tags = ["observations"];

const CellSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export const ObservationRowSchema = z.record(z.string().min(1).max(200), CellSchema).openapi("ObservationRow");
export const ImportObservationsSchema = z
  .strictObject({ rows: z.array(ObservationRowSchema).min(1) })
  .openapi("ImportObservations");
const InsertedSchema = z.object({ inserted: z.number().int() }).openapi("ObservationsInserted");
const StoredObservationSchema = z
  .object({ id: z.number().int(), experiment_id: z.string(), row: z.record(z.string(), z.unknown()), created_at: z.string() })
  .openapi("Observation");

const importRoute = createRoute({
  method: "post",
  path: "/v1/experiments/{id}/observations",
  tags,
  summary: "Import observation rows (JSON or CSV) in one transaction",
  description:
    "JSON `{rows: [{column: value}]}` or `text/csv` with a header line (RFC 4180 quoting; numeric-looking cells become " +
    "numbers, empty cells null). All rows or none are stored. Bodies up to MVX_MAX_BODY_BYTES (50 MB by default).",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: {
      required: false,
      content: {
        "application/json": { schema: ImportObservationsSchema },
        "text/csv": { schema: z.string().openapi({ example: "y,x,g\n1.5,2,a\n" }) },
      },
    },
  },
  responses: {
    201: { description: "Rows stored", content: { "application/json": { schema: InsertedSchema } } },
    ...errorResponses(400, 401, 404, 413, 415),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/experiments/{id}/observations",
  tags,
  summary: "Page through an experiment's observation rows in insertion order",
  security: bearerSecurity,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: { 200: { description: "A page of rows", content: { "application/json": { schema: pageOf(StoredObservationSchema) } } }, ...errorResponses(400, 401, 404) },
});

export function registerObservationRoutes(app: OpenAPIHono, ctx: ServiceContext): void {
  app.openapi(importRoute, async (c) => {
    const { id } = c.req.valid("param");
    const type = (c.req.header("content-type") ?? "").toLowerCase();
    let rows: Record<string, unknown>[];
    if (/^(text\/csv|application\/csv)\b/.test(type)) {
      rows = rowsFromCsv(await c.req.text());
    } else if (/^application\/([a-z-.]+\+)?json\b/.test(type)) {
      rows = (c.req.valid("json") as z.infer<typeof ImportObservationsSchema>).rows;
    } else {
      throw new ApiError(415, "unsupported_media_type", "Content-Type must be application/json or text/csv");
    }
    return c.json(await importObservations(ctx, id, rows), 201);
  });

  app.openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, offset } = c.req.valid("query");
    const page = await pageObservations(ctx, id, { limit, offset });
    return c.json({ items: page.items, total: page.total, limit, offset }, 200);
  });
}
