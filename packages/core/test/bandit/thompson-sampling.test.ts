import { describe, expect, it } from "vitest";
import { createRng, InvalidArgumentError } from "../../src/index.js";
import {
  applyReward,
  betaPosterior,
  emptyArmStats,
  gammaDraw,
  nigMarginalMean,
  nigMeanDraw,
  nigPosterior,
  thompsonProbabilities,
  thompsonSampling,
} from "../../src/bandit/index.js";
import type { ArmStats } from "../../src/bandit/index.js";
import { evanMillerProbBBeatsA } from "./reference.js";

const binary = (arm_id: string, n: number, successes: number): ArmStats => ({ arm_id, n, sum: successes, sum_sq: successes });

describe("Evan Miller's closed form (test reference)", () => {
  it("agrees with numerical integration in scipy", () => {
    // scipy.integrate.quad(lambda x: beta.pdf(x, aB, bB) * beta.cdf(x, aA, bA), 0, 1), scipy 1.17
    expect(evanMillerProbBBeatsA(13, 89, 21, 81)).toBeCloseTo(0.9364999460218433, 9);
    expect(evanMillerProbBBeatsA(31, 71, 34, 68)).toBeCloseTo(0.6748861600523868, 9);
  });
});

describe("Thompson sampling, Beta-Bernoulli", () => {
  it("updates Beta(alpha + successes, beta + failures)", () => {
    expect(betaPosterior(binary("a", 100, 30), { alpha: 1, beta: 1 })).toEqual({ alpha: 31, beta: 71 });
    expect(betaPosterior(binary("a", 10, 4), { alpha: 2, beta: 5 })).toEqual({ alpha: 6, beta: 11 });
  });

  it("reports P(arm best) within 0.01 of the exact 2-arm value (20,000 draws, seeded)", () => {
    // A: 30/100, B: 33/100 under Beta(1, 1) priors -> Beta(31, 71) vs Beta(34, 68).
    const exact = evanMillerProbBBeatsA(31, 71, 34, 68);
    const stats = [binary("A", 100, 30), binary("B", 100, 33)];
    const p = thompsonProbabilities(stats, { exploration_rate: 0, arm_ids: ["A", "B"], propensity_draws: 20_000 }, createRng("ts-exact"));
    expect(Math.abs(p[1]! - exact)).toBeLessThan(0.01);
    const policy = thompsonSampling({ exploration_rate: 0, arm_ids: ["A", "B"], propensity_draws: 20_000 });
    const d = policy.decide(stats, {}, createRng("ts-decide"));
    expect(Math.abs(d.probabilities![1]! - exact)).toBeLessThan(0.01);
  });

  it("reports it within 3 Monte Carlo standard errors with the default 1,000 draws", () => {
    for (const [sA, sB, aA, bA, aB, bB] of [[12, 20, 13, 89, 21, 81], [30, 33, 31, 71, 34, 68]] as const) {
      const exact = evanMillerProbBBeatsA(aA, bA, aB, bB);
      const se = Math.sqrt((exact * (1 - exact)) / 1000);
      const policy = thompsonSampling({ exploration_rate: 0, arm_ids: ["A", "B"] });
      for (let seed = 0; seed < 5; seed++) {
        const d = policy.decide([binary("A", 100, sA), binary("B", 100, sB)], {}, createRng(`default-${seed}`));
        expect(Math.abs(d.probabilities![1]! - exact)).toBeLessThan(3 * se + 0.001);
      }
    }
  });

  it("mixes the uniform floor: probability = eps/K + (1 - eps) P(best), never below eps/K", () => {
    const stats = [binary("A", 1000, 100), binary("B", 1000, 300)];
    const p = thompsonProbabilities(stats, { exploration_rate: 0.2, arm_ids: ["A", "B"] }, createRng(1));
    expect(p[0]).toBeCloseTo(0.1, 12);
    expect(p[1]).toBeCloseTo(0.9, 12);
  });

  it("refuses binary rewards outside [0, 1]", () => {
    const policy = thompsonSampling({ exploration_rate: 0, arm_ids: ["A", "B"] });
    expect(() => policy.update(policy.initialState(), 0, 2)).toThrow(InvalidArgumentError);
  });
});

describe("Thompson sampling, Normal-inverse-gamma", () => {
  it("matches the textbook update (Murphy 2007, eqs. 86-89), computed by hand", () => {
    // Data 1, 2, 3, 4; prior NIG(mu0 0, kappa0 1, alpha0 1, beta0 1): n = 4, xbar = 2.5,
    // sum (x - xbar)^2 = 5, kappa_n = 5, mu_n = (0 + 10)/5 = 2, alpha_n = 1 + 4/2 = 3,
    // beta_n = 1 + 5/2 + 1 * 4 * 2.5^2 / (2 * 5) = 6.
    let stats = emptyArmStats("a");
    for (const x of [1, 2, 3, 4]) stats = applyReward(stats, x);
    const post = nigPosterior(stats, { mu0: 0, kappa0: 1, alpha0: 1, beta0: 1 });
    expect(post.mu0).toBeCloseTo(2, 14);
    expect(post.kappa0).toBeCloseTo(5, 14);
    expect(post.alpha0).toBeCloseTo(3, 14);
    expect(post.beta0).toBeCloseTo(6, 14);
    // Murphy eq. 97: mu | D ~ t_{2 alpha_n}(mu_n, beta_n / (alpha_n kappa_n)) = t_6(2, 0.4).
    const t = nigMarginalMean(post);
    expect(t.dof).toBeCloseTo(6, 14);
    expect(t.scale ** 2).toBeCloseTo(0.4, 14);
  });

  it("is the same posterior updated one observation at a time (conjugacy)", () => {
    const prior = { mu0: 0.5, kappa0: 0.3, alpha0: 2, beta0: 1.5 };
    let seq = prior;
    let stats = emptyArmStats("a");
    for (const x of [3.1, -0.4, 2.2, 5.0, 1.7]) {
      seq = nigPosterior(applyReward(emptyArmStats("a"), x), seq);
      stats = applyReward(stats, x);
    }
    const batch = nigPosterior(stats, prior);
    for (const key of ["mu0", "kappa0", "alpha0", "beta0"] as const) expect(seq[key]).toBeCloseTo(batch[key], 12);
  });

  it("draws the mean from the Student-t marginal (seeded Monte Carlo)", () => {
    const post = { mu0: 2, kappa0: 5, alpha0: 3, beta0: 6 };
    const rng = createRng("nig-draws");
    const n = 40_000;
    let s = 0, ss = 0, below = 0;
    for (let i = 0; i < n; i++) {
      const x = nigMeanDraw(post, rng);
      s += x;
      ss += x * x;
      // scipy.stats.t.ppf(0.975, 6, loc=2, scale=sqrt(0.4)) = 3.547562936655404
      if (x < 3.547562936655404) below++;
    }
    const mean = s / n;
    expect(mean).toBeCloseTo(2, 1);
    // Variance of t_6(2, 0.4): 0.4 * 6 / 4 = 0.6.
    expect(ss / n - mean * mean).toBeGreaterThan(0.55);
    expect(ss / n - mean * mean).toBeLessThan(0.65);
    expect(Math.abs(below / n - 0.975)).toBeLessThan(0.004);
  });

  it("prefers the arm with the larger mean reward", () => {
    const policy = thompsonSampling({ exploration_rate: 0, arm_ids: ["low", "high"], reward_type: "continuous" });
    const rng = createRng("continuous");
    let state = policy.initialState();
    for (let i = 0; i < 30; i++) {
      state = policy.update(state, 0, 10 + 3 * (rng() - 0.5));
      state = policy.update(state, 1, 11 + 3 * (rng() - 0.5));
    }
    expect(policy.decide(state, {}, createRng(2)).probabilities![1]).toBeGreaterThan(0.9);
  });
});

describe("Gamma sampler (Marsaglia & Tsang 2000)", () => {
  it("has mean and variance equal to the shape", () => {
    for (const shape of [0.4, 1, 3.5]) {
      const rng = createRng(`gamma-${shape}`);
      const n = 40_000;
      let s = 0, ss = 0;
      for (let i = 0; i < n; i++) {
        const x = gammaDraw(rng, shape);
        s += x;
        ss += x * x;
      }
      const mean = s / n;
      expect(Math.abs(mean - shape)).toBeLessThan(4 * Math.sqrt(shape / n));
      expect(Math.abs(ss / n - mean * mean - shape) / shape).toBeLessThan(0.05);
    }
  });
});
