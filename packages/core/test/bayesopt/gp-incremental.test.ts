// The O(n^2) incremental posterior update (rank-one Cholesky extension) against a full refit at
// the same fixed hyperparameters: predictions, GLS mean and log marginal likelihood agree to 1e-9;
// also restoring from a JSON posterior_state, and the O(n) fitted means.

import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import { addObservation, fitGaussianProcess, gpFittedMeans, predictGp, restoreGaussianProcess } from "../../src/bayesopt/index.js";
import type { GpOptions } from "../../src/bayesopt/index.js";

const rng = createRng("incremental");
const X = Array.from({ length: 30 }, () => [rng(), rng()]);
const y = X.map((x) => Math.cos(4 * x[0]!) * x[1]! + 0.05 * (rng() - 0.5));
const noise = X.map(() => 0.02 * rng());
const Xstar = Array.from({ length: 15 }, () => [rng(), rng()]);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

const variants: [string, GpOptions][] = [
  ["Matern52 ARD constant mean, per-observation noise", { kernel: "Matern52", length_scale: [0.3, 0.5], signal_variance: 0.8, noise_variance: 1e-3, mean_function: "constant" }],
  ["RBF shared zero mean", { kernel: "RBF", length_scale: 0.25, signal_variance: 1.2, noise_variance: 1e-4, mean_function: "zero" }],
];

describe("addObservation equals a full refit at fixed hyperparameters (1e-9)", () => {
  for (const [name, o] of variants) {
    it(name, () => {
      const withNoise = name.includes("per-observation");
      const opts: GpOptions = { ...o, optimize: false };
      let inc = fitGaussianProcess(X.slice(0, 20), y.slice(0, 20), { ...opts, noise: withNoise ? noise.slice(0, 20) : null }, createRng(1));
      for (let i = 20; i < 30; i++) inc = addObservation(inc, X[i]!, y[i]!, withNoise ? noise[i] : undefined);
      const full = fitGaussianProcess(X, y, { ...opts, noise: withNoise ? noise : null }, createRng(1));
      expect(inc.factor.n).toBe(30);
      expect(rel(inc.posterior_state.log_marginal_likelihood, full.posterior_state.log_marginal_likelihood)).toBeLessThan(1e-9);
      expect(Math.abs(inc.posterior_state.mean - full.posterior_state.mean)).toBeLessThan(1e-9);
      const a = predictGp(inc, Xstar);
      const b = predictGp(full, Xstar);
      a.forEach((p, i) => {
        expect(rel(p.mean, b[i]!.mean)).toBeLessThan(1e-9);
        expect(rel(p.std, b[i]!.std)).toBeLessThan(1e-9);
        expect(rel(p.std_with_noise, b[i]!.std_with_noise)).toBeLessThan(1e-9);
      });
      expect(inc.posterior_state.training_data).toEqual(full.posterior_state.training_data);
    });
  }
  it("a first noisy observation after homoscedastic data creates the per-observation noise vector", () => {
    const gp = fitGaussianProcess(X.slice(0, 5), y.slice(0, 5), { kernel: "RBF", length_scale: 0.3, signal_variance: 1, noise_variance: 1e-3, optimize: false }, createRng(1));
    const inc = addObservation(gp, X[5]!, y[5]!, 0.01);
    expect(inc.posterior_state.training_data.noise).toEqual([0, 0, 0, 0, 0, 0.01]);
    const full = fitGaussianProcess(X.slice(0, 6), y.slice(0, 6), { kernel: "RBF", length_scale: 0.3, signal_variance: 1, noise_variance: 1e-3, optimize: false, noise: [0, 0, 0, 0, 0, 0.01] }, createRng(1));
    expect(rel(predictGp(inc, [Xstar[0]!])[0]!.std, predictGp(full, [Xstar[0]!])[0]!.std)).toBeLessThan(1e-9);
  });
});

describe("posterior_state round trip and fitted means", () => {
  it("restoring from JSON gives the same predictions without refitting", () => {
    const gp = fitGaussianProcess(X, y, { kernel: "Matern32", noise }, createRng("fit"));
    const restored = restoreGaussianProcess(JSON.parse(JSON.stringify(gp.posterior_state)));
    expect(restored.posterior_state.log_marginal_likelihood).toBeCloseTo(gp.posterior_state.log_marginal_likelihood, 10);
    const a = predictGp(gp, Xstar);
    predictGp(restored, Xstar).forEach((p, i) => expect(rel(p.mean, a[i]!.mean)).toBeLessThan(1e-12));
  });
  it("the O(n) fitted means equal predictions at the training inputs", () => {
    const gp = fitGaussianProcess(X, y, { kernel: "Matern52", noise }, createRng("fit"));
    const fm = gpFittedMeans(gp);
    predictGp(gp, X).forEach((p, i) => expect(Math.abs(p.mean - fm[i]!)).toBeLessThan(1e-9));
  });
  it("posterior_state has the API.md fields; length_scale is a number when shared", () => {
    const shared = fitGaussianProcess(X, y, { kernel: "RBF", ard: false }, createRng(2)).posterior_state;
    expect(typeof shared.length_scale).toBe("number");
    for (const k of ["kernel", "length_scale", "signal_variance", "noise_variance", "mean", "log_marginal_likelihood"]) expect(shared).toHaveProperty(k);
    expect(Array.isArray(fitGaussianProcess(X, y, { kernel: "RBF" }, createRng(2)).posterior_state.length_scale)).toBe(true);
  });
  it("optimize: false keeps the given values; a singular covariance gets jitter", () => {
    const st = fitGaussianProcess(X, y, { kernel: "RBF", length_scale: [0.4, 0.7], signal_variance: 2, noise_variance: 0.5, optimize: false }, createRng(3)).posterior_state;
    expect(st.length_scale).toEqual([0.4, 0.7]);
    expect([st.signal_variance, st.noise_variance]).toEqual([2, 0.5]);
    const dup = [[0.5, 0.5], [0.5, 0.5], [0.2, 0.1]];
    const j = fitGaussianProcess(dup, [1, 1, 0], { kernel: "RBF", length_scale: 0.3, signal_variance: 1, noise_variance: 1e-300, optimize: false }, createRng(3));
    expect(j.posterior_state.jitter).toBeGreaterThan(0);
    expect(Number.isFinite(predictGp(j, [[0.4, 0.4]])[0]!.mean)).toBe(true);
  });
});
