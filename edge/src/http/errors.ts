// HTTP errors of the edge and the single place they become responses: every error answers with
// API.md's body {"error": {"code", "message", "details": [{"path", "message"}]}}; bad input is a
// 4xx, never a 500, and no response carries a stack trace.

import { InvalidArgumentError } from "@mvx/core/edge";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

/** An error with a known HTTP status and API error code; `extra` fields go beside `error`. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The API error body. */
export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Zod issues as error details, paths dotted ("events.2.reward"). */
export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** Hono onError: maps known errors to their status once; anything else is a bug (500, logged). */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json({ ...err.extra, ...errorBody(err.code, err.message, err.details) }, err.status);
  }
  if (err instanceof ZodError) {
    return c.json(errorBody("validation_failed", "request body does not match the schema", zodDetails(err)), 400);
  }
  if (err instanceof InvalidArgumentError) {
    return c.json(errorBody("invalid_argument", err.message, err.path ? [{ path: err.path, message: err.message }] : []), 400);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json(errorBody(status === 413 ? "payload_too_large" : "http_error", err.message || "request failed"), status);
  }
  console.error("mvx edge: unhandled error", err);
  return c.json(errorBody("internal_error", "internal error"), 500);
}

/** Hono notFound: a JSON 404 for unknown routes. */
export function notFound(c: Context): Response {
  return c.json(errorBody("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}
