// The bound-constrained quasi-Newton minimiser: an interior optimum (Rosenbrock), an optimum on
// the boundary with the right active set, fixed variables (lo = hi), and a region where the
// objective is undefined.

import { describe, expect, it } from "vitest";
import { minimizeBounded } from "../../src/bayesopt/projected-lbfgs.js";

const rosen = (x: number[]) => ({
  f: 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2,
  g: [-400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!), 200 * (x[1]! - x[0]! ** 2)],
});

describe("minimizeBounded (projected L-BFGS)", () => {
  it("finds Rosenbrock's interior minimum (1, 1)", () => {
    const r = minimizeBounded(rosen, [-1.2, 1], { lower: [-2, -2], upper: [2, 2] });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-5);
  });
  it("stops on the boundary when the unconstrained minimum is outside", () => {
    // min (x-3)^2 + (y+1)^2 over [0,2] x [0,2] is at (2, 0)
    const r = minimizeBounded((x) => ({ f: (x[0]! - 3) ** 2 + (x[1]! + 1) ** 2, g: [2 * (x[0]! - 3), 2 * (x[1]! + 1)] }), [0.5, 1.5], { lower: [0, 0], upper: [2, 2] });
    expect(r.x).toEqual([2, 0]);
  });
  it("keeps a variable with lo = hi fixed", () => {
    const r = minimizeBounded(rosen, [0, 0.5], { lower: [-2, 0.5], upper: [2, 0.5] });
    expect(r.x[1]).toBe(0.5);
    expect(Math.abs(r.x[0]! - 0.7)).toBeLessThan(0.05); // argmin of 100 (0.5 - x^2)^2 + (1 - x)^2 near 0.71
  });
  it("backs off where the objective is undefined (NaN)", () => {
    const r = minimizeBounded((x) => (x[0]! > 1.5 ? { f: Number.NaN, g: [0] } : { f: -x[0]!, g: [-1] }), [0], { lower: [0], upper: [3] });
    expect(r.x[0]!).toBeLessThanOrEqual(1.5);
    expect(r.x[0]!).toBeGreaterThan(1.4);
  });
});
