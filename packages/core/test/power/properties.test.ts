// Property tests of the power solvers (fast-check, fixed seeds): solving for n and then
// computing the power at that n returns the target; power increases with n; solving for the
// effect and recomputing the power returns the target.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anovaPowerAt,
  powerAnova,
  powerTwoMeans,
  powerTwoProportions,
  twoMeansPowerAt,
  twoProportionsPowerAt,
  type PowerAlternative,
  type PowerTTestType,
} from "../../src/power/index.js";

const RUNS = { seed: 20240501, numRuns: 60 };
const alphaArb = fc.constantFrom(0.01, 0.05, 0.1);
const powerArb = fc.double({ min: 0.5, max: 0.99, noNaN: true });
const altArb = fc.constantFrom<PowerAlternative>("two-sided", "greater", "less");
const typeArb = fc.constantFrom<PowerTTestType>("two.sample", "one.sample", "paired");

describe("two proportions", () => {
  const pairArb = fc
    .tuple(fc.double({ min: 0.02, max: 0.9, noNaN: true }), fc.double({ min: 0.005, max: 0.5, noNaN: true }), altArb, fc.boolean())
    .map(([p1, gap, alternative, strict]) => {
      const up = alternative !== "less";
      const p2 = up ? Math.min(0.99, p1 + gap) : Math.max(0.01, p1 - gap);
      return { p1, p2, alternative, strict: strict && alternative === "two-sided" };
    })
    .filter(({ p1, p2 }) => Math.abs(p1 - p2) > 1e-3);

  it("power at the solved n is the target", () => {
    fc.assert(
      fc.property(pairArb, alphaArb, powerArb, ({ p1, p2, alternative, strict }, alpha, power) => {
        const r = powerTwoProportions({ p1, p2, alpha, power, alternative, strict });
        fc.pre(r.n > 2); // below that the minimum design is returned with its own power
        expect(Math.abs(twoProportionsPowerAt(r.n, p1, p2, alpha, alternative, strict) - power)).toBeLessThan(1e-9);
        expect(r.power).toBe(power);
      }),
      RUNS,
    );
  });

  it("power is increasing in n", () => {
    fc.assert(
      fc.property(pairArb, alphaArb, fc.double({ min: 2, max: 1e5, noNaN: true }), fc.double({ min: 1.001, max: 3, noNaN: true }), ({ p1, p2, alternative }, alpha, n, factor) => {
        expect(twoProportionsPowerAt(n * factor, p1, p2, alpha, alternative)).toBeGreaterThanOrEqual(twoProportionsPowerAt(n, p1, p2, alpha, alternative));
      }),
      RUNS,
    );
  });

  it("power at the solved p2 is the target", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.6, noNaN: true }), fc.double({ min: 20, max: 5000, noNaN: true }), alphaArb, powerArb, altArb, (p1, n, alpha, power, alternative) => {
        const end = alternative === "less" ? 0 : 1;
        if (twoProportionsPowerAt(n, p1, end, alpha, alternative) < power) {
          // Not even p2 = 0 (or 1) reaches the target: a clear error, not a wrong answer.
          expect(() => powerTwoProportions({ p1, n, alpha, power, alternative })).toThrow(/unreachable/);
          return;
        }
        const r = powerTwoProportions({ p1, n, alpha, power, alternative });
        expect(alternative === "less" ? r.p2 < p1 : r.p2 > p1).toBe(true);
        expect(Math.abs(twoProportionsPowerAt(n, p1, r.p2, alpha, alternative) - power)).toBeLessThan(1e-9);
      }),
      RUNS,
    );
  });
});

describe("two means", () => {
  const caseArb = fc.record({
    delta: fc.double({ min: 0.05, max: 3, noNaN: true }),
    sd: fc.double({ min: 0.2, max: 5, noNaN: true }),
    alpha: alphaArb,
    type: typeArb,
    alternative: altArb,
  });

  it("power at the solved n is the target", () => {
    fc.assert(
      fc.property(caseArb, powerArb, ({ delta, sd, alpha, type, alternative }, power) => {
        const signed = alternative === "less" ? -delta * sd : delta * sd;
        const r = powerTwoMeans({ delta: signed, sd, alpha, power, type, alternative });
        fc.pre(r.n > 2);
        expect(Math.abs(twoMeansPowerAt(r.n, signed, sd, alpha, type, alternative) - power)).toBeLessThan(1e-9);
      }),
      RUNS,
    );
  });

  it("power is increasing in n", () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 2, max: 1e5, noNaN: true }), fc.double({ min: 1.001, max: 3, noNaN: true }), ({ delta, sd, alpha, type, alternative }, n, factor) => {
        const signed = alternative === "less" ? -delta : delta;
        const lo = twoMeansPowerAt(n, signed, sd, alpha, type, alternative);
        const hi = twoMeansPowerAt(n * factor, signed, sd, alpha, type, alternative);
        expect(hi).toBeGreaterThanOrEqual(lo - 1e-14);
      }),
      RUNS,
    );
  });

  it("power at the solved delta is the target, with the alternative's sign", () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 3, max: 1e4, noNaN: true }), powerArb, ({ sd, alpha, type, alternative }, n, power) => {
        const r = powerTwoMeans({ sd, alpha, n, power, type, alternative });
        expect(alternative === "less" ? r.delta < 0 : r.delta > 0).toBe(true);
        expect(Math.abs(twoMeansPowerAt(n, r.delta, sd, alpha, type, alternative) - power)).toBeLessThan(1e-9);
      }),
      RUNS,
    );
  });
});

describe("one-way ANOVA", () => {
  const caseArb = fc.record({
    groups: fc.integer({ min: 2, max: 12 }),
    f: fc.double({ min: 0.03, max: 1, noNaN: true }),
    alpha: alphaArb,
  });

  it("power at the solved n is the target", () => {
    fc.assert(
      fc.property(caseArb, powerArb, ({ groups, f, alpha }, power) => {
        const r = powerAnova({ groups, f, alpha, power });
        fc.pre(r.n > 2);
        expect(Math.abs(anovaPowerAt(r.n, groups, f, alpha) - power)).toBeLessThan(1e-9);
      }),
      RUNS,
    );
  });

  it("power is increasing in n", () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 2, max: 1e5, noNaN: true }), fc.double({ min: 1.001, max: 3, noNaN: true }), ({ groups, f, alpha }, n, factor) => {
        expect(anovaPowerAt(n * factor, groups, f, alpha)).toBeGreaterThanOrEqual(anovaPowerAt(n, groups, f, alpha) - 1e-14);
      }),
      RUNS,
    );
  });

  it("power at the solved f is the target", () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 2, max: 5000, noNaN: true }), powerArb, ({ groups, alpha }, n, power) => {
        const r = powerAnova({ groups, n, alpha, power });
        expect(Math.abs(anovaPowerAt(n, groups, r.f, alpha) - power)).toBeLessThan(1e-9);
      }),
      RUNS,
    );
  });
});
