// Signed routes and bad input: 401 for a missing, wrong or stale signature; 400 with field paths
// for malformed or schema-invalid bodies; 413 for oversized ones; never a 500.

import { SIGNATURE_HEADER, signPayload } from "@mvx/core/edge";
import { describe, expect, it } from "vitest";
import { SYNC_SECRET, WEBHOOK_SECRET, call, getArms, newExperimentId, postRewards, pushAllocation } from "./helpers";

const now = () => Math.floor(Date.now() / 1000);

describe("signatures", () => {
  const body = { event_id: "e", experiment_id: "sig-test", unit_id: "u", reward: 1 };

  it("rejects a missing header with 401", async () => {
    const res = await call("POST", "/v1/rewards", { body });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "unauthorized", message: `missing ${SIGNATURE_HEADER} header` });
  });

  it("rejects a wrong secret, a different body, a malformed header and the sync secret with 401", async () => {
    expect((await postRewards(body, "not-the-secret")).status).toBe(401);
    expect((await postRewards(body, SYNC_SECRET)).status).toBe(401);
    const signedOther = await signPayload(WEBHOOK_SECRET, JSON.stringify({ ...body, reward: 2 }), now());
    expect((await call("POST", "/v1/rewards", { body, signature: signedOther })).status).toBe(401);
    for (const signature of ["garbage", "t=abc,v1=00", `t=${now()}`, "v1=00"]) {
      const res = await call("POST", "/v1/rewards", { body, signature });
      expect(res.status, signature).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
  });

  it("rejects a timestamp more than 300 s away with 401, and accepts one inside the window", async () => {
    const stale = await call("POST", "/v1/rewards", { body, secret: WEBHOOK_SECRET, t: now() - 301 });
    expect(stale.status).toBe(401);
    expect(stale.body.error.message).toMatch(/300 s/);
    expect((await call("POST", "/v1/rewards", { body, secret: WEBHOOK_SECRET, t: now() + 301 })).status).toBe(401);
    // Inside the window the request gets through to the experiment lookup (unknown here: 404).
    expect((await call("POST", "/v1/rewards", { body, secret: WEBHOOK_SECRET, t: now() - 290 })).status).toBe(404);
  });

  it("guards the arms route (either secret; the empty body signs \"<t>.\")", async () => {
    const id = newExperimentId("arms-auth");
    await pushAllocation(id);
    expect((await call("GET", `/v1/experiments/${id}/arms`)).status).toBe(401);
    expect((await getArms(id, "wrong")).status).toBe(401);
    expect((await call("GET", `/v1/experiments/${id}/arms`, { secret: WEBHOOK_SECRET, t: now() - 400 })).status).toBe(401);
    const manual = `t=${now()},v1=${(await signPayload(SYNC_SECRET, "", now())).split("v1=")[1]}`;
    expect((await call("GET", `/v1/experiments/${id}/arms`, { signature: manual })).status).toBe(200);
    expect((await getArms(id, WEBHOOK_SECRET)).status).toBe(200);
  });
});

describe("reward body validation", () => {
  it("answers 400 invalid_json for malformed JSON (after the signature check)", async () => {
    for (const raw of ["{", "", "{'a': 1}", '{"events": [}']) {
      const res = await call("POST", "/v1/rewards", { raw, secret: WEBHOOK_SECRET });
      expect(res.status, raw).toBe(400);
      expect(res.body.error.code).toBe("invalid_json");
    }
  });

  it("answers 400 with the field path of each schema violation", async () => {
    const ok = { event_id: "e", experiment_id: "x", unit_id: "u", reward: 1 };
    const cases: [unknown, string][] = [
      [{ events: [ok, ok, { ...ok, reward: "1" }] }, "events.2.reward"],
      [{ events: [ok, { ...ok, event_id: "" }] }, "events.1.event_id"],
      [{ events: [] }, "events"],
      [{ events: Array.from({ length: 1001 }, (_, i) => ({ ...ok, event_id: `e${i}` })) }, "events"],
      [{ events: "nope" }, "events"],
      [{ ...ok, reward: undefined }, "reward"],
      [{ ...ok, reward: null }, "reward"],
      [{ ...ok, experiment_id: undefined }, "experiment_id"],
      [{ ...ok, occurred_at: "last tuesday" }, "occurred_at"],
      [{ ...ok, unit_id: "u".repeat(257) }, "unit_id"],
      [[ok], ""],
      [null, ""],
      [42, ""],
    ];
    for (const [body, path] of cases) {
      const res = await postRewards(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it("rejects a non-finite reward (1e999 parses to Infinity)", async () => {
    const raw = '{"event_id":"e","experiment_id":"x","unit_id":"u","reward":1e999}';
    const res = await call("POST", "/v1/rewards", { raw, secret: WEBHOOK_SECRET });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe("reward");
  });

  it("answers 413 for a body over 1 MB", async () => {
    const raw = JSON.stringify({ events: [{ event_id: "x".repeat(1024 * 1024), experiment_id: "x", reward: 1 }] });
    const res = await call("POST", "/v1/rewards", { raw, secret: WEBHOOK_SECRET });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("answers 413 for an oversized body without Content-Length (streamed)", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(
      new Request("http://edge.test/v1/rewards", { method: "POST", body: stream, headers: { [SIGNATURE_HEADER]: "t=1,v1=00" } }),
    );
    expect(res.status).toBe(413);
  });
});
