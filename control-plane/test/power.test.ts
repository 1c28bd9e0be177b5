// Power over HTTP: POST /v1/experiments/:id/power-analysis (stored as power_analysis; main effects
// by level pairs, see services/power.ts) and the stateless POST /v1/power. The calculator itself is
// core's solvePower (tested in packages/core); here the expected figures are derived from it plus
// two R anchors:
//   power.t.test(delta = 0.5, sd = 1, power = 0.8)$n          = 63.76576   (R 4.x, stats)
//   power.prop.test(p1 = 0.10, p2 = 0.12, power = 0.8)$n      = 3840.847   (R 4.x, stats)
// Runs against MVX_TEST_DATABASE_URL when set.

import { solvePower } from "@mvx/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

const NOW = Date.parse("2026-11-24T12:00:00.000Z");
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ clock: () => NOW });
});
afterAll(() => t.close());

async function create(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.json("POST", "/v1/experiments", experimentBody(overrides));
  expect(res.status).toBe(201);
  return res.body.id;
}

describe("POST /v1/experiments/:id/power-analysis", () => {
  it("continuous metric, equal traffic: N = n_per_group / smallest level share", async () => {
    // color: 2 levels (share 1/2 each); size: 3 levels (share 1/3 each) -> N = n * 3.
    const id = await create();
    const { status, body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, {
      effect_size: 0.5,
      metric: { type: "continuous", sd: 1 },
    });
    expect(status).toBe(200);
    const pa = body.power_analysis;
    const n = solvePower({ test: "two_means", delta: 0.5, sd: 1, power: 0.8, alpha: 0.05 }).n_per_group;
    expect(n).toBeCloseTo(63.76576, 3); // R power.t.test
    expect(pa).toMatchObject({
      effect_size: 0.5,
      power: 0.8,
      alpha: 0.05,
      metric: { type: "continuous", sd: 1 },
      target: "main_effects",
      test: "two_means",
      computed_at: "2026-11-24T12:00:00.000Z",
    });
    expect(pa.n_per_group).toBeCloseTo(n, 10);
    expect(pa.required_sample_size).toBe(Math.ceil(n * 3)); // 192
    expect(pa.per_combination).toHaveLength(6);
    for (const c of pa.per_combination) {
      expect(c.traffic_allocation).toBeCloseTo(1 / 6, 12);
      expect(c.sample_size).toBe(Math.ceil(pa.required_sample_size / 6));
    }
    expect(typeof pa.method).toBe("string");
    // Stored: a later GET shows it.
    expect((await t.json("GET", `/v1/experiments/${id}`)).body.power_analysis).toEqual(pa);
  });

  it("binary metric: p1 = baseline_rate, p2 = baseline_rate + effect_size", async () => {
    const id = await create({ variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }] });
    const { status, body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, {
      effect_size: 0.02,
      power: 0.8,
      alpha: 0.05,
      metric: { type: "binary", baseline_rate: 0.1 },
      target: "main_effects",
    });
    expect(status).toBe(200);
    const n = solvePower({ test: "two_proportions", p1: 0.1, p2: 0.12, power: 0.8, alpha: 0.05 }).n_per_group;
    expect(n).toBeCloseTo(3840.847, 1); // R power.prop.test
    expect(body.power_analysis.test).toBe("two_proportions");
    expect(body.power_analysis.n_per_group).toBeCloseTo(n, 10);
    expect(body.power_analysis.required_sample_size).toBe(Math.ceil(2 * n));
  });

  it("custom traffic: the least-served level decides", async () => {
    const id = await create({
      variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }],
      combinations: [
        { variable_values: { color: "red" }, traffic_allocation: 0.8 },
        { variable_values: { color: "blue" }, traffic_allocation: 0.2 },
      ],
    });
    const { body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 } });
    const pa = body.power_analysis;
    expect(pa.required_sample_size).toBe(Math.ceil(pa.n_per_group / 0.2));
    expect(pa.per_combination.map((c: { sample_size: number }) => c.sample_size)).toEqual([
      Math.ceil(pa.required_sample_size * 0.8),
      Math.ceil(pa.required_sample_size * 0.2),
    ]);
  });

  it("422 for interactions (not yet), a binary effect leaving (0, 1), or a level without traffic", async () => {
    const id = await create();
    const inter = await t.json("POST", `/v1/experiments/${id}/power-analysis`, {
      effect_size: 0.5,
      metric: { type: "continuous", sd: 1 },
      target: "interactions",
    });
    expect(inter.status).toBe(422);
    expect(inter.body.error.message).toMatch(/interaction power arrives with the factorial power module/);

    const out = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.95, metric: { type: "binary", baseline_rate: 0.1 } });
    expect(out.status).toBe(422);
    expect(detailPaths(out.body)).toContain("effect_size");

    const starved = await create({
      variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }],
      combinations: [
        { variable_values: { color: "red" }, traffic_allocation: 1 },
        { variable_values: { color: "blue" }, traffic_allocation: 0 },
      ],
    });
    const zero = await t.json("POST", `/v1/experiments/${starved}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 } });
    expect(zero.status).toBe(422);
  });

  it("400 for schema errors, 404 for an unknown experiment", async () => {
    const id = await create();
    const cases: [unknown, string][] = [
      [{ metric: { type: "continuous", sd: 1 } }, "effect_size"],
      [{ effect_size: 0.5, metric: { type: "continuous", sd: -1 } }, "metric.sd"],
      [{ effect_size: 0.5, metric: { type: "binary", baseline_rate: 1.2 } }, "metric.baseline_rate"],
      [{ effect_size: 0.5, metric: { type: "poisson" } }, "metric.type"],
      [{ effect_size: 0.5, power: 1.5, metric: { type: "continuous", sd: 1 } }, "power"],
      [{ effect_size: 0, metric: { type: "continuous", sd: 1 } }, "effect_size"],
      [{ effect_size: 0.5, metric: { type: "continuous", sd: 1 }, target: "both" }, "target"],
    ];
    for (const [body, path] of cases) {
      const res = await t.json("POST", `/v1/experiments/${id}/power-analysis`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(detailPaths(res.body)).toContain(path);
    }
    const missing = await t.json("POST", "/v1/experiments/00000000-0000-4000-8000-000000000003/power-analysis", {
      effect_size: 0.5,
      metric: { type: "continuous", sd: 1 },
    });
    expect(missing.status).toBe(404);
  });
});

describe("POST /v1/power", () => {
  it("two means: solves n_per_group (power defaults to 0.8)", async () => {
    const { status, body } = await t.json("POST", "/v1/power", { test: "two_means", delta: 0.5, sd: 1 });
    expect(status).toBe(200);
    expect(body.n_per_group).toBeCloseTo(63.76576, 3);
    expect(body.power).toBeCloseTo(0.8, 10);
    expect(body.total_n).toBeCloseTo(2 * body.n_per_group, 6);
    expect(body.test).toBe("two_means");
  });

  it("two proportions: solves power from n_per_group, and the effect from n and power", async () => {
    const power = await t.json("POST", "/v1/power", { test: "two_proportions", p1: 0.1, p2: 0.12, n_per_group: 3840.847 });
    expect(power.status).toBe(200);
    expect(power.body.power).toBeCloseTo(0.8, 3);
    const effect = await t.json("POST", "/v1/power", { test: "two_proportions", p1: 0.1, n_per_group: 3840.847, power: 0.8 });
    expect(effect.status).toBe(200);
    expect(effect.body.p2).toBeCloseTo(0.12, 3);
  });

  it("anova: solves n_per_group", async () => {
    const { status, body } = await t.json("POST", "/v1/power", { test: "anova", groups: 3, f: 0.25 });
    expect(status).toBe(200);
    const expected = solvePower({ test: "anova", groups: 3, f: 0.25, power: 0.8 });
    expect(body.n_per_group).toBeCloseTo(expected.n_per_group, 10);
    expect(body.total_n).toBeCloseTo(expected.total_n, 10);
  });

  it("400 when nothing or more than one thing is left out, or the test is unknown", async () => {
    const none = await t.json("POST", "/v1/power", { test: "two_means", delta: 0.5, sd: 1, n_per_group: 64, power: 0.8 });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("validation_error");
    const two = await t.json("POST", "/v1/power", { test: "two_proportions", p1: 0.1 });
    expect(two.status).toBe(400);
    const unknown = await t.json("POST", "/v1/power", { test: "chi_square", w: 0.3 });
    expect(unknown.status).toBe(400);
    expect(detailPaths(unknown.body)).toContain("test");
    const range = await t.json("POST", "/v1/power", { test: "two_proportions", p1: 1.5, p2: 0.1 });
    expect(range.status).toBe(400);
    expect(detailPaths(range.body)).toContain("p1");
  });
});
