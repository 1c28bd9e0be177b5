// Acquisition functions: EI against the hand-computed closed form (Jones et al. 1998, eq. 15) and
// against scipy's numerical integration of E[max(f - best - xi, 0)] for normal, Student-t and
// mixture predictives (golden/special-scipy.json); PI and UCB; minimisation as maximisation of
// -f; gradients in (mean, std) against finite differences; the compatibility table's validation.

import { describe, expect, it } from "vitest";
import {
  ACQUISITION_COMPATIBILITY,
  acquisition,
  acquisitionNormalWithGradient,
  expectedImprovement,
  probabilityImprovement,
  upperConfidenceBound,
  validateAcquisition,
} from "../../src/bayesopt/index.js";
import type { AcquisitionName, LatentDistribution } from "../../src/bayesopt/index.js";
import { normalCdf, normalPdf } from "../../src/bayesopt/normal.js";
import { InvalidArgumentError } from "../../src/errors.js";
import golden from "./golden/special-scipy.json";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe("ExpectedImprovement", () => {
  it("equals the hand-computed closed form (mu - best - xi) Phi(z) + sigma phi(z)", () => {
    // mu = 1.2, sigma = 0.5, best = 1.0, xi = 0.05: z = 0.3
    const z = (1.2 - 1.0 - 0.05) / 0.5;
    const hand = 0.15 * normalCdf(z) + 0.5 * normalPdf(z);
    // Phi(0.3) = 0.61791142218895256, phi(0.3) = 0.38138781546052414 (R: pnorm(0.3), dnorm(0.3))
    expect(rel(hand, 0.15 * 0.61791142218895256 + 0.5 * 0.38138781546052414)).toBeLessThan(1e-15);
    expect(rel(expectedImprovement({ family: "normal", mean: 1.2, std: 0.5 }, 1.0, 0.05), hand)).toBeLessThan(1e-15);
  });
  it("with zero std is the plain improvement max(mu - best - xi, 0)", () => {
    expect(expectedImprovement({ family: "normal", mean: 2, std: 0 }, 1, 0.5)).toBe(0.5);
    expect(expectedImprovement({ family: "normal", mean: 0, std: 0 }, 1, 0)).toBe(0);
  });
  it("matches scipy's numerical integration for normal, Student-t and mixture predictives (1e-9)", () => {
    for (const c of golden.acquisition) {
      const dist = toDist(c);
      expect(rel(expectedImprovement(dist, c.best, c.xi), c.ei), JSON.stringify(c)).toBeLessThan(1e-9);
    }
  });
  it("minimisation is maximisation of -f", () => {
    const d: LatentDistribution = { family: "student_t", mean: 0.3, scale: 0.7, dof: 6 };
    const neg: LatentDistribution = { family: "student_t", mean: -0.3, scale: 0.7, dof: 6 };
    expect(expectedImprovement(d, 0.5, 0.1, "minimize")).toBeCloseTo(expectedImprovement(neg, -0.5, 0.1), 14);
  });
});

describe("ProbabilityImprovement and UCB", () => {
  it("PI matches scipy's survival functions (1e-12)", () => {
    for (const c of golden.acquisition) expect(rel(probabilityImprovement(toDist(c), c.best, c.xi), c.pi), JSON.stringify(c)).toBeLessThan(1e-12);
  });
  it("UCB is mean + sqrt(beta) std (BoTorch convention), -mean + sqrt(beta) std when minimising", () => {
    expect(upperConfidenceBound({ family: "normal", mean: 1, std: 2 }, 4)).toBe(5);
    expect(upperConfidenceBound({ family: "normal", mean: 1, std: 2 }, 4, "minimize")).toBe(3);
    // Student-t std = s sqrt(nu / (nu - 2)); mixture std by the law of total variance
    expect(upperConfidenceBound({ family: "student_t", mean: 0, scale: 1, dof: 4 }, 1)).toBeCloseTo(Math.SQRT2, 15);
    expect(upperConfidenceBound({ family: "mixture", weights: [0.5, 0.5], means: [-1, 1], stds: [0, 0] }, 1)).toBeCloseTo(1, 15);
  });
});

describe("gradients of the normal forms in (mean, std)", () => {
  const opts = [
    { goal: "maximize" as const, xi: 0.01, beta: 2 },
    { goal: "minimize" as const, xi: 0, beta: 4 },
  ];
  for (const name of ["ExpectedImprovement", "ProbabilityImprovement", "UCB"] as AcquisitionName[]) {
    for (const o of opts) {
      it(`${name} (${o.goal}) vs central differences`, () => {
        for (const [m, s] of [[0.4, 0.3], [1.5, 0.8], [-0.2, 1.1]] as const) {
          const g = acquisitionNormalWithGradient(name, m, s, 0.7, o);
          const f = (mm: number, ss: number) => acquisition(name, { family: "normal", mean: mm, std: ss }, 0.7, o);
          const h = 1e-6;
          expect(g.value).toBeCloseTo(f(m, s), 14);
          expect(Math.abs(g.dmean - (f(m + h, s) - f(m - h, s)) / (2 * h))).toBeLessThan(1e-8);
          expect(Math.abs(g.dstd - (f(m, s + h) - f(m, s - h)) / (2 * h))).toBeLessThan(1e-8);
        }
      });
    }
  }
});

describe("model_type x acquisition_function compatibility and options", () => {
  it("every listed pair validates", () => {
    for (const [model, names] of Object.entries(ACQUISITION_COMPATIBILITY)) for (const n of names) expect(validateAcquisition(model, n).goal).toBe("maximize");
  });
  it("unknown names and bad options throw InvalidArgumentError with a path", () => {
    const cases: [unknown, unknown, object, string][] = [
      ["GaussianProcess", "ThompsonSampling", {}, "acquisition_function"],
      ["RandomForest", "UCB", {}, "model_type"],
      ["GaussianProcess", "UCB", { beta: -1 }, "acquisition_options.beta"],
      ["GaussianProcess", "ExpectedImprovement", { xi: Number.NaN }, "acquisition_options.xi"],
      ["BayesianLinear", "UCB", { goal: "up" }, "acquisition_options.goal"],
    ];
    for (const [m, a, o, path] of cases) {
      try {
        validateAcquisition(m, a, o);
        expect.unreachable(`${m} ${a} should throw`);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).path).toBe(path);
      }
    }
  });
});

function toDist(c: (typeof golden.acquisition)[number]): LatentDistribution {
  if (c.family === "normal") return { family: "normal", mean: c.mean!, std: c.std! };
  if (c.family === "student_t") return { family: "student_t", mean: c.mean!, scale: c.scale!, dof: c.dof! };
  return { family: "mixture", weights: c.weights!, means: c.means!, stds: c.stds! };
}
