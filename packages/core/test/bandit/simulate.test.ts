import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/index.js";
import { logCheckpoints, simulateBernoulli } from "../../src/bandit/index.js";

const ARMS = [0.1, 0.2, 0.3, 0.4];

describe("simulateBernoulli", () => {
  it("shows Thompson sampling's regret growing logarithmically (4 arms, seed 2024, 20 runs)", () => {
    const short = simulateBernoulli({ policy: { algorithm: "ThompsonSampling" }, arms: ARMS, horizon: 1000, runs: 20, seed: 2024 });
    const long = simulateBernoulli({ policy: { algorithm: "ThompsonSampling" }, arms: ARMS, horizon: 10_000, runs: 20, seed: 2024 });
    // Linear regret would grow 10x; log regret about ln(10^4)/ln(10^3) = 1.33x.
    expect(long.mean_regret / short.mean_regret).toBeLessThan(3);
    expect(long.final_arm_shares[3]).toBeGreaterThan(0.95);
  });

  it("has UCB1 and Thompson sampling beat uniform random play by a wide margin", () => {
    const common = { arms: ARMS, horizon: 2000, runs: 20, seed: 7 } as const;
    // Uniform random play is EpsilonGreedy with epsilon = 1: regret 2000 * mean gap 0.15 = 300 in expectation.
    const uniform = simulateBernoulli({ ...common, policy: { algorithm: "EpsilonGreedy", exploration_rate: 1 } });
    expect(uniform.ci95[0]).toBeLessThan(300);
    expect(uniform.ci95[1]).toBeGreaterThan(300);
    const ts = simulateBernoulli({ ...common, policy: { algorithm: "ThompsonSampling" } });
    const ucb1 = simulateBernoulli({ ...common, policy: { algorithm: "UCB" } });
    expect(ts.mean_regret).toBeLessThan(uniform.mean_regret / 5);
    expect(ucb1.mean_regret).toBeLessThan(uniform.mean_regret / 2);
    expect(ts.ci95[1]).toBeLessThan(ucb1.ci95[0]);
  });

  it("returns the documented shape, deterministically for a seed", () => {
    const input = { policy: { algorithm: "Contextual" as const }, arms: [0.05, 0.04], horizon: 500, runs: 5, seed: 3 };
    const r = simulateBernoulli(input);
    expect(simulateBernoulli(input)).toEqual(r);
    expect(simulateBernoulli({ ...input, seed: 4 })).not.toEqual(r);
    expect(r).toMatchObject({ algorithm: "Contextual", horizon: 500, runs: 5, exploration_rate: 1 });
    expect(r.ci95[0]).toBeLessThanOrEqual(r.mean_regret);
    expect(r.ci95[1]).toBeGreaterThanOrEqual(r.mean_regret);
    expect(r.final_arm_shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(r.checkpoints.at(-1)).toBe(500);
    expect(r.regret_curve.at(-1)).toBeCloseTo(r.mean_regret, 9);
    for (let i = 1; i < r.regret_curve.length; i++) expect(r.regret_curve[i]!).toBeGreaterThanOrEqual(r.regret_curve[i - 1]!);
  });

  it("computes pseudo-regret as sum of gaps times pulls, with a zero-width interval for 1 run", () => {
    // Epsilon 1: every arm ~ T/2 pulls; regret = 0.01 * pulls of the worse arm.
    const r = simulateBernoulli({ policy: { algorithm: "EpsilonGreedy", exploration_rate: 1 }, arms: [0.05, 0.04], horizon: 1000, runs: 1, seed: 1 });
    expect(r.mean_regret).toBeCloseTo(0.01 * r.final_arm_shares[1]! * 1000, 9);
    expect(r.ci95).toEqual([r.mean_regret, r.mean_regret]);
  });

  it("validates its input", () => {
    const ok = { policy: { algorithm: "UCB" as const }, arms: [0.5, 0.4], horizon: 10, runs: 1, seed: 1 };
    expect(() => simulateBernoulli({ ...ok, arms: [0.5] })).toThrow(InvalidArgumentError);
    expect(() => simulateBernoulli({ ...ok, arms: [0.5, 1.5] })).toThrow(InvalidArgumentError);
    expect(() => simulateBernoulli({ ...ok, horizon: 0 })).toThrow(InvalidArgumentError);
    expect(() => simulateBernoulli({ ...ok, runs: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => simulateBernoulli({ ...ok, policy: { algorithm: "UCB", exploration_rate: 2 } })).toThrow(InvalidArgumentError);
  });

  it("uses log-spaced checkpoints ending at the horizon", () => {
    const c = logCheckpoints(1000, 4);
    expect(c).toEqual([1, 2, 3, 6, 10, 18, 32, 56, 100, 178, 316, 562, 1000]);
    expect(logCheckpoints(1)).toEqual([1]);
    expect(logCheckpoints(1500, 1)).toEqual([1, 10, 100, 1000, 1500]);
  });
});
