// Result types of ExperimentState's RPC methods: what crosses the worker <-> Durable Object
// boundary. Inputs are the zod outputs of ../schemas.ts.

import type { ExperimentStatus, JsonValue } from "../schemas.js";



/** Answer to an allocation push (docs/sync-protocol.md). */
export interface ApplyAllocationResult {
  applied: boolean;
  /** The version held after the call. */
  version: number;
  /** Shard objects the push must also reach (the most ever pushed; 0 when unsharded). */
  fan_out: number;
}

/** A served decision: the body of a successful POST /v1/assign. */
export interface AssignedDecision {
  assigned: true;
  decision_id: string;
  experiment_id: string;
  unit_id: string;
  combination_id: string;
  variable_values: Record<string, JsonValue>;
  arm_id: string;
  /** Propensity of the chosen arm (the combination's traffic allocation, or the bandit's). */
  probability: number;
  algorithm: string | null;
  allocation_version: number;
  /** With a network in the allocation: "cluster" for a node of the graph, else the fallback's kind. */
  assignment?: "cluster" | "hash" | "bandit";
  /** The node's cluster (cluster assignments only). */
  cluster_id?: string;
}

/** Where the units of a sharded experiment go: object `<experiment_id>#<k>`, k = floor(hashToUnit(salt, unit_id) * shards). */
export interface ShardRouting {
  shards: number;
  salt: string;
  hash_version: number;
}

export type NotAssignedReason = "experiment_not_running" | "experiment_paused" | "experiment_completed" | "experiment_archived";

/** The experiment exists but does not assign units now: clients fall back to their default. */
export interface NotAssigned {
  assigned: false;
  experiment_id: string;
  unit_id: string;
  status: ExperimentStatus;
  reason: NotAssignedReason;
}

export type AssignResult =
  | { outcome: "assigned"; decision: AssignedDecision }
  | { outcome: "not_assigned"; answer: NotAssigned }
  | { outcome: "invalid_context"; path: string; message: string }
  | { outcome: "route"; routing: ShardRouting }
  | { outcome: "experiment_not_found" };

export type RewardRejectionReason =
  | "experiment_not_found"
  | "decision_not_found"
  | "decision_unit_mismatch"
  | "no_decision_for_unit"
  | "missing_attribution"
  | "invalid_reward";

export interface RewardRejection {
  event_id: string;
  reason: RewardRejectionReason;
}

export type RecordRewardsResult =
  | { outcome: "recorded"; accepted: number; duplicates: number; rejected: RewardRejection[]; accepted_ids: string[]; duplicate_ids: string[] }
  | { outcome: "route"; routing: ShardRouting }
  | { outcome: "experiment_not_found" };

/** Per-arm statistics as the object holds them. */
export interface ArmView {
  arm_id: string;
  combination_id: string;
  decisions: number;
  rewards: number;
  reward_sum: number;
  reward_sum_sq: number;
  reward_min: number | null;
  reward_max: number | null;
  mean: number | null;
  variance: number | null;
  /** Whether the arm is part of the allocation in force (retired arms keep their statistics). */
  in_allocation: boolean;
  /** The bandit policy's statistics of the arm (since its last drift reset), or null. */
  bandit: BanditArmView | null;
}

export interface BanditArmView {
  /** Live statistics (every reward so far). */
  n: number;
  sum: number;
  sum_sq: number;
  /** What the policy sees (published at most every update_frequency seconds). */
  published_n: number;
  drifts: number;
  last_drift_at: string | null;
}

export interface BanditSummary {
  bandit_config_id: string;
  algorithm: string;
  update_frequency: number;
  /** When the statistics the policy sees were last published (ISO). */
  published_at: string;
  shards: number;
}

export interface DriftEventView {
  arm_id: string;
  detector: string;
  statistic: number;
  detected_at: string;
  /** The shard that detected it (sharded experiments only). */
  shard?: number;
}

export type ArmsResult =
  | {
      outcome: "found";
      experiment_id: string;
      allocation_version: number;
      status: ExperimentStatus;
      arms: ArmView[];
      bandit: BanditSummary | null;
      drift_events: DriftEventView[];
      /** Shard count when this object routes to shards (their statistics are merged by the worker). */
      routing: ShardRouting | null;
    }
  | { outcome: "experiment_not_found" };

/** Delivery state of the outbox. */
export interface OutboxStatus {
  pending: number;
  /** Consecutive failed deliveries (0 after a success). */
  attempts: number;
  /** When the alarm is set to fire (ms since epoch), or null. */
  alarm_at: number | null;
}
