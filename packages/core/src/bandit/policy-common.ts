// Plumbing shared by the policies: arm ids from the configuration, state shape checks, and the
// decision record. No statistics here.

import { InvalidArgumentError } from "../errors.js";
import { assertArmCount, assertExplorationRate } from "./validation.js";
import type { ArmDefinition, ArmStats, BanditDecision } from "./types.js";

/** Options every policy takes: the exploration rate and the arms (definitions or bare ids). */
export interface PolicyBaseOptions {
  /** BanditConfiguration.exploration_rate in [0, 1]; each policy documents its meaning. */
  readonly exploration_rate: number;
  /** BanditConfiguration.arm_definitions (priors are read from them). */
  readonly arm_definitions?: readonly ArmDefinition[];
  /** Arm ids, when there are no definitions. */
  readonly arm_ids?: readonly string[];
}

/** Validates the common options and returns the arm ids in order. */
export function resolveArmIds(options: PolicyBaseOptions): string[] {
  assertExplorationRate(options.exploration_rate);
  const ids = options.arm_definitions ? options.arm_definitions.map((a) => a.arm_id) : options.arm_ids ? [...options.arm_ids] : [];
  assertArmCount(ids.length, options.arm_definitions ? "arm_definitions" : "arm_ids");
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError("arm ids must be unique", options.arm_definitions ? "arm_definitions" : "arm_ids");
  return ids;
}

/** Throws unless the statistics list has at least 2 arms and matches the policy's arms. */
export function assertStatsShape(stats: readonly ArmStats[], arm_ids: readonly string[]): void {
  assertArmCount(stats.length, "stats");
  if (stats.length !== arm_ids.length) throw new InvalidArgumentError(`expected statistics of ${arm_ids.length} arms, got ${stats.length}`, "stats");
}

/** The decision record for arm `i` given every arm's probability. */
export function decisionFrom(arm_ids: readonly string[], i: number, probabilities: readonly number[]): BanditDecision {
  return { arm_index: i, arm_id: arm_ids[i]!, probability: probabilities[i]!, probabilities };
}

/** A uniform arm index from one rng draw. */
export function uniformArm(k: number, u: number): number {
  return Math.min(k - 1, Math.floor(u * k));
}
