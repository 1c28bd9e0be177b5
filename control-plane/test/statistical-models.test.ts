// Statistical models through HTTP (API.md "Observations and statistical models", "Result shapes
// that scripts rely on"). Reference values: lme4 1.1.31 and R 4.2.2 as recorded in core's
// packages/core/test/stats/r-reference.json and r-reference-arima.json (made by the R scripts
// beside them) on the fixtures in packages/core/test/stats/fixtures/, uploaded here as CSV.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findStatisticalModel, insertStatisticalModel } from "../src/db/repositories/statistical-models.js";
import { INTERRUPTED_MESSAGE, modelJobRunner } from "../src/services/model-jobs.js";
import { ASYNC_ROW_THRESHOLD } from "../src/services/statistical-models.js";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

const fixture = (name: string) => readFileSync(new URL(`../../packages/core/test/stats/fixtures/${name}`, import.meta.url), "utf8");
const reference = JSON.parse(readFileSync(new URL("../../packages/core/test/stats/r-reference.json", import.meta.url), "utf8"));
const arimaReference = JSON.parse(readFileSync(new URL("../../packages/core/test/stats/r-reference-arima.json", import.meta.url), "utf8"));
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

interface FixedEffect {
  term: string;
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  ci_lower: number;
  ci_upper: number;
}

describe("statistical models", () => {
  let t: TestApp;
  let experimentId: string;

  async function upload(csv: string, id = experimentId): Promise<void> {
    const res = await t.json("POST", `/v1/experiments/${id}/observations`, csv, { "content-type": "text/csv" });
    expect(res.status).toBe(201);
  }
  const fit = (body: unknown, id = experimentId) => t.json("POST", `/v1/experiments/${id}/statistical-models`, body);

  beforeEach(async () => {
    t = await testApp({ memoryOnly: true, maxBodyBytes: 50 * 1024 * 1024 });
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    experimentId = created.body.id;
  });
  afterEach(() => t.close());

  it("sleepstudy: Reaction ~ Days + (Days | Subject) by REML equals lme4", async () => {
    await upload(fixture("sleepstudy.csv"));
    const res = await fit({
      model_class: "MixedEffects",
      specification: { formula: "Reaction ~ Days + (Days | Subject)", random_effects: ["(Days | Subject)"], fixed_effects: ["Days"] },
      estimation_method: "MLE",
      options: { reml: true },
    });
    expect(res.status).toBe(201);
    const m = res.body;
    expect(m.status).toBe("completed");
    expect(m.progress).toBe(1);
    expect(typeof m.computed_at).toBe("string");
    const fe = m.fitted_parameters.fixed_effects as FixedEffect[];
    expect(fe.map((r) => r.term)).toEqual(["(Intercept)", "Days"]);
    // lme4: fixef(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)).
    expect(relErr(fe[0]!.estimate, 251.405104848485)).toBeLessThanOrEqual(1e-6);
    expect(relErr(fe[1]!.estimate, 10.467285959596)).toBeLessThanOrEqual(1e-6);
    // Standard errors: lme4 with tightened optimiser tolerances (r-reference.json "tight"), 1e-6;
    // lme4's default-tolerance values 6.82459669 / 1.54578964 agree to ~1e-5 only (θ to ~1e-5).
    const lmer = reference.lmer.find((c: { r: string }) => c.r === "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)");
    expect(relErr(fe[0]!.std_error, lmer.tight.std_error[0])).toBeLessThanOrEqual(1e-6);
    expect(relErr(fe[1]!.std_error, lmer.tight.std_error[1])).toBeLessThanOrEqual(1e-6);
    // The values quoted as lme4's published ones in the task brief (6.82451678, 1.54578623; no
    // lme4 version named) differ from lme4 1.1.31's by ~6e-6 relative: they agree to 1e-5.
    expect(relErr(fe[0]!.std_error, 6.82451678)).toBeLessThanOrEqual(1e-5);
    expect(relErr(fe[1]!.std_error, 1.54578623)).toBeLessThanOrEqual(1e-5);
    for (const r of fe) {
      expect(r.ci_lower).toBeLessThan(r.estimate);
      expect(r.ci_upper).toBeGreaterThan(r.estimate);
      expect(r.p_value).toBeGreaterThanOrEqual(0);
    }
    // as.data.frame(VarCorr(m)): Subject (Intercept) 612.100, Days 35.072, corr 0.0656, Residual 654.940.
    const vc = m.fitted_parameters.variance_components as { group: string; term: string | null; sd: number; variance: number }[];
    expect(vc.map((v) => [v.group, v.term])).toEqual([
      ["Subject", "(Intercept)"],
      ["Subject", "Days"],
      ["Residual", null],
    ]);
    expect(relErr(vc[0]!.variance, 612.100158024769)).toBeLessThanOrEqual(1e-3);
    expect(relErr(vc[1]!.variance, 35.0717144509388)).toBeLessThanOrEqual(1e-3);
    expect(relErr(vc[2]!.variance, 654.940008259961)).toBeLessThanOrEqual(1e-3);
    expect(relErr(vc[2]!.sd, 25.5917957216753)).toBeLessThanOrEqual(1e-3);
    const corr = m.fitted_parameters.correlations;
    expect(corr).toHaveLength(1);
    expect(corr[0]).toMatchObject({ group: "Subject", term1: "(Intercept)", term2: "Days" });
    expect(Math.abs(corr[0].corr - 0.0655512382381282)).toBeLessThanOrEqual(1e-3);
    // logLik / AIC / BIC as lme4 reports them for a REML fit.
    const d = m.model_diagnostics;
    expect(relErr(d.log_likelihood, -871.814135979976)).toBeLessThanOrEqual(1e-6);
    expect(relErr(d.aic, 1755.62827195995)).toBeLessThanOrEqual(1e-6);
    expect(relErr(d.bic, 1774.78601306529)).toBeLessThanOrEqual(1e-6);
    expect(d.r_squared).toBeGreaterThan(0);
    expect(d.r_squared).toBeLessThan(1);
    expect(d.residual_analysis).toMatchObject({ min: expect.any(Number), median: expect.any(Number), max: expect.any(Number) });
    expect(d.goodness_of_fit.length).toBeGreaterThan(0);
    for (const c of d.goodness_of_fit) expect(c).toMatchObject({ check: expect.any(String), passed: expect.any(Boolean) });
    expect(d.passed).toBe(d.goodness_of_fit.every((c: { passed: boolean }) => c.passed));
    // Fitted values of every row with uncertainty bounds.
    expect(m.predictions).toHaveLength(180);
    for (const p of m.predictions.slice(0, 5)) {
      expect(p.lower).toBeLessThan(p.estimate);
      expect(p.upper).toBeGreaterThan(p.estimate);
      expect(p.prediction_lower).toBeLessThan(p.lower);
    }
    expect(m.uncertainty_quantification.level).toBe(0.95);
    // Stored: GET returns the same.
    const got = await t.json("GET", `/v1/statistical-models/${m.id}`);
    expect(got.status).toBe(200);
    expect(got.body.fitted_parameters.fixed_effects[0].estimate).toBe(fe[0]!.estimate);
    const list = await t.json("GET", `/v1/experiments/${experimentId}/statistical-models`);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([m.id]);
  });

  it("REML = FALSE via options.reml: false gives lme4's ML fit", async () => {
    await upload(fixture("sleepstudy.csv"));
    const res = await fit({ model_class: "Hierarchical", specification: { formula: "Reaction ~ Days + (Days | Subject)" }, estimation_method: "MLE", options: { reml: false } });
    expect(res.status).toBe(201);
    const ml = reference.lmer.find((c: { r: string }) => c.r === "lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE)");
    expect(res.body.fitted_parameters.reml).toBe(false);
    expect(relErr(res.body.model_diagnostics.log_likelihood, ml.log_likelihood)).toBeLessThanOrEqual(1e-6);
  });

  it("mtcars: mpg ~ wt + hp + factor(cyl) equals R's lm with R's term names", async () => {
    await upload(fixture("mtcars.csv"));
    const res = await fit({ model_class: "MixedEffects", specification: { formula: "mpg ~ wt + hp + factor(cyl)" }, estimation_method: "MLE" });
    expect(res.status).toBe(201);
    const want = reference.lm_mtcars;
    const fe = res.body.fitted_parameters.fixed_effects as FixedEffect[];
    expect(fe.map((r) => r.term)).toEqual(["(Intercept)", "wt", "hp", "factor(cyl)6", "factor(cyl)8"]);
    fe.forEach((r, j) => {
      const w = want.coefficients[j];
      for (const k of ["estimate", "std_error", "statistic", "p_value", "ci_lower", "ci_upper"] as const) {
        expect(relErr(r[k], w[k])).toBeLessThanOrEqual(1e-6);
      }
    });
    const d = res.body.model_diagnostics;
    expect(relErr(d.r_squared, want.r_squared)).toBeLessThanOrEqual(1e-9);
    expect(relErr(d.log_likelihood, want.log_likelihood)).toBeLessThanOrEqual(1e-9);
    expect(res.body.predictions).toHaveLength(32);
    expect(res.body.predictions[0]).toMatchObject({ row: 0, estimate: expect.any(Number), lower: expect.any(Number), upper: expect.any(Number) });
  });

  it("options.family = binomial: am ~ wt + hp equals R's glm(family = binomial)", async () => {
    await upload(fixture("mtcars.csv"));
    const res = await fit({ model_class: "MixedEffects", specification: { formula: "am ~ wt + hp" }, estimation_method: "MLE", options: { family: "binomial" } });
    expect(res.status).toBe(201);
    const want = reference.glm_mtcars;
    const fe = res.body.fitted_parameters.fixed_effects as FixedEffect[];
    expect(fe.map((r) => r.term)).toEqual(["(Intercept)", "wt", "hp"]);
    fe.forEach((r, j) => {
      expect(relErr(r.estimate, want.coefficients[j].estimate)).toBeLessThanOrEqual(1e-6);
      expect(relErr(r.std_error, want.coefficients[j].std_error)).toBeLessThanOrEqual(1e-6);
    });
    expect(relErr(res.body.model_diagnostics.aic, want.aic)).toBeLessThanOrEqual(1e-8);
    const hl = res.body.model_diagnostics.goodness_of_fit.find((c: { check: string }) => c.check === "hosmer_lemeshow");
    expect(hl).toMatchObject({ df: 8, passed: expect.any(Boolean) });
    for (const p of res.body.predictions) {
      expect(p.lower).toBeLessThanOrEqual(p.estimate);
      expect(p.upper).toBeGreaterThanOrEqual(p.estimate);
    }
  });

  it("TimeSeries: ARIMA(1,0,0) on lh with forecasts equals R's arima / predict", async () => {
    await upload(fixture("lh.csv"));
    const res = await fit({
      model_class: "TimeSeries",
      specification: { formula: "lh ~ 1", time_structure: { time_column: "t", order: [1, 0, 0] } },
      estimation_method: "MLE",
      options: { forecast_horizon: 12 },
    });
    expect(res.status).toBe(201);
    const want = arimaReference.cases.find((c: { r: string }) => c.r === "arima(lh, order = c(1, 0, 0))");
    const coefs = res.body.fitted_parameters.coefficients as { term: string; estimate: number; std_error: number }[];
    expect(coefs.map((c) => c.term)).toEqual(want.coef_names);
    coefs.forEach((c, j) => {
      expect(Math.abs(c.estimate - want.coef[j])).toBeLessThanOrEqual(1e-4 * Math.abs(want.coef[j]) + 1e-5);
      expect(relErr(c.std_error, want.se[j])).toBeLessThanOrEqual(2e-4);
    });
    expect(relErr(res.body.model_diagnostics.log_likelihood, want.loglik)).toBeLessThanOrEqual(1e-8);
    expect(relErr(res.body.model_diagnostics.aic, want.aic)).toBeLessThanOrEqual(1e-8);
    const lb = res.body.model_diagnostics.goodness_of_fit.find((c: { check: string }) => c.check === "residual_autocorrelation_ljung_box");
    // R: Box.test(residuals(fit), lag = 10, type = "Ljung-Box", fitdf = 1).
    expect(lb.df).toBe(want.box.df);
    expect(relErr(lb.statistic, want.box.statistic)).toBeLessThanOrEqual(1e-4);
    expect(lb.passed).toBe(true);
    const preds = res.body.predictions as { step: number; time: number; estimate: number; lower: number; upper: number }[];
    expect(preds).toHaveLength(12);
    preds.forEach((p, j) => {
      expect(p.step).toBe(j + 1);
      expect(p.time).toBe(49 + j);
      expect(relErr(p.estimate, want.predict.pred[j])).toBeLessThanOrEqual(1e-5);
      expect(relErr((p.upper - p.lower) / (2 * 1.959963984540054), want.predict.se[j])).toBeLessThanOrEqual(1e-4);
    });
  });

  it("a formula syntax error is a 422 naming its position", async () => {
    await upload("y,x\n1,2\n2,3\n3,5\n");
    const res = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x + + )" }, estimation_method: "MLE" });
    expect(res.status).toBe(422);
    expect(detailPaths(res.body)).toEqual(["specification.formula"]);
    expect(res.body.error.details[0].message).toMatch(/at position \d+$/);
  });

  it("random_effects / fixed_effects that differ from the formula are a 422 naming the mismatch", async () => {
    await upload(fixture("sleepstudy.csv"));
    const res = await fit({
      model_class: "MixedEffects",
      specification: { formula: "Reaction ~ Days + (Days | Subject)", random_effects: ["(1 | Subject)"], fixed_effects: ["Days", "Age"] },
      estimation_method: "MLE",
    });
    expect(res.status).toBe(422);
    expect(detailPaths(res.body).sort()).toEqual(["specification.fixed_effects", "specification.random_effects"]);
    expect(res.body.error.message).toMatch(/Age/);
    expect(res.body.error.message).toMatch(/\(Days \| Subject\)/);
    // Equivalent spellings match: `Days | Subject` without parentheses, `(Intercept)` listed.
    const ok = await fit({
      model_class: "MixedEffects",
      specification: { formula: "Reaction ~ Days + (Days | Subject)", random_effects: ["Days | Subject"], fixed_effects: ["(Intercept)", "Days"] },
      estimation_method: "MLE",
    });
    expect(ok.status).toBe(201);
  });

  it("unknown columns, no observations, Causal / Bayesian / Bootstrap preconditions: 422 with honest messages; unknown experiment 404", async () => {
    const empty = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x" }, estimation_method: "MLE" });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/no observations/);
    await upload("y,x\n1,2\n2,3\n3,5\n");
    const unknown = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x + z + (1 | site)" }, estimation_method: "MLE" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/unknown columns: z, site/);
    const causal = await fit({ model_class: "Causal", specification: { formula: "y ~ x" }, estimation_method: "MLE" });
    expect(causal.status).toBe(422);
    expect(detailPaths(causal.body)).toEqual(["options.method"]);
    const noCov = await fit({ model_class: "Causal", specification: { formula: "y ~ x" }, estimation_method: "MLE", options: { method: "cuped" } });
    expect(detailPaths(noCov.body)).toEqual(["options.covariate"]);
    const badCov = await fit({ model_class: "Causal", specification: { formula: "y ~ x" }, estimation_method: "MLE", options: { method: "ancova", covariate: "pre" } });
    expect(badCov.status).toBe(422);
    expect(detailPaths(badCov.body)).toEqual(["options.covariate"]);
    const noCluster = await fit({ model_class: "Causal", specification: { formula: "y ~ x" }, estimation_method: "MLE", options: { method: "did" } });
    expect(detailPaths(noCluster.body)).toEqual(["options.cluster"]);
    const bayes = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x" }, estimation_method: "Bayesian" });
    expect(bayes.status).toBe(422);
    expect(bayes.body.error.message).toMatch(/one random intercept/);
    const bootSeries = await fit({
      model_class: "TimeSeries",
      specification: { formula: "y ~ 1", time_structure: { time_column: "x", order: [1, 0, 0] } },
      estimation_method: "Bootstrap",
    });
    expect(bootSeries.status).toBe(422);
    expect(detailPaths(bootSeries.body)).toEqual(["estimation_method"]);
    expect(bootSeries.body.error.message).toMatch(/time-series bootstraps are not available/);
    const noTime = await fit({ model_class: "TimeSeries", specification: { formula: "y ~ 1" }, estimation_method: "MLE" });
    expect(noTime.status).toBe(422);
    expect(detailPaths(noTime.body)).toEqual(["specification.time_structure"]);
    const bad = await fit({ model_class: "Nope", specification: { formula: "y ~ x" }, estimation_method: "MLE" });
    expect(bad.status).toBe(400);
    const missing = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x" }, estimation_method: "MLE" }, "6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10");
    expect(missing.status).toBe(404);
    expect((await t.json("GET", "/v1/statistical-models/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10")).status).toBe(404);
  });

  it("options.async: 202 queued, then the background job completes with the results", async () => {
    await upload(fixture("sleepstudy.csv"));
    const res = await fit({
      model_class: "MixedEffects",
      specification: { formula: "Reaction ~ Days + (Days | Subject)" },
      estimation_method: "MLE",
      options: { async: true },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: expect.any(String), status: "queued" });
    const seen = new Set<string>();
    let m = res.body;
    for (let i = 0; i < 400 && m.status !== "completed" && m.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 10));
      m = (await t.json("GET", `/v1/statistical-models/${res.body.id}`)).body;
      seen.add(m.status);
      expect(m.progress).toBeGreaterThanOrEqual(0);
      expect(m.progress).toBeLessThanOrEqual(1);
    }
    expect(m.status).toBe("completed");
    expect(m.progress).toBe(1);
    expect(m.error).toBeNull();
    expect(relErr(m.fitted_parameters.fixed_effects[1].estimate, 10.467285959596)).toBeLessThanOrEqual(1e-6);
    expect(m.predictions).toHaveLength(180);
  });

  it(`more than ${ASYNC_ROW_THRESHOLD} rows fit in the background without being asked`, async () => {
    const lines = Array.from({ length: ASYNC_ROW_THRESHOLD + 1 }, (_, i) => `${(i % 13) + 0.5 * (i % 7)},${i % 7}`);
    await upload(`y,x\n${lines.join("\n")}\n`);
    const res = await fit({ model_class: "MixedEffects", specification: { formula: "y ~ x" }, estimation_method: "MLE" });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe("queued");
    await modelJobRunner(t.db).idle();
    const m = (await t.json("GET", `/v1/statistical-models/${res.body.id}`)).body;
    expect(m.status).toBe("completed");
    expect(m.model_diagnostics.nobs).toBe(ASYNC_ROW_THRESHOLD + 1);
    expect(m.fitted_parameters.fixed_effects.map((r: FixedEffect) => r.term)).toEqual(["(Intercept)", "x"]);
  });

  it("start-up recovery re-queues queued fits and fails fits left running", async () => {
    await upload(fixture("mtcars.csv"));
    const base = {
      experiment_id: experimentId,
      model_class: "MixedEffects" as const,
      specification: { formula: "mpg ~ wt" },
      estimation_method: "MLE" as const,
      options: null,
      created_at: new Date(0).toISOString(),
    };
    const queuedId = crypto.randomUUID();
    const runningId = crypto.randomUUID();
    await insertStatisticalModel(t.db, { ...base, id: queuedId, status: "queued", progress: 0 });
    await insertStatisticalModel(t.db, { ...base, id: runningId, status: "running", progress: 0.25 });
    const runner = modelJobRunner(t.db);
    expect(await runner.recover()).toEqual({ requeued: 1, failed: 1 });
    await runner.idle();
    const queued = await findStatisticalModel(t.db, queuedId);
    expect(queued?.status).toBe("completed");
    const running = await findStatisticalModel(t.db, runningId);
    expect(running?.status).toBe("failed");
    expect(running?.error).toBe(INTERRUPTED_MESSAGE);
  });

  it("a background fit that breaks a rule ends failed with the error", async () => {
    await upload("y,g\n1,a\n2,a\n3,b\n");
    const res = await fit({ model_class: "TimeSeries", specification: { formula: "y ~ 1", time_structure: { time_column: "g", order: [9, 0, 0] } }, estimation_method: "MLE", options: { async: true } });
    expect(res.status).toBe(202);
    let m = res.body;
    for (let i = 0; i < 400 && m.status !== "completed" && m.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 10));
      m = (await t.json("GET", `/v1/statistical-models/${res.body.id}`)).body;
    }
    expect(m.status).toBe("failed");
    expect(typeof m.error).toBe("string");
    expect(m.error.length).toBeGreaterThan(0);
  });
});
