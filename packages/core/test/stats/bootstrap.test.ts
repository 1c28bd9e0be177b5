// Bootstrap intervals. BCa and percentile as pure functions of R's own replicates: the fixture
// r-reference-causal.json holds b$t and the jackknife estimates of boot(ab, stat, R = 499) and
// boot.ci's answers (type = "bca" with L = empinf(b, type = "jack"), and "perc"), compared to 1e-8.
// The resampling itself (seeded, our stream) is checked by coverage on seeded simulations.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bcaInterval, percentileInterval } from "../../src/stats/bootstrap/bootstrap-intervals.js";
import { bootstrapCoefficients } from "../../src/stats/bootstrap/bootstrap-coefficients.js";
import { fitLinearModel } from "../../src/stats/linear/fit-linear-model.js";
import { parseModelFormula } from "../../src/stats/formula/model-formula.js";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { readCsv, relErr } from "./helpers/fixtures.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref: any = JSON.parse(readFileSync(new URL("./r-reference-causal.json", import.meta.url), "utf8"));

describe("BCa and percentile intervals on R's replicates match boot.ci", () => {
  const r = ref.bca;
  for (const [level, key] of [[0.95, "95"], [0.9, "90"]] as const) {
    it(`level ${level}`, () => {
      const bca = bcaInterval(r.theta_hat, r.replicates, r.jackknife, level, "estimate");
      expect(relErr(bca.lower, r[`bca_${key}`][0])).toBeLessThanOrEqual(1e-8);
      expect(relErr(bca.upper, r[`bca_${key}`][1])).toBeLessThanOrEqual(1e-8);
      const [pl, pu] = percentileInterval(r.replicates, level);
      expect(relErr(pl, r[`perc_${key}`][0])).toBeLessThanOrEqual(1e-8);
      expect(relErr(pu, r[`perc_${key}`][1])).toBeLessThanOrEqual(1e-8);
    });
  }
});

describe("BCa with Efron & Tibshirani's jackknife-mean centring matches boot.ci given that L", () => {
  it("level 0.95", () => {
    const r = ref.bca;
    const bca = bcaInterval(r.theta_hat, r.replicates, r.jackknife, 0.95);
    expect(relErr(bca.lower, r.bca_mean_95[0])).toBeLessThanOrEqual(1e-8);
    expect(relErr(bca.upper, r.bca_mean_95[1])).toBeLessThanOrEqual(1e-8);
  });
});

describe("case and cluster bootstrap of lm coefficients", () => {
  const ab = readCsv("causal-ab.csv");
  const f = parseModelFormula("y ~ treatment + x");
  const stat = (rows: readonly Readonly<Record<string, unknown>>[]) => fitLinearModel(f, rows).coefficients;
  const terms = ["(Intercept)", "treatment", "x"];
  it("is reproducible for a seed and its SE is near the OLS SE", () => {
    const a = bootstrapCoefficients(ab, terms, stat, { rng: createRng(11), replicates: 200 });
    const b = bootstrapCoefficients(ab, terms, stat, { rng: createRng(11), replicates: 200 });
    expect(a).toEqual(b);
    const ols = fitLinearModel(f, ab).fixed_effects[1]!.std_error;
    expect(a.rows[1]!.std_error / ols).toBeGreaterThan(0.8);
    expect(a.rows[1]!.std_error / ols).toBeLessThan(1.25);
    expect(a.rows[1]!.bca_lower!).toBeLessThan(a.rows[1]!.estimate);
    expect(a.rows[1]!.bca_upper!).toBeGreaterThan(a.rows[1]!.estimate);
  });
  it("resamples whole clusters with options.cluster", () => {
    const c = bootstrapCoefficients(ab, terms, stat, { rng: createRng(12), replicates: 100, cluster: "cluster" });
    expect(c.kind).toBe("cluster");
    expect(c.resampling_units).toBe(30);
  });
  it("covers the true slope about 95% of the time (seeded, 200 data sets x 199 replicates)", () => {
    const g = parseModelFormula("y ~ x");
    const rng = createRng(2026);
    let coverBca = 0;
    let coverPerc = 0;
    const sims = 200;
    for (let s = 0; s < sims; s++) {
      const rows = Array.from({ length: 40 }, () => {
        const x = normalDraw(rng);
        return { x, y: 1 + 2 * x + normalDraw(rng) };
      });
      const res = bootstrapCoefficients(rows, ["(Intercept)", "x"], (d) => fitLinearModel(g, d).coefficients, { rng, replicates: 199 });
      const row = res.rows[1]!;
      if (row.bca_lower! <= 2 && 2 <= row.bca_upper!) coverBca++;
      if (row.percentile_lower <= 2 && 2 <= row.percentile_upper) coverPerc++;
    }
    // Binomial(200, 0.95) sd is about 3.1%; bootstrap intervals at n = 40 run a little short.
    expect(coverBca / sims).toBeGreaterThan(0.86);
    expect(coverPerc / sims).toBeGreaterThan(0.86);
    expect(coverBca / sims).toBeLessThanOrEqual(1);
  }, 60_000);
});
