// The local-level model through HTTP: TimeSeries with time_structure {time_column, model:
// "local_level"} on the Nile flow (packages/core/test/stats/fixtures/nile.json) against R 4.2's
// StructTS(Nile, type = "level") and predict(fit, n.ahead = 10) as recorded in
// packages/core/test/stats/r-reference-local-level.json (made by r-reference-local-level.R).
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { experimentBody, testApp, type TestApp } from "./helpers.js";

const stats = "../../packages/core/test/stats/";
const nile = JSON.parse(readFileSync(new URL(`${stats}fixtures/nile.json`, import.meta.url), "utf8")) as { year: number[]; flow: number[] };
const ref = JSON.parse(readFileSync(new URL(`${stats}r-reference-local-level.json`, import.meta.url), "utf8"));
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

describe("statistical models: local-level TimeSeries", () => {
  let t: TestApp;
  let experimentId: string;
  const fit = (body: unknown) => t.json("POST", `/v1/experiments/${experimentId}/statistical-models`, body);

  beforeEach(async () => {
    t = await testApp({ memoryOnly: true });
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    experimentId = created.body.id;
    const csv = ["year,flow", ...nile.year.map((y, i) => `${y},${nile.flow[i]}`)].join("\n");
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, csv, { "content-type": "text/csv" });
    expect(res.status).toBe(201);
  });
  afterEach(() => t.close());

  it("Nile: variances, logLik and forecasts with intervals equal R's StructTS / predict", async () => {
    const res = await fit({
      model_class: "TimeSeries",
      specification: { formula: "flow ~ 1", time_structure: { time_column: "year", model: "local_level" } },
      estimation_method: "MLE",
      options: { forecast_horizon: 10 },
    });
    expect(res.status).toBe(201);
    const coefs = res.body.fitted_parameters.coefficients as { term: string; estimate: number }[];
    expect(coefs.map((c) => c.term)).toEqual(["sigma2_level", "sigma2_irregular"]);
    expect(relErr(coefs[0]!.estimate, ref.coef.level)).toBeLessThanOrEqual(1e-3);
    expect(relErr(coefs[1]!.estimate, ref.coef.epsilon)).toBeLessThanOrEqual(1e-3);
    expect(relErr(res.body.model_diagnostics.log_likelihood, ref.loglik)).toBeLessThanOrEqual(1e-8);
    const preds = res.body.predictions as { step: number; time: number; estimate: number; std_error: number; lower: number; upper: number }[];
    expect(preds).toHaveLength(10);
    preds.forEach((p, j) => {
      expect(p.step).toBe(j + 1);
      expect(p.time).toBe(1971 + j);
      expect(relErr(p.estimate, ref.forecast.pred[j])).toBeLessThanOrEqual(1e-4);
      expect(relErr(p.std_error, ref.forecast.se[j])).toBeLessThanOrEqual(1e-4);
      expect(relErr(p.lower, ref.forecast.lower[j])).toBeLessThanOrEqual(1e-4);
      expect(relErr(p.upper, ref.forecast.upper[j])).toBeLessThanOrEqual(1e-4);
    });
    const smoothed = res.body.fitted_parameters.smoothed_level as number[];
    smoothed.forEach((s, j) => expect(relErr(s, ref.smoothed[j])).toBeLessThanOrEqual(1e-4));
  });

  it("an ARIMA time_structure without order, or a local-level formula with regressors, is refused", async () => {
    const noOrder = await fit({
      model_class: "TimeSeries",
      specification: { formula: "flow ~ 1", time_structure: { time_column: "year" } },
      estimation_method: "MLE",
    });
    expect(noOrder.status).toBe(422);
    const withX = await fit({
      model_class: "TimeSeries",
      specification: { formula: "flow ~ year", time_structure: { time_column: "year", model: "local_level" } },
      estimation_method: "MLE",
    });
    expect([400, 422]).toContain(withX.status);
  });
});
