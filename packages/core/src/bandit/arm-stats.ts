// Additive arm statistics {arm_id, n, sum, sum_sq}: pure updates (a reward returns new
// statistics), merging of shards by addition, and the sample mean and variance they imply.

import { InvalidArgumentError } from "../errors.js";
import { assertArmIndex, assertReward } from "./validation.js";
import type { ArmStats } from "./types.js";

/** Statistics of an arm that has no reward yet. */
export function emptyArmStats(arm_id: string): ArmStats {
  return { arm_id, n: 0, sum: 0, sum_sq: 0 };
}

/** Empty statistics for each arm id, in order. */
export function initialArmStats(arm_ids: readonly string[]): ArmStats[] {
  return arm_ids.map(emptyArmStats);
}

/** New statistics with one more reward (n + 1, sum + r, sum_sq + r^2). */
export function applyReward(stats: ArmStats, reward: number): ArmStats {
  assertReward(reward);
  return { arm_id: stats.arm_id, n: stats.n + 1, sum: stats.sum + reward, sum_sq: stats.sum_sq + reward * reward };
}

/** New list of statistics with `reward` applied to arm `arm_index`. */
export function applyRewardAt(stats: readonly ArmStats[], arm_index: number, reward: number): ArmStats[] {
  assertArmIndex(arm_index, stats.length);
  return stats.map((s, i) => (i === arm_index ? applyReward(s, reward) : s));
}

/** Statistics of the union of two shards of the same arm (the totals add). */
export function mergeArmStats(a: ArmStats, b: ArmStats): ArmStats {
  if (a.arm_id !== b.arm_id) throw new InvalidArgumentError(`cannot merge statistics of arms "${a.arm_id}" and "${b.arm_id}"`, "arm_id");
  return { arm_id: a.arm_id, n: a.n + b.n, sum: a.sum + b.sum, sum_sq: a.sum_sq + b.sum_sq };
}

/** Merges several shards' statistic lists arm by arm (matched by arm_id, order of the first). */
export function mergeArmStatsLists(shards: readonly (readonly ArmStats[])[]): ArmStats[] {
  if (shards.length === 0) return [];
  const first = shards[0]!;
  return first.map((arm) => {
    let merged: ArmStats = arm;
    for (const shard of shards.slice(1)) {
      const other = shard.find((s) => s.arm_id === arm.arm_id);
      if (other) merged = mergeArmStats(merged, other);
    }
    return merged;
  });
}

/** Sample mean of the rewards (NaN when n = 0). */
export function armMean(stats: ArmStats): number {
  return stats.n > 0 ? stats.sum / stats.n : Number.NaN;
}

/** Biased (1/n) sample variance of the rewards, clamped at 0 (NaN when n = 0). */
export function armVariance(stats: ArmStats): number {
  if (stats.n <= 0) return Number.NaN;
  const mean = stats.sum / stats.n;
  return Math.max(0, stats.sum_sq / stats.n - mean * mean);
}

/** Total number of pulls (the sum of n over arms). */
export function totalPulls(stats: readonly ArmStats[]): number {
  let t = 0;
  for (const s of stats) t += s.n;
  return t;
}
