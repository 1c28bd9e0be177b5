import { describe, expect, it } from "vitest";
import { chooseBucket, createRng, hashToUnit, HASH_VERSIONS, murmur3, validateWeights, InvalidArgumentError } from "../../src/index.js";

describe("murmur3", () => {
  it("matches the published MurmurHash3_x86_32 test vectors", () => {
    // Vectors from the reference implementation's SMHasher verification set (as listed by
    // Appleby's MurmurHash3.cpp users, e.g. Python mmh3.hash(key, seed, signed=False)).
    expect(murmur3("", 0)).toBe(0);
    expect(murmur3("", 1)).toBe(0x514e28b7);
    expect(murmur3("hello", 0)).toBe(0x248bfa47);
    expect(murmur3("Hello, world!", 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3("The quick brown fox jumps over the lazy dog", 0x9747b28c)).toBe(0x2fa826cd);
  });
});

describe("hashToUnit", () => {
  it("is stable: version 1 values are frozen forever", () => {
    // Golden values recorded when hash v1 was published. A change here re-buckets every unit of
    // every running experiment: add a new version instead.
    expect(hashToUnit("exp-1", "user-1", 1)).toBe(0.7628857977938852);
    expect(hashToUnit("exp-1", "user-2", 1)).toBe(0.5427389966520462);
    expect(hashToUnit("6f0c2a1e-0000-4000-8000-000000000001", "alice", 1)).toBe(0.7442127626789855);
    expect(hashToUnit("s", "ünïcødé-ユーザー", 1)).toBe(0.4048216920996043);
  });

  it("lists its versions and rejects unknown ones", () => {
    expect(HASH_VERSIONS).toContain(1);
    expect(() => hashToUnit("s", "u", 99)).toThrow(InvalidArgumentError);
  });

  it("is uniform: chi-square over 100 buckets on 100k units", () => {
    const buckets = 100;
    const n = 100_000;
    const counts = new Array<number>(buckets).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const u = hashToUnit("uniformity-seed", `user-${i}`);
      if (!(u >= 0 && u < 1)) outOfRange++;
      else counts[Math.floor(u * buckets)]!++;
    }
    expect(outOfRange).toBe(0);
    const expected = n / buckets;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // R: qchisq(0.999, df = 99) = 148.2303
    expect(chi2).toBeLessThan(148.2303);
  });

  it("is independent across seeds (2x2 contingency of the halves)", () => {
    // Units in the upper half under one seed should split evenly under another seed.
    const n = 100_000;
    let both = 0;
    let first = 0;
    for (let i = 0; i < n; i++) {
      const a = hashToUnit("seed-a", `u${i}`) >= 0.5;
      const b = hashToUnit("seed-b", `u${i}`) >= 0.5;
      if (a) first++;
      if (a && b) both++;
    }
    // Binomial sd of `both` given `first` is sqrt(first/4) ~ 112; allow 4.5 sd.
    expect(Math.abs(both - first / 2)).toBeLessThan(4.5 * Math.sqrt(first / 4));
  });
});

describe("chooseBucket", () => {
  it("cuts [0,1) into consecutive intervals by weight", () => {
    const w = [0.2, 0.3, 0.5];
    expect(chooseBucket(0, w)).toBe(0);
    expect(chooseBucket(0.1999, w)).toBe(0);
    expect(chooseBucket(0.2, w)).toBe(1);
    expect(chooseBucket(0.4999, w)).toBe(1);
    expect(chooseBucket(0.5, w)).toBe(2);
    expect(chooseBucket(0.9999999, w)).toBe(2);
  });

  it("never chooses a zero-weight bucket", () => {
    const w = [0, 0.5, 0, 0.5, 0];
    for (let i = 0; i < 1000; i++) {
      const k = chooseBucket(i / 1000, w);
      expect(w[k]).toBeGreaterThan(0);
    }
  });

  it("follows the weights over hashed units (chi-square, 3 buckets)", () => {
    const w = [0.5, 0.25, 0.25];
    const counts = [0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[chooseBucket(hashToUnit("w", `u${i}`), w)]!++;
    const chi2 = counts.reduce((s, c, i) => s + (c - n * w[i]!) ** 2 / (n * w[i]!), 0);
    // R: qchisq(0.999, df = 2) = 13.81551
    expect(chi2).toBeLessThan(13.81551);
  });

  it("validates weights", () => {
    expect(() => validateWeights([0.5, 0.6])).toThrow(/sum to 1/);
    expect(() => validateWeights([-0.5, 1.5])).toThrow(/>= 0/);
    expect(() => validateWeights([])).toThrow(/empty/);
    expect(() => validateWeights([0.25, 0.25, 0.5])).not.toThrow();
    expect(() => chooseBucket(0.5, [0, 0])).toThrow(/positive sum/);
  });
});

describe("createRng", () => {
  it("is reproducible from its seed and differs across seeds", () => {
    const a = createRng("decision-1");
    const b = createRng("decision-1");
    const c = createRng("decision-2");
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it("has the mean and variance of U(0,1)", () => {
    const rng = createRng(42);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = rng();
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // U(0,1): mean 1/2 (se = sqrt(1/12/n) ~ 6.5e-4), variance 1/12.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(variance).toBeCloseTo(1 / 12, 3);
  });
});
