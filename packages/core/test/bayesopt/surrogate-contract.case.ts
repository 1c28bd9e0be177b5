// The ONE contract suite every surrogate runs (GaussianProcess with each kernel, BayesianLinear
// with each basis, DirichletProcess): determinism per seed, finite predictions with
// 0 <= std <= std_with_noise, a plain-JSON posterior state that restores to identical
// predictions, conditioning on an observation that adds it to the data and moves the mean
// towards it, a reasonable fit of a smooth function, and InvalidArgumentError on bad input.

import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { distributionMean, distributionStd } from "../../src/bayesopt/index.js";
import type { Surrogate } from "../../src/bayesopt/index.js";

export interface SurrogateCase {
  readonly name: string;
  readonly surrogate: Surrogate;
  /** Largest acceptable RMSE on the smooth test function (its range is ~2.5). */
  readonly maxRmse: number;
}

const f = (x: readonly number[]) => Math.sin(3 * x[0]!) + 0.5 * x[1]! * x[1]!;

function dataset(seed: string, n: number) {
  const rng = createRng(seed);
  const X = Array.from({ length: n }, () => [2 * rng() - 1, 2 * rng() - 1]);
  const y = X.map((x) => f(x) + 0.02 * (rng() - 0.5));
  return { X, y };
}

export function runSurrogateContract(c: SurrogateCase): void {
  describe(`surrogate contract: ${c.name}`, () => {
    const { X, y } = dataset("contract", 40);
    const grid = Array.from({ length: 25 }, (_, i) => [-0.9 + 0.075 * i, 0.8 - 0.06 * i]);
    const fitted = c.surrogate.fit({ X, y }, createRng("seed-1"));

    it("is deterministic for a seed", () => {
      const again = c.surrogate.fit({ X, y }, createRng("seed-1"));
      expect(JSON.stringify(again.posterior_state)).toBe(JSON.stringify(fitted.posterior_state));
    });
    it("predicts finite means with 0 <= std <= std_with_noise, consistent with its distribution", () => {
      for (const p of c.surrogate.predict(fitted, grid)) {
        expect(Number.isFinite(p.mean)).toBe(true);
        expect(p.std).toBeGreaterThanOrEqual(0);
        expect(p.std_with_noise).toBeGreaterThanOrEqual(p.std);
        expect(distributionMean(p.distribution)).toBeCloseTo(p.mean, 10);
        expect(distributionStd(p.distribution)).toBeCloseTo(p.std, 10);
      }
    });
    it("fits a smooth function", () => {
      const pred = c.surrogate.predict(fitted, grid);
      const rmse = Math.sqrt(pred.reduce((s, p, i) => s + (p.mean - f(grid[i]!)) ** 2, 0) / grid.length);
      expect(rmse).toBeLessThan(c.maxRmse);
    });
    it("restores from its JSON posterior state to identical predictions", () => {
      const state = JSON.parse(JSON.stringify(fitted.posterior_state));
      const restored = c.surrogate.restore(state);
      const a = c.surrogate.predict(fitted, grid);
      const b = c.surrogate.predict(restored, grid);
      a.forEach((p, i) => {
        expect(b[i]!.mean).toBeCloseTo(p.mean, 12);
        expect(b[i]!.std).toBeCloseTo(p.std, 12);
      });
      expect(state.training_data.X).toEqual(X);
      expect("log_marginal_likelihood" in state).toBe(true);
    });
    it("conditions on one more observation: data grows and the mean moves towards it", () => {
      const x = [0.33, -0.41];
      const before = c.surrogate.predict(fitted, [x])[0]!;
      const target = before.mean + 1;
      const after = c.surrogate.condition(fitted, x, target);
      expect(after.posterior_state.training_data.y.length).toBe(41);
      const p = c.surrogate.predict(after, [x])[0]!;
      expect(p.mean).toBeGreaterThan(before.mean);
      expect(p.mean).toBeLessThanOrEqual(target + 1e-9);
    });
    it("fitted means have one value per observation", () => {
      expect(c.surrogate.fittedMeans(fitted)).toHaveLength(40);
    });
    it("rejects bad input with InvalidArgumentError", () => {
      expect(() => c.surrogate.fit({ X: [], y: [] }, createRng(1))).toThrow(InvalidArgumentError);
      expect(() => c.surrogate.fit({ X: [[0, 1]], y: [1, 2] }, createRng(1))).toThrow(InvalidArgumentError);
      expect(() => c.surrogate.fit({ X: [[0, Number.NaN]], y: [1] }, createRng(1))).toThrow(InvalidArgumentError);
      expect(() => c.surrogate.predict(fitted, [[0, 1, 2]])).toThrow(InvalidArgumentError);
      expect(() => c.surrogate.condition(fitted, [0, 0], Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    });
  });
}
