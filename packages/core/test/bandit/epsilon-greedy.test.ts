import { describe, expect, it } from "vitest";
import { createRng } from "../../src/index.js";
import { epsilonAt, epsilonGreedy, epsilonGreedyProbabilities } from "../../src/bandit/index.js";
import type { ArmStats } from "../../src/bandit/index.js";

const s = (arm_id: string, n: number, sum: number): ArmStats => ({ arm_id, n, sum, sum_sq: sum });

describe("epsilon-greedy", () => {
  it("has the exact propensities (1 - eps)/|ties| + eps/K and eps/K", () => {
    // Means 0.5, 0.5, 0.2 with eps = 0.3, K = 3: greedy ties {0, 1}.
    const stats = [s("a", 10, 5), s("b", 4, 2), s("c", 5, 1)];
    const p = epsilonGreedyProbabilities(stats, 0.3);
    expect(p[0]).toBeCloseTo(0.7 / 2 + 0.1, 15);
    expect(p[1]).toBeCloseTo(0.45, 15);
    expect(p[2]).toBeCloseTo(0.1, 15);
    const policy = epsilonGreedy({ exploration_rate: 0.3, arm_ids: ["a", "b", "c"] });
    for (let seed = 0; seed < 50; seed++) {
      const d = policy.decide(stats, {}, createRng(seed));
      expect(d.probability).toBeCloseTo(d.arm_index === 2 ? 0.1 : 0.45, 15);
    }
  });

  it("tries unplayed arms greedily (their mean counts as +Infinity)", () => {
    const p = epsilonGreedyProbabilities([s("a", 10, 9), s("b", 0, 0)], 0.2);
    expect(p).toEqual([0.1, 0.9]);
  });

  it("decays epsilon as documented: min(1, eps c / t) and eps / sqrt(t)", () => {
    expect(epsilonAt(0.2, 50)).toBe(0.2);
    expect(epsilonAt(0.2, 50, "inverse", 10)).toBeCloseTo(0.04, 15);
    expect(epsilonAt(0.5, 1, "inverse", 10)).toBe(1);
    expect(epsilonAt(0.2, 100, "inverse-sqrt")).toBeCloseTo(0.02, 15);
    const policy = epsilonGreedy({ exploration_rate: 0.2, arm_ids: ["a", "b"], decay: "inverse-sqrt" });
    // t defaults to total pulls + 1 = 100: epsilon 0.02, exploit arm a.
    const d = policy.decide([s("a", 60, 40), s("b", 39, 10)], {}, createRng(1));
    expect(d.probabilities![0]).toBeCloseTo(0.98 + 0.01, 15);
    expect(policy.decide([s("a", 60, 40), s("b", 39, 10)], { t: 4 }, createRng(1)).probabilities![1]).toBeCloseTo(0.05, 15);
  });
});
