// Event-log aggregate shared with A/B testing: ExperimentAssignment (one row per decision the edge
// served) and ExperimentResult (one row per reward event), keyed by the edge's decision_id and
// event_id so that a repeated delivery inserts nothing new (docs/sync-protocol.md).

import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

export const experimentAssignments = sqliteTable(
  "experiment_assignments",
  {
    id: text("id").primaryKey(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    decision_id: text("decision_id").notNull().unique(),
    unit_id: text("unit_id").notNull(),
    combination_id: text("combination_id"),
    arm_id: text("arm_id"),
    variable_values: text("variable_values", { mode: "json" }).$type<Record<string, unknown>>(),
    probability: real("probability"),
    algorithm: text("algorithm"),
    allocation_version: integer("allocation_version"),
    context: text("context", { mode: "json" }).$type<unknown>(),
    assigned_at: text("assigned_at").notNull(),
  },
  (t) => [
    index("assignments_experiment_assigned_idx").on(t.experiment_id, t.assigned_at),
    index("assignments_experiment_combination_idx").on(t.experiment_id, t.combination_id),
  ],
);

export const experimentResults = sqliteTable(
  "experiment_results",
  {
    id: text("id").primaryKey(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    event_id: text("event_id").notNull().unique(),
    decision_id: text("decision_id"),
    unit_id: text("unit_id"),
    combination_id: text("combination_id"),
    arm_id: text("arm_id"),
    metric: text("metric").notNull().default("reward"),
    value: real("value").notNull(),
    occurred_at: text("occurred_at").notNull(),
    received_at: text("received_at").notNull(),
  },
  (t) => [
    index("results_experiment_occurred_idx").on(t.experiment_id, t.occurred_at),
    index("results_experiment_combination_idx").on(t.experiment_id, t.combination_id),
    index("results_decision_idx").on(t.decision_id),
  ],
);
