// Bandit aggregate: BanditConfiguration, its BanditAllocation log, RegretMetrics snapshots
// (DATA-MODEL.md) and the drift events the edge's change detectors report
// (docs/sync-protocol.md, "Bandits"). At most one configuration per experiment is active
// (a partial unique index).

import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

export const REWARD_TYPES = ["binary", "continuous"] as const;

/** A context feature declaration (core's FeatureSpec). */
export type FeatureSpecValue =
  | string
  | { name: string; type: "numeric" }
  | { name: string; type: "categorical"; vocabulary: string[] }
  | { name: string; type: "hashed"; buckets: number };

/** The `bandit` object of an allocation push (docs/sync-protocol.md), as stored with its configuration. */
export interface EdgeBandit {
  bandit_config_id: string;
  algorithm: (typeof BANDIT_ALGORITHMS)[number];
  exploration_rate: number;
  update_frequency: number;
  reward_type: (typeof REWARD_TYPES)[number];
  arms: { arm_id: string; combination_id: string; variable_values: Record<string, unknown>; prior?: Record<string, unknown> }[];
  context_features: { user_features?: FeatureSpecValue[]; content_features?: FeatureSpecValue[] } | null;
  non_stationary_params: Record<string, unknown> | null;
  min_arm_share: number;
  control_arm_id: string | null;
  control_share: number;
  winner_arm_id: string | null;
  shards: number;
}

export const BANDIT_ALGORITHMS = ["EpsilonGreedy", "ThompsonSampling", "UCB", "Contextual"] as const;

export const banditConfigurations = sqliteTable(
  "bandit_configurations",
  {
    id: text("id").primaryKey(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    algorithm: text("algorithm", { enum: BANDIT_ALGORITHMS }).notNull(),
    exploration_rate: real("exploration_rate").notNull(),
    context_features: text("context_features", { mode: "json" }).$type<{
      user_features?: FeatureSpecValue[];
      content_features?: FeatureSpecValue[];
    }>(),
    arm_definitions: text("arm_definitions", { mode: "json" })
      .$type<{ arm_id: string; combination_id?: string | null; configuration: Record<string, unknown>; prior?: Record<string, number> }[]>()
      .notNull(),
    update_frequency: integer("update_frequency").notNull(),
    regret_threshold: real("regret_threshold").notNull(),
    non_stationary_params: text("non_stationary_params", { mode: "json" }).$type<{
      window_size?: number;
      drift_threshold?: number;
      detector?: "page-hinkley" | "cusum";
    }>(),
    is_active: integer("is_active", { mode: "boolean" }).notNull().default(true),
    created_at: text("created_at").notNull(),
    reward_type: text("reward_type", { enum: REWARD_TYPES }).notNull().default("binary"),
    /** Floor of every arm's share at the edge (keeps propensities away from 0 for IPW). */
    min_arm_share: real("min_arm_share").notNull().default(0.01),
    control_arm_id: text("control_arm_id"),
    control_share: real("control_share").notNull().default(0),
    shards: integer("shards").notNull().default(1),
    /** Set when the expected loss of the champion fell below regret_threshold. */
    winner_arm_id: text("winner_arm_id"),
    winner_declared_at: text("winner_declared_at"),
    /** The `bandit` object pushed to the edge, kept in step with the columns above. */
    edge_bandit: text("edge_bandit", { mode: "json" }).$type<EdgeBandit>(),
    updated_at: text("updated_at"),
  },
  (t) => [
    index("bandit_configurations_experiment_idx").on(t.experiment_id, t.is_active),
    uniqueIndex("bandit_configurations_one_active_idx").on(t.experiment_id).where(sql`${t.is_active} = 1`),
    check("bandit_algorithm_check", sql`${t.algorithm} IN ('EpsilonGreedy','ThompsonSampling','UCB','Contextual')`),
    check("bandit_exploration_rate_check", sql`${t.exploration_rate} >= 0 AND ${t.exploration_rate} <= 1`),
    check("bandit_update_frequency_check", sql`${t.update_frequency} >= 0`),
  ],
);

export const banditAllocations = sqliteTable(
  "bandit_allocations",
  {
    id: text("id").primaryKey(),
    bandit_config_id: text("bandit_config_id")
      .notNull()
      .references(() => banditConfigurations.id, { onDelete: "cascade" }),
    /** The edge decision this allocation came from (null for allocations computed centrally). */
    decision_id: text("decision_id").unique(),
    timestamp: text("timestamp").notNull(),
    arm_probabilities: text("arm_probabilities", { mode: "json" }).$type<Record<string, number>>().notNull(),
    selected_arm: text("selected_arm").notNull(),
    reward: real("reward"),
    context: text("context", { mode: "json" }).$type<unknown>(),
  },
  (t) => [index("bandit_allocations_config_time_idx").on(t.bandit_config_id, t.timestamp)],
);

export const regretMetrics = sqliteTable(
  "regret_metrics",
  {
    id: text("id").primaryKey(),
    bandit_config_id: text("bandit_config_id")
      .notNull()
      .references(() => banditConfigurations.id, { onDelete: "cascade" }),
    timestamp: text("timestamp").notNull(),
    cumulative_regret: real("cumulative_regret").notNull(),
    expected_loss: real("expected_loss").notNull(),
    prob_best: text("prob_best", { mode: "json" }).$type<Record<string, number>>().notNull(),
    arm_estimates: text("arm_estimates", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    winner: text("winner"),
  },
  (t) => [index("regret_metrics_config_time_idx").on(t.bandit_config_id, t.timestamp)],
);

/** A change the edge's detector found in an arm's reward stream (docs/sync-protocol.md drift events). */
export const banditDriftEvents = sqliteTable(
  "bandit_drift_events",
  {
    id: text("id").primaryKey(),
    /** Dedupe key of the event (its seq-independent identity): experiment, arm, detector, time. */
    event_key: text("event_key").notNull().unique(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    /** The configuration active when the event was stored (null when none was). */
    bandit_config_id: text("bandit_config_id").references(() => banditConfigurations.id, { onDelete: "cascade" }),
    seq: integer("seq"),
    arm_id: text("arm_id"),
    detector: text("detector").notNull(),
    statistic: real("statistic"),
    detected_at: text("detected_at").notNull(),
    received_at: text("received_at").notNull(),
  },
  (t) => [index("bandit_drift_events_config_time_idx").on(t.bandit_config_id, t.detected_at)],
);
