// Model bootstraps that build the model matrix once and refit under resampling weights. For lm
// and glm they must reproduce, draw for draw, the generic bootstrap that refits lm / glm on the
// resampled rows (same seed, same stream): the refit is the only thing that differs. The mixed-
// model cluster bootstrap is checked against lme4's model-based standard errors and against R's
// boot() over subjects with lmer refits (a different random stream, so compared within Monte
// Carlo error), for seeded determinism, and for keeping groups whole.
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { bootstrapCoefficients } from "../../src/stats/bootstrap/bootstrap-coefficients.js";
import { bootstrapLinearMixedModel } from "../../src/stats/bootstrap/bootstrap-linear-mixed-model.js";
import { bootstrapRegression } from "../../src/stats/bootstrap/bootstrap-regression.js";
import { drawUnits, gatherUnits, resamplingUnits } from "../../src/stats/bootstrap/bootstrap-units.js";
import { numericResponse, prepareModelData } from "../../src/stats/formula/model-data.js";
import { GroupBlockDeviance, groupBlocks } from "../../src/stats/mixed/group-block-deviance.js";
import { buildReStructure } from "../../src/stats/mixed/random-effects-structure.js";
import { fitLinearModel } from "../../src/stats/linear/fit-linear-model.js";
import { fitLogisticRegression } from "../../src/stats/linear/fit-logistic-regression.js";
import { readCsv, reference, relErr } from "./helpers/fixtures.js";

type Rows = readonly Readonly<Record<string, unknown>>[];
const byTerm = (fit: { fixed_effects: { term: string; estimate: number }[] }, terms: readonly string[]) => {
  const m = new Map(fit.fixed_effects.map((r) => [r.term, r.estimate]));
  return Float64Array.from(terms, (t) => m.get(t) ?? NaN);
};

describe("bootstrapRegression equals the generic bootstrap with lm / glm refits, draw for draw", () => {
  const ab = readCsv("causal-ab.csv");
  const terms = ["(Intercept)", "treatment", "x"];
  const lmStat = (d: Rows) => byTerm(fitLinearModel("y ~ treatment + x", d), terms);
  for (const cluster of [undefined, "cluster"]) {
    it(`lm, ${cluster ? "cluster" : "case"} bootstrap: SE, percentile and BCa to 1e-8`, () => {
      const opts = { replicates: 200, ...(cluster ? { cluster } : {}) };
      const fast = bootstrapRegression("y ~ treatment + x", ab, { rng: createRng(11), ...opts });
      const slow = bootstrapCoefficients(ab, terms, lmStat, { rng: createRng(11), ...opts });
      expect(fast.kind).toBe(slow.kind);
      expect(fast.resampling_units).toBe(slow.resampling_units);
      expect(fast.failed_replicates).toBe(0);
      fast.rows.forEach((r, j) => {
        const s = slow.rows[j]!;
        expect(r.term).toBe(s.term);
        for (const k of ["estimate", "std_error", "percentile_lower", "percentile_upper", "bca_lower", "bca_upper", "acceleration"] as const) {
          expect(relErr(r[k]!, s[k]!)).toBeLessThanOrEqual(1e-8);
        }
      });
    });
  }

  it("logistic glm: SE, percentile to 1e-6 (IRLS tolerance); BCa to 5e-3 for single rows (one-step jackknife), 1e-6 for clusters (exact)", () => {
    // A response without separation in any resample: a separated resample has no MLE, and where
    // glm's iterations stop (or overflow) there is an accident of rounding.
    const ab = readCsv("causal-ab.csv");
    const bin = ab.map((r) => ({ ...r, hi: Number(r.y) > 10 ? 1 : 0 }));
    const t3 = ["(Intercept)", "treatment", "x"];
    const stat = (d: Rows) => byTerm(fitLogisticRegression("hi ~ treatment + x", d), t3);
    const fast = bootstrapRegression("hi ~ treatment + x", bin, { rng: createRng(4), replicates: 200, family: "binomial" });
    const slow = bootstrapCoefficients(bin, t3, stat, { rng: createRng(4), replicates: 200 });
    expect(fast.failed_replicates).toBe(0);
    fast.rows.forEach((r, j) => {
      const s = slow.rows[j]!;
      expect(relErr(r.estimate, s.estimate)).toBeLessThanOrEqual(1e-12);
      for (const k of ["std_error", "percentile_lower", "percentile_upper"] as const) expect(relErr(r[k], s[k])).toBeLessThanOrEqual(1e-6);
      for (const k of ["bca_lower", "bca_upper"] as const) expect(relErr(r[k]!, s[k]!)).toBeLessThanOrEqual(5e-3);
    });
    const fc = bootstrapRegression("hi ~ treatment + x", bin, { rng: createRng(5), replicates: 100, family: "binomial", cluster: "cluster" });
    const sc = bootstrapCoefficients(bin, t3, stat, { rng: createRng(5), replicates: 100, cluster: "cluster" });
    fc.rows.forEach((r, j) => {
      for (const k of ["std_error", "percentile_lower", "bca_lower", "bca_upper", "acceleration"] as const) expect(relErr(r[k]!, sc.rows[j]![k]!)).toBeLessThanOrEqual(1e-6);
    });
  });

  it("a factor level missing from a replicate makes its coefficient aliased (NaN, a failed replicate); the others are lm's", () => {
    const mt = readCsv("mtcars.csv");
    const terms = ["(Intercept)", "wt", "factor(carb)2", "factor(carb)3", "factor(carb)4", "factor(carb)6", "factor(carb)8"];
    const stat = (d: Rows) => byTerm(fitLinearModel("mpg ~ wt + factor(carb)", d), terms);
    const fast = bootstrapRegression("mpg ~ wt + factor(carb)", mt, { rng: createRng(8), replicates: 200 });
    const slow = bootstrapCoefficients(mt, terms, stat, { rng: createRng(8), replicates: 200 });
    expect(fast.rows.map((r) => r.term)).toEqual(terms);
    // carb 6 and 8 have one car each: absent from about (31/32)^32 = 36% of the replicates.
    expect(fast.failed_replicates).toBe(slow.failed_replicates);
    expect(fast.failed_replicates).toBeGreaterThan(80);
    for (const j of [1, 2, 5]) {
      expect(relErr(fast.rows[j]!.std_error, slow.rows[j]!.std_error)).toBeLessThanOrEqual(1e-8);
      expect(relErr(fast.rows[j]!.percentile_upper, slow.rows[j]!.percentile_upper)).toBeLessThanOrEqual(1e-8);
    }
  });

  it("a nearly collinear design is solved by QR on the weighted rows, as lm on the resampled rows", () => {
    const rng = createRng(77);
    const rows = Array.from({ length: 60 }, () => {
      const x = normalDraw(rng);
      const z = x + 1e-6 * normalDraw(rng);
      return { x, z, y: 1 + x + z + normalDraw(rng) };
    });
    const t = ["(Intercept)", "x", "z"];
    const fast = bootstrapRegression("y ~ x + z", rows, { rng: createRng(3), replicates: 50 });
    const slow = bootstrapCoefficients(rows, t, (d) => byTerm(fitLinearModel("y ~ x + z", d), t), { rng: createRng(3), replicates: 50 });
    fast.rows.forEach((r, j) => expect(relErr(r.std_error, slow.rows[j]!.std_error)).toBeLessThanOrEqual(1e-6));
  });

  it("is reproducible for a seed and reports progress up to 1", () => {
    const ab = readCsv("causal-ab.csv");
    const seen: number[] = [];
    const a = bootstrapRegression("y ~ treatment + x", ab, { rng: createRng(21), replicates: 50, onProgress: (d) => seen.push(d) });
    const b = bootstrapRegression("y ~ treatment + x", ab, { rng: createRng(21), replicates: 50 });
    expect(a).toEqual(b);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
  });
});

describe("cluster bootstrap of a linear mixed model", () => {
  const sleep = readCsv("sleepstudy.csv");
  const lmer = reference.lmer.find((c: { r: string }) => c.r === "lmer(Reaction ~ Days + (Days | Subject), sleepstudy)");

  it("keeps groups whole: the gathered rows of each draw are exactly one group's rows", () => {
    const units = resamplingUnits(sleep, "Subject");
    expect(units.count).toBe(18);
    const draws = Int32Array.from([3, 3, 0, 17]);
    const { rows, draw } = gatherUnits(units, draws);
    expect(rows.length).toBe(40);
    for (let k = 0; k < draws.length; k++) {
      const mine = [...rows].filter((_, r) => draw[r] === k);
      expect(new Set(mine.map((i) => sleep[i]!.Subject))).toEqual(new Set([units.keys![draws[k]!]]));
      expect(mine).toEqual(Array.from(units.members.subarray(units.offsets[draws[k]!]!, units.offsets[draws[k]! + 1]!)));
    }
  });

  it("sleepstudy, 1000 replicates: estimates are lmer's; SEs near lme4's model-based SEs and R's boot() over subjects", () => {
    const b = bootstrapLinearMixedModel("Reaction ~ Days + (Days | Subject)", sleep, { rng: createRng(1), replicates: 1000 });
    expect(b.cluster).toBe("Subject");
    expect(b.resampling_units).toBe(18);
    expect(b.failed_replicates).toBe(0);
    expect(b.rows.map((r) => r.term)).toEqual(["(Intercept)", "Days", "sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject", "sd_Days|Subject", "sigma"]);
    // lme4: fixef(m), as.data.frame(VarCorr(m))$sdcor (r-reference.json), to 1e-5 (θ to ~1e-6).
    const want = [lmer.fixed_effects[0].estimate, lmer.fixed_effects[1].estimate, ...[0, 2, 1, 3].map((k) => lmer.variance_components[k].sdcor)];
    b.rows.forEach((r, j) => expect(relErr(r.estimate, want[j]!)).toBeLessThanOrEqual(1e-5));
    // With 18 subjects the bootstrap SE of a fixed effect estimates the sandwich-like SE, close to the
    // model-based one (lme4 vcov: 6.8246, 1.5458): within 15% (Monte Carlo sd of a 1000-replicate SE ~2%).
    expect(relErr(b.rows[0]!.std_error, lmer.tight.std_error[0])).toBeLessThanOrEqual(0.15);
    expect(relErr(b.rows[1]!.std_error, lmer.tight.std_error[1])).toBeLessThanOrEqual(0.15);
    // R 4.2.2, lme4 1.1.31, boot 1.3.28.1: set.seed(20260); b <- boot(subjects, function(s, i) { refit
    // lmer(Reaction ~ Days + (Days | Subject)) on the drawn subjects, each draw a new subject;
    // c(fixef(m), as.data.frame(VarCorr(m))$sdcor) }, R = 2000); apply(b$t, 2, sd) gives 6.483745,
    // 1.541581 (fixed effects), 5.028315, 1.080198 (sds), 4.018689 (sigma). A different random stream:
    // within 10% for the fixed effects (about 3 Monte Carlo sd with 18 clusters) and 15% for the sds.
    const rBoot = [6.483745, 1.541581, 5.028315, NaN, 1.080198, 4.018689];
    [0, 1].forEach((j) => expect(relErr(b.rows[j]!.std_error, rBoot[j]!)).toBeLessThanOrEqual(0.1));
    [2, 4, 5].forEach((j) => expect(relErr(b.rows[j]!.std_error, rBoot[j]!)).toBeLessThanOrEqual(0.15));
    for (const r of b.rows.filter((x) => x.kind !== "cor")) {
      expect(r.bca_lower!).toBeLessThan(r.estimate);
      expect(r.bca_upper!).toBeGreaterThan(r.estimate);
      expect(r.percentile_lower).toBeLessThan(r.percentile_upper);
    }
  }, 60_000);

  it("is reproducible for a seed; a different seed gives different replicates", () => {
    const opts = { replicates: 40 } as const;
    const a = bootstrapLinearMixedModel("Reaction ~ Days + (Days | Subject)", sleep, { rng: createRng(5), ...opts });
    const b = bootstrapLinearMixedModel("Reaction ~ Days + (Days | Subject)", sleep, { rng: createRng(5), ...opts });
    const c = bootstrapLinearMixedModel("Reaction ~ Days + (Days | Subject)", sleep, { rng: createRng(6), ...opts });
    expect(a).toEqual(b);
    expect(c.rows[1]!.std_error).not.toBe(a.rows[1]!.std_error);
  }, 30_000);

  it("nested factors: (1 | batch/cask) resamples batches, casks relabelled per draw", () => {
    const pastes = readCsv("pastes.csv");
    const b = bootstrapLinearMixedModel("strength ~ 1 + (1 | batch/cask)", pastes, { rng: createRng(2), replicates: 100 });
    expect(b.cluster).toBe("batch");
    expect(b.resampling_units).toBe(10);
    expect(b.rows.map((r) => r.term)).toEqual(["(Intercept)", "sd_(Intercept)|cask:batch", "sd_(Intercept)|batch", "sigma"]);
    expect(b.failed_replicates).toBe(0);
    const cask = bootstrapLinearMixedModel("strength ~ 1 + (1 | batch/cask)", pastes, { rng: createRng(2), replicates: 20, cluster: "cask:batch" });
    expect(cask.resampling_units).toBe(30);
  }, 30_000);

  // One grouping factor: a refit works from the groups' sufficient statistics (quasi-Newton from
  // the full-data θ, simplex fallback). Draw for draw it must give the row refit's estimates to
  // optimiser tolerance (1e-6; 2e-5 on a few ill-conditioned replicates) and, where they differ
  // or the row refit's simplex stopped on a bound while the optimum is inside, a criterion no higher.
  for (const [formula, reml] of [
    ["Reaction ~ Days + (Days | Subject)", true],
    ["Reaction ~ Days + (Days | Subject)", false],
    ["Reaction ~ Days + (Days || Subject)", true],
    ["Reaction ~ Days + (1 | Subject)", true],
  ] as const) {
    it(`${formula} (${reml ? "REML" : "ML"}): group sufficient statistics give the row refits' estimates, draw for draw`, () => {
      const R = 100;
      const got: Float64Array[][] = [[], []];
      const res = (["auto", "rows"] as const).map((refit, k) =>
        bootstrapLinearMixedModel(formula, sleep, { rng: createRng(3), replicates: R, reml, refit, onReplicate: (i, v) => (got[k]![i] = v) }),
      );
      expect(res[0]!.rows.map((r) => r.estimate)).toEqual(res[1]!.rows.map((r) => r.estimate));
      const G = 18;
      expect(got[0]!.length).toBe(R + G);
      const kinds = res[0]!.rows.map((r) => r.kind);
      // θ of a (Days | Subject) parameter vector: Λ = chol(Σ) / σ (an sd of 0 leaves only the other's).
      const thetaOf = (v: Float64Array): Float64Array => {
        if (kinds.length === 4) return Float64Array.from([v[2]! / v[3]!]);
        if (kinds.length === 5) return Float64Array.from([v[2]! / v[4]!, v[3]! / v[4]!]);
        const [s0, cor, s1, sigma] = [v[2]!, v[3]!, v[4]!, v[5]!];
        const l10 = s0 > 0 ? (cor * s1) / sigma : 0;
        return Float64Array.from([s0 / sigma, l10, Math.sqrt(Math.max(0, (s1 / sigma) ** 2 - l10 ** 2))]);
      };
      const data = prepareModelData(formula, sleep, { allowRandom: true });
      const re = buildReStructure(data.formula.random, data.frame);
      const bd = new GroupBlockDeviance(groupBlocks(re, data.X, numericResponse(data)), re, reml);
      const rng = createRng(3);
      const draws = new Int32Array(G);
      let boundary = 0;
      for (let i = 0; i < R + G; i++) {
        const weights = new Float64Array(G);
        if (i < R) for (const g of drawUnits(rng, G, draws)) weights[g]!++;
        else weights.fill(1).set([0], i - R);
        const fast = got[0]![i]!;
        const slow = got[1]![i]!;
        // The row refit ended on a bound: an sd of 0 or a correlation of ±1 (a zero diagonal of Λ).
        const onBound = kinds.some((kind, j) => (kind === "sd" && slow[j] === 0) || (kind === "cor" && Math.abs(slow[j]!) === 1));
        const within = (tol: number) =>
          kinds.every((kind, j) => {
            if (kind === "cor") return Number.isNaN(slow[j]!) || Math.abs(fast[j]! - slow[j]!) <= tol;
            return relErr(fast[j]!, slow[j]!) <= tol;
          });
        if (within(1e-6)) continue;
        // An ill-conditioned replicate (the simplex's tolerance shows at 1e-6) or a bound.
        if (!onBound) expect(within(2e-5)).toBe(true);
        boundary++;
        bd.setWeights(weights);
        const dFast = bd.deviance(thetaOf(fast));
        expect(dFast).toBeLessThanOrEqual(bd.deviance(thetaOf(slow)) + 1e-10 * Math.abs(dFast));
      }
      expect(boundary).toBeLessThanOrEqual(R / 10);
    }, 60_000);
  }

  it("options.cluster that is not a grouping factor is an error naming options.cluster", () => {
    let err: unknown;
    try {
      bootstrapLinearMixedModel("Reaction ~ Days + (Days | Subject)", sleep, { rng: createRng(1), replicates: 20, cluster: "Days" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).path).toBe("options.cluster");
  });
});
