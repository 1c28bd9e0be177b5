import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InvalidArgumentError } from "../../src/index.js";
import { applyReward, armMean, armVariance, emptyArmStats, mergeArmStats, mergeArmStatsLists } from "../../src/bandit/index.js";
import type { ArmStats } from "../../src/bandit/index.js";

const fold = (rewards: readonly number[]): ArmStats => rewards.reduce((s, r) => applyReward(s, r), emptyArmStats("a"));

describe("arm statistics", () => {
  it("apply rewards purely and give the sample mean and variance", () => {
    const s0 = emptyArmStats("a");
    const s1 = applyReward(s0, 2);
    expect(s0).toEqual({ arm_id: "a", n: 0, sum: 0, sum_sq: 0 });
    const s = fold([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toEqual({ arm_id: "a", n: 8, sum: 40, sum_sq: 232 });
    expect(armMean(s)).toBe(5);
    expect(armVariance(s)).toBe(4); // population variance of the classic example
    expect(armMean(s0)).toBeNaN();
    expect(s1.n).toBe(1);
    expect(() => applyReward(s0, Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
  });

  it("merge shards into the statistics of all the rewards (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true })), fc.array(fc.double({ min: -100, max: 100, noNaN: true })), (xs, ys) => {
        const merged = mergeArmStats(fold(xs), fold(ys));
        const all = fold([...xs, ...ys]);
        return merged.n === all.n && Math.abs(merged.sum - all.sum) < 1e-8 && Math.abs(merged.sum_sq - all.sum_sq) < 1e-6;
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it("merge lists by arm id and refuse different arms", () => {
    const a = [{ arm_id: "x", n: 1, sum: 1, sum_sq: 1 }, { arm_id: "y", n: 2, sum: 0, sum_sq: 0 }];
    const b = [{ arm_id: "y", n: 3, sum: 2, sum_sq: 2 }, { arm_id: "x", n: 1, sum: 0, sum_sq: 0 }];
    expect(mergeArmStatsLists([a, b])).toEqual([{ arm_id: "x", n: 2, sum: 1, sum_sq: 1 }, { arm_id: "y", n: 5, sum: 2, sum_sq: 2 }]);
    expect(() => mergeArmStats(a[0]!, a[1]!)).toThrow(InvalidArgumentError);
  });
});
