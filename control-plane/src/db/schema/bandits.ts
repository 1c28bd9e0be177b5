// Bandit aggregate: BanditConfiguration, its BanditAllocation log and RegretMetrics snapshots
// (DATA-MODEL.md). Tables only for now; the routes arrive with the bandits issue.

import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

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
      user_features?: string[];
      content_features?: string[];
    }>(),
    arm_definitions: text("arm_definitions", { mode: "json" })
      .$type<{ arm_id: string; configuration: Record<string, unknown>; prior?: Record<string, unknown> }[]>()
      .notNull(),
    update_frequency: integer("update_frequency").notNull(),
    regret_threshold: real("regret_threshold").notNull(),
    non_stationary_params: text("non_stationary_params", { mode: "json" }).$type<{
      window_size?: number;
      drift_threshold?: number;
    }>(),
    is_active: integer("is_active", { mode: "boolean" }).notNull().default(true),
    created_at: text("created_at").notNull(),
  },
  (t) => [
    index("bandit_configurations_experiment_idx").on(t.experiment_id, t.is_active),
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
