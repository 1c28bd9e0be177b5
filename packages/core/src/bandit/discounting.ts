// Exponentially discounted statistics for non-stationary rewards: at every round all arms'
// totals are multiplied by gamma in (0, 1] before the new reward is added (Kocsis & Szepesvari
// 2006, "Discounted UCB"; Garivier & Moulines 2011, D-UCB). The effective memory is 1/(1 - gamma).

import { InvalidArgumentError } from "../errors.js";
import { assertArmIndex, assertReward } from "./validation.js";
import type { ArmStats } from "./types.js";

function assertGamma(gamma: number): void {
  if (!(Number.isFinite(gamma) && gamma > 0 && gamma <= 1)) throw new InvalidArgumentError(`discount gamma must be in (0, 1], got ${gamma}`, "gamma");
}

/** Statistics with n, sum and sum_sq multiplied by gamma. */
export function discountArmStats(stats: ArmStats, gamma: number): ArmStats {
  assertGamma(gamma);
  return { arm_id: stats.arm_id, n: stats.n * gamma, sum: stats.sum * gamma, sum_sq: stats.sum_sq * gamma };
}

/**
 * One discounted round: every arm discounted by gamma, then `reward` added to arm `arm_index`
 * (Garivier & Moulines 2011, section 2, N_t(gamma, i) and X_t(gamma, i)).
 */
export function applyDiscountedReward(stats: readonly ArmStats[], arm_index: number, reward: number, gamma: number): ArmStats[] {
  assertGamma(gamma);
  assertArmIndex(arm_index, stats.length);
  assertReward(reward);
  return stats.map((s, i) => {
    const d = discountArmStats(s, gamma);
    return i === arm_index ? { ...d, n: d.n + 1, sum: d.sum + reward, sum_sq: d.sum_sq + reward * reward } : d;
  });
}

/** The discount whose effective memory 1/(1 - gamma) equals `window_size` rewards. */
export function gammaForWindow(window_size: number): number {
  if (!(Number.isFinite(window_size) && window_size >= 1)) throw new InvalidArgumentError(`window_size must be >= 1, got ${window_size}`, "non_stationary_params.window_size");
  return 1 - 1 / window_size;
}
