// Request plumbing shared by the routes: body size caps, the raw body text, signature checks
// against that raw text (before any parsing), JSON parsing and zod validation, each failure
// turned into the ApiError that API.md prescribes.

import { SIGNATURE_HEADER, verifySignature } from "@mvx/core/edge";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { ApiError, zodDetails } from "./errors.js";

/** Largest accepted bodies, in bytes. */
export const BODY_LIMITS = {
  assign: 64 * 1024,
  rewards: 1024 * 1024,
  /** Signed internal pushes: a network map of 10K+ nodes must fit (docs/sync-protocol.md, "Networks"). */
  allocation: 16 * 1024 * 1024,
} as const;

/** Rejects bodies larger than `maxBytes` with 413 (Content-Length or the streamed size). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `request body exceeds ${maxBytes} bytes`);
    },
  });
}

/** Current Unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Reads the raw body text and checks its X-MVX-Signature against any of `secrets`; 401 otherwise.
 * A request without a body signs the empty string.
 */
export async function readSignedBody(c: Context, secrets: readonly string[]): Promise<string> {
  const raw = c.req.raw.body === null ? "" : await c.req.text();
  const header = c.req.header(SIGNATURE_HEADER);
  let reason = `missing ${SIGNATURE_HEADER} header`;
  for (const secret of secrets) {
    const check = await verifySignature(secret, header, raw, nowSeconds());
    if (check.ok) return raw;
    reason = check.reason;
  }
  throw new ApiError(401, "unauthorized", reason);
}

/** JSON.parse that answers 400 invalid_json instead of throwing a SyntaxError. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates `value` with `schema`; 400 validation_failed with dotted field paths otherwise. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiError(400, "validation_failed", "request body does not match the schema", zodDetails(result.error));
  }
  return result.data;
}
