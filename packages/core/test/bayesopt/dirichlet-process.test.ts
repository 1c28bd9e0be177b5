// DirichletProcess: on a two-regime function it predicts better than a single linear model (and
// finds two occupied components), it is deterministic per seed, and its predictive is multimodal
// where the regimes meet.

import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import { fitBayesianLinear, fitDirichletProcess, predictBayesianLinear, predictDirichletProcess } from "../../src/bayesopt/index.js";

// two regimes: rising below 0.5, a lower falling line above
const f = (x: number) => (x < 0.5 ? 2 * x : 2.5 - 4 * x);
const rng = createRng("two-regimes");
const X = Array.from({ length: 80 }, () => [rng()]);
const y = X.map(([x]) => f(x!) + 0.05 * (rng() - 0.5));
const grid = Array.from({ length: 99 }, (_, i) => [(i + 1) / 100]).filter(([x]) => Math.abs(x! - 0.5) > 0.03);
const rmse = (pred: { mean: number }[]) => Math.sqrt(pred.reduce((s, p, i) => s + (p.mean - f(grid[i]![0]!)) ** 2, 0) / pred.length);

describe("DirichletProcess mixture of linear experts", () => {
  const dp = fitDirichletProcess(X, y, {}, createRng("dp-seed"));
  it("fits a two-regime function much better than a single linear model", () => {
    const linear = fitBayesianLinear(X, y, { basis: "linear" }, createRng(1));
    const eDp = rmse(predictDirichletProcess(dp, grid));
    const eLin = rmse(predictBayesianLinear(linear, grid));
    expect(eDp).toBeLessThan(0.1);
    expect(eDp).toBeLessThan(eLin / 4);
    expect(dp.posterior_state.counts.filter((c) => c > 5)).toHaveLength(2);
    expect(dp.posterior_state.converged).toBe(true);
  });
  it("is deterministic per seed", () => {
    const again = fitDirichletProcess(X, y, {}, createRng("dp-seed"));
    expect(JSON.stringify(again.posterior_state)).toBe(JSON.stringify(dp.posterior_state));
    expect(JSON.stringify(predictDirichletProcess(again, grid))).toBe(JSON.stringify(predictDirichletProcess(dp, grid)));
  });
  it("is a mixture with weight on both regimes at the switch point", () => {
    const d = predictDirichletProcess(dp, [[0.5]])[0]!.distribution;
    expect(d.family).toBe("mixture");
    if (d.family === "mixture") expect(d.weights.filter((w) => w > 0.05).length).toBeGreaterThanOrEqual(2);
  });
});
