// factorialPower and its effect-size converter: the model's terms and degrees of freedom, the
// result's fields, the solve modes, agreement with the R-verified one-way ANOVA and two-sample t
// solvers where the model reduces to them, and the typed errors (InvalidArgumentError + path).
// Expected numbers are either arithmetic written out beside them or other solvers of this folder
// that r-reference.test.ts checks against R.

import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  FACTORIAL_METHOD,
  effectSizeToCohensF,
  effectStandardDeviation,
  factorialModel,
  factorialPower,
  factorialTermPowerAt,
  powerAnova,
  powerTwoMeans,
  type FactorialPowerInput,
  type RawEffect,
} from "../../src/power/index.js";

function errorOf(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error("expected an InvalidArgumentError");
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("factorialModel: terms, df and parameters", () => {
  it("2x3x2 with A:B: p = 1 + (1 + 2 + 1) + 1·2 = 7, cells = 12", () => {
    const m = factorialModel({ levels: [2, 3, 2], interactions: [[0, 1]] });
    expect(m.terms.map((t) => [t.term, t.df_num, t.tested])).toEqual([
      ["A", 1, true],
      ["B", 2, true],
      ["C", 1, true],
      ["A:B", 2, false],
    ]);
    expect(m.parameters).toBe(7);
    expect(m.cells).toBe(12);
    expect(m.min_total_n).toBe(12); // max(cells, p + 1)
  });

  it('target "interactions" with none requested tests every 2FI, all in the model (3x2x2: p = 1 + 4 + 2 + 2 + 1 = 10)', () => {
    const m = factorialModel({ levels: [3, 2, 2], target: "interactions" });
    expect(m.terms.filter((t) => t.tested).map((t) => [t.term, t.df_num])).toEqual([
      ["A:B", 2],
      ["A:C", 2],
      ["B:C", 1],
    ]);
    expect(m.parameters).toBe(10);
  });

  it("uses the caller's names, in the caller's order, and accepts pairs by name", () => {
    const m = factorialModel({ levels: [2, 4], names: ["color", "copy"], interactions: [["copy", "color"]], target: "interactions" });
    expect(m.terms.map((t) => t.term)).toEqual(["color", "copy", "copy:color"]);
    expect(m.terms[2]!.df_num).toBe(3);
  });

  it("a 2^(5-2) fraction in 8 cells holds the 5 main effects and one 2FI (p = 7), not three (p = 9)", () => {
    expect(factorialModel({ levels: [2, 2, 2, 2, 2], cells: 8, interactions: [[1, 2]] }).parameters).toBe(7);
    const e = errorOf(() => factorialModel({ levels: [2, 2, 2, 2, 2], cells: 8, interactions: [[0, 1], [0, 2], [1, 2]] }));
    expect(e.path).toBe("cells");
    expect(e.message).toMatch(/9 parameters .* 8 distinct combinations/);
  });

  it.each([
    [{ levels: [] }, "levels"],
    [{ levels: [2, 1] }, "levels.1"],
    [{ levels: [2, 2.5] }, "levels.1"],
    [{ levels: [2, 2], names: ["A"] }, "names"],
    [{ levels: [2, 2], names: ["A", "A"] }, "names.1"],
    [{ levels: [2, 2], target: "both" }, "target"],
    [{ levels: [2], target: "interactions" }, "target"],
    [{ levels: [2, 2], interactions: [[0, 2]] }, "interactions.0.1"],
    [{ levels: [2, 2], interactions: [["A", "Z"]] }, "interactions.0.1"],
    [{ levels: [2, 2], interactions: [[1, 1]] }, "interactions.0"],
    [{ levels: [2, 2, 2], interactions: [[0, 1], [1, 0]] }, "interactions.1"],
    [{ levels: [2, 2], interactions: [[0]] }, "interactions.0"],
    [{ levels: [2, 2], cells: 5 }, "cells"],
    [{ levels: [2, 2], cells: 3.5 }, "cells"],
    [{ levels: [2, 2, 2], cells: 3 }, "cells"],
  ])("rejects %j at %s", (design, path) => {
    expect(errorOf(() => factorialModel(design as never)).path).toBe(path);
  });
});

describe("effect size to Cohen's f", () => {
  const continuous = (effect_size: number, sd: number): RawEffect => ({ effect_size, metric: { type: "continuous", sd } });

  it("two-level contrast: f = (effect_size / 2) / sd = (0.5 / 2) / 2 = 0.125, main effect or 2x2 interaction", () => {
    expect(effectSizeToCohensF(continuous(0.5, 2), [2])).toBeCloseTo(0.125, 15);
    expect(effectSizeToCohensF(continuous(-0.5, 2), [2])).toBeCloseTo(0.125, 15);
    expect(effectSizeToCohensF(continuous(0.5, 2), [2, 2])).toBeCloseTo(0.125, 15);
  });

  it("L-level main effect, Cohen's pattern 1: f = d / √(2L) = 0.25 / √8; interaction L_i x L_j: d / √(L_i L_j)", () => {
    expect(effectSizeToCohensF(continuous(0.5, 2), [4])).toBeCloseTo(0.25 / Math.sqrt(8), 15);
    expect(effectSizeToCohensF(continuous(0.5, 2), [4, 2])).toBeCloseTo(0.25 / Math.sqrt(8), 15);
    expect(effectSizeToCohensF(continuous(0.5, 2), [2, 3])).toBeCloseTo(0.25 / Math.sqrt(6), 15);
  });

  it("binary: sd = √(p̄ (1 − p̄)) at p̄ = baseline + effect / 2 (0.1, +0.02: p̄ = 0.11; 0.5, −0.1: p̄ = 0.45)", () => {
    const up: RawEffect = { effect_size: 0.02, metric: { type: "binary", baseline_rate: 0.1 } };
    expect(effectStandardDeviation(up)).toBeCloseTo(Math.sqrt(0.11 * 0.89), 15);
    expect(effectSizeToCohensF(up, [2])).toBeCloseTo(0.01 / Math.sqrt(0.11 * 0.89), 15);
    const down: RawEffect = { effect_size: -0.1, metric: { type: "binary", baseline_rate: 0.5 } };
    expect(effectStandardDeviation(down)).toBeCloseTo(Math.sqrt(0.45 * 0.55), 15);
  });

  it.each([
    [{ effect_size: 0.2, metric: { type: "binary", baseline_rate: 0.9 } }, "effect_size"],
    [{ effect_size: -0.2, metric: { type: "binary", baseline_rate: 0.1 } }, "effect_size"],
    [{ effect_size: 0.1, metric: { type: "binary", baseline_rate: 0 } }, "metric.baseline_rate"],
    [{ effect_size: 0, metric: { type: "continuous", sd: 1 } }, "effect_size"],
    [{ effect_size: Number.NaN, metric: { type: "continuous", sd: 1 } }, "effect_size"],
    [{ effect_size: 1, metric: { type: "continuous", sd: 0 } }, "metric.sd"],
    [{ effect_size: 1, metric: { type: "count" } }, "metric.type"],
    [{ effect_size: 1 }, "metric"],
  ])("rejects %j at %s", (effect, path) => {
    expect(errorOf(() => effectSizeToCohensF(effect as never, [2])).path).toBe(path);
  });

  it("rejects a term that is neither a main effect nor a 2FI", () => {
    expect(errorOf(() => effectSizeToCohensF(continuous(1, 1), [2, 2, 2])).path).toBe("termLevels");
    expect(errorOf(() => effectSizeToCohensF(continuous(1, 1), [1])).path).toBe("termLevels.0");
  });
});

describe("factorialPower: result and solve modes", () => {
  it("reports every term at N with df_den = N − p, ncp = f² N, n_per_cell = N / cells, N rounded up", () => {
    const r = factorialPower({ levels: [2, 3, 2], interactions: [[0, 1]], f: 0.2, power: 0.9 });
    expect(r).toMatchObject({ target: "main_effects", alpha: 0.05, power: 0.9, solved_for: "total_n", cells: 12, parameters: 7, f: 0.2 });
    expect(r.method).toBe(FACTORIAL_METHOD);
    expect(r.method).toBe("noncentral F (Cohen 1988), fixed-effects factorial model");
    const n = r.required_total_n;
    expect(r.required_sample_size).toBe(Math.ceil(n));
    expect(r.n_per_cell).toBeCloseTo(n / 12, 12);
    expect(r.effects.map((e) => e.term)).toEqual(["A", "B", "C", "A:B"]);
    for (const e of r.effects) {
      expect(e.df_den).toBeCloseTo(n - 7, 9);
      expect(e.ncp).toBeCloseTo(0.04 * n, 9);
      expect(e.power).toBeCloseTo(factorialTermPowerAt(n, e.df_num, 7, 0.2, 0.05), 14);
    }
    // B (2 df) binds: it reaches the target exactly, A and C (1 df) exceed it; A:B is not tested.
    expect(Math.abs(r.effects[1]!.power - 0.9)).toBeLessThan(1e-10);
    expect(r.effects[0]!.power).toBeGreaterThan(0.9);
    expect(r.effects[3]!.tested).toBe(false);
  });

  it("defaults power to 0.8 when total_n is left out too", () => {
    const r = factorialPower({ levels: [2, 2, 2], f: 0.1 });
    expect(r.power).toBe(0.8);
    expect(r.solved_for).toBe("total_n");
  });

  it("solves power at a given N as the smallest tested term's power", () => {
    const r = factorialPower({ levels: [2, 3, 2], interactions: [[0, 1]], f: 0.2, total_n: 100 });
    expect(r.solved_for).toBe("power");
    expect(r.required_total_n).toBe(100);
    expect(r.power).toBe(Math.min(...r.effects.filter((e) => e.tested).map((e) => e.power)));
    expect(r.power).toBe(r.effects[1]!.power);
  });

  it("solves the detectable f at a given N and power as the largest tested term's f", () => {
    const r = factorialPower({ levels: [4, 2], interactions: [[0, 1]], target: "interactions", total_n: 200, power: 0.8 });
    expect(r.solved_for).toBe("f");
    expect(r.effects.find((e) => e.term === "A:B")!.power).toBeCloseTo(0.8, 10);
    expect(r.effects.every((e) => e.f === r.f)).toBe(true);
  });

  it("returns the smallest design, max(cells, p + 1), with its own power when it already reaches the target", () => {
    const r = factorialPower({ levels: [2, 2, 2], f: 3, power: 0.8 });
    expect(r.required_total_n).toBe(8);
    expect(r.required_sample_size).toBe(8);
    expect(r.n_per_cell).toBe(1);
    expect(r.power).toBeGreaterThan(0.8);
    expect(r.power).toBe(factorialTermPowerAt(8, 1, 4, 3, 0.05));
  });

  it("one factor is the one-way ANOVA: N = k · n of powerAnova (pwr.anova.test, checked against R)", () => {
    for (const k of [2, 3, 6]) {
      const anova = powerAnova({ groups: k, f: 0.15, power: 0.85, alpha: 0.01 });
      const r = factorialPower({ levels: [k], f: 0.15, power: 0.85, alpha: 0.01 });
      expect(rel(r.required_total_n, k * anova.n)).toBeLessThan(1e-9);
      const p = factorialPower({ levels: [k], f: 0.15, total_n: k * 30 });
      expect(Math.abs(p.power - powerAnova({ groups: k, f: 0.15, n: 30 }).power)).toBeLessThan(1e-13);
    }
  });

  it("one two-level factor is the strict two-sided two-sample t test with f = d / 2 (power.t.test, strict = TRUE)", () => {
    const t = powerTwoMeans({ delta: 0.3, sd: 1, power: 0.9, strict: true });
    const r = factorialPower({ levels: [2], effect: { effect_size: 0.3, metric: { type: "continuous", sd: 1 } }, power: 0.9 });
    expect(r.f).toBeNull();
    expect(r.effects[0]!.f).toBeCloseTo(0.15, 15);
    expect(rel(r.required_total_n, 2 * t.n)).toBeLessThan(1e-9);
  });

  it("an effect gives each term its own f: the 4-level factor and its interaction need more units than a 2-level one", () => {
    const effect: RawEffect = { effect_size: 0.02, metric: { type: "binary", baseline_rate: 0.1 } };
    const r = factorialPower({ levels: [4, 2], interactions: [[0, 1]], effect });
    const f = Object.fromEntries(r.effects.map((e) => [e.term, e.f]));
    expect(f.A).toBeCloseTo(effectSizeToCohensF(effect, [4]), 15);
    expect(f.B).toBeCloseTo(effectSizeToCohensF(effect, [2]), 15);
    expect(f["A:B"]).toBeCloseTo(effectSizeToCohensF(effect, [4, 2]), 15);
    expect(Math.abs(r.effects[0]!.power - 0.8)).toBeLessThan(1e-10); // A binds
    // For two-level factors the effect is the same as f = (effect_size / 2) / sd on every term.
    const two = factorialPower({ levels: [2, 2, 2], target: "interactions", effect });
    const same = factorialPower({ levels: [2, 2, 2], target: "interactions", f: effectSizeToCohensF(effect, [2]) });
    expect(rel(two.required_total_n, same.required_total_n)).toBeLessThan(1e-12);
  });

  it.each<[Partial<FactorialPowerInput>, string | undefined]>([
    [{ f: 0.2, total_n: 100, power: 0.8 }, undefined],
    [{ total_n: 100 }, "f"],
    [{ power: 0.8 }, "f"],
    [{ f: 0.2, effect: { effect_size: 1, metric: { type: "continuous", sd: 1 } } }, "f"],
    [{ f: 0 }, "f"],
    [{ f: 0.2, total_n: 4 }, "total_n"], // p = 4 for 2^3 main effects: N must exceed it
    [{ f: 0.2, alpha: 1 }, "alpha"],
    [{ f: 0.2, power: 0.01 }, "power"],
    [{ f: 1e-9 }, "f"], // needs more than 1e15 units
    [{ effect: { effect_size: 1e-9, metric: { type: "continuous", sd: 1 } } }, "effect_size"],
    [{ effect: { effect_size: 0.5, metric: { type: "binary", baseline_rate: 0.6 } } }, "effect_size"],
  ])("rejects %j at path %s", (extra, path) => {
    expect(errorOf(() => factorialPower({ levels: [2, 2, 2], ...extra })).path).toBe(path);
  });
});
