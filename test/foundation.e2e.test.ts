// The first complete path through mvx, as a user runs it: `npm start`, create a 2x3x2 factorial
// experiment, power analysis, run it, assign 1,000 units at the edge, post signed rewards, and
// find them in the edge's arm statistics and in the control plane's tables.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, signedHttp, startStack, waitFor, type Stack } from "./helpers/stack.js";

let stack: Stack;
const auth = () => ({ Authorization: `Bearer ${stack.apiKey}` });

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  if (stack) {
    const code = await stack.stop();
    expect(code).toBe(0);
  }
});

describe("foundation: experiment -> edge assignment -> rewards -> control plane", () => {
  let experimentId = "";
  const assigned = new Map<string, { combination_id: string; decision_id: string }>();

  it("serves health on both processes and guards the API", async () => {
    expect((await http("GET", `${stack.cpUrl}/health`)).body).toMatchObject({ status: "ok" });
    expect((await http("GET", `${stack.edgeUrl}/health`)).body).toMatchObject({ status: "ok" });
    const denied = await http("GET", `${stack.cpUrl}/v1/experiments`);
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBeTypeOf("string");
  });

  it("creates a 2x3x2 full factorial experiment with 12 equal combinations", async () => {
    const res = await http(
      "POST",
      `${stack.cpUrl}/v1/experiments`,
      {
        name: "checkout page",
        description: "button colour x layout x copy",
        design_type: "FullFactorial",
        variables: [
          { name: "color", levels: ["green", "blue"], type: "categorical" },
          { name: "layout", levels: ["one-column", "two-column", "grid"], type: "categorical" },
          { name: "discount", levels: [0, 10], type: "continuous" },
        ],
      },
      auth(),
    );
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("Draft");
    expect(res.body.combinations).toHaveLength(12);
    const total = res.body.combinations.reduce((s: number, c: { traffic_allocation: number }) => s + c.traffic_allocation, 0);
    expect(total).toBeCloseTo(1, 12);
    experimentId = res.body.id;
  });

  it("refuses to run before a power analysis, then runs after one", async () => {
    const early = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/transition`, { status: "Running" }, auth());
    expect(early.status).toBe(422);

    const power = await http(
      "POST",
      `${stack.cpUrl}/v1/experiments/${experimentId}/power-analysis`,
      { effect_size: 0.02, metric: { type: "binary", baseline_rate: 0.1 } },
      auth(),
    );
    expect(power.status).toBe(200);
    expect(power.body.power_analysis.required_sample_size).toBeGreaterThan(0);
    expect(Number.isInteger(power.body.power_analysis.required_sample_size)).toBe(true);

    const run = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/transition`, { status: "Running" }, auth());
    expect(run.status).toBe(200);
    expect(run.body.status).toBe("Running");
  });

  it("assigns 1,000 units at the edge over all 12 combinations, sticky per unit", async () => {
    // The allocation reaches the edge through the control plane's outbox.
    await waitFor(async () => {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "probe" });
      return r.status === 200 && r.body.assigned === true;
    }, 30_000, "the allocation to reach the edge");

    const seen = new Map<string, number>();
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: `user-${i + j}` }),
        ),
      );
      for (const [j, r] of batch.entries()) {
        expect(r.status).toBe(200);
        expect(r.body.assigned).toBe(true);
        expect(r.body.probability).toBeCloseTo(1 / 12, 12);
        assigned.set(`user-${i + j}`, { combination_id: r.body.combination_id, decision_id: r.body.decision_id });
        seen.set(r.body.combination_id, (seen.get(r.body.combination_id) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(12);
    // Each combination expects 1000/12 ~ 83 units; binomial sd ~ 8.7. Allow ~4.5 sd either way.
    for (const n of seen.values()) expect(Math.abs(n - 1000 / 12)).toBeLessThan(40);

    for (let i = 0; i < 1000; i += 97) {
      const r = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: `user-${i}` });
      expect(r.body.combination_id).toBe(assigned.get(`user-${i}`)!.combination_id);
    }
  });

  it("counts signed rewards once each in the edge's arm statistics", async () => {
    // Rewards for the first 300 units: 1 for even users, 0 for odd; the batch holds one repeat.
    const events = Array.from({ length: 300 }, (_, i) => ({
      event_id: `evt-${i}`,
      experiment_id: experimentId,
      decision_id: assigned.get(`user-${i}`)!.decision_id,
      reward: i % 2 === 0 ? 1 : 0,
    }));
    const first = await signedHttp("POST", `${stack.edgeUrl}/v1/rewards`, stack.webhookSecret, { events: events.slice(0, 200) });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: 200, duplicates: 0 });
    const second = await signedHttp("POST", `${stack.edgeUrl}/v1/rewards`, stack.webhookSecret, { events: events.slice(150) });
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ accepted: 100, duplicates: 50 });
    // Attribution by the unit's latest decision, without a decision id.
    const byUnit = await signedHttp("POST", `${stack.edgeUrl}/v1/rewards`, stack.webhookSecret, {
      event_id: "evt-by-unit",
      experiment_id: experimentId,
      unit_id: "user-999",
      reward: 2.5,
    });
    expect(byUnit.status).toBe(202);
    expect(byUnit.body).toMatchObject({ accepted: 1, duplicates: 0 });

    const bad = await http("POST", `${stack.edgeUrl}/v1/rewards`, { event_id: "x", experiment_id: experimentId, reward: 1 }, {
      "X-MVX-Signature": "t=1,v1=00",
    });
    expect(bad.status).toBe(401);

    const arms = await signedHttp("GET", `${stack.edgeUrl}/v1/experiments/${experimentId}/arms`, stack.webhookSecret);
    expect(arms.status).toBe(200);
    expect(arms.body.arms).toHaveLength(12);
    type Arm = { combination_id: string; decisions: number; rewards: number; reward_sum: number; reward_sum_sq: number };
    const byCombo = new Map<string, Arm>(arms.body.arms.map((a: Arm) => [a.combination_id, a]));
    // Expected statistics, computed from what the edge answered above.
    const expected = new Map<string, { rewards: number; sum: number; sumSq: number }>();
    const add = (combo: string, r: number) => {
      const e = expected.get(combo) ?? { rewards: 0, sum: 0, sumSq: 0 };
      e.rewards++;
      e.sum += r;
      e.sumSq += r * r;
      expected.set(combo, e);
    };
    for (const e of events) add(assigned.get(`user-${events.indexOf(e)}`)!.combination_id, e.reward);
    add(assigned.get("user-999")!.combination_id, 2.5);
    let decisions = 0;
    for (const [combo, arm] of byCombo) {
      const e = expected.get(combo) ?? { rewards: 0, sum: 0, sumSq: 0 };
      expect(arm.rewards).toBe(e.rewards);
      expect(arm.reward_sum).toBeCloseTo(e.sum, 9);
      expect(arm.reward_sum_sq).toBeCloseTo(e.sumSq, 9);
      decisions += arm.decisions;
    }
    // 1,000 units + the probe + 11 repeat assignments (user-0, user-97, ... user-970).
    expect(decisions).toBe(1000 + 1 + 11);
  });

  it("delivers the decision and reward logs to the control plane's tables", async () => {
    const assignments = await waitFor(async () => {
      const r = await http("GET", `${stack.cpUrl}/v1/experiments/${experimentId}/assignments?limit=1&offset=0`, undefined, auth());
      return r.status === 200 && r.body.total >= 1012 ? r.body : null;
    }, 60_000, "1,012 assignment rows in the control plane");
    expect(assignments.total).toBe(1012);
    const results = await waitFor(async () => {
      const r = await http("GET", `${stack.cpUrl}/v1/experiments/${experimentId}/results?limit=1&offset=0`, undefined, auth());
      return r.status === 200 && r.body.total >= 301 ? r.body : null;
    }, 60_000, "301 result rows in the control plane");
    expect(results.total).toBe(301);
  });

  it("pauses: the edge stops assigning with a clear answer", async () => {
    const paused = await http("POST", `${stack.cpUrl}/v1/experiments/${experimentId}/transition`, { status: "Paused" }, auth());
    expect(paused.status).toBe(200);
    const r = await waitFor(async () => {
      const a = await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: experimentId, unit_id: "user-1" });
      return a.body.assigned === false ? a : null;
    }, 30_000, "the pause to reach the edge");
    expect(r.status).toBe(200);
    expect(r.body.reason).toMatch(/pause/);
  });
});
