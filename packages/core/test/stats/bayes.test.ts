// Gibbs sampler of the linear model with a random intercept: seeded, 4 chains; posterior means
// near lme4's REML estimates of lmer(Reaction ~ Days + (1 | Subject), sleepstudy) (r-reference.json,
// r-reference.R) and split R-hat < 1.01 (BDA3 section 11.4). The split R-hat and ESS functions
// are checked on independent draws (R-hat near 1, ESS near the draw count) and on chains that
// disagree (R-hat large).
import { describe, expect, it } from "vitest";
import { fitBayesianRandomIntercept } from "../../src/stats/bayes/fit-bayesian-random-intercept.js";
import { effectiveSampleSize, splitRhat } from "../../src/stats/bayes/mcmc-diagnostics.js";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { fitLinearMixedModel } from "../../src/stats/mixed/fit-linear-mixed-model.js";
import { readCsv, reference } from "./helpers/fixtures.js";

describe("Gibbs random-intercept model on sleepstudy", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const reml = reference.lmer.find((c: any) => c.r === "lmer(Reaction ~ Days + (1 | Subject), sleepstudy)");
  const fit = fitBayesianRandomIntercept("Reaction ~ Days + (1 | Subject)", readCsv("sleepstudy.csv"), { rng: createRng(42), chains: 4, draws: 2000 });
  const row = (t: string) => fit.parameters.find((p) => p.term === t)!;
  it("posterior means of the fixed effects are within 0.1 REML standard errors of the REML estimates", () => {
    for (const fe of reml.fixed_effects) {
      expect(Math.abs(row(fe.term).mean - fe.estimate), fe.term).toBeLessThan(0.1 * fe.std_error);
      expect(row(fe.term).sd / fe.std_error).toBeGreaterThan(0.85);
      expect(row(fe.term).sd / fe.std_error).toBeLessThan(1.25);
    }
  });
  it("sigma within 3% and the group sd within 15% of REML (the posterior of tau is right-skewed with 18 groups)", () => {
    expect(Math.abs(row("sigma").mean / reml.sigma - 1)).toBeLessThan(0.03);
    expect(Math.abs(row("sd_(Intercept)").mean / reml.variance_components[0].sdcor - 1)).toBeLessThan(0.15);
    expect(row("sd_(Intercept)").lower).toBeLessThan(reml.variance_components[0].sdcor);
    expect(row("sd_(Intercept)").upper).toBeGreaterThan(reml.variance_components[0].sdcor);
  });
  it("has converged: split R-hat < 1.01 and ESS > 400 for every parameter", () => {
    expect(fit.max_rhat).toBeLessThan(1.01);
    expect(fit.min_ess).toBeGreaterThan(400);
    expect(fit.ngroups).toBe(18);
  });
  it("is reproducible for a seed", () => {
    const again = fitBayesianRandomIntercept("Reaction ~ Days + (1 | Subject)", readCsv("sleepstudy.csv"), { rng: createRng(42), chains: 2, draws: 200 });
    const twice = fitBayesianRandomIntercept("Reaction ~ Days + (1 | Subject)", readCsv("sleepstudy.csv"), { rng: createRng(42), chains: 2, draws: 200 });
    expect(again).toEqual(twice);
  });
});

describe("hierarchical normal model y_ij = mu + b_j + e_ij on seeded data", () => {
  it("posterior means near the REML fit (core's lmer, itself checked against lme4), R-hat < 1.01", () => {
    const rng = createRng(77);
    const rows: { y: number; g: string }[] = [];
    for (let j = 0; j < 30; j++) {
      const b = 2 * normalDraw(rng);
      for (let i = 0; i < 8; i++) rows.push({ g: `g${j}`, y: 10 + b + normalDraw(rng) });
    }
    const reml = fitLinearMixedModel("y ~ 1 + (1 | g)", rows);
    const fit = fitBayesianRandomIntercept("y ~ 1 + (1 | g)", rows, { rng: createRng(78), chains: 4, draws: 2000 });
    const mu = fit.parameters[0]!;
    expect(Math.abs(mu.mean - reml.fixed_effects[0]!.estimate)).toBeLessThan(0.1 * reml.fixed_effects[0]!.std_error);
    expect(Math.abs(fit.parameters[2]!.mean / reml.sigma - 1)).toBeLessThan(0.03);
    expect(Math.abs(fit.parameters[1]!.mean / reml.variance_components[0]!.sd - 1)).toBeLessThan(0.1);
    expect(fit.max_rhat).toBeLessThan(1.01);
  });
});

describe("split R-hat and effective sample size", () => {
  const rng = createRng(5);
  const iid = Array.from({ length: 4 }, () => Array.from({ length: 1000 }, () => normalDraw(rng)));
  it("independent draws: R-hat about 1, ESS about the number of draws", () => {
    expect(Math.abs(splitRhat(iid) - 1)).toBeLessThan(0.01);
    const ess = effectiveSampleSize(iid);
    expect(ess).toBeGreaterThan(3000);
    expect(ess).toBeLessThan(5000);
  });
  it("chains centred apart: R-hat well above 1", () => {
    const apart = iid.map((c, j) => c.map((v) => v + j));
    expect(splitRhat(apart)).toBeGreaterThan(1.5);
  });
  it("an AR(1) chain with phi = 0.9: ESS near n (1 - phi) / (1 + phi)", () => {
    const ar = Array.from({ length: 4 }, () => {
      let x = 0;
      return Array.from({ length: 5000 }, () => (x = 0.9 * x + normalDraw(rng)));
    });
    const ess = effectiveSampleSize(ar);
    const want = (20000 * 0.1) / 1.9;
    expect(ess / want).toBeGreaterThan(0.7);
    expect(ess / want).toBeLessThan(1.3);
  });
});
