// Configuration and pure helpers: secrets in production (503 while one is missing, the configured
// ones in force otherwise), the outbox backoff schedule and the arm statistics helper.

import { signPayload, SIGNATURE_HEADER } from "@mvx/core/edge";
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { resolveSecrets } from "../src/env";
import { meanOf, varianceOf } from "@mvx/core/edge";
import { outboxBackoffMs } from "../src/state/experiment-state";
import { WEBHOOK_SECRET, type JsonBody } from "./helpers";

function fetchWith(overrides: Record<string, string | undefined>, request: Request): Promise<Response> {
  return Promise.resolve(worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...overrides }, createExecutionContext()));
}

describe("secrets", () => {
  it("answers 503 to every request in production while a secret is missing, naming it", async () => {
    for (const path of ["/health", "/v1/assign", "/nope"]) {
      const res = await fetchWith({ MVX_ENV: "production", MVX_WEBHOOK_SECRET: "wh" }, new Request(`http://edge.test${path}`, { method: "GET" }));
      expect(res.status).toBe(503);
      const body = (await res.json()) as JsonBody;
      expect(body.error.code).toBe("missing_secret");
      expect(body.error.message).toContain("MVX_SYNC_SECRET");
      expect(body.error.message).not.toContain("MVX_WEBHOOK_SECRET");
      expect(body.error.details).toEqual([{ path: "MVX_SYNC_SECRET", message: "secret not set" }]);
    }
    const both = await fetchWith({ MVX_ENV: "production" }, new Request("http://edge.test/health"));
    expect(((await both.json()) as JsonBody).error.details.map((d: { path: string }) => d.path)).toEqual(["MVX_WEBHOOK_SECRET", "MVX_SYNC_SECRET"]);
  });

  it("uses the configured secrets when set (the dev default no longer signs)", async () => {
    const overrides = { MVX_ENV: "production", MVX_WEBHOOK_SECRET: "prod-webhook", MVX_SYNC_SECRET: "prod-sync" };
    expect((await fetchWith(overrides, new Request("http://edge.test/health"))).status).toBe(200);
    const body = JSON.stringify({ event_id: "e", experiment_id: "cfg-unknown", unit_id: "u", reward: 1 });
    const post = async (secret: string) =>
      fetchWith(
        overrides,
        new Request("http://edge.test/v1/rewards", {
          method: "POST",
          body,
          headers: { [SIGNATURE_HEADER]: await signPayload(secret, body, Date.now() / 1000) },
        }),
      );
    expect((await post(WEBHOOK_SECRET)).status).toBe(401);
    expect((await post("prod-webhook")).status).toBe(404); // authenticated; the experiment is unknown
  });

  it("falls back to dev defaults outside production", () => {
    expect(resolveSecrets({})).toEqual({ ok: true, secrets: { webhook: "dev-webhook-secret", sync: "dev-sync-secret" } });
    expect(resolveSecrets({ MVX_ENV: "development", MVX_SYNC_SECRET: "s" })).toEqual({ ok: true, secrets: { webhook: "dev-webhook-secret", sync: "s" } });
    expect(resolveSecrets({ MVX_ENV: "production", MVX_WEBHOOK_SECRET: "", MVX_SYNC_SECRET: "s" })).toEqual({ ok: false, missing: ["MVX_WEBHOOK_SECRET"] });
  });
});

describe("outboxBackoffMs", () => {
  it("starts at 1 s, doubles, and caps at 60 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map(outboxBackoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
});

describe("arm statistics from sufficient statistics", () => {
  it("matches the sample mean and the n - 1 variance (R mean(), var())", () => {
    // Python statistics.mean / statistics.variance (same definitions as R mean() / var()) on
    // x = c(0.2, 1.7, 3.1, 3.1, 10): 3.62 and 14.157 (= 56.628 / 4)
    const x = [0.2, 1.7, 3.1, 3.1, 10];
    const s = { n: x.length, sum: x.reduce((a, b) => a + b, 0), sumSq: x.reduce((a, b) => a + b * b, 0) };
    expect(meanOf(s)).toBeCloseTo(3.62, 12);
    expect(varianceOf(s)).toBeCloseTo(14.157, 10);
  });

  it("is null when undefined and never negative", () => {
    expect(meanOf({ n: 0, sum: 0, sumSq: 0 })).toBeNull();
    expect(varianceOf({ n: 1, sum: 4, sumSq: 16 })).toBeNull();
    // 1e8 + 0.1 three times: cancellation could make the naive formula negative.
    const v = 1e8 + 0.1;
    expect(varianceOf({ n: 3, sum: 3 * v, sumSq: 3 * v * v })).toBeGreaterThanOrEqual(0);
  });
});
