// The POST /v1/power calculator: which field is solved for, the power default, total_n, and the
// typed errors (InvalidArgumentError with the field's path) for bad or unsolvable requests.

import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { powerAnova, powerTwoMeans, powerTwoProportions, solvePower, type PowerRequest } from "../../src/power/index.js";

function errorOf(request: unknown): InvalidArgumentError {
  try {
    solvePower(request as PowerRequest);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("solvePower: what is solved for", () => {
  it("solves n_per_group with power defaulting to 0.8 (R: power.prop.test(p1 = .5, p2 = .75, power = .8, tol = 1e-12)$n)", () => {
    const r = solvePower({ test: "two_proportions", p1: 0.5, p2: 0.75 });
    expect(r.solved_for).toBe("n_per_group");
    expect(r.power).toBe(0.8);
    expect(r.n_per_group).toBeCloseTo(powerTwoProportions({ p1: 0.5, p2: 0.75, power: 0.8 }).n, 12);
    expect(r.total_n).toBe(2 * r.n_per_group);
    expect(r).toMatchObject({ test: "two_proportions", alpha: 0.05, alternative: "two-sided", effect: { p1: 0.5, p2: 0.75 } });
  });

  it("matches R's headline example (R: power.prop.test(p1 = .5, p2 = .75, power = .9, tol = 1e-12)$n = 76.7069284517774)", () => {
    const r = solvePower({ test: "two_proportions", p1: 0.5, p2: 0.75, power: 0.9 });
    expect(Math.abs(r.n_per_group - 76.7069284517774) / 76.7069284517774).toBeLessThan(1e-12);
  });

  it("solves power when n_per_group and the effect are given", () => {
    const r = solvePower({ test: "two_means", delta: 0.5, sd: 2, n_per_group: 100 });
    expect(r.solved_for).toBe("power");
    expect(r.power).toBe(powerTwoMeans({ delta: 0.5, sd: 2, n: 100 }).power);
  });

  it("solves the effect when n_per_group and power are given", () => {
    const r = solvePower({ test: "anova", groups: 4, n_per_group: 20, power: 0.9 });
    expect(r.solved_for).toBe("effect");
    if (r.test !== "anova") throw new Error("expected an anova result");
    expect(r.effect.f).toBeCloseTo(powerAnova({ groups: 4, n: 20, power: 0.9 }).f, 12);
    expect(r.total_n).toBe(80);
  });

  it("counts total_n as n for one-sample and paired designs, n per group times groups otherwise", () => {
    for (const type of ["one.sample", "paired"] as const) {
      const r = solvePower({ test: "two_means", delta: 0.4, type, power: 0.9 });
      expect(r.total_n).toBe(r.n_per_group);
    }
    const two = solvePower({ test: "two_means", delta: 0.4, power: 0.9 });
    expect(two.total_n).toBe(2 * two.n_per_group);
    const anova = solvePower({ test: "anova", groups: 5, f: 0.25 });
    expect(anova.total_n).toBeCloseTo(5 * anova.n_per_group, 9);
  });

  it("solves a negative delta for alternative 'less' and p2 below p1", () => {
    const means = solvePower({ test: "two_means", n_per_group: 30, power: 0.8, alternative: "less" });
    expect(means.test === "two_means" && means.effect.delta).toBeLessThan(0);
    const props = solvePower({ test: "two_proportions", p1: 0.4, n_per_group: 200, power: 0.8, alternative: "less" });
    expect(props.test === "two_proportions" && props.effect.p2).toBeLessThan(0.4);
  });

  it("returns the smallest design, with its own power, when that already exceeds the target", () => {
    const r = solvePower({ test: "two_means", delta: 10, sd: 1, power: 0.8 });
    expect(r.n_per_group).toBe(2);
    expect(r.power).toBeGreaterThan(0.8);
  });
});

describe("solvePower: missing and conflicting fields", () => {
  it("rejects a request with nothing left to solve", () => {
    const e = errorOf({ test: "two_proportions", p1: 0.1, p2: 0.2, n_per_group: 100, power: 0.8 });
    expect(e.message).toMatch(/all given/);
  });

  it("names the fields when more than one is missing and power cannot default", () => {
    const e = errorOf({ test: "two_proportions", p1: 0.1, n_per_group: 100 });
    expect(e.message).toMatch(/power and p2/);
    expect(e.path).toBe("power");
  });

  it("defaults power only when n_per_group is absent, then still needs the effect", () => {
    const e = errorOf({ test: "two_means", sd: 1 });
    expect(e.message).toMatch(/n_per_group and delta/);
    expect(e.path).toBe("n_per_group");
  });

  it("treats null like an absent field", () => {
    const r = solvePower({ test: "anova", groups: 3, f: 0.25, n_per_group: null, power: null });
    expect(r.solved_for).toBe("n_per_group");
    expect(r.power).toBe(0.8);
  });
});

describe("solvePower: validation errors name the field", () => {
  it.each([
    [{ test: "two_proportions", p1: 1.2, p2: 0.5 }, "p1"],
    [{ test: "two_proportions", p1: 0.2, p2: 0 }, "p2"],
    [{ test: "two_proportions", p1: 0.2, p2: 0.3, alpha: 0 }, "alpha"],
    [{ test: "two_proportions", p1: 0.2, p2: 0.3, power: 0.01 }, "power"],
    [{ test: "two_proportions", p1: 0.2, p2: 0.3, power: 1 }, "power"],
    [{ test: "two_proportions", p1: 0.2, p2: 0.3, n_per_group: 1.5 }, "n_per_group"],
    [{ test: "two_proportions", p1: 0.2, p2: 0.3, alternative: "both" }, "alternative"],
    [{ test: "two_means", delta: 1, sd: 0 }, "sd"],
    [{ test: "two_means", delta: 1, n_per_group: 1, type: "paired" }, "n_per_group"],
    [{ test: "two_means", delta: 1, type: "welch" }, "type"],
    [{ test: "two_means", delta: Number.NaN }, "delta"],
    [{ test: "anova", groups: 1, f: 0.2 }, "groups"],
    [{ test: "anova", groups: 2.5, f: 0.2 }, "groups"],
    [{ test: "anova", groups: 3, f: 0 }, "f"],
    [{ test: "chi_square" }, "test"],
  ])("%j -> %s", (request, path) => {
    expect(errorOf(request).path).toBe(path);
  });
});

describe("solvePower: unreachable targets", () => {
  it("p2 equal to p1", () => {
    const e = errorOf({ test: "two_proportions", p1: 0.3, p2: 0.3 });
    expect(e.message).toMatch(/unreachable/);
    expect(e.path).toBe("p2");
  });

  it("an effect pointing against a one-sided alternative", () => {
    expect(errorOf({ test: "two_means", delta: -0.5, alternative: "greater" }).message).toMatch(/unreachable/);
    expect(errorOf({ test: "two_proportions", p1: 0.3, p2: 0.2, alternative: "greater" }).message).toMatch(/unreachable/);
  });

  it("a zero effect", () => {
    expect(errorOf({ test: "two_means", delta: 0 }).message).toMatch(/unreachable/);
  });

  it("a power no p2 can reach at the given n", () => {
    const e = errorOf({ test: "two_proportions", p1: 0.9, n_per_group: 5, power: 0.99 });
    expect(e.message).toMatch(/unreachable/);
    expect(e.path).toBe("power");
  });
});
