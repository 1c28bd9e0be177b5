// Causal, Bootstrap and Bayesian statistical models through HTTP. Reference values: R 4.2.2 in
// packages/core/test/stats/r-reference-causal.json (made by r-reference-causal.R: direct CUPED
// arithmetic, lm, sandwich::vcovCL(type = "HC1")) and lme4 1.1.31 in r-reference.json, on the
// fixtures in packages/core/test/stats/fixtures/ uploaded as CSV.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { modelJobRunner } from "../src/services/model-jobs.js";
import { experimentBody, testApp, type TestApp } from "./helpers.js";

const fixture = (name: string) => readFileSync(new URL(`../../packages/core/test/stats/fixtures/${name}`, import.meta.url), "utf8");
const causalRef = JSON.parse(readFileSync(new URL("../../packages/core/test/stats/r-reference-causal.json", import.meta.url), "utf8"));
const reference = JSON.parse(readFileSync(new URL("../../packages/core/test/stats/r-reference.json", import.meta.url), "utf8"));
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

interface Row {
  term: string;
  estimate: number;
  std_error: number;
  ci_lower: number;
  ci_upper: number;
}

describe("statistical models: Causal, Bootstrap, Bayesian", () => {
  let t: TestApp;
  let experimentId: string;
  const upload = async (csv: string) => {
    const res = await t.json("POST", `/v1/experiments/${experimentId}/observations`, csv, { "content-type": "text/csv" });
    expect(res.status).toBe(201);
  };
  const fit = (body: unknown) => t.json("POST", `/v1/experiments/${experimentId}/statistical-models`, body);

  beforeEach(async () => {
    t = await testApp({ memoryOnly: true, maxBodyBytes: 50 * 1024 * 1024 });
    experimentId = (await t.json("POST", "/v1/experiments", experimentBody())).body.id;
  });
  afterEach(() => t.close());

  it("Causal cuped: adjusted effect, SE and variance reduction equal R to 1e-8", async () => {
    await upload(fixture("causal-ab.csv"));
    const res = await fit({ model_class: "Causal", specification: { formula: "y ~ treatment" }, estimation_method: "MLE", options: { method: "cuped", covariate: "x" } });
    expect(res.status).toBe(201);
    const c = res.body.fitted_parameters.causal;
    const r = causalRef.cuped;
    expect(c.method).toBe("cuped");
    expect(c.effect_term).toBe("treatment");
    for (const [got, want] of [[c.effect, r.effect], [c.std_error, r.std_error], [c.theta, r.theta], [c.variance_reduction, r.variance_reduction], [c.unadjusted_std_error, r.unadjusted_std_error]]) {
      expect(relErr(got, want)).toBeLessThanOrEqual(1e-8);
    }
    expect(res.body.fitted_parameters.fixed_effects[0].term).toBe("treatment");
    expect(res.body.predictions[0]).toMatchObject({ term: "treatment", estimate: c.effect, lower: c.ci_lower, upper: c.ci_upper });
  });

  it("Causal ancova: lm(y ~ treatment + x) treatment effect equals R to 1e-8", async () => {
    await upload(fixture("causal-ab.csv"));
    const res = await fit({ model_class: "Causal", specification: { formula: "y ~ treatment" }, estimation_method: "MLE", options: { method: "ancova", covariate: "x" } });
    expect(res.status).toBe(201);
    const c = res.body.fitted_parameters.causal;
    const r = causalRef.ancova;
    expect(relErr(c.effect, r.effect)).toBeLessThanOrEqual(1e-8);
    expect(relErr(c.std_error, r.std_error)).toBeLessThanOrEqual(1e-8);
    expect(relErr(c.p_value, r.p_value)).toBeLessThanOrEqual(1e-8);
    expect(relErr(c.variance_reduction, r.variance_reduction)).toBeLessThanOrEqual(1e-8);
    expect((res.body.fitted_parameters.fixed_effects as Row[]).map((x) => x.term)).toEqual(["(Intercept)", "treatment", "x"]);
  });

  it("Causal did: CR1 cluster-robust table equals sandwich::vcovCL(type = 'HC1') to 1e-8", async () => {
    await upload(fixture("causal-did.csv"));
    const res = await fit({ model_class: "Causal", specification: { formula: "y ~ treated * post" }, estimation_method: "MLE", options: { method: "did", cluster: "unit" } });
    expect(res.status).toBe(201);
    const fe = res.body.fitted_parameters.fixed_effects as Row[];
    const r = causalRef.did;
    expect(fe.map((x) => x.term)).toEqual(r.terms);
    fe.forEach((row, j) => {
      expect(relErr(row.estimate, r.estimate[j])).toBeLessThanOrEqual(1e-8);
      expect(relErr(row.std_error, r.std_error[j])).toBeLessThanOrEqual(1e-8);
      expect(relErr(row.ci_lower, r.ci_lower[j])).toBeLessThanOrEqual(1e-8);
    });
    const c = res.body.fitted_parameters.causal;
    expect(c.effect_term).toBe("treated:post");
    expect(c.n_clusters).toBe(40);
    expect(relErr(c.variance_reduction, r.variance_reduction)).toBeLessThanOrEqual(1e-8);
  });

  it("Bootstrap: seeded case bootstrap of lm with BCa intervals, reproducible; cluster bootstrap with options.cluster", async () => {
    await upload(fixture("causal-ab.csv"));
    const body = { model_class: "Hierarchical", specification: { formula: "y ~ treatment + x" }, estimation_method: "Bootstrap", options: { replicates: 300, seed: 9 } };
    const a = await fit(body);
    const b = await fit(body);
    expect(a.status).toBe(201);
    expect(a.body.fitted_parameters.fixed_effects).toEqual(b.body.fitted_parameters.fixed_effects);
    const boot = a.body.fitted_parameters.bootstrap;
    expect(boot).toMatchObject({ kind: "case", replicates: 300, resampling_units: 300, seed: 9 });
    const fe = a.body.fitted_parameters.fixed_effects as Row[];
    const ols = a.body.fitted_parameters.analytic_fixed_effects as Row[];
    // Estimates are the OLS ones (R: the ANCOVA fit); bootstrap SEs near the OLS SEs.
    expect(relErr(fe[1]!.estimate, causalRef.ancova.effect)).toBeLessThanOrEqual(1e-8);
    expect(fe[1]!.std_error / ols[1]!.std_error).toBeGreaterThan(0.8);
    expect(fe[1]!.std_error / ols[1]!.std_error).toBeLessThan(1.25);
    expect(fe[1]!.ci_lower).toBe(boot.rows[1].bca_lower);
    expect(fe[1]!.ci_lower).toBeLessThan(fe[1]!.estimate);
    const cl = await fit({ ...body, options: { replicates: 100, seed: 9, cluster: "cluster" } });
    expect(cl.status).toBe(201);
    expect(cl.body.fitted_parameters.bootstrap).toMatchObject({ kind: "cluster", resampling_units: 30 });
  });

  it("Bootstrap of a logistic glm (options.family = binomial): intervals around the glm estimates", async () => {
    await upload(fixture("mtcars.csv"));
    const res = await fit({ model_class: "Hierarchical", specification: { formula: "vs ~ mpg" }, estimation_method: "Bootstrap", options: { family: "binomial", replicates: 200, seed: 4 } });
    expect(res.status).toBe(201);
    const fe = res.body.fitted_parameters.fixed_effects as Row[];
    const glm = res.body.fitted_parameters.analytic_fixed_effects as Row[];
    expect(fe.map((x) => x.estimate)).toEqual(glm.map((x) => x.estimate));
    expect(fe[1]!.ci_lower).toBeLessThan(fe[1]!.estimate);
    expect(fe[1]!.ci_upper).toBeGreaterThan(fe[1]!.estimate);
    expect(res.body.fitted_parameters.bootstrap.kind).toBe("case");
  });

  it("Bayesian: Gibbs posterior of Reaction ~ Days + (1 | Subject) near lme4's REML fit, R-hat < 1.01", async () => {
    await upload(fixture("sleepstudy.csv"));
    const res = await fit({ model_class: "MixedEffects", specification: { formula: "Reaction ~ Days + (1 | Subject)" }, estimation_method: "Bayesian", options: { seed: 3, draws: 1500 } });
    expect(res.status).toBe(201);
    const reml = reference.lmer.find((c: { r: string }) => c.r === "lmer(Reaction ~ Days + (1 | Subject), sleepstudy)");
    const fe = res.body.fitted_parameters.fixed_effects as Row[];
    fe.forEach((row, j) => expect(Math.abs(row.estimate - reml.fixed_effects[j].estimate)).toBeLessThan(0.1 * reml.fixed_effects[j].std_error));
    const ps = res.body.fitted_parameters.posterior_summary;
    expect(ps.chains).toBe(4);
    expect(ps.max_rhat).toBeLessThan(1.01);
    expect(res.body.model_diagnostics.passed).toBe(true);
    const vc = res.body.fitted_parameters.variance_components as { group: string; sd: number }[];
    expect(vc.map((v) => v.group)).toEqual(["Subject", "Residual"]);
    expect(Math.abs(vc[1]!.sd / reml.sigma - 1)).toBeLessThan(0.03);
  });

  it("a background Bootstrap fit runs in a worker thread, reports progress and completes", async () => {
    await upload(fixture("causal-ab.csv"));
    const res = await fit({ model_class: "Hierarchical", specification: { formula: "y ~ treatment + x" }, estimation_method: "Bootstrap", options: { replicates: 2000, seed: 9, async: true } });
    expect(res.status).toBe(202);
    let m = res.body;
    const progress: number[] = [];
    for (let i = 0; i < 1500 && m.status !== "completed" && m.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 10));
      // The HTTP side keeps answering while the worker fits.
      const got = await t.json("GET", `/v1/statistical-models/${res.body.id}`);
      expect(got.status).toBe(200);
      m = got.body;
      progress.push(m.progress);
    }
    await modelJobRunner(t.db).idle();
    expect(m.status).toBe("completed");
    expect(progress.some((p) => p > 0.25 && p < 1)).toBe(true);
    expect(m.fitted_parameters.bootstrap.replicates).toBe(2000);
    const sync = await fit({ model_class: "Hierarchical", specification: { formula: "y ~ treatment + x" }, estimation_method: "Bootstrap", options: { replicates: 2000, seed: 9 } });
    expect(m.fitted_parameters.fixed_effects).toEqual(sync.body.fitted_parameters.fixed_effects);
  }, 30_000);
});
