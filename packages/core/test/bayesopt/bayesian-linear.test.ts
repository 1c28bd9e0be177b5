// BayesianLinear against direct formulas computed independently, in function space: with
// Sigma = N + Phi Phi' / lambda, the targets are multivariate-t, y ~ t_{2 a0}(0, (b0/a0) Sigma)
// (Murphy 2007, "Conjugate Bayesian analysis of the Gaussian distribution", §9; Bishop 2006 §3.3
// for the Gaussian case), so a new target is the conditional multivariate t (Kotz & Nadarajah
// 2004, §1.10): dof 2 a0 + n, location Phi* Phi' Sigma^-1 y / lambda and scale^2
// (2 b0 + y' Sigma^-1 y) / (2 a0 + n) (1 + phi*'phi*/lambda - phi*' Phi' Sigma^-1 Phi phi* / lambda^2).

import { describe, expect, it } from "vitest";
import { Matrix, inverse, determinant } from "ml-matrix";
import { createRng } from "../../src/random/rng.js";
import { basisMatrix, basisVector, conditionBayesianLinear, fitBayesianLinear, predictBayesianLinear } from "../../src/bayesopt/index.js";
import { logGamma } from "../../src/bayesopt/log-gamma.js";
import type { BasisKind } from "../../src/bayesopt/index.js";

const rng = createRng("bl");
const X = Array.from({ length: 25 }, () => [3 * rng(), rng() - 0.5]);
const y = X.map((x) => 2 + x[0]! - 0.7 * x[0]! * x[1]! + 0.2 * (rng() - 0.5));
const noise = X.map(() => 0.01 * rng());
const Xstar = [[0.4, 0.1], [2.9, -0.4], [5, 1]];
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

function direct(model: ReturnType<typeof fitBayesianLinear>, nu: number[]) {
  const st = model.posterior_state;
  const { precision: lambda, a0, b0 } = st.prior;
  const data = st.training_data;
  const ys = data.y.map((v) => (v - st.y_center) / st.y_scale);
  const Phi = new Matrix(basisMatrix(st.basis, data.X));
  const n = ys.length;
  const Sigma = Matrix.diag(nu).add(Phi.mmul(Phi.transpose()).div(lambda));
  const Si = inverse(Sigma);
  const yv = Matrix.columnVector(ys);
  const q = yv.transpose().mmul(Si).mmul(yv).get(0, 0);
  const dof = 2 * a0 + n;
  const predictive = Xstar.map((x) => {
    const phi = Matrix.columnVector(basisVector(st.basis, x));
    const k = Phi.mmul(phi).div(lambda); // cov(y, f*) / sigma^2
    const loc = k.transpose().mmul(Si).mmul(yv).get(0, 0);
    const s2 = ((2 * b0 + q) / dof) * (1 + phi.transpose().mmul(phi).get(0, 0) / lambda - k.transpose().mmul(Si).mmul(k).get(0, 0));
    const tf = Math.sqrt(dof / (dof - 2));
    return { mean: st.y_center + st.y_scale * loc, std_with_noise: st.y_scale * Math.sqrt(s2) * tf, dof };
  });
  // log density of the multivariate t at the standardised targets, back in the objective's units
  const logdet = Math.log(determinant(Sigma.mul(b0 / a0)));
  const logp = logGamma((2 * a0 + n) / 2) - logGamma(a0) - (n / 2) * Math.log(2 * a0 * Math.PI) - 0.5 * logdet - ((2 * a0 + n) / 2) * Math.log1p((q * a0) / b0 / (2 * a0)) - n * Math.log(st.y_scale);
  return { predictive, logp };
}

describe("BayesianLinear equals the direct multivariate-t formulas (1e-9)", () => {
  for (const basis of ["linear", "quadratic", "rff"] as BasisKind[]) {
    it(`${basis} basis, homoscedastic`, () => {
      const m = fitBayesianLinear(X, y, { basis, features: 30 }, createRng(5));
      const d = direct(m, new Array(X.length).fill(1));
      predictBayesianLinear(m, Xstar).forEach((p, i) => {
        expect(rel(p.mean, d.predictive[i]!.mean)).toBeLessThan(1e-9);
        expect(rel(p.std_with_noise, d.predictive[i]!.std_with_noise)).toBeLessThan(1e-9);
        expect(p.distribution.family === "student_t" && p.distribution.dof).toBe(d.predictive[i]!.dof);
      });
      expect(rel(m.posterior_state.log_marginal_likelihood, d.logp)).toBeLessThan(1e-9);
    });
  }
  it("per-observation noise as relative variances nu_i = 1 + noise_i / s^2", () => {
    const m = fitBayesianLinear(X, y, { basis: "quadratic", noise }, createRng(5));
    const st = m.posterior_state;
    const nu = noise.map((v) => 1 + v / st.y_scale ** 2 / st.noise_reference);
    const d = direct(m, nu);
    predictBayesianLinear(m, Xstar).forEach((p, i) => expect(rel(p.mean, d.predictive[i]!.mean)).toBeLessThan(1e-9));
    expect(rel(st.log_marginal_likelihood, d.logp)).toBeLessThan(1e-9);
  });
  it("conditioning equals the direct formula on the extended data (fixed feature map)", () => {
    let m = fitBayesianLinear(X.slice(0, 20), y.slice(0, 20), { basis: "quadratic" }, createRng(5));
    for (let i = 20; i < 25; i++) m = conditionBayesianLinear(m, X[i]!, y[i]!);
    const d = direct(m, new Array(25).fill(1));
    predictBayesianLinear(m, Xstar).forEach((p, i) => {
      expect(rel(p.mean, d.predictive[i]!.mean)).toBeLessThan(1e-9);
      expect(rel(p.std_with_noise, d.predictive[i]!.std_with_noise)).toBeLessThan(1e-9);
    });
  });
  it("random Fourier features are seeded", () => {
    const a = fitBayesianLinear(X, y, { basis: "rff" }, createRng(9)).posterior_state.basis;
    const b = fitBayesianLinear(X, y, { basis: "rff" }, createRng(9)).posterior_state.basis;
    const c = fitBayesianLinear(X, y, { basis: "rff" }, createRng(10)).posterior_state.basis;
    expect(a).toEqual(b);
    expect(a.omega).not.toEqual(c.omega);
  });
});
