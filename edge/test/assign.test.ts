// Allocation pushes and assignment through the worker, against real Durable Objects.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { THREE_COMBINATIONS, WEBHOOK_SECRET, allocation, assign, call, getArms, newExperimentId, pushAllocation, stubFor, SYNC_SECRET } from "./helpers";

const weights = (w: number[]) => THREE_COMBINATIONS.map((c, i) => ({ ...c, traffic_allocation: w[i] }));

describe("health and unknown routes", () => {
  it("GET /health answers ok", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("GET /health/do makes one Durable Object round trip", async () => {
    const res = await call("GET", "/health/do");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", durable_object: "ok" });
  });

  it("an unknown route is a JSON 404", async () => {
    for (const [method, path] of [["GET", "/nope"], ["GET", "/v1/assign"], ["DELETE", "/v1/rewards"]] as const) {
      const res = await call(method, path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
      expect(res.body.error.details).toEqual([]);
    }
  });
});

describe("PUT /internal/experiments/:id/allocation", () => {
  it("applies a signed push, then assigns from it", async () => {
    const id = newExperimentId("push");
    const push = await pushAllocation(id);
    expect(push.status).toBe(200);
    expect(push.body).toEqual({ applied: true, version: 1 });

    const res = await assign(id, "unit-1", { user: { country: "NZ" }, content: { page: "home" } });
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d).toMatchObject({ assigned: true, experiment_id: id, unit_id: "unit-1", algorithm: null, allocation_version: 1 });
    expect(d.decision_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const combination = THREE_COMBINATIONS.find((c) => c.combination_id === d.combination_id)!;
    expect(combination).toBeDefined();
    expect(d.arm_id).toBe(d.combination_id);
    expect(d.variable_values).toEqual(combination.variable_values);
    expect(d.probability).toBe(combination.traffic_allocation);
  });

  it("ignores an older or equal version and acknowledges it with the version held", async () => {
    const id = newExperimentId("versions");
    expect((await pushAllocation(id, { version: 3, combinations: weights([0, 0, 1]) })).body).toEqual({ applied: true, version: 3 });
    expect((await pushAllocation(id, { version: 2, combinations: weights([1, 0, 0]) })).body).toEqual({ applied: false, version: 3 });
    expect((await pushAllocation(id, { version: 3, combinations: weights([1, 0, 0]) })).body).toEqual({ applied: false, version: 3 });
    for (const unit of ["a", "b", "c", "d", "e"]) {
      const res = await assign(id, unit);
      expect(res.body.combination_id).toBe("c03");
      expect(res.body.allocation_version).toBe(3);
    }
    expect((await pushAllocation(id, { version: 4, combinations: weights([1, 0, 0]) })).body).toEqual({ applied: true, version: 4 });
    expect((await assign(id, "a")).body).toMatchObject({ combination_id: "c01", allocation_version: 4 });
  });

  it("keeps arm statistics across allocation changes, with one arm row per combination", async () => {
    const id = newExperimentId("arms-survive");
    await pushAllocation(id, { combinations: weights([1, 0, 0]) });
    await assign(id, "u1");
    await pushAllocation(id, {
      version: 2,
      combinations: [
        { combination_id: "c02", variable_values: { color: "blue" }, traffic_allocation: 0.5 },
        { combination_id: "c04", variable_values: { color: "green" }, traffic_allocation: 0.5 },
      ],
    });
    const arms = (await getArms(id)).body.arms as { arm_id: string; decisions: number; in_allocation: boolean }[];
    expect(arms.map((a) => [a.arm_id, a.decisions, a.in_allocation])).toEqual([
      ["c01", 1, false],
      ["c02", 0, true],
      ["c03", 0, false],
      ["c04", 0, true],
    ]);
  });

  it("rejects a body whose experiment_id differs from the path", async () => {
    const id = newExperimentId("mismatch");
    const res = await call("PUT", `/internal/experiments/${id}/allocation`, { body: allocation("other"), secret: SYNC_SECRET });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("experiment_id_mismatch");
    expect(res.body.error.details[0].path).toBe("experiment_id");
  });

  it("needs the sync secret's signature", async () => {
    const id = newExperimentId("push-auth");
    const body = allocation(id);
    expect((await call("PUT", `/internal/experiments/${id}/allocation`, { body })).status).toBe(401);
    const wrong = await call("PUT", `/internal/experiments/${id}/allocation`, { body, secret: WEBHOOK_SECRET });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("unauthorized");
    expect((await assign(id, "u")).status).toBe(404);
  });

  it("validates the allocation with field paths", async () => {
    const id = newExperimentId("push-invalid");
    const cases: [Record<string, unknown>, string][] = [
      [{ combinations: weights([0.5, 0.3, 0.1]) }, "combinations"],
      [{ combinations: [THREE_COMBINATIONS[0], { ...THREE_COMBINATIONS[0], traffic_allocation: 0 }] }, "combinations.1.combination_id"],
      [{ combinations: weights([0.5, -0.3, 0.8]) }, "combinations.1.traffic_allocation"],
      [{ hash_version: 7 }, "hash_version"],
      [{ status: "Running!" }, "status"],
      [{ version: 1.5 }, "version"],
      [{ combinations: [] }, "combinations"],
      [{ salt: "" }, "salt"],
      [{ issued_at: "yesterday" }, "issued_at"],
    ];
    for (const [overrides, path] of cases) {
      const res = await pushAllocation(id, overrides);
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const raw = "{not json";
    const bad = await call("PUT", `/internal/experiments/${id}/allocation`, { raw, secret: SYNC_SECRET });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
  });

  it("answers 413 for a body over the 16 MB internal push cap", async () => {
    const id = newExperimentId("push-big");
    const res = await pushAllocation(id, { padding: "x".repeat(16 * 1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });
});

describe("POST /v1/assign", () => {
  it("persists the decision row and a decision event", async () => {
    const id = newExperimentId("persist");
    await pushAllocation(id);
    const d = (await assign(id, "u-42", { user: { plan: "pro" } })).body;
    const { row, payload } = await runInDurableObject(stubFor(id), (_instance, state) => ({
      row: state.storage.sql.exec("SELECT * FROM decisions WHERE decision_id = ?", d.decision_id).one(),
      payload: JSON.parse(state.storage.sql.exec<{ payload: string }>("SELECT payload FROM outbox ORDER BY seq DESC LIMIT 1").one().payload),
    }));
    expect(row).toMatchObject({ unit_id: "u-42", combination_id: d.combination_id, arm_id: d.arm_id, probability: d.probability, allocation_version: 1 });
    expect(payload).toMatchObject({
      type: "decision",
      decision_id: d.decision_id,
      experiment_id: id,
      unit_id: "u-42",
      combination_id: d.combination_id,
      arm_id: d.arm_id,
      variable_values: d.variable_values,
      probability: d.probability,
      algorithm: null,
      allocation_version: 1,
      context: { user: { plan: "pro" } },
    });
    expect(Date.parse(payload.decided_at)).not.toBeNaN();
  });

  it("answers 404 with assigned: false for an experiment the edge has never been pushed", async () => {
    const res = await assign(newExperimentId("unknown"), "u-1");
    expect(res.status).toBe(404);
    expect(res.body.assigned).toBe(false);
    expect(res.body.error.code).toBe("experiment_not_found");
  });

  it("answers assigned: false with the status as the reason when not Running", async () => {
    const cases = [
      ["Draft", "experiment_not_running"],
      ["Paused", "experiment_paused"],
      ["Completed", "experiment_completed"],
      ["Archived", "experiment_archived"],
    ] as const;
    for (const [status, reason] of cases) {
      const id = newExperimentId(status);
      await pushAllocation(id, { status });
      const res = await assign(id, "u-1");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ assigned: false, experiment_id: id, unit_id: "u-1", status, reason });
    }
    // Running -> Paused -> Running
    const id = newExperimentId("pause");
    await pushAllocation(id);
    expect((await assign(id, "u")).body.assigned).toBe(true);
    await pushAllocation(id, { version: 2, status: "Paused" });
    expect((await assign(id, "u")).body).toMatchObject({ assigned: false, reason: "experiment_paused" });
    await pushAllocation(id, { version: 3, status: "Running" });
    expect((await assign(id, "u")).body).toMatchObject({ assigned: true, allocation_version: 3 });
  });

  it("answers 400 for malformed or schema-invalid bodies", async () => {
    const bad = await call("POST", "/v1/assign", { raw: '{"experiment_id": "x",' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const cases: [unknown, string][] = [
      [{ experiment_id: "x" }, "unit_id"],
      [{ experiment_id: "x", unit_id: "" }, "unit_id"],
      [{ experiment_id: "x", unit_id: "u".repeat(257) }, "unit_id"],
      [{ experiment_id: "", unit_id: "u" }, "experiment_id"],
      [{ experiment_id: 5, unit_id: "u" }, "experiment_id"],
      [{ experiment_id: "x", unit_id: "u", context: { user: "nope" } }, "context.user"],
      [[1, 2], ""],
    ];
    for (const [body, path] of cases) {
      const res = await call("POST", "/v1/assign", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await call("POST", "/v1/assign")).body.error.code).toBe("invalid_json");
  });

  it("answers 413 for an oversized body", async () => {
    const res = await call("POST", "/v1/assign", { body: { experiment_id: "x", unit_id: "u", context: { user: { blob: "x".repeat(70_000) } } } });
    expect(res.status).toBe(413);
  });
});
