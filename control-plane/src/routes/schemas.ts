// zod schemas shared by every route: the error body of API.md, path ids, pagination, and the
// OpenAPI security requirement of /v1 routes.

import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_error" }),
      message: z.string(),
      details: z.array(z.object({ path: z.string().openapi({ example: "variables.0.levels" }), message: z.string() })),
    }),
  })
  .openapi("Error");

const errorContent = { "application/json": { schema: ErrorSchema } };

/** OpenAPI responses for the error statuses a route can answer. */
export function errorResponses(...statuses: (400 | 401 | 404 | 409 | 413 | 415 | 422)[]) {
  const descriptions: Record<number, string> = {
    400: "Malformed JSON (invalid_json) or a request that does not match its schema (validation_error)",
    401: "Missing or invalid credentials",
    404: "No such resource",
    409: "Conflicts with the current state (conflict, illegal_transition)",
    413: "Body larger than MVX_MAX_BODY_BYTES",
    415: "Content-Type is not application/json",
    422: "Well-formed but breaks a rule of the data model (rule_violation, ...)",
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: descriptions[s] as string, content: errorContent }]));
}

/** The bearer requirement of every /v1 route. */
export const bearerSecurity = [{ bearerAuth: [] as string[] }];

export const IdParamSchema = z.object({
  id: z.guid().openapi({ param: { name: "id", in: "path" }, example: "6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10" }),
});

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ param: { name: "limit", in: "query" } }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ param: { name: "offset", in: "query" } }),
});

/** A page of items: `{items, total, limit, offset}` (offset pagination, stable order). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

/** An OpenAPI JSON response with its description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A required OpenAPI JSON request body. */
export const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
