// Linear mixed models against lme4 1.1.31 on R 4.2.2 (r-reference.json, made by r-reference.R):
// sleepstudy (Days | Subject) REML and ML, (Days || Subject), (1 | Subject) REML and ML, nested
// Pastes (1 | batch/cask), crossed Penicillin (1 | plate) + (1 | sample), and a synthetic crossed
// design (x | subj) + (x | item) (fixtures/crossed.csv, simulated by r-reference.R).
// Against R's default call: fixed-effect estimates 1e-6 relative, variance components and
// correlations 1e-3, logLik / AIC / BIC 1e-6, conditional modes 1e-3 of their scale, standard
// errors 1e-4 (R's default optimiser tolerance leaves θ accurate to ~1e-5 only).
// Against the same call with tightened optimiser tolerances (the "tight" block): standard errors
// and t statistics 1e-6, θ and variances 1e-5.
import { describe, expect, it } from "vitest";
import { fitLinearMixedModel } from "../../src/stats/mixed/fit-linear-mixed-model.js";
import { predictLinearMixedModel } from "../../src/stats/mixed/predict-linear-mixed-model.js";
import { readCsv, reference, relErr } from "./helpers/fixtures.js";

const data: Record<string, Record<string, string>[]> = {
  sleepstudy: readCsv("sleepstudy.csv"),
  Pastes: readCsv("pastes.csv"),
  Penicillin: readCsv("penicillin.csv"),
  crossed: readCsv("crossed.csv"),
};

interface LmerRef {
  r: string;
  reml: boolean;
  fixed_effects: { term: string; estimate: number; std_error: number; statistic: number }[];
  variance_components: { grp: string; var1: string | null; var2: string | null; vcov: number; sdcor: number }[];
  theta: number[];
  sigma: number;
  log_likelihood: number;
  aic: number;
  bic: number;
  deviance_or_reml: number;
  df: number;
  nobs: number;
  ranef: { group: string; levels: string[]; columns: string[]; values: number[][] }[];
  r2_marginal: number;
  r2_conditional: number;
  tight: { theta: number[]; std_error: number[]; statistic: number[]; vcov: number[]; log_likelihood: number };
}

function parseCall(r: string): { formula: string; dataset: string; reml: boolean } {
  const m = /^lmer\((.*), (\w+)(, REML = FALSE)?\)$/.exec(r)!;
  return { formula: m[1]!, dataset: m[2]!, reml: !m[3] };
}

describe.each((reference.lmer as LmerRef[]).map((c) => [c.r, c] as const))("%s", (_r, ref) => {
  const call = parseCall(ref.r);
  const fit = fitLinearMixedModel(call.formula, data[call.dataset]!, { reml: call.reml });

  it("fixed effects: estimates 1e-6, standard errors 1e-4 (default) and 1e-6 (tight), t 1e-6 (tight)", () => {
    expect(fit.fixed_effects.map((r) => r.term)).toEqual(ref.fixed_effects.map((r) => r.term));
    ref.fixed_effects.forEach((w, i) => {
      const got = fit.fixed_effects[i]!;
      expect(relErr(got.estimate, w.estimate)).toBeLessThanOrEqual(1e-6);
      expect(relErr(got.std_error, w.std_error)).toBeLessThanOrEqual(1e-4);
      expect(relErr(got.std_error, ref.tight.std_error[i]!)).toBeLessThanOrEqual(1e-6);
      expect(relErr(got.statistic, ref.tight.statistic[i]!)).toBeLessThanOrEqual(1e-6);
    });
  });

  it("variance components and correlations (as.data.frame(VarCorr(m)))", () => {
    const variances = ref.variance_components.filter((v) => v.var2 === null);
    expect(fit.variance_components.length).toBe(variances.length);
    variances.forEach((w, i) => {
      const got = fit.variance_components[i]!;
      expect(got.group).toBe(w.grp.replace(/\.\d+$/, "")); // lme4 names a second (x || g) term "g.1"
      expect(got.term).toBe(w.var1);
      expect(relErr(got.variance, w.vcov)).toBeLessThanOrEqual(1e-3);
      expect(relErr(got.sd, w.sdcor)).toBeLessThanOrEqual(1e-3);
    });
    const tightVariances = ref.tight.vcov.filter((_, i) => ref.variance_components[i]!.var2 === null);
    tightVariances.forEach((v, i) => expect(relErr(fit.variance_components[i]!.variance, v)).toBeLessThanOrEqual(1e-5));
    const corrs = ref.variance_components.filter((v) => v.var2 !== null);
    expect(fit.correlations.length).toBe(corrs.length);
    corrs.forEach((w, i) => {
      expect([fit.correlations[i]!.term1, fit.correlations[i]!.term2]).toEqual([w.var1, w.var2]);
      expect(relErr(fit.correlations[i]!.corr, w.sdcor)).toBeLessThanOrEqual(1e-3);
    });
  });

  it("θ (tight reference) to 1e-5", () => {
    ref.tight.theta.forEach((t, i) => expect(Math.abs(fit.theta[i]! - t)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(t))));
  });

  it("logLik, AIC, BIC, REML criterion / deviance, df, nobs to 1e-6", () => {
    expect(relErr(fit.log_likelihood, ref.log_likelihood)).toBeLessThanOrEqual(1e-6);
    expect(relErr(fit.aic, ref.aic)).toBeLessThanOrEqual(1e-6);
    expect(relErr(fit.bic, ref.bic)).toBeLessThanOrEqual(1e-6);
    expect(relErr(fit.criterion, ref.deviance_or_reml)).toBeLessThanOrEqual(1e-6);
    expect(fit.df).toBe(ref.df);
    expect(fit.nobs).toBe(ref.nobs);
    // Our optimum is at least as good as R's default one.
    expect(fit.log_likelihood).toBeGreaterThanOrEqual(ref.log_likelihood - 1e-9);
  });

  it("conditional modes (ranef) to 1e-3 of their scale", () => {
    for (const g of ref.ranef) {
      g.columns.forEach((col, c) => {
        const scale = Math.max(...g.values[c]!.map(Math.abs));
        g.levels.forEach((lev, l) => {
          const got = fit.random_effects.find((e) => e.group === g.group && e.term === col && e.level === lev);
          expect(got, `${g.group} ${col} ${lev}`).toBeDefined();
          expect(Math.abs(got!.estimate - g.values[c]![l]!)).toBeLessThanOrEqual(1e-3 * scale);
        });
      });
    }
  });

  it("marginal and conditional R² (Nakagawa & Schielzeth, computed in R as MuMIn does) to 1e-4", () => {
    expect(Math.abs(fit.r2_marginal - ref.r2_marginal)).toBeLessThanOrEqual(1e-4 * Math.max(ref.r2_marginal, 1e-8));
    expect(relErr(fit.r2_conditional, ref.r2_conditional)).toBeLessThanOrEqual(1e-4);
  });
});

describe("mixed-model input checks", () => {
  it("needs a random-effects term and a numeric response", () => {
    expect(() => fitLinearMixedModel("Reaction ~ Days", data.sleepstudy!)).toThrow(/random-effects term/);
    expect(() => fitLinearMixedModel("Subject ~ Days + (1 | Days)", data.sleepstudy!.map((r) => ({ ...r, Subject: `s${r.Subject}` })))).toThrow(/numeric/);
  });
  it("rejects a grouping factor with as many levels as observations", () => {
    const rows = data.sleepstudy!.map((r, i) => ({ ...r, id: i }));
    expect(() => fitLinearMixedModel("Reaction ~ Days + (1 | id)", rows)).toThrow(/unidentifiable/);
  });
  it("a numeric variable can be a fixed covariate and a grouping factor at once (lme4 calls factor() on groups)", () => {
    const fit = fitLinearMixedModel("Reaction ~ Days + (1 | Days)", data.sleepstudy!);
    expect(fit.fixed_effects.map((r) => r.term)).toEqual(["(Intercept)", "Days"]);
    expect(fit.ngroups).toEqual({ Days: 10 });
  });
  it("drops rows with a missing value and counts them", () => {
    const rows = data.sleepstudy!.map((r, i) => (i < 3 ? { ...r, Reaction: "NA" } : r));
    const fit = fitLinearMixedModel("Reaction ~ Days + (1 | Subject)", rows);
    expect(fit.nobs).toBe(177);
    expect(fit.dropped_rows).toBe(3);
  });
});

describe("predictions (predict.merMod, R values in lmer_predict)", () => {
  const ref = reference.lmer_predict;
  const fit = fitLinearMixedModel("Reaction ~ Days + (Days | Subject)", data.sleepstudy!);
  it("population level (re.form = NA) to 1e-8, its standard error to 1e-4 (R default θ)", () => {
    const pred = predictLinearMixedModel(fit, ref.newdata, { includeRandom: false });
    pred.forEach((p, i) => {
      expect(relErr(p.estimate, ref.population[i])).toBeLessThanOrEqual(1e-8);
      expect(relErr(p.std_error, ref.se_fixed[i])).toBeLessThanOrEqual(1e-4);
      expect(p.lower).toBeLessThan(p.estimate);
    });
  });
  it("conditional on known subjects, new subject at the population value (allow.new.levels) to 1e-5", () => {
    const pred = predictLinearMixedModel(fit, ref.newdata, { interval: "prediction" });
    pred.forEach((p, i) => expect(relErr(p.estimate, ref.conditional[i])).toBeLessThanOrEqual(1e-5));
    expect(pred[2]!.upper - pred[2]!.lower).toBeGreaterThan(2 * 1.96 * fit.sigma);
  });
});
