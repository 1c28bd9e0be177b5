// Upper confidence bound policies: UCB1 and UCB1-Tuned (Auer, Cesa-Bianchi & Fischer 2002) and
// UCB-V (Audibert, Munos & Szepesvari 2009). exploration_rate rho scales the exploration bonus
// (rho = 1 is the published index, rho = 0 is greedy). Rewards are assumed in
// [0, reward_range] (default 1); the bonus scales with reward_range. Arms never played are
// chosen first. The policy is deterministic except for ties, which are broken uniformly at
// random, so the propensity of the chosen arm is 1/|ties| (1 without ties).

import type { Rng } from "../random/rng.js";
import { InvalidArgumentError } from "../errors.js";
import { applyRewardAt, initialArmStats, totalPulls } from "./arm-stats.js";
import { argmaxTies, tieProbabilities } from "./argmax.js";
import { assertStatsShape, decisionFrom, resolveArmIds, uniformArm } from "./policy-common.js";
import type { PolicyBaseOptions } from "./policy-common.js";
import type { ArmStats, ArmStatsPolicy } from "./types.js";

export type UcbVariant = "ucb1" | "ucb1-tuned" | "ucb-v";

export interface UcbOptions extends PolicyBaseOptions {
  /** Index (default "ucb1"). */
  readonly variant?: UcbVariant;
  /** Width of the reward range (rewards in [0, reward_range]); default 1. */
  readonly reward_range?: number;
}

/**
 * UCB1 index  xbar + rho * R * sqrt(2 ln t / n), t = total plays, n = the arm's plays
 * (Auer, Cesa-Bianchi & Fischer 2002, "Finite-time analysis of the multiarmed bandit problem",
 * Machine Learning 47, figure 1). +Infinity when n = 0.
 */
export function ucb1Index(stats: ArmStats, t: number, rho = 1, range = 1): number {
  if (stats.n <= 0) return Infinity;
  return stats.sum / stats.n + rho * range * Math.sqrt((2 * Math.log(t)) / stats.n);
}

/**
 * UCB1-Tuned index  xbar + rho * R * sqrt((ln t / n) * min(1/4, V)), V = s^2 + sqrt(2 ln t / n)
 * with s^2 the (1/n) variance of the rewards scaled to [0, 1] (Auer et al. 2002, section 4, eq. 4).
 */
export function ucb1TunedIndex(stats: ArmStats, t: number, rho = 1, range = 1): number {
  if (stats.n <= 0) return Infinity;
  const n = stats.n;
  const mean = stats.sum / n;
  const s2 = Math.max(0, stats.sum_sq / n - mean * mean) / (range * range);
  const lt = Math.log(t);
  const v = s2 + Math.sqrt((2 * lt) / n);
  return mean + rho * range * Math.sqrt((lt / n) * Math.min(0.25, v));
}

/**
 * UCB-V index  xbar + rho * (sqrt(2 V ln t / n) + 3 R ln t / n), V the (1/n) empirical variance
 * (Audibert, Munos & Szepesvari 2009, "Exploration-exploitation tradeoff using variance estimates
 * in multi-armed bandits", TCS 410, eq. 1 with exploration function ln t and c = 1).
 */
export function ucbVIndex(stats: ArmStats, t: number, rho = 1, range = 1): number {
  if (stats.n <= 0) return Infinity;
  const n = stats.n;
  const mean = stats.sum / n;
  const v = Math.max(0, stats.sum_sq / n - mean * mean);
  const lt = Math.log(t);
  return mean + rho * (Math.sqrt((2 * v * lt) / n) + (3 * range * lt) / n);
}

/** The index of every arm under a variant, with t = total plays (at least 1). */
export function ucbIndices(stats: readonly ArmStats[], variant: UcbVariant = "ucb1", rho = 1, range = 1): number[] {
  const t = Math.max(1, totalPulls(stats));
  const index = variant === "ucb1" ? ucb1Index : variant === "ucb1-tuned" ? ucb1TunedIndex : ucbVIndex;
  return stats.map((s) => index(s, t, rho, range));
}

/** The UCB policy over arm statistics. */
export function ucb(options: UcbOptions): ArmStatsPolicy {
  const arm_ids = resolveArmIds(options);
  const variant = options.variant ?? "ucb1";
  const range = options.reward_range ?? 1;
  if (!["ucb1", "ucb1-tuned", "ucb-v"].includes(variant)) throw new InvalidArgumentError(`unknown UCB variant "${variant}"`, "variant");
  if (!(Number.isFinite(range) && range > 0)) throw new InvalidArgumentError(`reward_range must be > 0, got ${range}`, "reward_range");
  const rho = options.exploration_rate;
  const ties = (stats: readonly ArmStats[]) => {
    assertStatsShape(stats, arm_ids);
    return argmaxTies(ucbIndices(stats, variant, rho, range));
  };
  const choose = (stats: readonly ArmStats[], _ctx: unknown, rng: Rng): number => {
    const t = ties(stats);
    return t.length === 1 ? t[0]! : t[uniformArm(t.length, rng())]!;
  };
  return {
    algorithm: "UCB",
    arm_ids,
    initialState: () => initialArmStats(arm_ids),
    choose,
    decide(stats, ctx, rng) {
      const i = choose(stats, ctx, rng);
      return decisionFrom(arm_ids, i, tieProbabilities(stats.length, ties(stats)));
    },
    update: (stats, arm_index, reward) => applyRewardAt(stats, arm_index, reward),
    weights: (stats) => tieProbabilities(stats.length, ties(stats)),
  };
}
