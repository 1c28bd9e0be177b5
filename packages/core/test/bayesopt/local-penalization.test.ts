// Local penalisation's pieces (González, Dai, Hennig & Lawrence 2016): the Lipschitz constant of a
// known mean, the penalty's values at the chosen point, far from it and with zero std, softplus.

import { describe, expect, it } from "vitest";
import { lipschitzConstant, localPenalty, softplus } from "../../src/bayesopt/local-penalization.js";
import { normalCdf } from "../../src/bayesopt/normal.js";

describe("local penalisation", () => {
  it("L of a linear mean 3 z0 - 4 z1 is its gradient norm 5 (central differences are exact for it)", () => {
    const means = (zs: number[][]) => zs.map((z) => 3 * z[0]! - 4 * z[1]!);
    const L = lipschitzConstant(means, [[0.1, 0.2], [0.5, 0.9], [2, -1]], [1, 10]);
    expect(Math.abs(L - 5)).toBeLessThan(1e-8);
  });
  it("L is the largest gradient norm over the candidates (mean z0^2 on [0, 2]: 2 * 2 = 4)", () => {
    const means = (zs: number[][]) => zs.map((z) => z[0]! * z[0]!);
    expect(Math.abs(lipschitzConstant(means, [[0.5], [1], [2]], [2]) - 4)).toBeLessThan(1e-6);
  });
  it("a flat mean falls back to L = 10", () => {
    expect(lipschitzConstant((zs) => zs.map(() => 1), [[0], [1]], [1])).toBe(10);
  });
  it("penalty: Phi((L r - M + mu_j) / sigma_j); at the point itself below 1/2 when mu_j < M, -> 1 far away", () => {
    const chosen = { z: [0, 0], mean: 1, std: 0.5 };
    expect(localPenalty([0, 0], chosen, 2, 1.5)).toBeCloseTo(normalCdf((0 - 1.5 + 1) / 0.5), 14);
    expect(localPenalty([0, 0], chosen, 2, 1.5)).toBeLessThan(0.5);
    expect(localPenalty([3, 4], chosen, 2, 1.5)).toBeCloseTo(normalCdf((2 * 5 - 1.5 + 1) / 0.5), 14);
    expect(localPenalty([30, 40], chosen, 2, 1.5)).toBeCloseTo(1, 12);
  });
  it("zero std: a step at radius (M - mu_j) / L", () => {
    const chosen = { z: [0], mean: 1, std: 0 };
    expect(localPenalty([0.24], chosen, 2, 1.5)).toBe(0);
    expect(localPenalty([0.26], chosen, 2, 1.5)).toBe(1);
  });
  it("softplus is log(1 + e^a), without overflow", () => {
    expect(softplus(0)).toBeCloseTo(Math.log(2), 15);
    expect(softplus(-3)).toBeCloseTo(Math.log1p(Math.exp(-3)), 15);
    expect(softplus(800)).toBe(800);
  });
});
