// Bayesian statistical models with general random effects through HTTP over libSQL (:memory:):
// the blocked Gibbs sampler of the Gaussian linear mixed model on sleepstudy uploaded as CSV.
// Reference values: lme4 1.1.31 in packages/core/test/stats/r-reference.json (r-reference.R).
// Posterior means of the fixed effects are compared with lmer's REML estimates within 0.2
// posterior sd (a flat prior on beta puts them a small fraction of a posterior sd apart).
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

const fixture = (name: string) => readFileSync(new URL(`../../packages/core/test/stats/fixtures/${name}`, import.meta.url), "utf8");
const reference = JSON.parse(readFileSync(new URL("../../packages/core/test/stats/r-reference.json", import.meta.url), "utf8"));

interface FixedRow {
  term: string;
  estimate: number;
  std_error: number;
  ci_lower: number;
  ci_upper: number;
}

describe("Bayesian statistical models with general random effects", () => {
  let t: TestApp;
  let experimentId: string;
  const upload = async (csv: string) => {
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, csv, { "content-type": "text/csv" });
    expect(res.status).toBe(201);
  };
  const fit = (body: unknown) => t.json("POST", `/v1/experiments/${experimentId}/statistical-models`, body);

  beforeEach(async () => {
    t = await testApp({ memoryOnly: true });
    experimentId = (await t.json("POST", "/v1/experiments", experimentBody())).body.id;
  });
  afterEach(() => t.close());

  it("(Days | Subject): fixed effects near lmer, variance components with the correlation, convergence diagnostics", async () => {
    await upload(fixture("sleepstudy.csv"));
    const res = await fit({
      model_class: "MixedEffects",
      specification: { formula: "Reaction ~ Days + (Days | Subject)" },
      estimation_method: "Bayesian",
      options: { seed: 5, chains: 4, draws: 1500 },
    });
    expect(res.status).toBe(201);
    const reml = reference.lmer.find((c: { r: string }) => c.r === "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)");
    const fp = res.body.fitted_parameters;
    expect(fp.model).toBe("gibbs-linear-mixed-model");
    const fe = fp.fixed_effects as FixedRow[];
    expect(fe.map((r) => r.term)).toEqual(["(Intercept)", "Days"]);
    fe.forEach((row, j) => {
      expect(Math.abs(row.estimate - reml.fixed_effects[j].estimate), row.term).toBeLessThan(0.2 * row.std_error);
      expect(row.std_error / reml.fixed_effects[j].std_error).toBeLessThan(1.25);
      expect(row.ci_lower).toBeLessThan(row.estimate);
      expect(row.ci_upper).toBeGreaterThan(row.estimate);
    });
    const vc = fp.variance_components as { group: string; term: string | null; sd: number; ci_lower: number; ci_upper: number }[];
    expect(vc.map((v) => [v.group, v.term])).toEqual([
      ["Subject", "(Intercept)"],
      ["Subject", "Days"],
      ["Residual", null],
    ]);
    expect(Math.abs(vc[2]!.sd / reml.sigma - 1)).toBeLessThan(0.03);
    const cor = fp.correlations as { group: string; term1: string; term2: string; corr: number; ci_lower: number; ci_upper: number }[];
    expect(cor).toHaveLength(1);
    expect(cor[0]).toMatchObject({ group: "Subject", term1: "(Intercept)", term2: "Days" });
    // lme4's REML correlation 0.0656 lies inside the 95% credible interval.
    expect(cor[0]!.ci_lower).toBeLessThan(0.0656);
    expect(cor[0]!.ci_upper).toBeGreaterThan(0.0656);
    expect(fp.ngroups).toEqual({ Subject: 18 });
    const ps = fp.posterior_summary;
    expect(ps.chains).toBe(4);
    expect(ps.draws).toBe(1500);
    expect(ps.max_rhat).toBeLessThan(1.05);
    expect(ps.min_ess).toBeGreaterThan(400);
    expect(ps.prior).toMatch(/inverse-Wishart/);
    const checks = res.body.model_diagnostics.goodness_of_fit as { check: string; statistic: number; passed: boolean }[];
    expect(checks.map((c) => c.check)).toEqual(["split_rhat", "effective_sample_size"]);
    expect(res.body.model_diagnostics.passed).toBe(true);

    const again = await t.json("GET", `/v1/statistical-models/${res.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body.fitted_parameters.fixed_effects).toEqual(fe);
  });

  it("(Days || Subject) and two grouping factors fit; (1 | Subject) keeps the random-intercept sampler", async () => {
    await upload(fixture("sleepstudy.csv"));
    const opts = { seed: 2, chains: 2, draws: 500 };
    const uncorrelated = await fit({ model_class: "MixedEffects", specification: { formula: "Reaction ~ Days + (Days || Subject)" }, estimation_method: "Bayesian", options: opts });
    expect(uncorrelated.status).toBe(201);
    expect(uncorrelated.body.fitted_parameters.correlations).toEqual([]);
    expect(uncorrelated.body.fitted_parameters.variance_components).toHaveLength(3);
    const crossed = await fit({
      model_class: "MixedEffects",
      specification: { formula: "Reaction ~ Days + (Days | Subject) + (1 | Days)" },
      estimation_method: "Bayesian",
      options: opts,
    });
    expect(crossed.status).toBe(201);
    expect(Object.keys(crossed.body.fitted_parameters.ngroups).sort()).toEqual(["Days", "Subject"]);
    const intercept = await fit({ model_class: "MixedEffects", specification: { formula: "Reaction ~ Days + (1 | Subject)" }, estimation_method: "Bayesian", options: opts });
    expect(intercept.status).toBe(201);
    expect(intercept.body.fitted_parameters.model).toBe("gibbs-random-intercept");
  });

  it("422 naming the field: TimeSeries, the binomial family, a formula without random terms", async () => {
    await upload("y,x,t\n1,2,1\n2,3,2\n3,5,3\n2,4,4\n");
    const series = await fit({
      model_class: "TimeSeries",
      specification: { formula: "y ~ 1", time_structure: { time_column: "t", order: [1, 0, 0] } },
      estimation_method: "Bayesian",
    });
    expect(series.status).toBe(422);
    expect(detailPaths(series.body)).toEqual(["estimation_method"]);
    const binomial = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x + (1 | t)" }, estimation_method: "Bayesian", options: { family: "binomial" } });
    expect(binomial.status).toBe(422);
    expect(detailPaths(binomial.body)).toEqual(["options.family"]);
    const fixedOnly = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x" }, estimation_method: "Bayesian" });
    expect(fixedOnly.status).toBe(422);
    expect(detailPaths(fixedOnly.body)).toEqual(["specification.formula"]);
  });
});
