// Test helpers: signed requests through the edge worker (exports.default.fetch, the same module
// the tests import), allocation fixtures and Durable Object stubs.

import { SIGNATURE_HEADER, signPayload } from "@mvx/core/edge";
import { env, exports } from "cloudflare:workers";

export const WEBHOOK_SECRET = "dev-webhook-secret";
export const SYNC_SECRET = "dev-sync-secret";

/** A parsed JSON response body; tests assert on it field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately loose for assertions
export type JsonBody = any;

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as is, signed as is). */
  raw?: string;
  /** Secret to sign with; omit for an unsigned request. */
  secret?: string;
  /** Signature timestamp in Unix seconds (default: now). */
  t?: number;
  /** Overrides the signature header entirely. */
  signature?: string;
}

export interface CallResult<T = JsonBody> {
  status: number;
  body: T;
  text: string;
}

/** Sends a request through the worker and parses the JSON answer. */
export async function call<T = JsonBody>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const raw = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = {};
  if (raw !== undefined) headers["content-type"] = "application/json";
  if (opts.signature !== undefined) headers[SIGNATURE_HEADER] = opts.signature;
  else if (opts.secret !== undefined) headers[SIGNATURE_HEADER] = await signPayload(opts.secret, raw ?? "", opts.t ?? Date.now() / 1000);
  const res = await exports.default.fetch(new Request(`http://edge.test${path}`, { method, headers, body: raw ?? null }));
  const text = await res.text();
  let body: JsonBody = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: leave undefined, the test sees `text` */
  }
  return { status: res.status, body, text };
}

export interface CombinationFixture {
  combination_id: string;
  variable_values: Record<string, unknown>;
  traffic_allocation: number;
}

export const THREE_COMBINATIONS: CombinationFixture[] = [
  { combination_id: "c01", variable_values: { color: "red", size: 1 }, traffic_allocation: 0.5 },
  { combination_id: "c02", variable_values: { color: "blue", size: 1 }, traffic_allocation: 0.3 },
  { combination_id: "c03", variable_values: { color: "red", size: 2 }, traffic_allocation: 0.2 },
];

/** An allocation push body (docs/sync-protocol.md). */
export function allocation(experimentId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    experiment_id: experimentId,
    version: 1,
    status: "Running",
    hash_version: 1,
    salt: experimentId,
    combinations: THREE_COMBINATIONS,
    issued_at: "2026-11-24T12:00:00.000Z",
    ...overrides,
  };
}

/** Pushes an allocation signed with the sync secret. */
export function pushAllocation(experimentId: string, overrides: Record<string, unknown> = {}): Promise<CallResult> {
  return call("PUT", `/internal/experiments/${encodeURIComponent(experimentId)}/allocation`, {
    body: allocation(experimentId, overrides),
    secret: SYNC_SECRET,
  });
}

export function assign(experimentId: string, unitId: string, context?: unknown): Promise<CallResult> {
  return call("POST", "/v1/assign", { body: { experiment_id: experimentId, unit_id: unitId, ...(context === undefined ? {} : { context }) } });
}

export function postRewards(body: unknown, secret = WEBHOOK_SECRET): Promise<CallResult> {
  return call("POST", "/v1/rewards", { body, secret });
}

export function getArms(experimentId: string, secret = WEBHOOK_SECRET): Promise<CallResult> {
  return call("GET", `/v1/experiments/${encodeURIComponent(experimentId)}/arms`, { secret });
}

/** The experiment's Durable Object stub, as the worker addresses it. */
export function stubFor(experimentId: string) {
  return env.EXPERIMENTS.get(env.EXPERIMENTS.idFromName(experimentId));
}

/** A fresh experiment id per test. */
export function newExperimentId(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}
