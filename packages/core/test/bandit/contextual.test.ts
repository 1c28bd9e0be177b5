import { describe, expect, it } from "vitest";
import { createRng, InvalidArgumentError, murmur3 } from "../../src/index.js";
import {
  applyContextualReward,
  buildFeatureVector,
  contextual,
  FEATURE_HASH_SEED,
  featureDimension,
  featureLabels,
  hashBucket,
  initialLinearArm,
  linUcbScore,
  mergeLinearArms,
  refreshInverse,
} from "../../src/bandit/index.js";
import type { ContextFeatures, LinearArmState } from "../../src/bandit/index.js";
import { luInverse } from "./reference.js";

/** Direct inverse from ml-matrix when it is installed, else the LU reference of reference.ts. */
async function directInverse(a: number[][]): Promise<{ inv: number[][]; source: string }> {
  try {
    const name = "ml-matrix";
    const mod = (await import(/* @vite-ignore */ name)) as { Matrix: new (a: number[][]) => unknown; inverse: (m: unknown) => { to2DArray(): number[][] } };
    return { inv: mod.inverse(new mod.Matrix(a)).to2DArray(), source: "ml-matrix" };
  } catch {
    return { inv: luInverse(a), source: "LU reference" };
  }
}

function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

describe("linear model with Sherman-Morrison updates", () => {
  it("keeps A^-1 equal to a direct inverse of A to 1e-10", async () => {
    const rng = createRng("sherman-morrison");
    const d = 6;
    let arm: LinearArmState = initialLinearArm("a", d, 1);
    for (let t = 0; t < 200; t++) {
      const x = [1, ...Array.from({ length: d - 1 }, () => 4 * rng() - 2)];
      arm = applyContextualReward(arm, x, rng());
    }
    const { inv } = await directInverse(arm.a);
    expect(maxAbsDiff(arm.a_inv, inv)).toBeLessThan(1e-10);
    // and A A^-1 = I
    const prod = arm.a.map((row) => arm.a_inv[0]!.map((_, j) => row.reduce((s, v, k) => s + v * arm.a_inv[k]![j]!, 0)));
    expect(maxAbsDiff(prod, arm.a.map((r, i) => r.map((_, j) => (i === j ? 1 : 0))))).toBeLessThan(1e-10);
    expect(maxAbsDiff(refreshInverse(arm).a_inv, arm.a_inv)).toBeLessThan(1e-10);
  });

  it("merges shards into the model of all the data (A and b add)", () => {
    const rng = createRng("merge");
    const data = Array.from({ length: 60 }, () => ({ x: [1, rng(), rng() * 3], r: rng() < 0.4 ? 1 : 0 }));
    let all = initialLinearArm("a", 3, 2), s1 = initialLinearArm("a", 3, 2), s2 = initialLinearArm("a", 3, 2);
    data.forEach(({ x, r }, i) => {
      all = applyContextualReward(all, x, r);
      if (i % 3 === 0) s1 = applyContextualReward(s1, x, r);
      else s2 = applyContextualReward(s2, x, r);
    });
    const merged = mergeLinearArms(s1, s2, 2);
    expect(merged.n).toBe(60);
    expect(maxAbsDiff(merged.a, all.a)).toBeLessThan(1e-10);
    expect(maxAbsDiff(merged.a_inv, all.a_inv)).toBeLessThan(1e-10);
    merged.b.forEach((v, i) => expect(v).toBeCloseTo(all.b[i]!, 10));
  });

  it("scores LinUCB as x^T theta + alpha sqrt(x^T A^-1 x) (Li et al. 2010, alg. 1)", () => {
    const fresh = initialLinearArm("a", 2, 1);
    expect(linUcbScore(fresh, [1, 2], 0.5)).toBeCloseTo(0.5 * Math.sqrt(5), 14);
    // One reward 1 at x = [1, 0]: A = diag(2, 1), b = [1, 0], theta = [0.5, 0].
    const one = applyContextualReward(fresh, [1, 0], 1);
    expect(linUcbScore(one, [1, 0], 1)).toBeCloseTo(0.5 + Math.sqrt(0.5), 14);
  });
});

const features: ContextFeatures = {
  user_features: ["age", "returning", { name: "country", type: "categorical", vocabulary: ["FR", "US"] }],
  content_features: [{ name: "tag", type: "hashed", buckets: 8 }],
};

describe("feature vector", () => {
  it("puts the intercept first, numeric as is, booleans 0/1, one-hot categorical and hashed buckets", () => {
    expect(featureDimension(features)).toBe(1 + 1 + 1 + 2 + 8);
    expect(featureLabels(features).slice(0, 5)).toEqual(["(Intercept)", "user.age", "user.returning", "user.country=FR", "user.country=US"]);
    const x = buildFeatureVector(features, { user: { age: 31, returning: true, country: "US" }, content: { tag: "sports" } });
    expect(x).toHaveLength(13);
    expect(x.slice(0, 5)).toEqual([1, 31, 1, 0, 1]);
    const bucket = murmur3("tag=sports", FEATURE_HASH_SEED) % 8;
    expect(hashBucket("tag", "sports", 8)).toBe(bucket);
    expect(x.slice(5)).toEqual(Array.from({ length: 8 }, (_, i) => (i === bucket ? 1 : 0)));
    expect(buildFeatureVector(features, { user: { country: "JP" } })).toEqual([1, ...new Array(12).fill(0)]);
    expect(buildFeatureVector(undefined, undefined)).toEqual([1]);
  });

  it("refuses undeclared features, naming them with a path", () => {
    let error: unknown;
    try {
      buildFeatureVector(features, { user: { age: 3, device: "ios" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).message).toContain('"device"');
    expect((error as InvalidArgumentError).path).toBe("context.user.device");
    expect(() => buildFeatureVector(features, { content: { age: 3 } })).toThrow(/"age"/);
    expect(() => buildFeatureVector(features, { user: { age: "old" } })).toThrow(InvalidArgumentError);
  });
});

describe("Contextual policy", () => {
  for (const model of ["linucb", "lints"] as const) {
    it(`learns a context-dependent best arm (${model})`, () => {
      // Segment a: arm 0 pays 0.8, arm 1 0.2; segment b: the reverse.
      const f: ContextFeatures = { user_features: [{ name: "segment", type: "categorical", vocabulary: ["a", "b"] }] };
      const policy = contextual({ exploration_rate: 0.5, arm_ids: ["x", "y"], context_features: f, model });
      const rng = createRng(`learn-${model}`);
      let state = policy.initialState();
      for (let t = 0; t < 600; t++) {
        const seg = rng() < 0.5 ? "a" : "b";
        const ctx = { context: { user: { segment: seg } } };
        const arm = policy.choose(state, ctx, rng);
        const p = (seg === "a") === (arm === 0) ? 0.8 : 0.2;
        state = policy.update(state, arm, rng() < p ? 1 : 0, ctx);
      }
      const da = policy.decide(state, { context: { user: { segment: "a" } } }, createRng(1));
      const db = policy.decide(state, { context: { user: { segment: "b" } } }, createRng(2));
      expect(da.probabilities![0]).toBeGreaterThan(0.9);
      expect(db.probabilities![1]).toBeGreaterThan(0.9);
    });
  }

  it("refuses a state of another dimension and an undeclared context feature", () => {
    const policy = contextual({ exploration_rate: 0.5, arm_ids: ["x", "y"], context_features: features });
    const other = contextual({ exploration_rate: 0.5, arm_ids: ["x", "y"] });
    expect(() => policy.decide(other.initialState(), {}, createRng(1))).toThrow(InvalidArgumentError);
    expect(() => policy.decide(policy.initialState(), { context: { user: { nope: 1 } } }, createRng(1))).toThrow(/nope/);
  });
});
