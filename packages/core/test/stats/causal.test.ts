// Causal estimators against R 4.2 (r-reference-causal.json, made by r-reference-causal.R on the
// seeded fixtures causal-ab.csv and causal-did.csv), all to 1e-8 relative: CUPED (direct R
// arithmetic), ANCOVA (summary.lm), difference-in-differences with CR1 cluster-robust SEs
// (sandwich::vcovCL(type = "HC1")), each with its variance reduction.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitCausalModel } from "../../src/stats/causal/fit-causal-model.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { readCsv, relErr } from "./helpers/fixtures.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref: any = JSON.parse(readFileSync(new URL("./r-reference-causal.json", import.meta.url), "utf8"));
const ab = readCsv("causal-ab.csv");
const did = readCsv("causal-did.csv");
const TOL = 1e-8;

function close(got: number, want: number, what: string): void {
  expect(relErr(got, want), `${what}: got ${got}, R ${want}`).toBeLessThanOrEqual(TOL);
}

describe("CUPED matches R", () => {
  const fit = fitCausalModel("y ~ treatment", ab, { method: "cuped", covariate: "x" });
  it("theta, adjusted effect and SE, unadjusted SE, variance reduction", () => {
    const r = ref.cuped;
    close(fit.theta!, r.theta, "theta");
    close(fit.effect.estimate, r.effect, "effect");
    close(fit.effect.std_error, r.std_error, "std_error");
    close(fit.unadjusted_std_error, r.unadjusted_std_error, "unadjusted_std_error");
    close(fit.details.unadjusted_effect!, r.unadjusted_effect, "unadjusted_effect");
    close(fit.variance_reduction, r.variance_reduction, "variance_reduction");
    close(fit.details.control_mean!, r.control_mean, "control_mean");
    expect(fit.effect_term).toBe("treatment");
  });
});

describe("ANCOVA matches R lm(y ~ treatment + x)", () => {
  const fit = fitCausalModel("y ~ treatment", ab, { method: "ancova", covariate: "x" });
  it("effect, SE, t, p, interval, variance reduction", () => {
    const r = ref.ancova;
    close(fit.effect.estimate, r.effect, "effect");
    close(fit.effect.std_error, r.std_error, "std_error");
    close(fit.effect.statistic, r.statistic, "statistic");
    close(fit.effect.p_value, r.p_value, "p_value");
    close(fit.effect.ci_lower, r.ci[0], "ci_lower");
    close(fit.effect.ci_upper, r.ci[1], "ci_upper");
    close(fit.details.covariate_coefficient!, r.x_coef, "x");
    close(fit.unadjusted_std_error, r.unadjusted_std_error, "unadjusted_std_error");
    close(fit.variance_reduction, r.variance_reduction, "variance_reduction");
  });
});

describe("difference-in-differences with CR1 cluster-robust SEs matches sandwich::vcovCL", () => {
  const fit = fitCausalModel("y ~ treated * post", did, { method: "did", cluster: "unit" });
  const r = ref.did;
  it("coefficient table on G - 1 df", () => {
    expect(fit.fixed_effects.map((x) => x.term)).toEqual(r.terms);
    expect(fit.n_clusters).toBe(r.n_clusters);
    fit.fixed_effects.forEach((row, j) => {
      for (const k of ["estimate", "std_error", "statistic", "p_value", "ci_lower", "ci_upper"] as const) close(row[k], r[k][j], `${row.term} ${k}`);
    });
    expect(fit.effect_term).toBe("treated:post");
  });
  it("the full CR1 covariance matrix", () => {
    fit.covariance.forEach((row, a) => row.forEach((v, b) => close(v, r.vcov[a][b], `vcov[${a}][${b}]`)));
  });
  it("differs from the homoskedastic lm SEs, and reports variance reduction against the post-only comparison", () => {
    expect(Math.abs(fit.effect.std_error - r.lm_std_error[3])).toBeGreaterThan(1e-3);
    close(fit.unadjusted_std_error, r.post_only_std_error, "post_only_std_error");
    close(fit.variance_reduction, r.variance_reduction, "variance_reduction");
  });
});

describe("causal preconditions", () => {
  it("name the missing option or malformed formula", () => {
    expect(() => fitCausalModel("y ~ treatment", ab, { method: "cuped" })).toThrow(/options\.covariate/);
    expect(() => fitCausalModel("y ~ treated * post", did, { method: "did" })).toThrow(/options\.cluster/);
    expect(() => fitCausalModel("y ~ treated + post", did, { method: "did", cluster: "unit" })).toThrow(InvalidArgumentError);
    expect(() => fitCausalModel("y ~ treatment + x", ab, { method: "ancova", covariate: "x" })).toThrow(/y ~ treatment/);
  });
});
