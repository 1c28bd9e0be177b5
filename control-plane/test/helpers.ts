// Test helpers: a real libSQL database (`:memory:`, or the server in MVX_TEST_DATABASE_URL, e.g.
// sqld), an app over it, and a small client that sends JSON with the bearer key. Tests that may run
// against a shared server use fresh ids and never assume they are alone in a table.

import { signPayload } from "@mvx/core";
import { inject } from "vitest";
import { createApp, type AppOptions } from "../src/app.js";
import { openDb, type Db } from "../src/db/client.js";
import type { PowerAnalysis } from "../src/domain/experiment.js";

export const API_KEY = "test-api-key";
export const SYNC_SECRET = "test-sync-secret";

/**
 * The database URL of this run: MVX_TEST_DATABASE_URL when set, else the sqld server that the
 * `control-plane-sqld` project's global setup started (test/sqld/global-setup.ts), else `:memory:`.
 */
export function testDatabaseUrl(): string {
  const provided = (inject as (key: string) => unknown)("sqldUrl");
  return process.env.MVX_TEST_DATABASE_URL || (typeof provided === "string" ? provided : "") || ":memory:";
}

/** A migrated database; `memoryOnly` for tests that need a database of their own. */
export async function testDb(opts: { memoryOnly?: boolean } = {}): Promise<Db> {
  return openDb(opts.memoryOnly ? ":memory:" : testDatabaseUrl(), process.env.MVX_TEST_DATABASE_AUTH_TOKEN);
}

export interface TestApp {
  db: Db;
  app: ReturnType<typeof createApp>;
  /** Sends `body` as JSON (a string is sent as is) with the bearer key unless headers override it. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** call() and parse the JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  close(): void;
}

export async function testApp(
  opts: Partial<Omit<AppOptions, "db" | "env">> & { db?: Db; maxBodyBytes?: number; memoryOnly?: boolean } = {},
): Promise<TestApp> {
  const db = opts.db ?? (await testDb({ memoryOnly: opts.memoryOnly ?? false }));
  const app = createApp({
    db,
    env: { MVX_API_KEY: API_KEY, MVX_SYNC_SECRET: SYNC_SECRET, MVX_MAX_BODY_BYTES: opts.maxBodyBytes ?? 1024 * 1024 },
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.randomSeed ? { randomSeed: opts.randomSeed } : {}),
    logError: opts.logError ?? (() => undefined),
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
    };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    return Promise.resolve(app.request(path, init));
  };
  return {
    db,
    app,
    call,
    async json(method, path, body, headers) {
      const res = await call(method, path, body, headers);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close() {
      if (!opts.db) db.$client.close();
    },
  };
}

/** A valid FullFactorial body: 2 x 3 = 6 combinations. */
export function experimentBody(overrides: Record<string, unknown> = {}) {
  return {
    name: "Checkout button",
    description: "Colour and copy of the checkout button",
    design_type: "FullFactorial",
    variables: [
      { name: "color", levels: ["red", "blue"], type: "categorical" },
      { name: "size", levels: [1, 2, 3], type: "continuous" },
    ],
    ...overrides,
  };
}

/** Signs `body` with the test sync secret at `nowSeconds`. */
export async function signed(body: string, nowSeconds: number, secret = SYNC_SECRET): Promise<Record<string, string>> {
  return { "X-MVX-Signature": await signPayload(secret, body, nowSeconds), "content-type": "application/json" };
}

/** Collects the paths of an error body's details. */
export function detailPaths(body: { error: { details: { path: string }[] } }): string[] {
  return body.error.details.map((d) => d.path);
}

/**
 * A stored power analysis written straight into an experiment (setPowerAnalysis), for tests of
 * the lifecycle that are not about the calculator. n_per_group is R's
 * power.prop.test(p1 = 0.1, p2 = 0.12, power = 0.8) n = 3840.847, rounded up.
 */
export const STORED_POWER_ANALYSIS: PowerAnalysis = {
  effect_size: 0.02,
  power: 0.8,
  alpha: 0.05,
  metric: { type: "binary", baseline_rate: 0.1 },
  target: "main_effects",
  test: "two_proportions",
  n_per_group: 3841,
  required_sample_size: 11523,
  per_combination: [],
  method: "test fixture",
  computed_at: "2026-11-24T12:00:00.000Z",
};
