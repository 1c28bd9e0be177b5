// Epsilon-greedy: with probability epsilon_t a uniform arm, otherwise the arm with the highest
// mean reward (ties broken uniformly). exploration_rate is epsilon. Optional decay schedules:
//   "none"          epsilon_t = epsilon
//   "inverse"       epsilon_t = min(1, epsilon * c / t)      (Auer, Cesa-Bianchi & Fischer 2002, epsilon_n-greedy)
//   "inverse-sqrt"  epsilon_t = epsilon / sqrt(t)
// with t the 1-based round (ctx.t, default total pulls + 1). An arm with no reward yet has mean
// +Infinity, so the greedy step tries every arm once. Propensities are exact:
//   greedy arm:  (1 - epsilon_t) / |argmax ties| + epsilon_t / K;  other arms: epsilon_t / K.

import type { Rng } from "../random/rng.js";
import { InvalidArgumentError } from "../errors.js";
import { applyRewardAt, initialArmStats, totalPulls } from "./arm-stats.js";
import { argmaxTies } from "./argmax.js";
import { assertStatsShape, decisionFrom, resolveArmIds, uniformArm } from "./policy-common.js";
import type { PolicyBaseOptions } from "./policy-common.js";
import type { ArmStats, ArmStatsPolicy, DecisionContext } from "./types.js";

export type EpsilonDecay = "none" | "inverse" | "inverse-sqrt";

export interface EpsilonGreedyOptions extends PolicyBaseOptions {
  /** Decay schedule of epsilon (default "none"). */
  readonly decay?: EpsilonDecay;
  /** The constant c of the "inverse" schedule (default 1). */
  readonly decay_c?: number;
}

/**
 * epsilon_t under a decay schedule. Reference: Auer, Cesa-Bianchi & Fischer (2002), "Finite-time
 * analysis of the multiarmed bandit problem", Machine Learning 47, section 3 (epsilon_n-greedy,
 * epsilon_n = min{1, cK/(d^2 n)}; here the constant is epsilon * c).
 */
export function epsilonAt(epsilon: number, t: number, decay: EpsilonDecay = "none", c = 1): number {
  const tt = Math.max(1, t);
  switch (decay) {
    case "none":
      return epsilon;
    case "inverse":
      return Math.min(1, (epsilon * c) / tt);
    case "inverse-sqrt":
      return epsilon / Math.sqrt(tt);
  }
}

/** Greedy values: the sample mean, +Infinity for an arm without rewards. */
export function greedyValues(stats: readonly ArmStats[]): number[] {
  return stats.map((s) => (s.n > 0 ? s.sum / s.n : Infinity));
}

/**
 * Exact epsilon-greedy probabilities: (1 - epsilon)/|ties| + epsilon/K on the maximal arms,
 * epsilon/K elsewhere (Sutton & Barto 2018, Reinforcement Learning, section 2.2).
 */
export function epsilonGreedyProbabilities(stats: readonly ArmStats[], epsilon: number): number[] {
  const k = stats.length;
  const ties = argmaxTies(greedyValues(stats));
  const p = new Array<number>(k).fill(epsilon / k);
  for (const i of ties) p[i]! += (1 - epsilon) / ties.length;
  return p;
}

/** The EpsilonGreedy policy over arm statistics. */
export function epsilonGreedy(options: EpsilonGreedyOptions): ArmStatsPolicy {
  const arm_ids = resolveArmIds(options);
  const decay = options.decay ?? "none";
  const c = options.decay_c ?? 1;
  if (!["none", "inverse", "inverse-sqrt"].includes(decay)) throw new InvalidArgumentError(`unknown epsilon decay "${decay}"`, "decay");
  if (!(Number.isFinite(c) && c > 0)) throw new InvalidArgumentError(`decay_c must be > 0, got ${c}`, "decay_c");
  const eps = (stats: readonly ArmStats[], ctx: DecisionContext) => epsilonAt(options.exploration_rate, ctx.t ?? totalPulls(stats) + 1, decay, c);
  const choose = (stats: readonly ArmStats[], ctx: DecisionContext, rng: Rng): number => {
    assertStatsShape(stats, arm_ids);
    const e = eps(stats, ctx);
    if (e > 0 && rng() < e) return uniformArm(stats.length, rng());
    const ties = argmaxTies(greedyValues(stats));
    return ties.length === 1 ? ties[0]! : ties[uniformArm(ties.length, rng())]!;
  };
  return {
    algorithm: "EpsilonGreedy",
    arm_ids,
    initialState: () => initialArmStats(arm_ids),
    choose,
    decide(stats, ctx, rng) {
      const i = choose(stats, ctx, rng);
      return decisionFrom(arm_ids, i, epsilonGreedyProbabilities(stats, eps(stats, ctx)));
    },
    update: (stats, arm_index, reward) => applyRewardAt(stats, arm_index, reward),
    weights: (stats) => {
      assertStatsShape(stats, arm_ids);
      return epsilonGreedyProbabilities(stats, eps(stats, {}));
    },
  };
}
