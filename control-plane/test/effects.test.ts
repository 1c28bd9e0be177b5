// GET /v1/experiments/:id/effects over HTTP: results delivered the way the edge delivers them
// (signed POST /internal/edge-events: decisions, then rewards naming only their decision), reduced
// per combination in SQL and analysed by core's analyseEffects (tested against R and raw OLS in
// packages/core/test/design/effects.test.ts). The expected figures of the 2 x 2 case are R's:
//   options(contrasts = c("contr.helmert", "contr.poly"))
//   d1 <- data.frame(A = factor(rep(c("a1","a2","a1","a2"), each = 3)), B = factor(rep(c("b1","b1","b2","b2"), each = 3)),
//                    y = c(12.1, 13.4, 11.8, 15.2, 14.9, 16.3, 13.0, 12.2, 14.1, 19.8, 18.7, 20.4))
//   anova(lm(y ~ A * B, data = d1)); summary(lm(y ~ A * B, data = d1))            (R 4.2.2)

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detailPaths, experimentBody, signed, testApp, type TestApp } from "./helpers.js";

const NOW = Date.parse("2026-11-24T12:00:10.000Z");
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ clock: () => NOW });
});
afterAll(() => t.close());

type Combo = { combination_id: string; variable_values: Record<string, unknown> };

/** Logs one decision per value (in the combination given) and its reward, as the edge does. */
async function record(experimentId: string, results: { combination_id: string | null; reward: number; metric?: string }[]) {
  const events: unknown[] = [];
  results.forEach((r, i) => {
    const decision_id = randomUUID();
    if (r.combination_id !== null) {
      events.push({ type: "decision", decision_id, unit_id: `u-${i}`, combination_id: r.combination_id, arm_id: r.combination_id, decided_at: "2026-11-24T12:00:01.000Z" });
    }
    events.push({
      type: "reward",
      event_id: `evt-${randomUUID()}`,
      decision_id: r.combination_id !== null ? decision_id : null,
      unit_id: `u-${i}`,
      reward: r.reward,
      ...(r.metric ? { metric: r.metric } : {}),
      occurred_at: "2026-11-24T12:00:05.000Z",
    });
  });
  const raw = JSON.stringify({ experiment_id: experimentId, events });
  const res = await t.json("POST", "/internal/edge-events", raw, await signed(raw, Math.floor(NOW / 1000)));
  expect(res.status).toBe(200);
}

function idOf(combinations: Combo[], values: Record<string, unknown>): string {
  const found = combinations.find((c) => Object.entries(values).every(([k, v]) => c.variable_values[k] === v));
  if (!found) throw new Error(`no combination ${JSON.stringify(values)}`);
  return found.combination_id;
}

const rel = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-8 * Math.abs(expected));

describe("GET /v1/experiments/:id/effects", () => {
  it("a balanced 2 x 2 with its interaction: R's anova(lm(y ~ A * B)) and summary(lm(...))", async () => {
    const created = await t.json(
      "POST",
      "/v1/experiments",
      experimentBody({
        variables: [
          { name: "A", levels: ["a1", "a2"], type: "categorical" },
          { name: "B", levels: ["b1", "b2"], type: "categorical" },
        ],
        interaction_matrix: [["A", "B"]],
      }),
    );
    const id = created.body.id;
    const combos = created.body.combinations as Combo[];
    const y = [12.1, 13.4, 11.8, 15.2, 14.9, 16.3, 13.0, 12.2, 14.1, 19.8, 18.7, 20.4];
    const cells = [["a1", "b1"], ["a2", "b1"], ["a1", "b2"], ["a2", "b2"]];
    await record(
      id,
      y.map((reward, i) => ({ combination_id: idOf(combos, { A: cells[Math.floor(i / 3)]![0], B: cells[Math.floor(i / 3)]![1] }), reward })),
    );

    const { status, body } = await t.json("GET", `/v1/experiments/${id}/effects`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ experiment_id: id, metric: "reward", design_type: "FullFactorial", n: 12, excluded_results: 0, parameters: 4, confidence_level: 0.95 });
    expect(body.anova.map((r: { term: string }) => r.term)).toEqual(["A", "B", "A:B", "Residual"]);
    [68.640833333333291, 17.520833333333275, 9.1875000000000338, 5.8399999999999883].forEach((v, i) => rel(body.anova[i].sum_sq, v));
    [94.028538812785513, 24.001141552511385, 12.585616438356237].forEach((v, i) => rel(body.anova[i].F, v));
    expect(body.anova[3].F).toBeNull();
    [15.158333333333339, 2.3916666666666657, 1.2083333333333315, 0.87500000000000155].forEach((v, i) => rel(body.coefficients[i].estimate, v));
    [0.24664414311581215, 0.24664414311581212, 0.24664414311581212, 0.24664414311581212].forEach((v, i) => rel(body.coefficients[i].std_error, v));
    rel(body.coefficients[1].p_value, 1.0676489391481757e-5);
    rel(body.coefficients[1].ci_lower, 1.8229042527177151);
    const a = body.effects.find((e: { term: string }) => e.term === "A");
    expect(a.alias_chain).toEqual(["A"]);
    rel(a.estimate, 2.3916666666666657);
    rel(a.difference, 2 * 2.3916666666666657);
    expect(body.cells).toHaveLength(4);
    expect(body.cells.every((c: { n: number }) => c.n === 3)).toBe(true);
    expect(body.computed_at).toBe("2026-11-24T12:00:10.000Z");
  });

  it("a 2^(5-2) fraction reports alias chains, not separate estimates of aliased effects", async () => {
    const variables = [..."ABCDE"].map((n) => ({ name: n, levels: ["low", "high"], type: "categorical" }));
    const created = await t.json(
      "POST",
      "/v1/experiments",
      experimentBody({ design_type: "FractionalFactorial", variables, design_options: { generators: { D: "AB", E: "AC" } } }),
    );
    const id = created.body.id;
    const combos = created.body.combinations as Combo[];
    await record(
      id,
      combos.flatMap((c, r) => [0, 1].map((k) => ({ combination_id: c.combination_id, reward: 10 + (c.variable_values.A === "high" ? 2 : 0) + 0.1 * r + 0.3 * k }))),
    );
    const { status, body } = await t.json("GET", `/v1/experiments/${id}/effects`);
    expect(status).toBe(200);
    expect(body.effects.map((e: { term: string; alias_chain: string[] }) => [e.term, e.alias_chain])).toEqual([
      ["A", ["A", "BD", "CE"]],
      ["B", ["B", "AD"]],
      ["C", ["C", "AE"]],
      ["D", ["D", "AB"]],
      ["E", ["E", "AC"]],
    ]);
    const a = body.effects[0];
    expect(a.difference).toBeGreaterThan(1.5);
    expect(body.residual.df).toBe(16 - 6);
  });

  it("only the requested metric counts; results outside the design are excluded and counted", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody({ variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }] }));
    const id = created.body.id;
    const [red, blue] = (created.body.combinations as Combo[]).map((c) => c.combination_id);
    await record(id, [
      { combination_id: red!, reward: 1 },
      { combination_id: red!, reward: 2 },
      { combination_id: blue!, reward: 4 },
      { combination_id: blue!, reward: 5 },
      { combination_id: blue!, reward: 100, metric: "revenue" },
      { combination_id: null, reward: 7 },
    ]);
    const { status, body } = await t.json("GET", `/v1/experiments/${id}/effects`);
    expect(status).toBe(200);
    expect(body.n).toBe(4);
    expect(body.excluded_results).toBe(1);
    expect(body.effects[0].difference).toBeCloseTo(3, 12);
    const revenue = await t.json("GET", `/v1/experiments/${id}/effects?metric=revenue`);
    expect(revenue.status).toBe(422);
  });

  it("422 with a clear message for too few results and for a combination without results", async () => {
    const created = await t.json(
      "POST",
      "/v1/experiments",
      experimentBody({
        variables: [
          { name: "A", levels: ["a1", "a2"], type: "categorical" },
          { name: "B", levels: ["b1", "b2"], type: "categorical" },
        ],
        interaction_matrix: [["A", "B"]],
      }),
    );
    const id = created.body.id;
    const none = await t.json("GET", `/v1/experiments/${id}/effects`);
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe("rule_violation");
    expect(detailPaths(none.body)).toEqual(["results"]);
    expect(none.body.error.message).toMatch(/too few results: .* needs at least 5 results .* got 0/);

    const combos = created.body.combinations as Combo[];
    await record(id, combos.slice(0, 3).flatMap((c) => [1, 2, 3].map((k) => ({ combination_id: c.combination_id, reward: k }))));
    const missing = await t.json("GET", `/v1/experiments/${id}/effects`);
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/term A:B cannot be estimated/);
    expect(missing.body.error.message).toContain(combos[3]!.combination_id);
  });

  it("400 for a bad query, 404 for an unknown experiment, 401 without the key", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    const bad = await t.json("GET", `/v1/experiments/${created.body.id}/effects?confidence=2`);
    expect(bad.status).toBe(400);
    expect(detailPaths(bad.body)).toContain("confidence");
    const coding = await t.json("GET", `/v1/experiments/${created.body.id}/effects?coding=treatment`);
    expect(coding.status).toBe(400);
    expect((await t.json("GET", "/v1/experiments/00000000-0000-4000-8000-000000000009/effects")).status).toBe(404);
    expect((await t.json("GET", `/v1/experiments/${created.body.id}/effects`, undefined, { authorization: "" })).status).toBe(401);
  });
});

describe("OpenAPI", () => {
  it("documents the effects route and the design properties with their schemas", async () => {
    const { body } = await t.json("GET", "/openapi.json");
    const effects = body.paths["/v1/experiments/{id}/effects"]?.get;
    expect(effects).toBeDefined();
    expect(effects.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["id", "metric", "confidence", "coding"]));
    expect(effects.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/ExperimentEffects");
    expect(body.components.schemas.ExperimentEffects.properties.anova).toBeDefined();
    expect(body.components.schemas.DesignEffect.properties.alias_chain).toBeDefined();
    expect(body.components.schemas.Experiment.properties.design_properties).toBeDefined();
    expect(body.components.schemas.DesignProperties.properties.defining_relation).toBeDefined();
    expect(body.components.schemas.DesignOptions.properties.treatment).toBeDefined();
  });
});
