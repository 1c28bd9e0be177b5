// Power over HTTP: POST /v1/experiments/:id/power-analysis (stored as power_analysis: core's
// factorialPower, noncentral F tests of the design's terms, see services/power.ts) and the
// stateless POST /v1/power. The calculators are tested in packages/core; here the expected figures
// are R anchors (R 4.2.2), with pw(N, u, p, f) = 1 - pf(qf(0.95, u, N - p), u, N - p, ncp = f^2 * N):
//   uniroot(function(N) pw(N, 1, 4, 0.25) - 0.8, ...)$root           = 127.562734594  (2 x 3, A)
//   uniroot(function(N) pw(N, 2, 4, 0.5 / sqrt(6)) - 0.8, ...)$root  = 234.267443517  (2 x 3, B)
//   uniroot(function(N) pw(N, 2, 6, 0.5 / sqrt(6)) - 0.8, ...)$root  = 234.293913072  (2 x 3, A:B)
//   uniroot(function(N) pw(N, 1, 2, 0.25) - 0.8, ...)$root           = 127.531220191  (one 2-level factor)
//   2 * power.t.test(delta = 0.5, sd = 1, power = 0.8, strict = TRUE)$n = 127.531220342
//   power.t.test(delta = 0.5, sd = 1, power = 0.8)$n          = 63.76576   (R 4.x, stats)
//   power.prop.test(p1 = 0.10, p2 = 0.12, power = 0.8)$n      = 3840.847   (R 4.x, stats)
// Runs against MVX_TEST_DATABASE_URL when set.

import { factorialPower, solvePower } from "@mvx/core";
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

const rel = (actual: number, expected: number, tol = 1e-7) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.abs(expected));

describe("POST /v1/experiments/:id/power-analysis", () => {
  it("main effects of a 2 x 3 design: the F test of the 3-level variable decides", async () => {
    // color: 2 levels, f = 0.25; size: 3 levels, f = 0.5 / sqrt(6); p = 1 + 1 + 2 = 4.
    const id = await create();
    const { status, body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, {
      effect_size: 0.5,
      metric: { type: "continuous", sd: 1 },
    });
    expect(status).toBe(200);
    const pa = body.power_analysis;
    expect(pa).toMatchObject({
      effect_size: 0.5,
      power: 0.8,
      alpha: 0.05,
      metric: { type: "continuous", sd: 1 },
      target: "main_effects",
      test: "factorial_f",
      cells: 6,
      parameters: 4,
      interactions: [],
      computed_at: "2026-11-24T12:00:00.000Z",
    });
    rel(pa.required_total_n, 234.267443517);
    expect(pa.required_sample_size).toBe(235);
    rel(pa.n_per_cell, 234.267443517 / 6);
    // The least-served group of a tested term: a level of size, a third of the traffic.
    rel(pa.n_per_group, 234.267443517 / 3);
    expect(pa.effects.map((e: { term: string; df_num: number; tested: boolean }) => [e.term, e.df_num, e.tested])).toEqual([
      ["color", 1, true],
      ["size", 2, true],
    ]);
    const size = pa.effects[1];
    rel(size.f, 0.5 / Math.sqrt(6), 1e-12);
    rel(size.power, 0.8, 1e-6);
    rel(size.ncp, (0.25 / 6) * 234.267443517);
    expect(size.df_den).toBeCloseTo(234.267443517 - 4, 6);
    expect(pa.effects[0].power).toBeGreaterThan(0.8);
    expect(pa.per_combination).toHaveLength(6);
    for (const c of pa.per_combination) {
      expect(c.traffic_allocation).toBeCloseTo(1 / 6, 12);
      expect(c.sample_size).toBe(Math.ceil(235 / 6));
    }
    expect(pa.method).toMatch(/noncentral F/);
    // Stored: a later GET shows it.
    expect((await t.json("GET", `/v1/experiments/${id}`)).body.power_analysis).toEqual(pa);
  });

  it("a single two-level variable: the F test is the two-sided t test (R's power.t.test, strict)", async () => {
    const id = await create({ variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }] });
    const { body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 } });
    rel(body.power_analysis.required_total_n, 127.531220191);
    rel(body.power_analysis.n_per_group, 127.531220342 / 2, 1e-7);
    expect(body.power_analysis.required_sample_size).toBe(128);
  });

  it("interactions: the experiment's interaction_matrix, or every two-factor interaction when it is empty", async () => {
    for (const overrides of [{}, { interaction_matrix: [["color", "size"]] }]) {
      const id = await create(overrides);
      const { status, body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, {
        effect_size: 0.5,
        metric: { type: "continuous", sd: 1 },
        target: "interactions",
      });
      expect(status).toBe(200);
      const pa = body.power_analysis;
      expect(pa.target).toBe("interactions");
      expect(pa.interactions).toEqual([["color", "size"]]);
      expect(pa.parameters).toBe(6);
      rel(pa.required_total_n, 234.293913072);
      expect(pa.effects.filter((e: { tested: boolean }) => e.tested).map((e: { term: string }) => e.term)).toEqual(["color:size"]);
      // Per level pair of color x size: a sixth of the traffic.
      rel(pa.n_per_group, 234.293913072 / 6);
    }
  });

  it("a fraction: the cells are its runs, which bound the model", async () => {
    const variables = [..."ABCDE"].map((n) => ({ name: n, levels: ["low", "high"], type: "categorical" }));
    const id = await create({ design_type: "FractionalFactorial", variables, design_options: { generators: { D: "AB", E: "AC" } } });
    const main = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 } });
    expect(main.status).toBe(200);
    expect(main.body.power_analysis.cells).toBe(8);
    const expected = factorialPower({ levels: [2, 2, 2, 2, 2], cells: 8, effect: { effect_size: 0.5, metric: { type: "continuous", sd: 1 } } });
    rel(main.body.power_analysis.required_total_n, expected.required_total_n, 1e-12);
    // Every two-factor interaction: 16 parameters, more than the 8 runs.
    const inter = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 }, target: "interactions" });
    expect(inter.status).toBe(422);
    expect(inter.body.error.message).toMatch(/16 parameters but the design runs only 8/);
  });

  it("binary metric: sd from the mean rate of the two halves", async () => {
    const id = await create({ variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }] });
    const { status, body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, {
      effect_size: 0.02,
      power: 0.8,
      alpha: 0.05,
      metric: { type: "binary", baseline_rate: 0.1 },
      target: "main_effects",
    });
    expect(status).toBe(200);
    const expected = factorialPower({ levels: [2], names: ["color"], effect: { effect_size: 0.02, metric: { type: "binary", baseline_rate: 0.1 } } });
    rel(body.power_analysis.required_total_n, expected.required_total_n, 1e-12);
    // Close to two proportions with a pooled variance: R's power.prop.test n = 3840.847 per group.
    const n = solvePower({ test: "two_proportions", p1: 0.1, p2: 0.12, power: 0.8, alpha: 0.05 }).n_per_group;
    expect(n).toBeCloseTo(3840.847, 1);
    expect(Math.abs(body.power_analysis.n_per_group / n - 1)).toBeLessThan(0.01);
  });

  it("custom traffic: the least-served combination still gets the balanced count", async () => {
    const id = await create({
      variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }],
      combinations: [
        { variable_values: { color: "red" }, traffic_allocation: 0.8 },
        { variable_values: { color: "blue" }, traffic_allocation: 0.2 },
      ],
    });
    const { body } = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 } });
    const pa = body.power_analysis;
    rel(pa.required_total_n, 127.531220191 / (2 * 0.2));
    expect(pa.required_sample_size).toBe(Math.ceil(pa.n_per_group / 0.2 - 1e-9));
    expect(pa.per_combination.map((c: { sample_size: number }) => c.sample_size)).toEqual([
      Math.ceil(pa.required_sample_size * 0.8),
      Math.ceil(pa.required_sample_size * 0.2),
    ]);
    expect(pa.per_combination[1].sample_size).toBeGreaterThanOrEqual(pa.n_per_cell);
  });

  it("422 for a binary effect leaving (0, 1), interactions of one variable, or a combination without traffic", async () => {
    const id = await create();
    const out = await t.json("POST", `/v1/experiments/${id}/power-analysis`, { effect_size: 0.95, metric: { type: "binary", baseline_rate: 0.1 } });
    expect(out.status).toBe(422);
    expect(detailPaths(out.body)).toContain("effect_size");

    const one = await create({ variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }] });
    const inter = await t.json("POST", `/v1/experiments/${one}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 }, target: "interactions" });
    expect(inter.status).toBe(422);
    expect(inter.body.error.message).toMatch(/at least two factors/);

    const starved = await create({
      variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }],
      combinations: [
        { variable_values: { color: "red" }, traffic_allocation: 1 },
        { variable_values: { color: "blue" }, traffic_allocation: 0 },
      ],
    });
    const zero = await t.json("POST", `/v1/experiments/${starved}/power-analysis`, { effect_size: 0.5, metric: { type: "continuous", sd: 1 } });
    expect(zero.status).toBe(422);
    expect(detailPaths(zero.body)).toContain("combinations");
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
