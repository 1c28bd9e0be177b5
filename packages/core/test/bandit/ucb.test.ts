import { describe, expect, it } from "vitest";
import { createRng } from "../../src/index.js";
import { ucb, ucb1Index, ucb1TunedIndex, ucbIndices, ucbVIndex } from "../../src/bandit/index.js";
import type { ArmStats } from "../../src/bandit/index.js";

// Two Bernoulli arms after 15 plays: A 6/10 successes, B 2/5 (sum_sq = sum for 0/1 rewards).
const A: ArmStats = { arm_id: "A", n: 10, sum: 6, sum_sq: 6 };
const B: ArmStats = { arm_id: "B", n: 5, sum: 2, sum_sq: 2 };

describe("UCB indices", () => {
  it("match the UCB1 formula of Auer, Cesa-Bianchi & Fischer (2002), fig. 1, computed by hand", () => {
    // Python: 0.6 + math.sqrt(2 * math.log(15) / 10) and 0.4 + math.sqrt(2 * math.log(15) / 5)
    expect(ucb1Index(A, 15)).toBeCloseTo(1.3359416010937566, 12);
    expect(ucb1Index(B, 15)).toBeCloseTo(1.4407785933813608, 12);
    expect(ucbIndices([A, B])).toEqual([ucb1Index(A, 15), ucb1Index(B, 15)]);
  });

  it("match UCB1-Tuned (Auer et al. 2002, section 4) and UCB-V (Audibert et al. 2009, eq. 1)", () => {
    // Python: m + sqrt(log(t)/n * min(1/4, var + sqrt(2 log(t)/n))), var = sum_sq/n - m^2
    expect(ucb1TunedIndex(A, 15)).toBeCloseTo(0.8601946483453402, 12);
    expect(ucb1TunedIndex(B, 15)).toBeCloseTo(0.7679708005468784, 12);
    // Python: m + sqrt(2 var log(t)/n) + 3 log(t)/n
    expect(ucbVIndex(A, 15)).toBeCloseTo(1.77295134096398, 12);
    expect(ucbVIndex(B, 15)).toBeCloseTo(2.534705418460516, 12);
  });

  it("scale the bonus by exploration_rate (0 is greedy) and by the reward range", () => {
    expect(ucb1Index(A, 15, 0)).toBe(0.6);
    expect(ucb1Index(A, 15, 0.5) - 0.6).toBeCloseTo((1.3359416010937566 - 0.6) / 2, 12);
    const scaled: ArmStats = { arm_id: "A", n: 10, sum: 60, sum_sq: 600 };
    expect(ucb1TunedIndex(scaled, 15, 1, 10)).toBeCloseTo(10 * 0.8601946483453402, 10);
  });

  it("plays unplayed arms first, then the largest index, with propensity 1 (1/|ties| on ties)", () => {
    const policy = ucb({ exploration_rate: 1, arm_ids: ["A", "B", "C"] });
    const fresh = policy.initialState();
    const d0 = policy.decide(fresh, {}, createRng(1));
    expect(d0.probability).toBeCloseTo(1 / 3, 15);
    const partly = [A, B, { arm_id: "C", n: 0, sum: 0, sum_sq: 0 }];
    const d1 = policy.decide(partly, {}, createRng(1));
    expect(d1).toMatchObject({ arm_index: 2, probability: 1 });
    const d2 = policy.decide([A, B, { arm_id: "C", n: 1, sum: 0, sum_sq: 0 }], {}, createRng(1));
    // t = 16: C has index 0 + sqrt(2 ln 16 / 1) = 2.35, the largest.
    expect(d2).toMatchObject({ arm_index: 2, probability: 1 });
    expect(d2.probabilities).toEqual([0, 0, 1]);
    const tie = policy.decide([A, { ...A, arm_id: "B" }, { arm_id: "C", n: 10, sum: 2, sum_sq: 2 }], {}, createRng(3));
    expect(tie.probability).toBe(0.5);
    expect(tie.probabilities).toEqual([0.5, 0.5, 0]);
  });
});
