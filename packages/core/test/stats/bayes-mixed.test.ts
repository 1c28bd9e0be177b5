// Blocked Gibbs sampler of the general Gaussian linear mixed model (correlated, uncorrelated and
// crossed random effects). References: lme4 1.1.31 REML fits in r-reference.json (made by
// r-reference.R) on the fixtures in fixtures/. A posterior mean is not a REML estimate, but with
// a flat prior on beta the two differ by a small fraction of the posterior sd, and the posterior
// sd of a fixed effect is close to lmer's standard error, inflated by the uncertainty in the
// variance components that lmer plugs in (about 10% on sleepstudy with 18 subjects). Hence
// means within 0.2 posterior sd of lmer's estimates and posterior sds within 25% of lmer's SEs.
import { describe, expect, it } from "vitest";
import { fitBayesianLinearMixedModel } from "../../src/stats/bayes/fit-bayesian-linear-mixed-model.js";
import { inverseWishartDraw } from "../../src/stats/bayes/inverse-wishart-draw.js";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { readCsv, reference } from "./helpers/fixtures.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lmer = (r: string) => reference.lmer.find((c: any) => c.r === r);

describe("Gibbs sampler of Reaction ~ Days + (Days | Subject) on sleepstudy", () => {
  const reml = lmer("lmer(Reaction ~ Days + (Days | Subject), sleepstudy)");
  const fit = fitBayesianLinearMixedModel("Reaction ~ Days + (Days | Subject)", readCsv("sleepstudy.csv"), { rng: createRng(42), chains: 4, draws: 2000 });
  const row = (t: string) => fit.parameters.find((p) => p.term === t)!;

  it("reports the fixed effects, both sds, their correlation and sigma", () => {
    expect(fit.parameters.map((p) => p.term)).toEqual(["(Intercept)", "Days", "sd_(Intercept)|Subject", "sd_Days|Subject", "cor_(Intercept).Days|Subject", "sigma"]);
    expect(fit.parameters.map((p) => p.kind)).toEqual(["fixed", "fixed", "sd", "sd", "cor", "sigma"]);
    expect(row("cor_(Intercept).Days|Subject")).toMatchObject({ group: "Subject", var1: "(Intercept)", var2: "Days" });
    expect(fit.ngroups).toEqual({ Subject: 18 });
    expect(fit.nobs).toBe(180);
  });

  it("posterior means of the fixed effects within 0.2 posterior sd of lmer's REML estimates (251.405, 10.467)", () => {
    for (const fe of reml.fixed_effects) {
      const r = row(fe.term);
      expect(Math.abs(r.mean - fe.estimate), fe.term).toBeLessThan(0.2 * r.sd);
    }
  });

  it("posterior sds of the fixed effects within 25% of lmer's standard errors (6.82, 1.55)", () => {
    for (const fe of reml.fixed_effects) {
      const ratio = row(fe.term).sd / fe.std_error;
      expect(ratio, fe.term).toBeGreaterThan(0.8);
      expect(ratio, fe.term).toBeLessThan(1.25);
    }
  });

  it("variance components: sigma within 3% of REML; the REML sds and correlation inside the 95% intervals", () => {
    expect(Math.abs(row("sigma").mean / reml.sigma - 1)).toBeLessThan(0.03);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const vc = (v1: string, v2: string | null) => reml.variance_components.find((v: any) => v.grp === "Subject" && v.var1 === v1 && v.var2 === v2).sdcor;
    for (const [term, want] of [
      ["sd_(Intercept)|Subject", vc("(Intercept)", null)],
      ["sd_Days|Subject", vc("Days", null)],
      ["cor_(Intercept).Days|Subject", vc("(Intercept)", "Days")],
    ] as const) {
      expect(row(term).lower, term).toBeLessThan(want);
      expect(row(term).upper, term).toBeGreaterThan(want);
    }
    // The group sds' posteriors are right-skewed with 18 subjects: means above REML, within 25%.
    expect(row("sd_(Intercept)|Subject").mean / vc("(Intercept)", null)).toBeLessThan(1.25);
    expect(row("sd_Days|Subject").mean / vc("Days", null)).toBeLessThan(1.25);
  });

  it("has converged: split R-hat < 1.05 (in fact < 1.01) and ESS > 400 for every parameter", () => {
    expect(fit.max_rhat).toBeLessThan(1.01);
    expect(fit.min_ess).toBeGreaterThan(400);
  });

  it("is deterministic for a seed: identical draws, different draws for another seed", () => {
    const run = (seed: number) =>
      fitBayesianLinearMixedModel("Reaction ~ Days + (Days | Subject)", readCsv("sleepstudy.csv"), { rng: createRng(seed), chains: 2, draws: 200, keep_draws: true });
    const a = run(7);
    const b = run(7);
    expect(a.samples).toEqual(b.samples);
    expect(a.parameters).toEqual(b.parameters);
    expect(run(8).samples![0]![0]![0]).not.toBe(a.samples![0]![0]![0]);
    expect(a.samples!.length).toBe(a.parameters.length);
    expect(a.samples![0]!.length).toBe(2);
    expect(a.samples![0]![0]!.length).toBe(200);
  });
});

describe("uncorrelated (Days || Subject) and several grouping factors", () => {
  it("(Days || Subject): two k = 1 terms, no correlation; fixed effects near lmer's REML fit", () => {
    const reml = lmer("lmer(Reaction ~ Days + (Days || Subject), sleepstudy)");
    const fit = fitBayesianLinearMixedModel("Reaction ~ Days + (Days || Subject)", readCsv("sleepstudy.csv"), { rng: createRng(3), chains: 2, draws: 1500 });
    expect(fit.parameters.map((p) => p.term)).toEqual(["(Intercept)", "Days", "sd_(Intercept)|Subject", "sd_Days|Subject", "sigma"]);
    expect(fit.random_terms.map((t) => t.label)).toEqual(["1 | Subject", "0 + Days | Subject"]);
    for (const fe of reml.fixed_effects) {
      const r = fit.parameters.find((p) => p.term === fe.term)!;
      expect(Math.abs(r.mean - fe.estimate), fe.term).toBeLessThan(0.2 * r.sd);
    }
    expect(fit.max_rhat).toBeLessThan(1.05);
  });

  it("crossed (x | subj) + (x | item): fixed effects near lmer's REML fit, every R-hat < 1.05", () => {
    const reml = lmer("lmer(y ~ x + (x | subj) + (x | item), crossed)");
    const fit = fitBayesianLinearMixedModel("y ~ x + (x | subj) + (x | item)", readCsv("crossed.csv"), { rng: createRng(4), chains: 2, draws: 1500 });
    expect(fit.ngroups).toEqual({ subj: 24, item: 10 });
    expect(fit.parameters.filter((p) => p.kind === "cor").map((p) => p.group)).toEqual(["subj", "item"]);
    for (const fe of reml.fixed_effects) {
      const r = fit.parameters.find((p) => p.term === fe.term)!;
      expect(Math.abs(r.mean - fe.estimate), fe.term).toBeLessThan(0.2 * r.sd);
    }
    expect(Math.abs(fit.parameters.at(-1)!.mean / reml.sigma - 1)).toBeLessThan(0.05);
    expect(fit.max_rhat).toBeLessThan(1.05);
    expect(fit.min_ess).toBeGreaterThan(200);
  });

  it("Penicillin (1 | plate) + (1 | sample): the intercept near lmer's, sigma within 5%", () => {
    const reml = lmer("lmer(diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)");
    const fit = fitBayesianLinearMixedModel("diameter ~ 1 + (1 | plate) + (1 | sample)", readCsv("penicillin.csv"), { rng: createRng(5), chains: 2, draws: 1500 });
    const mu = fit.parameters[0]!;
    expect(Math.abs(mu.mean - reml.fixed_effects[0].estimate)).toBeLessThan(0.2 * mu.sd);
    expect(Math.abs(fit.parameters.at(-1)!.mean / reml.sigma - 1)).toBeLessThan(0.05);
    expect(fit.max_rhat).toBeLessThan(1.05);
  });
});

describe("calibration on synthetic data with known parameters", () => {
  // y = 2 + 1.5 x + b0_j + b1_j x + e, (b0, b1) ~ N(0, Sigma) with sds 1 and 0.5, correlation 0.4,
  // sigma 0.7; 40 groups of 8 rows. For a well-calibrated posterior each 95% interval covers
  // its true value with probability about 0.95 (for data drawn from the prior exactly; here
  // approximately, the prior being weak): over 8 seeds x 6 parameters we ask for at least 42 of
  // 48 (P(Bin(48, 0.95) <= 41) is about 0.01) and at least 5 of 8 per parameter (P(Bin(8, 0.95) <= 4)
  // is about 0.0004); the draws from the rng are fixed, so the check is deterministic.
  const truth: Record<string, number> = {
    "(Intercept)": 2,
    x: 1.5,
    "sd_(Intercept)|g": 1,
    "sd_x|g": 0.5,
    "cor_(Intercept).x|g": 0.4,
    sigma: 0.7,
  };
  it("true values lie inside the 95% intervals for most seeds", () => {
    const covered: Record<string, number> = Object.fromEntries(Object.keys(truth).map((k) => [k, 0]));
    const seeds = [11, 12, 13, 14, 15, 16, 17, 18];
    for (const seed of seeds) {
      const rng = createRng(`synthetic-${seed}`);
      const rows: { y: number; x: number; g: string }[] = [];
      for (let j = 0; j < 40; j++) {
        const z1 = normalDraw(rng);
        const z2 = normalDraw(rng);
        const b0 = 1 * z1;
        const b1 = 0.5 * (0.4 * z1 + Math.sqrt(1 - 0.4 ** 2) * z2);
        for (let i = 0; i < 8; i++) {
          const x = i - 3.5 + 0.3 * normalDraw(rng);
          rows.push({ g: `g${j}`, x, y: 2 + 1.5 * x + b0 + b1 * x + 0.7 * normalDraw(rng) });
        }
      }
      const fit = fitBayesianLinearMixedModel("y ~ x + (x | g)", rows, { rng: createRng(seed), chains: 2, draws: 1000 });
      expect(fit.max_rhat).toBeLessThan(1.05);
      for (const p of fit.parameters) if (p.lower <= truth[p.term]! && truth[p.term]! <= p.upper) covered[p.term]! += 1;
    }
    const total = Object.values(covered).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(42);
    for (const [term, c] of Object.entries(covered)) expect(c, term).toBeGreaterThanOrEqual(5);
  });
});

describe("inverse-Wishart draws (Bartlett decomposition)", () => {
  it("the mean of many IW(df, S) draws is S / (df - k - 1) (BDA3 appendix A) within 3%", () => {
    const S = Float64Array.from([2, 0.6, 0.6, 1]);
    const df = 10;
    const rng = createRng(99);
    const mean = new Float64Array(4);
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const d = inverseWishartDraw(rng, df, S, 2);
      for (let r = 0; r < 4; r++) mean[r]! += d.sigma[r]! / N;
      // sigma and precision are inverses.
      if (i === 0) {
        const prod00 = d.sigma[0]! * d.precision[0]! + d.sigma[1]! * d.precision[2]!;
        const prod01 = d.sigma[0]! * d.precision[1]! + d.sigma[1]! * d.precision[3]!;
        expect(prod00).toBeCloseTo(1, 10);
        expect(prod01).toBeCloseTo(0, 10);
      }
    }
    for (let r = 0; r < 4; r++) expect(Math.abs(mean[r]! - S[r]! / (df - 3))).toBeLessThan(0.03 * (S[r]! / (df - 3)));
  });
});
