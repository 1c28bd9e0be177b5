// Typed errors of the control plane and the one place that turns any thrown value into API.md's
// error body: {"error": {"code", "message", "details": [{"path", "message"}]}}. app.ts calls
// toErrorResponse() from onError, so handlers and services just throw.

import { ConvergenceError, InvalidArgumentError } from "@mvx/core";
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

/** Base class: an error that maps to a fixed HTTP status and error code. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the body is not JSON. */
export class InvalidJsonError extends ApiError {
  constructor(message = "request body is not valid JSON") {
    super(400, "invalid_json", message);
  }
}

/** 400: the request does not match its schema. */
export class ValidationError extends ApiError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(400, "validation_error", message, details);
  }
}

/** 401: missing or wrong credentials (bearer key or request signature). */
export class UnauthorizedError extends ApiError {
  constructor(message = "missing or invalid bearer token") {
    super(401, "unauthorized", message);
  }
}

/** 404: no such resource or route. */
export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

/** 409: the request conflicts with the current state (e.g. design edits outside Draft). */
export class ConflictError extends ApiError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(409, "conflict", message, details);
  }
}

/** 409: a status transition that the lifecycle does not allow. */
export class IllegalTransitionError extends ApiError {
  constructor(
    readonly from: string,
    readonly to: string,
    allowed: readonly string[],
  ) {
    super(
      409,
      "illegal_transition",
      `cannot transition from ${from} to ${to}; allowed from ${from}: ${allowed.length ? allowed.join(", ") : "none"}`,
      [{ path: "status", message: `${from} -> ${to} is not an allowed transition` }],
    );
  }
}

/** 413: the body exceeds MVX_MAX_BODY_BYTES. */
export class PayloadTooLargeError extends ApiError {
  constructor(maxBytes: number) {
    super(413, "payload_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
  }
}

/** 422: well-formed, but breaks a rule of the data model; details name each broken rule. */
export class RuleViolationError extends ApiError {
  constructor(message: string, details: ErrorDetail[] = [], code = "rule_violation") {
    super(422, code, message, details);
  }
}

/** Formats a zod issue path as API.md does: `variables.0.levels`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}

/** The details of a ZodError, one per issue. */
export function zodDetails(
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
  prefix: string[] = [],
): ErrorDetail[] {
  return error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
}

/** A 400 validation_error from a ZodError. */
export function validationErrorFromZod(error: ZodError, where = "request"): ValidationError {
  const details = zodDetails(error);
  const first = details[0];
  const summary = first ? `${first.path || where}: ${first.message}` : "invalid request";
  return new ValidationError(`${where} is invalid: ${summary}${details.length > 1 ? ` (and ${details.length - 1} more)` : ""}`, details);
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

const HTTP_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "rule_violation",
  429: "too_many_requests",
};

/**
 * Maps any thrown value to a status and error body. Unknown errors are a 500 with a generic
 * message (the caller logs them); nothing of a stack trace reaches the response.
 */
export function toErrorResponse(err: unknown, maxBodyBytes: number): { status: ContentfulStatusCode; body: ErrorBody; unexpected: boolean } {
  if (err instanceof ApiError) {
    return { status: err.status, body: errorBody(err.code, err.message, err.details), unexpected: false };
  }
  if (err instanceof ZodError) {
    const e = validationErrorFromZod(err);
    return { status: 400, body: errorBody(e.code, e.message, e.details), unexpected: false };
  }
  if (err instanceof InvalidArgumentError) {
    const details = err.path ? [{ path: err.path, message: err.message }] : [];
    return { status: 422, body: errorBody("rule_violation", err.message, details), unexpected: false };
  }
  if (err instanceof ConvergenceError) {
    // The inputs admit no solution the numerical routine can reach (e.g. an unreachable power).
    return { status: 422, body: errorBody("rule_violation", `no solution for these inputs: ${err.message}`), unexpected: false };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 400 && /json/i.test(err.message)) {
      return { status, body: errorBody("invalid_json", "request body is not valid JSON"), unexpected: false };
    }
    if (status === 413) {
      const e = new PayloadTooLargeError(maxBodyBytes);
      return { status, body: errorBody(e.code, e.message), unexpected: false };
    }
    if (status === 415) {
      return {
        status,
        body: errorBody("unsupported_media_type", "Content-Type must be application/json"),
        unexpected: false,
      };
    }
    const code = HTTP_CODES[status] ?? (status >= 500 ? "internal_error" : "bad_request");
    return { status, body: errorBody(code, err.message || code), unexpected: status >= 500 };
  }
  return { status: 500, body: errorBody("internal_error", "internal server error"), unexpected: true };
}
