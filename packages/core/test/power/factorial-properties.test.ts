// Property tests of factorialPower (fast-check, fixed seed) over random designs: 1–4 factors of
// 2–4 levels, random 2FIs, full or fractional cell counts, both targets. Power increases in N and
// in f; the power at a solved N (or f) is the target for the binding term and at least the
// target for every other tested term.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { factorialModel, factorialPower, factorialTermPowerAt, type FactorialDesign } from "../../src/power/index.js";

const RUNS = { seed: 20240502, numRuns: 40 };
const alphaArb = fc.constantFrom(0.01, 0.05, 0.1);
const powerArb = fc.double({ min: 0.5, max: 0.99, noNaN: true });
const fArb = fc.double({ min: 0.05, max: 1, noNaN: true });

const designArb: fc.Arbitrary<FactorialDesign> = fc
  .array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((levels) => {
    const pairs: [number, number][] = [];
    for (let i = 0; i < levels.length; i++) for (let j = i + 1; j < levels.length; j++) pairs.push([i, j]);
    return fc.record({
      levels: fc.constant(levels),
      interactions: fc.subarray(pairs),
      target: levels.length > 1 ? fc.constantFrom("main_effects" as const, "interactions" as const) : fc.constant("main_effects" as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    });
  })
  .map(({ levels, interactions, target, fraction }) => {
    const full = levels.reduce((a, b) => a * b, 1);
    const p = factorialModel({ levels, interactions, target }).parameters;
    return { levels, interactions, target, cells: p + Math.floor(fraction * (full - p)) };
  });

/** The smallest power over the tested terms at N. */
function testedPower(design: FactorialDesign, n: number, f: number, alpha: number): number {
  const m = factorialModel(design);
  return Math.min(...m.terms.filter((t) => t.tested).map((t) => factorialTermPowerAt(n, t.df_num, m.parameters, f, alpha)));
}

describe("factorialPower properties", () => {
  it("power at the solved N is the target", () => {
    fc.assert(
      fc.property(designArb, fArb, alphaArb, powerArb, (design, f, alpha, power) => {
        const r = factorialPower({ ...design, f, alpha, power });
        fc.pre(r.required_total_n > factorialModel(design).min_total_n); // else the smallest design, with more power
        expect(Math.abs(testedPower(design, r.required_total_n, f, alpha) - power)).toBeLessThan(1e-9);
        expect(r.effects.filter((e) => e.tested).every((e) => e.power >= power - 1e-9)).toBe(true);
        expect(testedPower(design, r.required_sample_size, f, alpha)).toBeGreaterThanOrEqual(power - 1e-9);
      }),
      RUNS,
    );
  });

  it("power at the solved f is the target", () => {
    fc.assert(
      fc.property(designArb, fc.double({ min: 1, max: 5000, noNaN: true }), alphaArb, powerArb, (design, extra, alpha, power) => {
        const n = factorialModel(design).parameters + extra;
        const r = factorialPower({ ...design, total_n: n, alpha, power });
        expect(Math.abs(testedPower(design, n, r.f!, alpha) - power)).toBeLessThan(1e-9);
      }),
      RUNS,
    );
  });

  it("power is increasing in N", () => {
    fc.assert(
      fc.property(designArb, fArb, alphaArb, fc.double({ min: 0.5, max: 1e4, noNaN: true }), fc.double({ min: 1.001, max: 3, noNaN: true }), (design, f, alpha, extra, factor) => {
        const n = factorialModel(design).parameters + extra;
        const lo = factorialPower({ ...design, f, alpha, total_n: n }).power;
        const hi = factorialPower({ ...design, f, alpha, total_n: n * factor }).power;
        expect(hi).toBeGreaterThanOrEqual(lo - 1e-14);
      }),
      RUNS,
    );
  });

  it("power is increasing in f", () => {
    fc.assert(
      fc.property(designArb, fArb, alphaArb, fc.double({ min: 0.5, max: 1e4, noNaN: true }), fc.double({ min: 1.001, max: 3, noNaN: true }), (design, f, alpha, extra, factor) => {
        const n = factorialModel(design).parameters + extra;
        const lo = factorialPower({ ...design, f, alpha, total_n: n }).power;
        const hi = factorialPower({ ...design, f: f * factor, alpha, total_n: n }).power;
        expect(hi).toBeGreaterThanOrEqual(lo - 1e-14);
      }),
      RUNS,
    );
  });
});
