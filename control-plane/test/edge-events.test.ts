// POST /internal/edge-events (docs/sync-protocol.md): signed with MVX_SYNC_SECRET over the raw body;
// decisions -> experiment_assignments, rewards -> experiment_results, insert-or-ignore on
// decision_id / event_id, unknown experiments acknowledged and counted; then the bearer routes that
// show the logged rows and the per-combination summary. Runs against MVX_TEST_DATABASE_URL when set.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentBody, signed, testApp, type TestApp } from "./helpers.js";

const NOW = Date.parse("2026-11-24T12:00:10.000Z");
const nowSeconds = Math.floor(NOW / 1000);
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ clock: () => NOW });
});
afterAll(() => t.close());

function decision(experimentId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "decision",
    seq: 1,
    decision_id: randomUUID(),
    experiment_id: experimentId,
    unit_id: "u-1",
    combination_id: "c01",
    arm_id: "c01",
    variable_values: { color: "red", size: 1 },
    probability: 1 / 6,
    algorithm: null,
    allocation_version: 1,
    context: null,
    decided_at: "2026-11-24T12:00:01.000Z",
    ...overrides,
  };
}

function reward(experimentId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "reward",
    seq: 2,
    event_id: `evt-${randomUUID()}`,
    experiment_id: experimentId,
    decision_id: null,
    unit_id: "u-1",
    combination_id: "c01",
    arm_id: "c01",
    reward: 1,
    occurred_at: "2026-11-24T12:00:05.000Z",
    received_at: "2026-11-24T12:00:06.000Z",
    ...overrides,
  };
}

async function post(body: unknown, headers?: Record<string, string>) {
  const raw = JSON.stringify(body);
  return t.json("POST", "/internal/edge-events", raw, headers ?? (await signed(raw, nowSeconds)));
}

async function newExperiment(): Promise<string> {
  const { body } = await t.json("POST", "/v1/experiments", experimentBody());
  return body.id;
}

describe("POST /internal/edge-events", () => {
  it("stores decisions and rewards and counts duplicates on redelivery", async () => {
    const id = await newExperiment();
    const d1 = decision(id);
    const d2 = decision(id, { unit_id: "u-2", combination_id: "c02", arm_id: "c02", variable_values: { color: "red", size: 2 } });
    const r1 = reward(id, { decision_id: d1.decision_id });
    const r2 = reward(id, { event_id: `evt-${randomUUID()}`, decision_id: d2.decision_id, unit_id: "u-2", combination_id: "c02", arm_id: "c02", reward: 0 });
    const r3 = reward(id, { event_id: `evt-${randomUUID()}`, decision_id: d1.decision_id, reward: 0.5 });
    const batch = { experiment_id: id, events: [d1, d2, r1, r2, r3] };

    const first = await post(batch);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 5, duplicates: 0, unknown: 0 });

    const again = await post(batch);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 0, duplicates: 5, unknown: 0 });

    // A batch overlapping the last one, with an event repeated inside it.
    const r4 = reward(id, { event_id: `evt-${randomUUID()}`, reward: 1 });
    const mixed = await post({ experiment_id: id, events: [r3, r4, r4] });
    expect(mixed.body).toEqual({ accepted: 1, duplicates: 2, unknown: 0 });

    const assignments = await t.json("GET", `/v1/experiments/${id}/assignments?limit=10`);
    expect(assignments.status).toBe(200);
    expect(assignments.body.total).toBe(2);
    expect(assignments.body.items[0]).toMatchObject({
      experiment_id: id,
      decision_id: d1.decision_id,
      unit_id: "u-1",
      combination_id: "c01",
      arm_id: "c01",
      probability: 1 / 6,
      algorithm: null,
      allocation_version: 1,
      variable_values: { color: "red", size: 1 },
      assigned_at: "2026-11-24T12:00:01.000Z",
    });

    const results = await t.json("GET", `/v1/experiments/${id}/results?limit=2&offset=0`);
    expect(results.body.total).toBe(4);
    expect(results.body.items).toHaveLength(2);
    expect(results.body.items[0]).toMatchObject({
      experiment_id: id,
      event_id: r1.event_id,
      decision_id: d1.decision_id,
      metric: "reward",
      value: 1,
      occurred_at: "2026-11-24T12:00:05.000Z",
      received_at: "2026-11-24T12:00:06.000Z",
    });
    const page2 = await t.json("GET", `/v1/experiments/${id}/results?limit=2&offset=2`);
    expect(page2.body.items).toHaveLength(2);

    const summary = await t.json("GET", `/v1/experiments/${id}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body.combinations).toHaveLength(6);
    const byId = Object.fromEntries(summary.body.combinations.map((c: { combination_id: string }) => [c.combination_id, c]));
    expect(byId.c01).toMatchObject({ assignments: 1, rewards: 3, reward_sum: 2.5, variable_values: { color: "red", size: 1 } });
    expect(byId.c01.mean).toBeCloseTo(2.5 / 3, 12);
    expect(byId.c02).toMatchObject({ assignments: 1, rewards: 1, reward_sum: 0, mean: 0 });
    expect(byId.c03).toMatchObject({ assignments: 0, rewards: 0, reward_sum: 0, mean: null });
  });

  it("acknowledges events of unknown experiments and counts them", async () => {
    const id = await newExperiment();
    const ghost = randomUUID();
    const { status, body } = await post({ events: [decision(id), decision(ghost), reward(ghost)] });
    expect(status).toBe(200);
    expect(body).toEqual({ accepted: 1, duplicates: 0, unknown: 2 });
  });

  it("takes the batch's experiment_id when an event has none", async () => {
    const id = await newExperiment();
    const { experiment_id: _omit, ...d } = decision(id);
    const { body } = await post({ experiment_id: id, events: [d] });
    expect(body).toEqual({ accepted: 1, duplicates: 0, unknown: 0 });
  });

  it("an empty batch is fine", async () => {
    expect((await post({ events: [] })).body).toEqual({ accepted: 0, duplicates: 0, unknown: 0 });
  });

  describe("signature", () => {
    const body = JSON.stringify({ events: [] });
    it("401 without a signature", async () => {
      const res = await t.json("POST", "/internal/edge-events", body, { "content-type": "application/json" });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    });
    it("401 for a signature made with another secret", async () => {
      const res = await t.json("POST", "/internal/edge-events", body, await signed(body, nowSeconds, "wrong-secret"));
      expect(res.status).toBe(401);
    });
    it("401 for a signature over another body", async () => {
      const res = await t.json("POST", "/internal/edge-events", body, await signed(`${body} `, nowSeconds));
      expect(res.status).toBe(401);
    });
    it("401 for a stale signature (more than 300 s old) and one from the future", async () => {
      expect((await t.json("POST", "/internal/edge-events", body, await signed(body, nowSeconds - 301))).status).toBe(401);
      expect((await t.json("POST", "/internal/edge-events", body, await signed(body, nowSeconds + 301))).status).toBe(401);
      expect((await t.json("POST", "/internal/edge-events", body, await signed(body, nowSeconds - 299))).status).toBe(200);
    });
    it("401 for a malformed header", async () => {
      const res = await t.json("POST", "/internal/edge-events", body, { "X-MVX-Signature": "garbage", "content-type": "application/json" });
      expect(res.status).toBe(401);
    });
    it("a bearer key is not enough (the route is signed, not bearer)", async () => {
      const res = await t.json("POST", "/internal/edge-events", body, { authorization: "Bearer test-api-key" });
      expect(res.status).toBe(401);
    });
  });

  describe("bad bodies with a valid signature", () => {
    it("400 invalid_json for malformed JSON", async () => {
      const raw = '{"events": [';
      const res = await t.json("POST", "/internal/edge-events", raw, await signed(raw, nowSeconds));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_json");
    });
    it("400 validation_error with paths", async () => {
      const res = await post({ events: [{ type: "decision", experiment_id: "x" }, { type: "nap" }] });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_error");
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toContain("events.0.decision_id");
      expect(paths).toContain("events.1.type");
    });
    it("400 when neither the event nor the batch names the experiment", async () => {
      const { experiment_id: _omit, ...d } = decision("x");
      const res = await post({ events: [d] });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe("events.0.experiment_id");
    });
  });
});

describe("logged rows routes", () => {
  it("404 for an unknown experiment and 401 without the bearer key", async () => {
    const ghost = randomUUID();
    for (const r of ["assignments", "results", "summary"]) {
      expect((await t.json("GET", `/v1/experiments/${ghost}/${r}`)).status).toBe(404);
      expect((await t.json("GET", `/v1/experiments/${ghost}/${r}`, undefined, { authorization: "" })).status).toBe(401);
    }
  });
});
