// The cluster bootstrap of a linear mixed model through HTTP: POST a MixedEffects model with
// estimation_method Bootstrap. Reference values: lme4 1.1.31 (R 4.2.2) in core's
// packages/core/test/stats/r-reference.json, on the sleepstudy fixture uploaded as CSV.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { modelJobRunner } from "../src/services/model-jobs.js";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

const fixture = (name: string) => readFileSync(new URL(`../../packages/core/test/stats/fixtures/${name}`, import.meta.url), "utf8");
const reference = JSON.parse(readFileSync(new URL("../../packages/core/test/stats/r-reference.json", import.meta.url), "utf8"));
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

interface Row {
  term: string;
  estimate: number;
  std_error: number;
  ci_lower: number;
  ci_upper: number;
}

describe("statistical models: mixed-model Bootstrap", () => {
  let t: TestApp;
  let experimentId: string;
  const fit = (body: unknown) => t.json("POST", `/v1/experiments/${experimentId}/statistical-models`, body);
  const body = (options: Record<string, unknown>) => ({
    model_class: "MixedEffects",
    specification: { formula: "Reaction ~ Days + (Days | Subject)" },
    estimation_method: "Bootstrap",
    options,
  });

  beforeEach(async () => {
    t = await testApp({ memoryOnly: true, maxBodyBytes: 50 * 1024 * 1024 });
    experimentId = (await t.json("POST", "/v1/experiments", experimentBody())).body.id;
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, fixture("sleepstudy.csv"), { "content-type": "text/csv" });
    expect(res.status).toBe(201);
  });
  afterEach(() => t.close());

  it("sleepstudy: cluster bootstrap of subjects, lmer's estimates with bootstrap SEs and intervals, reproducible for a seed", async () => {
    const a = await fit(body({ replicates: 200, seed: 3 }));
    expect(a.status).toBe(201);
    const fp = a.body.fitted_parameters;
    expect(fp.bootstrap).toMatchObject({ kind: "cluster", cluster: "Subject", replicates: 200, resampling_units: 18, failed_replicates: 0, seed: 3, reml: true });
    const fe = fp.fixed_effects as Row[];
    const analytic = fp.analytic_fixed_effects as Row[];
    const lmer = reference.lmer.find((c: { r: string }) => c.r === "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)");
    expect(fe.map((r) => r.term)).toEqual(["(Intercept)", "Days"]);
    // lme4: fixef(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)), to 1e-6.
    fe.forEach((r, j) => {
      expect(relErr(r.estimate, lmer.fixed_effects[j].estimate)).toBeLessThanOrEqual(1e-6);
      // Bootstrap SE near lme4's model-based SE (6.8246, 1.5458): within 25% at 200 replicates.
      expect(relErr(r.std_error, analytic[j]!.std_error)).toBeLessThanOrEqual(0.25);
      expect(r.ci_lower).toBeLessThan(r.estimate);
      expect(r.ci_upper).toBeGreaterThan(r.estimate);
    });
    const vc = fp.variance_components as { group: string; term: string | null; sd: number; bootstrap_std_error: number; ci_lower: number; ci_upper: number }[];
    expect(vc.map((v) => [v.group, v.term])).toEqual([
      ["Subject", "(Intercept)"],
      ["Subject", "Days"],
      ["Residual", null],
    ]);
    for (const v of vc) {
      expect(v.bootstrap_std_error).toBeGreaterThan(0);
      expect(v.ci_lower).toBeLessThan(v.sd);
      expect(v.ci_upper).toBeGreaterThan(v.sd);
    }
    expect(fp.correlations[0]).toHaveProperty("ci_lower");
    expect(a.body.uncertainty_quantification.coefficient_intervals).toMatch(/cluster bootstrap of the groups of 'Subject'/);
    const b = await fit(body({ replicates: 200, seed: 3 }));
    expect(b.body.fitted_parameters.fixed_effects).toEqual(fe);
    expect(b.body.fitted_parameters.variance_components).toEqual(vc);
  }, 30_000);

  it("in the background: queued, completed with the same answer as the synchronous fit", async () => {
    const res = await fit(body({ replicates: 100, seed: 5, async: true }));
    expect(res.status).toBe(202);
    await modelJobRunner(t.db).idle();
    const got = await t.json("GET", `/v1/statistical-models/${res.body.id}`);
    expect(got.body.status).toBe("completed");
    expect(got.body.progress).toBe(1);
    const sync = await fit(body({ replicates: 100, seed: 5 }));
    expect(got.body.fitted_parameters.fixed_effects).toEqual(sync.body.fitted_parameters.fixed_effects);
  }, 30_000);

  it("options.cluster that is not a grouping factor, and a TimeSeries Bootstrap, are 422s naming the field", async () => {
    const bad = await fit(body({ replicates: 50, cluster: "Days" }));
    expect(bad.status).toBe(422);
    expect(detailPaths(bad.body)).toEqual(["options.cluster"]);
    expect(bad.body.error.message).toMatch(/grouping factor/);
    const ts = await fit({ model_class: "TimeSeries", specification: { formula: "Reaction ~ 1", time_structure: { time_column: "Days", order: [1, 0, 0] } }, estimation_method: "Bootstrap" });
    expect(ts.status).toBe(422);
    expect(detailPaths(ts.body)).toEqual(["estimation_method"]);
    expect(ts.body.error.message).toMatch(/time-series bootstraps are not available/);
  });
});
