// The analytic gradient of the GP log marginal likelihood in log hyperparameters (Rasmussen &
// Williams 2006, eq. 5.9) against central finite differences, for every kernel, ARD and shared,
// zero and (profiled) constant mean, with per-observation noise; and the gradient of the
// posterior mean and std in x used by the acquisition search.

import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import { fitGaussianProcess, KERNEL_NAMES, logMarginalLikelihood, predictGpWithGradient } from "../../src/bayesopt/index.js";
import type { MeanFunction } from "../../src/bayesopt/index.js";

const rng = createRng("gp-gradient");
const X = Array.from({ length: 18 }, () => [4 * rng(), 2 * rng() - 1, 10 + 10 * rng()]);
const y = X.map((x) => Math.sin(x[0]!) + x[1]! ** 2 + 0.05 * x[2]! + 0.1 * (rng() - 0.5));
const noise = X.map(() => 0.01 + 0.05 * rng());

describe("log marginal likelihood gradient vs central differences (relative 1e-6)", () => {
  for (const kernel of KERNEL_NAMES) {
    for (const ard of [true, false]) {
      for (const mean_function of ["zero", "constant"] as MeanFunction[]) {
        it(`${kernel} ${ard ? "ARD" : "shared"} ${mean_function} mean`, () => {
          const theta0 = ard ? [Math.log(1.1), Math.log(0.6), Math.log(5)] : [Math.log(1.4)];
          theta0.push(Math.log(1.7), Math.log(0.03));
          const lml = (t: number[]) =>
            logMarginalLikelihood(X, y, {
              kernel,
              length_scale: t.slice(0, t.length - 2).map(Math.exp),
              signal_variance: Math.exp(t[t.length - 2]!),
              noise_variance: Math.exp(t[t.length - 1]!),
              mean_function,
              noise,
            });
          const g = lml(theta0).gradient;
          theta0.forEach((_, k) => {
            const h = 1e-5;
            const up = [...theta0];
            up[k]! += h;
            const dn = [...theta0];
            dn[k]! -= h;
            const fd = (lml(up).value - lml(dn).value) / (2 * h);
            expect(Math.abs(g[k]! - fd) / Math.max(1, Math.abs(fd))).toBeLessThan(1e-6);
          });
        });
      }
    }
  }
});

describe("posterior mean and std gradients in x vs central differences", () => {
  for (const kernel of KERNEL_NAMES) {
    it(kernel, () => {
      const gp = fitGaussianProcess(X, y, { kernel, length_scale: [1.1, 0.6, 5], signal_variance: 1.7, noise_variance: 0.03, optimize: false, noise }, createRng(1));
      for (const x of [[1.3, 0.2, 14], [3.1, -0.7, 11.5]]) {
        const p = predictGpWithGradient(gp, x);
        x.forEach((_, q) => {
          const h = 1e-6;
          const up = [...x];
          up[q]! += h;
          const dn = [...x];
          dn[q]! -= h;
          const a = predictGpWithGradient(gp, up);
          const b = predictGpWithGradient(gp, dn);
          expect(Math.abs(p.dmean[q]! - (a.mean - b.mean) / (2 * h))).toBeLessThan(1e-6);
          expect(Math.abs(p.dstd[q]! - (a.std - b.std) / (2 * h))).toBeLessThan(1e-6);
        });
      }
    });
  }
});
